/* Vraagbaak /beheer: list, upload and remove documents over the admin API (docs/admin.md).
 * The token lives in sessionStorage (this tab only) and leaves the page only as the Authorization header
 * of the admin requests; it is never put in a URL. No inline script or style: the page's CSP is strict. */
(() => {
  "use strict";

  const KEY = "vraagbaak.beheer.token";
  const POLL_MS = 500; // a job's state, twice a second
  // One job runs at a time: a job queued behind another one this page follows is asked less often, so that
  // a page with many uploads stays under the service's rate limit (300/minute per client under gunicorn).
  const QUEUED_POLL_MS = 3000;
  const SETTLE_MS = 20000; // how long to wait for the served list to show a finished job's change
  const TYPES = {
    ".pdf": "application/pdf", ".md": "text/markdown", ".markdown": "text/markdown",
    ".html": "text/html", ".htm": "text/html", ".txt": "text/plain",
  };
  const STATUS = { queued: "In de wachtrij", running: "Bezig", done: "Klaar", failed: "Mislukt" };
  const STAGE = {
    queued: "in de wachtrij", starting: "taak starten", reading: "bestand lezen", indexing: "documenten lezen en splitsen",
    passages: "passages inbedden", sentences: "zinnen inbedden", "sparse terms": "zoektermen berekenen",
    writing: "index schrijven",
  };
  // The server's refusals, in Dutch; its own (English) message follows.
  const CODES = {
    missing_filename: "Het bestand heeft geen naam.",
    invalid_filename: "Deze bestandsnaam is niet toegestaan.",
    empty_upload: "Het bestand is leeg.",
    missing_file: "Het verzoek bevat geen bestand.",
    name_taken: "Er is al een document met deze bestandsnaam, of het wordt net toegevoegd.",
    last_source: "Dit is het laatste bestand; er moet er minstens één overblijven.",
    removal_pending: "Dit bestand wordt al verwijderd.",
    unknown_document: "Dit document bestaat niet (meer).",
    unknown_job: "Deze taak is niet (meer) bekend.",
    upload_too_large: "Het bestand is te groot.",
    unsupported_type: "Dit bestandstype wordt niet ondersteund: alleen PDF, Markdown, HTML en tekst.",
    rate_limited: "Te veel verzoeken. Probeer het zo opnieuw.",
    not_ready: "De dienst is nog niet klaar. Probeer het zo opnieuw.",
  };
  const STATUSES = {
    400: "Het verzoek is geweigerd.", 404: "Niet gevonden.", 409: "Dat kan nu niet.",
    413: "Het bestand is te groot.", 415: "Dit bestandstype wordt niet ondersteund.",
    429: "Te veel verzoeken. Probeer het zo opnieuw.", 503: "De dienst is nog niet klaar.",
  };
  const UNAUTHORIZED = "Het token is geweigerd (401) en is vergeten. Voer het juiste token in.";
  const UNREACHABLE = "De dienst is niet bereikbaar. Probeer het later opnieuw.";

  const $ = (id) => document.getElementById(id);
  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  };
  const english = (text) => {
    const span = el("span", null, text);
    span.lang = "en";
    return span;
  };
  const plural = (n, one, many) => n + " " + (n === 1 ? one : many);
  const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);

  const form = $("aanmelden");
  const field = $("token");
  const signedIn = $("aangemeld");
  const authMessage = $("toegang-melding");
  const addSection = $("toevoegen");
  const jobsSection = $("taken-sectie");
  const jobList = $("taken");
  const noJobs = $("geen-taken");
  const live = $("taakstatus");
  const docList = $("documenten");
  const docStatus = $("documenten-status");
  const dialog = $("bevestig");

  // ------------------------------------------------------------------ the token

  let token = null;
  const stored = {
    get() {
      try { return sessionStorage.getItem(KEY); } catch { return null; }
    },
    set(value) {
      try { sessionStorage.setItem(KEY, value); } catch { /* storage off: kept in memory for this page */ }
    },
    clear() {
      try { sessionStorage.removeItem(KEY); } catch { /* nothing stored */ }
    },
  };

  class Unauthorized extends Error {}

  // One admin request. A 401 forgets the token and says so; the caller gets Unauthorized.
  async function admin(method, path, { body, type } = {}) {
    if (!token) throw new Unauthorized();
    const headers = { Authorization: "Bearer " + token };
    if (type) headers["Content-Type"] = type;
    // no-store: a job's state is never a cached one; redirect "error": the header follows no redirect
    const response = await fetch(path, { method, headers, body, cache: "no-store", redirect: "error", credentials: "omit" });
    if (response.status === 401) {
      signOut(UNAUTHORIZED, true);
      throw new Unauthorized();
    }
    let data = null;
    try { data = await response.json(); } catch { /* 204 or not JSON */ }
    return { status: response.status, data, location: response.headers.get("Location") };
  }

  // {dutch, server}: what went wrong in Dutch, and the server's own message; status 0: no answer at all
  function refusal(r) {
    if (r.status === 0) return { dutch: UNREACHABLE };
    if (r.status === 401) return { dutch: UNAUTHORIZED };
    const error = (r.data && r.data.error) || {};
    return { dutch: CODES[error.code] || STATUSES[r.status] || "Er ging iets mis (" + r.status + ").", server: error.message };
  }

  function showSignedIn(on) {
    form.hidden = on;
    signedIn.hidden = !on;
    addSection.hidden = !on;
    if (on || jobList.children.length) jobsSection.hidden = false;
    renderDocuments();
  }

  async function signIn(value, quiet) {
    token = value;
    let r;
    try {
      r = await admin("GET", "/api/jobs");
    } catch (e) {
      if (!(e instanceof Unauthorized)) {
        token = null;
        authMessage.textContent = UNREACHABLE;
      }
      return;
    }
    if (r.status !== 200) {
      token = null;
      const why = refusal(r);
      authMessage.textContent = why.dutch + (why.server ? " " + why.server : "");
      return;
    }
    stored.set(value);
    field.value = "";
    if (!quiet) authMessage.textContent = "";
    showSignedIn(true);
    for (const job of (r.data.jobs || []).slice().reverse()) {
      if ((job.status === "queued" || job.status === "running") && !items.has(job.id)) {
        follow(newItem(jobName(job)), job, "/api/jobs/" + encodeURIComponent(job.id));
      }
    }
  }

  function signOut(message, alarm) {
    token = null;
    stored.clear();
    for (const item of items.values()) stop(item);
    field.value = "";
    showSignedIn(false);
    authMessage.textContent = message;
    if (alarm) field.focus();
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const value = field.value.trim();
    if (!value) {
      authMessage.textContent = "Vul het beheertoken in.";
      field.focus();
      return;
    }
    signIn(value, false);
  });
  $("vergeet").addEventListener("click", () => {
    signOut("Het token is vergeten. Taken op de server lopen door; meld u opnieuw aan om ze te volgen.", false);
    field.focus();
  });

  // ------------------------------------------------------------------ jobs

  const items = new Map(); // job id -> item
  const jobName = (job) => (job.kind === "remove" ? (job.filename || job.document) + " verwijderen" : job.filename);

  function newItem(name) {
    const li = el("li", "taak");
    li.tabIndex = -1;
    const head = el("p", "taak-kop");
    const nameEl = el("strong", "naam", name);
    const status = el("span", "status", "Versturen…");
    head.append(nameEl, " ", status);
    const bar = el("progress");
    bar.setAttribute("aria-label", "Voortgang van " + name);
    const detail = el("p", "detail");
    const error = el("p", "fout");
    error.hidden = true;
    li.append(head, bar, detail, error);
    jobList.prepend(li);
    noJobs.hidden = true;
    jobsSection.hidden = false;
    return { li, name, status, bar, detail, error, id: null, url: null, timer: 0, said: "", stopped: false };
  }

  function say(item, text) {
    if (text !== item.said) {
      item.said = text;
      live.textContent = text;
    }
  }

  function refuse(item, r) {
    const why = refusal(r);
    item.li.classList.add("geweigerd");
    item.status.textContent = "Geweigerd";
    item.bar.hidden = true;
    item.error.hidden = false;
    item.error.replaceChildren(why.dutch);
    if (why.server) item.error.append(" Melding van de server: ", english(why.server));
    say(item, item.name + ": geweigerd. " + why.dutch);
  }

  function follow(item, job, location) {
    item.id = job.id;
    items.set(job.id, item);
    item.li.dataset.job = job.id;
    // Location is /api/jobs/<id>; only a path on this origin is followed
    const url = location ? new URL(location, window.location.href) : null;
    item.url = url && url.origin === window.location.origin ? url.pathname : "/api/jobs/" + encodeURIComponent(job.id);
    render(item, job);
    if (job.status === "done" || job.status === "failed") finished(item, job);
    else item.timer = setTimeout(() => poll(item), POLL_MS);
  }

  function later(item) {
    const behind = item.state === "queued" && Array.from(items.values()).some((i) => !i.stopped && i.state === "running");
    return behind ? QUEUED_POLL_MS : POLL_MS;
  }

  function stop(item) {
    item.stopped = true;
    clearTimeout(item.timer);
  }

  async function poll(item) {
    if (item.stopped) return;
    let r;
    try {
      r = await admin("GET", item.url);
    } catch (e) {
      if (e instanceof Unauthorized) return;
      item.detail.textContent = "Geen verbinding met de dienst; opnieuw proberen…";
      item.timer = setTimeout(() => poll(item), POLL_MS * 4);
      return;
    }
    if (item.stopped) return;
    if (r.status === 200 && r.data && r.data.job) {
      render(item, r.data.job);
      if (r.data.job.status === "done" || r.data.job.status === "failed") finished(item, r.data.job);
      else item.timer = setTimeout(() => poll(item), later(item));
    } else if (r.status === 429 || r.status >= 500) {
      item.timer = setTimeout(() => poll(item), POLL_MS * 4);
    } else {
      stop(item);
      refuse(item, r);
    }
  }

  function render(item, job) {
    const p = job.progress || {};
    item.state = item.li.dataset.status = job.status;
    item.status.textContent = STATUS[job.status] || job.status;
    const parts = [];
    if (job.status === "queued") parts.push("Wacht op zijn beurt");
    if (job.status === "running" && p.stage && STAGE[p.stage]) parts.push(capital(STAGE[p.stage]));
    if (p.pages != null) parts.push(plural(p.pages, "pagina", "pagina's"));
    if (job.status === "running" && p.total) parts.push(p.done + " van " + p.total);
    if (job.status === "done") parts.push(outcome(job));
    item.detail.textContent = parts.join(" · ");
    // <progress>: done of total while embedding; without a total it shows activity only
    if (job.status === "done") {
      item.bar.max = 1;
      item.bar.value = 1;
    } else if (job.status === "running" && p.total) {
      item.bar.max = p.total;
      item.bar.value = p.done || 0;
    } else {
      item.bar.removeAttribute("value");
    }
    item.bar.hidden = job.status === "failed";
    if (job.status === "failed") {
      item.error.hidden = false;
      item.error.replaceChildren("Reden: ", english(job.error || "onbekend"));
    }
    const stage = job.status === "running" && STAGE[p.stage] ? ": " + STAGE[p.stage] : "";
    if (job.status === "failed") say(item, item.name + ": mislukt. " + (job.error || ""));
    else if (job.status === "done") say(item, item.name + ": klaar. " + outcome(job));
    else say(item, item.name + ": " + STATUS[job.status].toLowerCase() + stage + ".");
  }

  function outcome(job) {
    if (job.kind === "remove") return "Verwijderd: " + (job.removed || [job.filename]).join(", ");
    const docs = job.documents || [];
    if (!docs.length) return "Toegevoegd.";
    return "Toegevoegd: " + docs.map((d) => d.title + " (" + plural(d.passages, "passage", "passages") + ")").join(", ");
  }

  function finished(item, job) {
    stop(item);
    if (job.status !== "done") {
      loadDocuments();
      return;
    }
    // The job is done when the new build is written; the server serves it within a second or so.
    if (job.kind === "remove") {
      const gone = new Set(job.removed || [job.filename]);
      settle((docs) => !docs.some((d) => gone.has(d.source)));
    } else {
      const ids = (job.documents || []).map((d) => d.id);
      settle((docs) => ids.every((id) => docs.some((d) => d.id === id)));
    }
  }

  // ------------------------------------------------------------------ uploads

  const suffix = (name) => {
    const dot = name.lastIndexOf(".");
    return dot < 0 ? "" : name.slice(dot).toLowerCase();
  };

  async function upload(file) {
    const item = newItem(file.name);
    item.bar.removeAttribute("value");
    say(item, file.name + ": versturen.");
    // The type comes from the name; an unknown suffix is left for the server to refuse (415).
    const type = TYPES[suffix(file.name)] || "application/octet-stream";
    let r;
    try {
      r = await admin("POST", "/api/documents?filename=" + encodeURIComponent(file.name), { body: file, type });
    } catch (e) {
      refuse(item, { status: e instanceof Unauthorized ? 401 : 0, data: null });
      return;
    }
    if (r.status === 202 && r.data && r.data.job) follow(item, r.data.job, r.location);
    else refuse(item, r);
  }

  async function uploadAll(files) {
    for (const file of Array.from(files)) {
      if (!token) return;
      await upload(file);
    }
  }

  const input = $("bestand");
  input.addEventListener("change", () => {
    const files = Array.from(input.files || []);
    input.value = ""; // the same file can be chosen again
    uploadAll(files);
  });
  const zone = $("sleepvlak");
  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (e) => {
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
      zone.classList.add("erboven");
    });
  }
  zone.addEventListener("dragleave", (e) => {
    if (!zone.contains(e.relatedTarget)) zone.classList.remove("erboven");
  });
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("erboven");
    if (e.dataTransfer && e.dataTransfer.files.length) uploadAll(e.dataTransfer.files);
  });
  // A file dropped beside the zone must not make the browser leave the page to open it.
  for (const type of ["dragover", "drop"]) {
    document.addEventListener(type, (e) => {
      if (!zone.contains(e.target)) e.preventDefault();
    });
  }

  // ------------------------------------------------------------------ documents

  let documents = null;
  let settling = 0;

  async function fetchDocuments() {
    // public: no token
    const response = await fetch("/api/documents", { cache: "no-store", credentials: "omit" });
    if (!response.ok) throw new Error(String(response.status));
    return (await response.json()).documents || [];
  }

  async function loadDocuments() {
    try {
      documents = await fetchDocuments();
    } catch {
      docStatus.textContent = "De documenten konden niet worden geladen. " + UNREACHABLE;
      return;
    }
    renderDocuments();
  }

  // Fetch the list until it shows a finished job's change (at most SETTLE_MS), then show it.
  async function settle(shows) {
    const round = ++settling;
    const deadline = Date.now() + SETTLE_MS;
    for (;;) {
      try {
        documents = await fetchDocuments();
      } catch {
        documents = documents || [];
      }
      if (round !== settling) return; // a later job's wait took over
      if (shows(documents) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    renderDocuments();
  }

  const pagesOf = (d) => {
    if (d.first_page == null) return "geen";
    return d.first_page === d.last_page ? "p. " + d.first_page : "p. " + d.first_page + "–" + d.last_page;
  };
  const dayOf = (iso) => {
    const t = new Date(/^\d{4}-\d\d-\d\d$/.test(iso || "") ? iso + "T12:00:00" : iso); // a day: noon, local
    return !iso || isNaN(t) ? "" : t.toLocaleDateString("nl-NL", { day: "numeric", month: "long", year: "numeric" });
  };
  const dateOf = (iso) => {
    const t = new Date(iso);
    if (!iso || isNaN(t)) return "onbekend";
    return t.toLocaleString("nl-NL", { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" });
  };

  function renderDocuments() {
    if (documents == null) return;
    const removing = new Set(
      Array.from(items.values())
        .filter((i) => i.removing && !i.stopped)
        .map((i) => i.removing),
    );
    docStatus.textContent = documents.length === 1 ? "1 document" : documents.length + " documenten";
    docList.replaceChildren(
      ...documents.map((d, n) => {
        const li = el("li", "document");
        li.dataset.id = d.id;
        const title = el("h3", null, d.title || d.id);
        title.id = "document-" + n;
        const about = [d.kind, dayOf(d.date)].filter(Boolean).join(" · "); // two documents may share a title
        const list = el("dl");
        const row = (name, value) => {
          const div = el("div");
          const dd = el("dd");
          dd.append(value);
          div.append(el("dt", null, name), dd);
          list.append(div);
        };
        const file = el("a", "bron", d.source);
        file.href = "/api/documents/" + encodeURIComponent(d.id) + "/file";
        row("Bestand", file);
        row("Pagina's", pagesOf(d));
        row("Passages", String(d.passages));
        const added = el("time", null, dateOf(d.added));
        if (d.added) added.dateTime = d.added;
        row("Toegevoegd", added);
        row("Id", el("code", null, d.id));
        li.append(title);
        if (about) li.append(el("p", "soort", about));
        li.append(list);
        if (token) {
          const button = el("button", "verwijder", removing.has(d.source) ? "Wordt verwijderd…" : "Verwijderen");
          button.type = "button";
          button.disabled = removing.has(d.source);
          button.setAttribute("aria-label", button.textContent + ": " + (d.title || d.id));
          button.addEventListener("click", () => confirmRemoval(d, button));
          li.append(button);
        }
        return li;
      }),
    );
  }

  // ------------------------------------------------------------------ removal, after a confirmation

  let pending = null; // {doc, button}

  function confirmRemoval(doc, button) {
    const same = (documents || []).filter((d) => d.source === doc.source);
    const text = $("bevestig-tekst");
    text.textContent = "Het bestand " + doc.source + " wordt uit de verzameling gehaald";
    if (same.length > 1) text.textContent += ", met alle " + same.length + " documenten erin: " + same.map((d) => d.title).join(", ");
    else text.textContent += ": " + (doc.title || doc.id);
    text.textContent += ". Daarna is het niet meer te vinden. (Op de server blijft het bestand bewaard, in de map .removed/.)";
    pending = { doc, button };
    dialog.showModal(); // focus goes to "Nee, behouden" (autofocus); Escape is "nee"
  }

  function closeDialog(yes) {
    const p = pending;
    pending = null;
    if (dialog.open) dialog.close();
    if (!p) return;
    if (yes) removeDocument(p.doc);
    else if (p.button.isConnected) p.button.focus();
  }

  $("bevestig-ja").addEventListener("click", () => closeDialog(true));
  $("bevestig-nee").addEventListener("click", () => closeDialog(false));
  // Escape: "cancel" comes before the dialog closes. Its "close" event comes later, as a task: by then the
  // dialog may be open again for another document, and that event must not answer the new question.
  dialog.addEventListener("cancel", () => closeDialog(false));
  dialog.addEventListener("close", () => {
    if (!dialog.open) closeDialog(false);
  });

  async function removeDocument(doc) {
    const item = newItem(doc.source + " verwijderen");
    item.removing = doc.source;
    renderDocuments();
    item.li.focus(); // the button is gone; the job that removes its document is where to read on
    let r;
    try {
      r = await admin("DELETE", "/api/documents/" + encodeURIComponent(doc.id));
    } catch (e) {
      refuse(item, { status: e instanceof Unauthorized ? 401 : 0, data: null });
      stop(item);
      renderDocuments();
      return;
    }
    if (r.status === 202 && r.data && r.data.job) {
      follow(item, r.data.job, r.location);
    } else if (r.status === 204) {
      stop(item);
      render(item, { kind: "remove", status: "done", filename: doc.source, removed: [doc.source], progress: {} });
      settle((docs) => !docs.some((d) => d.source === doc.source));
    } else {
      stop(item);
      refuse(item, r);
      renderDocuments();
    }
  }

  // ------------------------------------------------------------------ start

  loadDocuments();
  const saved = stored.get();
  if (saved) signIn(saved, true);
  else showSignedIn(false);
})();
