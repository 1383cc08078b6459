/* Vraagbaak search widget: <vraagbaak-search endpoint="https://host"></vraagbaak-search>
 * One file, no dependencies; talks only to its endpoint. Docs: README.md, "Search widget". */
(() => {
  "use strict";
  if (customElements.get("vraagbaak-search")) return;

  const script = document.currentScript;
  const ORIGIN = script && script.src ? new URL(script.src, location.href).origin : location.origin;
  const DEBOUNCE_MS = 250;
  const TIMEOUT_MS = 15000;
  const CONTEXT = 140; // characters of context either side of the highlight in a collapsed result
  // A result scoring below this share of the best one is "minder relevant" (docs/api.md: on the gold and
  // fresh sets no passage holding the evidence at ranks 2-5 scored below it, and half the others did).
  const LESS_RELEVANT = 0.6;

  const TEXT = {
    nl: {
      label: "Stel een vraag", placeholder: "Stel een vraag, bijvoorbeeld: hoeveel geld gaat er naar de politie?",
      results: "Zoekresultaten", loading: "Zoeken…", empty: "Geen passages gevonden.",
      count: (n) => (n === 1 ? "1 passage" : n + " passages"),
      unreachable: "De zoekdienst is niet bereikbaar. Probeer het later opnieuw.",
      lessRelevant: "minder relevant",
      notAllowed: "Deze website mag de zoekdienst niet gebruiken: de dienst laat verzoeken van deze site niet toe (VRAAGBAAK_CORS_ORIGINS).",
      failed: "Zoeken mislukt", noAnswer: "Geen zeker antwoord.",
      noAnswerMore: " Dit zijn de passages die het dichtst in de buurt komen.",
      footnotes: (n) => "Voetnoten (" + n + ")", copy: "Citaat kopiëren", copied: "Gekopieerd",
      copyFailed: "Kopiëren mislukt", more: "Toon hele passage", less: "Toon minder",
      open: (p) => "Open de PDF op p. " + p, answer: "Antwoord",
      hint: "↑↓ kiezen · Enter openen · Esc wissen", date: "nl-NL",
    },
    en: {
      label: "Ask a question", placeholder: "Ask a question, e.g. how much money goes to the police?",
      results: "Search results", loading: "Searching…", empty: "No passages found.",
      count: (n) => (n === 1 ? "1 passage" : n + " passages"),
      unreachable: "The search service cannot be reached. Please try again later.",
      lessRelevant: "less relevant",
      notAllowed: "This website may not use the search service: the service does not accept requests from this site (VRAAGBAAK_CORS_ORIGINS).",
      failed: "Search failed", noAnswer: "No confident answer.",
      noAnswerMore: " These are the closest passages.",
      footnotes: (n) => "Footnotes (" + n + ")", copy: "Copy quotation", copied: "Copied",
      copyFailed: "Copy failed", more: "Show whole passage", less: "Show less",
      open: (p) => "Open the PDF at p. " + p, answer: "Answer",
      hint: "↑↓ choose · Enter open · Esc clear", date: "en-GB",
    },
  };

  const CSS = `
:host{display:block;font-family:var(--vb-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);font-size:var(--vb-font-size,1rem);line-height:1.5;color:var(--vb-color,#1b1b1b);--_accent:var(--vb-accent,#154273);--_muted:var(--vb-muted,#535353);--_border:var(--vb-border,#8a8f98);--_focus:var(--vb-focus,#154273)}
:host([hidden]){display:none}
*{box-sizing:border-box}
.vb{background:var(--vb-bg,#fff);border:1px solid var(--_border);border-radius:var(--vb-radius,8px);padding:.75em;min-width:0}
.bar{position:relative}
input{width:100%;font:inherit;color:inherit;background:var(--vb-input-bg,#fff);border:2px solid var(--_border);border-radius:var(--vb-radius,8px);padding:.6em .75em;min-height:2.75em}
input:focus{outline:3px solid var(--_focus);outline-offset:2px;border-color:var(--_accent)}
input::placeholder{color:var(--_muted);opacity:1}
.bar::after{content:"";position:absolute;left:0;right:0;bottom:0;height:3px;border-radius:0 0 var(--vb-radius,8px) var(--vb-radius,8px);background:var(--_accent);transform:scaleX(0);transform-origin:left}
.loading .bar::after{animation:vbl 1s ease-in-out infinite}
@keyframes vbl{0%{transform:scaleX(0)}60%{transform:scaleX(.8)}100%{transform:scaleX(1);opacity:0}}
@media (prefers-reduced-motion:reduce){.loading .bar::after{animation:none;transform:scaleX(1);opacity:.6}}
.label{display:block;margin:0 0 .3em;font-weight:600;font-size:.9375em}
.hint{margin:.2em 0 0;color:var(--_muted);font-size:.8125em}
.result.less{background:var(--vb-less-bg,#fafafa)}
.result.first-less{margin-top:.75em}
.result.first-less::before{content:"";display:block;border-top:1px dashed var(--_border);margin:-1.1em -.75em .9em}
.lesstag{font-style:italic}
.unsure mark{background:transparent;color:inherit;font-weight:600;padding:0}
.status{margin:.5em 0 0;color:var(--_muted);font-size:.875em;min-height:1.3em;display:flex;flex-wrap:wrap;gap:.25em 1em;justify-content:space-between}
.status:empty{display:none}
.error{color:var(--vb-error,#a4161a);font-weight:600}
.notice{margin:.5em 0 0;padding:.5em .75em;border-left:4px solid var(--vb-warning,#b35c00);background:var(--vb-warning-bg,#fff4e5);color:var(--vb-color,#1b1b1b);border-radius:4px}
.notice[hidden],[hidden]{display:none!important}
.results{margin:.5em 0 0;display:grid;gap:.5em}
.results:empty{display:none}
.result{border:1px solid var(--vb-result-border,#d5d8dd);border-radius:var(--vb-radius,8px);padding:.6em .75em;background:var(--vb-result-bg,#fff);min-width:0;overflow-wrap:anywhere}
.result:hover{border-color:var(--_border)}
.result>:first-child{cursor:pointer}
.result.current{outline:3px solid var(--_focus);outline-offset:1px;border-color:var(--_accent)}
.answer{margin:.5em 0 0;padding:.6em .75em;border:1px solid var(--_accent);border-left-width:4px;border-radius:var(--vb-radius,8px);background:var(--vb-answer-bg,#f2f6fb);overflow-wrap:anywhere}
.answer .label{margin:0;font-size:.8125em;color:var(--_muted)}
.answer .value{margin:.1em 0 0;font-size:1.25em;font-weight:700;line-height:1.3}
.answer blockquote{margin:.4em 0 0;padding:0 0 0 .6em;border-left:2px solid var(--vb-result-border,#d5d8dd)}
.answer .cite{margin:.4em 0 0;font-size:.8125em;color:var(--_muted)}
.answer .meta{margin-top:.4em}
.sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.path{margin:0;font-size:.8125em;color:var(--_muted)}
.page{white-space:nowrap;font-weight:600;color:var(--_accent)}
.text{margin:.3em 0}
mark{background:var(--vb-mark-bg,#ffe27a);color:var(--vb-mark-color,inherit);padding:0 .1em;border-radius:2px}
.meta{display:flex;flex-wrap:wrap;align-items:center;gap:.35em .75em;font-size:.8125em;color:var(--_muted)}
.doc{margin:0 0 .35em;font-size:.8125em;color:var(--_muted)}
button{font:inherit;font-size:1em;color:var(--_accent);background:transparent;border:1px solid currentColor;border-radius:4px;padding:.2em .6em;cursor:pointer;min-height:2em}
button:hover{background:var(--vb-button-hover,#eef2f8)}
button:focus-visible{outline:3px solid var(--_focus);outline-offset:2px}
a.source{color:var(--_accent)}
a.source:focus-visible{outline:3px solid var(--_focus);outline-offset:2px}
ol{flex-basis:100%;margin:0;padding-left:1.5em;color:var(--_muted)}
@media (max-width:480px){.vb{padding:.5em}.result,.answer{padding:.5em}.hint{display:none}}
.more{font-size:.8125em;color:var(--_accent);text-decoration:underline}
`;

  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  };
  // "p. 3", "p. 3–4", or the PDF's own label ("p. iv"); nothing for a document without pages (Markdown, HTML).
  const pages = (h) => {
    if (h.page == null) return "";
    const first = h.page_label || String(h.page);
    if (h.page === h.page_end || h.page_end == null) return "p. " + first;
    return h.page_label ? "p. " + first + " e.v." : "p. " + first + "–" + h.page_end; // "e.v.": and following
  };
  const instances = [];
  let uid = 0;

  // "/" (outside text fields) and Ctrl/Cmd+K focus the first widget on the page.
  document.addEventListener("keydown", (e) => {
    const w = instances.find((i) => i.isConnected);
    if (!w || e.defaultPrevented) return;
    const target = e.composedPath()[0];
    const typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if ((e.key === "k" || e.key === "K") && (e.ctrlKey || e.metaKey) && !e.altKey) {
      e.preventDefault();
      w.focus();
    } else if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      w.focus();
    }
  });

  class VraagbaakSearch extends HTMLElement {
    static get observedAttributes() {
      return ["endpoint", "k", "document", "placeholder", "lang"];
    }

    constructor() {
      super();
      const id = "vb" + ++uid;
      const root = this.attachShadow({ mode: "open", delegatesFocus: true });
      if (root.adoptedStyleSheets && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype) {
        const sheet = new CSSStyleSheet(); // constructed: allowed by a strict style-src CSP
        sheet.replaceSync(CSS);
        root.adoptedStyleSheets = [sheet];
      } else {
        root.appendChild(el("style", null, CSS));
      }
      this._box = el("div", "vb");
      this._box.setAttribute("part", "box");
      // A visible label: a placeholder disappears as one types and is no label (WCAG 3.3.2).
      this._label = el("label", "label");
      this._label.htmlFor = id + "-input";
      const bar = el("div", "bar");
      const input = (this._input = el("input"));
      input.id = id + "-input";
      Object.assign(input, { type: "search", autocomplete: "off", spellcheck: false, enterKeyHint: "search" });
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-haspopup", "grid");
      input.setAttribute("aria-expanded", "false");
      input.setAttribute("aria-controls", id + "-list");
      input.setAttribute("aria-describedby", id + "-status");
      input.setAttribute("part", "input");
      bar.append(input);
      this._status = el("div", "status");
      this._status.id = id + "-status";
      this._status.setAttribute("role", "status");
      this._status.setAttribute("aria-live", "polite");
      this._notice = el("div", "notice");
      this._notice.hidden = true;
      // The answer card, above the passages. Its text is announced once per search through a live region
      // of its own that is always in the page: a region that appears with its content is often not read.
      this._say = el("p", "sr");
      this._say.setAttribute("aria-live", "polite");
      this._say.setAttribute("aria-atomic", "true");
      this._card = el("section", "answer");
      this._card.id = id + "-answer";
      this._card.setAttribute("part", "answer");
      this._card.setAttribute("aria-labelledby", id + "-answer-label");
      this._card.hidden = true;
      // The results are a grid (the "combobox with grid popup" pattern): a row per result, whose first cell
      // (the passage) is what the arrow keys select and whose second holds its buttons. A listbox's options
      // may hold no controls: their children are presentational to assistive technology.
      this._list = el("div", "results");
      this._list.id = id + "-list";
      this._list.setAttribute("role", "grid");
      // The key hints sit outside the live region: announced after every search they were noise.
      this._hint = el("div", "hint");
      this._hint.setAttribute("aria-hidden", "true");
      this._hint.hidden = true;
      this._box.append(this._label, bar, this._status, this._hint, this._notice, this._say, this._card, this._list);
      root.append(this._box);
      this._id = id;
      this._seq = 0;
      this._hits = [];
      this._active = -1;
      this._query = "";
      input.addEventListener("input", () => this._schedule());
      input.addEventListener("keydown", (e) => this._key(e));
    }

    connectedCallback() {
      if (!instances.includes(this)) instances.push(this);
      this._texts();
    }

    disconnectedCallback() {
      const i = instances.indexOf(this);
      if (i >= 0) instances.splice(i, 1);
      clearTimeout(this._timer);
      if (this._ctrl) this._ctrl.abort();
    }

    attributeChangedCallback(name, old, value) {
      if (old === value) return;
      if (name === "lang" || name === "placeholder") {
        this._texts();
        if (name === "lang" && this._last) this._render(this._last, false);
      } else if (this._query) {
        this._query = "";
        this._schedule(0);
      }
    }

    get endpoint() {
      return (this.getAttribute("endpoint") || ORIGIN).replace(/\/+$/, "");
    }

    get t() {
      return /^en\b/i.test(this.getAttribute("lang") || "") ? TEXT.en : TEXT.nl;
    }

    focus() {
      this._input.focus();
    }

    /** Search now for `q` (also what the field shows). */
    search(q) {
      this._input.value = q;
      this._schedule(0);
    }

    clear() {
      clearTimeout(this._timer);
      if (this._ctrl) this._ctrl.abort();
      this._seq++;
      this._input.value = "";
      this._query = "";
      this._last = null;
      this._box.classList.remove("loading");
      this._status.replaceChildren();
      this._notice.hidden = true;
      this._hint.hidden = true;
      this._answer(null);
      this._show([]);
    }

    _texts() {
      const t = this.t;
      this._input.placeholder = this.getAttribute("placeholder") || t.placeholder;
      this._label.textContent = t.label;
      this._hint.textContent = t.hint;
      this._list.setAttribute("aria-label", t.results);
    }

    _schedule(delay = DEBOUNCE_MS) {
      clearTimeout(this._timer);
      this._timer = setTimeout(() => this._run(), delay);
    }

    async _run() {
      const q = this._input.value.trim();
      if (!q) return this.clear();
      if (q === this._query) return;
      this._query = q;
      if (this._ctrl) this._ctrl.abort();
      const ctrl = (this._ctrl = new AbortController());
      const seq = ++this._seq;
      const k = parseInt(this.getAttribute("k") || "5", 10) || 5;
      const doc = this.getAttribute("document");
      const url = new URL(this.endpoint + "/api/search");
      url.searchParams.set("q", q);
      url.searchParams.set("k", String(k));
      if (doc) url.searchParams.set("document", doc);
      this._box.classList.add("loading");
      this._list.setAttribute("aria-busy", "true");
      this._status.replaceChildren(el("span", null, this.t.loading));
      this._say.textContent = ""; // so that the same answer to the next question is announced again
      const timer = setTimeout(() => ctrl.abort(), TIMEOUT_MS);
      let state;
      try {
        const r = await fetch(url, { signal: ctrl.signal, headers: { Accept: "application/json" } });
        let body = null;
        try {
          body = await r.json();
        } catch (_) {
          /* not JSON: a proxy's error page */
        }
        if (r.ok && body && Array.isArray(body.results)) state = { q, body };
        else {
          const err = (body && body.error) || {};
          state = { q, error: { status: r.status, code: err.code || "http_" + r.status, message: err.message || r.statusText } };
        }
      } catch (e) {
        if (seq !== this._seq) return; // aborted for a newer search
        // A browser reports a CORS refusal as it reports a network failure. An opaque request, which
        // CORS does not govern, tells them apart: if it gets through, the service is up and refused this site.
        const refused = !ctrl.signal.aborted && (await this._reachable());
        if (seq !== this._seq) return;
        const code = refused ? "origin_not_allowed" : "unreachable";
        state = { q, error: { status: 0, code, message: String((e && e.message) || e) } };
      } finally {
        clearTimeout(timer);
      }
      if (seq !== this._seq) return; // a stale response never overwrites a newer one
      this._box.classList.remove("loading");
      this._list.removeAttribute("aria-busy");
      this._last = state;
      this._render(state);
      const body = state.body;
      this._emit("vraagbaak:search", {
        query: q, k, document: doc || null,
        answerable: body ? body.answerable : null,
        answer: body ? body.answer || null : null,
        count: body ? body.results.length : 0,
        took_ms: body ? body.took_ms : null,
        results: body ? body.results : [],
        error: state.error || null,
      });
    }

    async _reachable() {
      const ctrl = new AbortController();
      const timer = setTimeout(() => ctrl.abort(), 3000);
      try {
        await fetch(this.endpoint + "/healthz", { mode: "no-cors", cache: "no-store", signal: ctrl.signal });
        return true;
      } catch (_) {
        return false;
      } finally {
        clearTimeout(timer);
      }
    }

    _render(state, announce = true) {
      const t = this.t;
      this._notice.hidden = true;
      this._hint.hidden = true;
      this._answer(state.body && state.body.answerable !== false ? state.body.answer : null, announce);
      if (state.error) {
        const e = state.error;
        const msg =
          e.code === "origin_not_allowed" ? t.notAllowed
          : e.status === 0 || e.status >= 500 ? t.unreachable
          : t.failed + ": " + e.message;
        const span = el("span", "error", msg);
        span.setAttribute("role", "alert");
        this._status.replaceChildren(span);
        return this._show([]);
      }
      const hits = state.body.results;
      if (!hits.length) {
        this._status.replaceChildren(el("span", "empty", t.empty));
        return this._show([]);
      }
      this._status.replaceChildren(el("span", "count", t.count(hits.length)));
      this._hint.hidden = false;
      // Without a confident answer the passages are only the closest ones: no highlight that claims more.
      this._list.classList.toggle("unsure", state.body.answerable === false);
      if (state.body.answerable === false) {
        this._notice.replaceChildren(el("strong", null, t.noAnswer), document.createTextNode(t.noAnswerMore));
        this._notice.hidden = false;
      }
      this._show(hits, state.body.answerable !== false ? state.body.answer : null);
    }

    _show(hits, answer = null) {
      this._hits = hits;
      this._answerOf = answer;
      this._active = -1;
      this._input.removeAttribute("aria-activedescendant");
      this._input.setAttribute("aria-expanded", hits.length ? "true" : "false");
      this._list.replaceChildren(...hits.map((h, i) => this._item(h, i)));
      // Scores compare within one answer only: below LESS_RELEVANT x the best, a result is marked as such.
      const top = hits.length ? hits[0].score : 0;
      let first = true;
      hits.forEach((h, i) => {
        if (!(top > 0 && typeof h.score === "number" && h.score < LESS_RELEVANT * top)) return;
        const li = this._list.children[i];
        li.classList.add("less");
        if (first) li.classList.add("first-less");
        first = false;
        li.querySelector(".path").prepend(el("span", "lesstag", this.t.lessRelevant), " · ");
      });
    }

    // The answer card: the answer in bold, its sentence, the citation and "Citaat kopiëren"; hidden without one.
    _answer(a, announce = true) {
      const t = this.t;
      if (!a || !a.text) {
        this._card.hidden = true;
        this._card.replaceChildren();
        return;
      }
      const label = el("p", "label", t.answer);
      label.id = this._id + "-answer-label";
      const parts = [label, el("p", "value", a.text)];
      if (a.sentence && a.sentence !== a.text) parts.push(el("blockquote", "sentence", a.sentence));
      parts.push(el("p", "cite", a.citation || ""));
      const actions = el("div", "meta");
      const copy = el("button", "copy", t.copy);
      copy.type = "button";
      copy.addEventListener("click", () => this._copy(a.sentence || a.text, a.citation, copy));
      actions.append(copy);
      parts.push(actions);
      this._card.replaceChildren(...parts);
      this._card.hidden = false;
      if (announce) this._say.textContent = t.answer + ": " + a.text;
    }

    // A result: a row of two cells, the passage (section path, text, document) and its buttons and link.
    _item(h, i) {
      const t = this.t;
      const li = el("div", "result");
      li.setAttribute("role", "row");
      li.setAttribute("part", "result");
      li.dataset.id = h.id;
      const opt = el("div"); // no class: "active" and "expanded" are its whole class list
      opt.id = this._id + "-opt-" + i;
      opt.setAttribute("role", "gridcell");
      opt.setAttribute("aria-selected", "false");
      const path = el("p", "path");
      const section = el("span", "section");
      const trail = h.section_path && h.section_path.length ? h.section_path : [h.section];
      // A planning row answers "when" with its quarter, its own heading: that heading is what gets marked.
      const a = this._answerOf;
      const quarter = a && a.passage_id === h.id && a.kind === "date" && a.text === trail[trail.length - 1];
      section.append(trail.slice(0, quarter ? -1 : trail.length).join(" › "));
      if (quarter) section.append(trail.length > 1 ? " › " : "", el("mark", null, a.text));
      path.append(section);
      if (h.page != null) path.append(" · ", el("span", "page", pages(h)));
      const text = el("p", "text");
      opt._text = text;
      opt._h = h;
      this._fill(opt, false);
      const d = h.document || {};
      opt.append(path, text, el("p", "doc", [d.title, this._date(d.date)].filter(Boolean).join(" · ")));
      li._opt = opt;
      const meta = el("div", "meta");
      meta.setAttribute("role", "gridcell");
      const notes = h.footnotes || [];
      let list = null;
      if (notes.length) {
        const b = el("button", "fn", t.footnotes(notes.length));
        b.type = "button";
        b.setAttribute("aria-expanded", "false");
        list = el("ol", "footnotes");
        list.hidden = true;
        for (const f of notes) {
          const item = el("li", null, f.text);
          if (/^\d+$/.test(f.mark)) item.value = +f.mark;
          list.append(item);
        }
        b.addEventListener("click", () => {
          list.hidden = !list.hidden;
          b.setAttribute("aria-expanded", String(!list.hidden));
        });
        meta.append(b);
      }
      const copy = el("button", "copy", t.copy);
      copy.type = "button";
      // A citaat is the quotation itself: the highlighted sentence in quotes, then where it stands.
      copy.addEventListener("click", () => this._copy(h.highlight || h.text, h.citation, copy));
      meta.append(copy);
      if (h.source_url) {
        // The source PDF at the cited page: where a reader checks the citation. Only a path on the
        // endpoint is followed, so a response can never point the link elsewhere.
        const url = new URL(h.source_url, this.endpoint + "/");
        if (url.origin === new URL(this.endpoint + "/").origin) {
          const a = el("a", "source", t.open(h.page));
          a.href = url.href;
          a.target = "_blank";
          a.rel = "noopener";
          meta.append(a);
        }
      }
      if (list) meta.append(list);
      li.append(opt, meta);
      opt.addEventListener("click", () => {
        this._activate(i);
        this._open(i);
      });
      return li;
    }

    // The passage with its highlights in <mark>; collapsed, only the highlights and some context. The answer's
    // passage marks every sentence that holds an answer of the asked kind (348 and 114 million for the police).
    _fill(opt, expanded) {
      const h = opt._h;
      const text = h.text || "";
      const marks = [];
      let cursor = 0;
      for (const s of h.highlights && h.highlights.length ? h.highlights : h.highlight ? [h.highlight] : []) {
        const found = s ? text.indexOf(s, cursor) : -1;
        if (found >= 0) {
          marks.push([found, found + s.length]);
          cursor = found + s.length;
        }
      }
      const at = marks.length ? marks[0][0] : -1;
      const end = marks.length ? marks[marks.length - 1][1] : 0;
      let from = 0;
      let to = text.length;
      if (!expanded && text.length > 2 * CONTEXT + (end - at)) {
        from = Math.max(0, (at >= 0 ? at : 0) - CONTEXT);
        to = Math.min(text.length, (at >= 0 ? end : 2 * CONTEXT) + CONTEXT);
        if (from > 0) from = text.indexOf(" ", from) + 1 || from;
        if (to < text.length) to = text.lastIndexOf(" ", to) > (at >= 0 ? end : from) ? text.lastIndexOf(" ", to) : to;
      }
      const parts = [];
      if (from > 0) parts.push("… ");
      let pos = from;
      for (const [a, b] of marks) {
        parts.push(text.slice(pos, a), el("mark", null, text.slice(a, b)));
        pos = b;
      }
      parts.push(text.slice(pos, to));
      if (to < text.length) parts.push(" …");
      opt._text.replaceChildren(...parts);
      opt._expanded = expanded;
      if (from > 0 || to < text.length || expanded) {
        opt._text.append(" ", el("span", "more", expanded ? this.t.less : this.t.more));
      }
      opt.classList.toggle("expanded", expanded);
    }

    _date(iso) {
      if (!iso) return "";
      const d = new Date(iso + "T00:00:00Z");
      if (isNaN(d)) return iso;
      return d.toLocaleDateString(this.t.date, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
    }

    _activate(i) {
      const items = this._list.children;
      if (!items.length) return;
      i = Math.max(0, Math.min(items.length - 1, i));
      if (this._active >= 0 && items[this._active]) {
        items[this._active].classList.remove("current");
        items[this._active]._opt.classList.remove("active");
        items[this._active]._opt.setAttribute("aria-selected", "false");
      }
      this._active = i;
      const li = items[i];
      li.classList.add("current");
      li._opt.classList.add("active");
      li._opt.setAttribute("aria-selected", "true");
      this._input.setAttribute("aria-activedescendant", li._opt.id);
      li.scrollIntoView({ block: "nearest" });
    }

    _open(i) {
      const li = this._list.children[i];
      if (!li) return;
      const opt = li._opt;
      this._fill(opt, !opt._expanded);
      this._emit("vraagbaak:select", { query: this._query, index: i, rank: opt._h.rank, id: opt._h.id, expanded: opt._expanded, result: opt._h });
    }

    // Copies “quote” (citation): a citaat is the quoted words with where they stand, not the reference alone.
    async _copy(quote, citation, button) {
      const t = this.t;
      quote = (quote || "").trim();
      const text = quote ? "“" + quote + "” (" + (citation || "") + ")" : citation || "";
      let ok = false;
      try {
        await navigator.clipboard.writeText(text);
        ok = true;
      } catch (_) {
        const area = el("textarea", null, text); // insecure contexts have no async clipboard
        this.shadowRoot.append(area);
        area.select();
        try {
          ok = document.execCommand("copy");
        } catch (_) {
          ok = false;
        }
        area.remove();
      }
      button.textContent = ok ? t.copied : t.copyFailed;
      setTimeout(() => (button.textContent = t.copy), 2000);
    }

    _key(e) {
      const n = this._hits.length;
      if (e.key === "ArrowDown" && n) {
        e.preventDefault();
        this._activate(this._active + 1);
      } else if (e.key === "ArrowUp" && n) {
        e.preventDefault();
        this._activate(this._active <= 0 ? 0 : this._active - 1);
      } else if (e.key === "Home" && n && this._active >= 0) {
        e.preventDefault();
        this._activate(0);
      } else if (e.key === "End" && n && this._active >= 0) {
        e.preventDefault();
        this._activate(n - 1);
      } else if (e.key === "Enter") {
        e.preventDefault();
        if (this._active >= 0) this._open(this._active);
        else {
          this._query = "";
          this._schedule(0);
        }
      } else if (e.key === "Escape") {
        e.preventDefault();
        if (this._input.value || n) this.clear();
        else this._input.blur();
      }
    }

    _emit(type, detail) {
      this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
    }
  }

  customElements.define("vraagbaak-search", VraagbaakSearch);
})();
