"""The management page /beheer in headless Chromium, against a real server with an admin token on 127.0.0.1.

The server indexes a temporary copy of the shipped letter; its job runner runs real indexing jobs
and its live reload serves their builds. In the browser: sign in, upload a generated PDF through the
file input, follow the job to done, find the new document with the search widget, remove it after
the confirmation, and see it gone. Screenshots at 1280 and 360 px go to artifacts/ (gitignored).
Skipped without Chromium or Playwright, unless VRAAGBAAK_REQUIRE_BROWSER=1 (CI), which fails instead.
"""

from __future__ import annotations

import re
import shutil
from urllib.parse import urlsplit

import pytest
from pdfs import dossier_pdf
from test_widget_browser import ARTIFACTS, Server

from vraagbaak.corpus import DEFAULT_CORPUS
from vraagbaak.documents import build
from vraagbaak.index.embedcache import cache_dir
from vraagbaak.service.app import create_app
from vraagbaak.settings import ServiceSettings, Settings

pytestmark = pytest.mark.browser

TOKEN = "beheer-browser-token-0123456789"
KEY = "vraagbaak.beheer.token"
#: What waits on the server's work besides a job: a search, the list after a reload (the machine may be busy).
SERVER_MS = 20_000
#: An upload's job: start a job process, read the PDF in its limited child, embed one page, write, reload.
JOB_MS = 180_000
W = "vraagbaak-search"
RESULT = f"{W} [role=row] > [role=gridcell][aria-selected]"  # a result's passage cell (tests/test_widget_browser.py)
TITLE = "Kustnota zandsuppletie Cadzand"
PARAGRAPHS = [
    "Rijkswaterstaat brengt in 2027 vier miljoen kubieke meter zand aan voor de kust bij Cadzand. "
    "Deze zandsuppletie beschermt de duinen en de dijk tegen stormvloeden.",
    "De gemeente Sluis en het waterschap Scheldestromen volgen de zandsuppletie met metingen van het strandprofiel.",
]
# The live region's texts, the CSP violations and the widget's searches, as the page saw them.
RECORD = """
window.__said = [];
window.__csp = [];
window.__searches = [];
document.addEventListener("vraagbaak:search", (e) => window.__searches.push(
  {query: e.detail.query, error: e.detail.error, titles: (e.detail.results || []).map((r) => r.document.title)}));
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective));
document.addEventListener("DOMContentLoaded", () => {
  const live = document.getElementById("taakstatus");
  if (live) new MutationObserver(() => window.__said.push(live.textContent)).observe(live, {childList: true});
});
"""


@pytest.fixture(scope="module")
def admin_service(browser, index_dir, embedder, tmp_path_factory):
    """A server with the admin API over a corpus directory holding the letter; nothing is re-embedded."""
    root = tmp_path_factory.mktemp("beheer")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy2(DEFAULT_CORPUS, corpus / DEFAULT_CORPUS.name)
    index = root / "index"
    shutil.copytree(cache_dir(index_dir), cache_dir(index))  # the session index's embeddings: the letter's
    settings = Settings(
        index_dir=index,
        corpus_dir=corpus,
        service=ServiceSettings(admin_token=TOKEN, reload_interval=0.2),
    )
    build(settings, progress=False)
    app = create_app(settings, embedder=embedder)
    server = Server(app)
    server.root = root
    yield server
    server.stop()
    app.extensions["vraagbaak_admin"].runner.stop()


@pytest.fixture()
def page(new_page):
    page = new_page(RECORD)
    page.console_errors, page.requests = [], []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("request", lambda r: page.requests.append((r.method, r.url, r.headers.get("authorization"))))
    return page


def sign_in(page, url: str, token: str = TOKEN) -> None:
    page.goto(url + "/beheer")
    field = page.get_by_label("Beheertoken")
    field.fill(token)
    field.press("Enter")


def search(page, question: str) -> dict:
    """Ask the page's widget ``question`` and wait for its answer: the vraagbaak:search event's detail."""
    seen = page.evaluate("window.__searches.length")
    field = page.locator(f"{W} input")
    field.fill(question)
    field.press("Enter")
    page.wait_for_function("n => window.__searches.length > n", arg=seen, timeout=SERVER_MS)
    return page.evaluate("window.__searches[window.__searches.length - 1]")


def stored_token(page):
    return page.evaluate(f"sessionStorage.getItem('{KEY}')")


def assert_clean(page, url: str, *, refusals: int = 0) -> None:
    """No CSP violation, no script error, the token only in Authorization headers to the admin API."""
    assert page.evaluate("window.__csp") == []
    assert not [m for m in page.console_errors if "Content Security Policy" in m or "Refused" in m]
    # the browser logs each 4xx answer as a console error; nothing else may be there
    others = [m for m in page.console_errors if not m.startswith("Failed to load resource")]
    assert others == [] and len(page.console_errors) == refusals, page.console_errors
    assert page.errors == []
    for method, request_url, authorization in page.requests:
        assert TOKEN not in request_url
        if authorization is not None:
            path = urlsplit(request_url).path
            assert request_url.startswith(url + "/") and (
                (method == "GET" and (path == "/api/jobs" or path.startswith("/api/jobs/")))
                or (method == "POST" and path == "/api/documents")
                or (method == "DELETE" and path.startswith("/api/documents/"))
            ), (method, request_url)
            assert authorization.startswith("Bearer ")


def test_upload_follow_search_and_remove(admin_service, page, tmp_path):
    from playwright.sync_api import expect

    url = admin_service.url
    pdf = dossier_pdf(tmp_path / "kustnota.pdf", title=TITLE, reference="9123456", paragraphs=PARAGRAPHS, pages=1)

    page.goto(url + "/beheer")
    expect(page.locator("h1")).to_have_text("Vraagbaak — beheer")
    docs = page.locator("#documenten > li")
    expect(docs).to_have_count(3)  # the letter, its annex and the memo: listed without a token
    expect(page.locator("#toevoegen")).to_be_hidden()
    expect(page.locator("button.verwijder")).to_have_count(0)

    field = page.get_by_label("Beheertoken")
    expect(field).to_have_attribute("type", "password")
    field.fill(TOKEN)
    field.press("Enter")
    expect(page.locator("#aangemeld")).to_be_visible()
    expect(page.locator("#toevoegen")).to_be_visible()
    assert stored_token(page) == TOKEN
    expect(page.locator("button.verwijder")).to_have_count(3)

    # Upload through the file input, follow the job until it is done.
    page.get_by_label("Kies een bestand of sleep het naar dit vlak").set_input_files(str(pdf))
    job = page.locator("#taken > li").first
    expect(job.locator(".naam")).to_have_text("kustnota.pdf")
    expect(job).to_have_attribute("data-status", "done", timeout=JOB_MS)
    expect(job.locator(".status")).to_have_text("Klaar")
    expect(job.locator(".detail")).to_contain_text("1 pagina")
    expect(job.locator(".detail")).to_contain_text(f"Toegevoegd: {TITLE} (")
    bar = job.locator("progress")
    assert bar.evaluate("b => [b.value, b.max]") == [1, 1]
    said = page.evaluate("window.__said")
    assert said[:2] == ["kustnota.pdf: versturen.", "kustnota.pdf: in de wachtrij."]  # the 202's job: queued
    assert said[-1].startswith(f"kustnota.pdf: klaar. Toegevoegd: {TITLE} (")
    assert len(said) == len(set(said)), "each state is said once, not at every poll"

    # The list shows it once the server serves the new build.
    new = page.locator('#documenten > li[data-id="kustnota"]')
    expect(new.locator("h3")).to_have_text(TITLE, timeout=SERVER_MS)
    expect(new.locator("dd").nth(0)).to_have_text("kustnota.pdf")
    expect(new.locator("dd").nth(1)).to_have_text("p. 1")
    assert int(new.locator("dd").nth(2).inner_text()) > 0
    expect(new.locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\dT"))
    expect(docs).to_have_count(4)

    # The widget on the page finds it and cites it.
    found = search(page, "Waar komt de zandsuppletie bij Cadzand?")
    assert found["error"] is None and found["titles"][0] == TITLE
    top = page.locator(RESULT).first
    expect(top.locator(".doc")).to_contain_text(TITLE)
    expect(top.locator(".page")).to_have_text("p. 1")
    expect(top.locator(".text")).to_contain_text("zandsuppletie")

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "beheer-1280.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways at 360 px ({width} px wide)"
    page.screenshot(path=str(ARTIFACTS / "beheer-360.png"), full_page=True)

    # Remove it: keyboard only. Escape keeps it; Tab to "Ja, verwijderen" and Enter removes it.
    remove = new.get_by_role("button", name=f"Verwijderen: {TITLE}")
    remove.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog#bevestig")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("kustnota.pdf")
    expect(page.get_by_role("button", name="Nee, behouden")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(remove).to_be_focused()
    expect(docs).to_have_count(4)
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Ja, verwijderen")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()

    removal = page.locator("#taken > li").first
    expect(removal.locator(".naam")).to_have_text("kustnota.pdf verwijderen")
    expect(removal).to_be_focused()
    expect(removal).to_have_attribute("data-status", "done", timeout=JOB_MS)
    expect(removal.locator(".detail")).to_have_text("Verwijderd: kustnota.pdf")
    expect(new).to_have_count(0, timeout=SERVER_MS)
    expect(docs).to_have_count(3)
    expect(page.locator("#documenten-status")).to_have_text("3 documenten")

    found = search(page, "Waar komt de zandsuppletie bij Cadzand?")
    assert found["error"] is None and found["titles"] and TITLE not in found["titles"]
    expect(page.locator(RESULT)).to_have_count(len(found["titles"]))
    expect(page.locator(f"{W} .doc", has_text=TITLE)).to_have_count(0)

    # Forgetting the token leaves the page signed out, with nothing stored.
    page.get_by_role("button", name="Vergeet token").click()
    expect(page.get_by_label("Beheertoken")).to_be_visible()
    expect(page.get_by_label("Beheertoken")).to_be_focused()
    expect(page.locator("#toevoegen")).to_be_hidden()
    expect(page.locator("button.verwijder")).to_have_count(0)
    assert stored_token(page) is None
    assert_clean(page, url)


def test_a_wrong_token_refusals_and_a_failed_job(admin_service, page):
    from playwright.sync_api import expect

    url = admin_service.url
    sign_in(page, url, "een-verkeerd-token-van-lengte")
    alert = page.get_by_role("alert")
    expect(alert).to_have_text("Het token is geweigerd (401) en is vergeten. Voer het juiste token in.")
    expect(page.locator("#toevoegen")).to_be_hidden()
    assert stored_token(page) is None

    # A token stored earlier in the tab is checked when the page loads.
    page.evaluate(f"sessionStorage.setItem('{KEY}', 'een-verkeerd-token-van-lengte')")
    page.reload()
    expect(alert).to_contain_text("(401)")
    assert stored_token(page) is None

    sign_in(page, url)
    expect(page.locator("#toevoegen")).to_be_visible()
    page.reload()  # the tab keeps the token over a reload
    expect(page.locator("#aangemeld")).to_be_visible()

    # A name the corpus has: 409, before anything is queued.
    taken = DEFAULT_CORPUS.name
    page.locator("#bestand").set_input_files(
        files=[{"name": taken, "mimeType": "text/plain", "buffer": b"Een tekst met dezelfde naam."}]
    )
    job = page.locator("#taken > li").first
    expect(job.locator(".status")).to_have_text("Geweigerd")
    expect(job.locator(".fout")).to_have_text(
        "Er is al een document met deze bestandsnaam, of het wordt net toegevoegd. "
        f"Melding van de server: {taken}: a document of that name is already there or on its way"
    )
    expect(job.locator(".fout span")).to_have_attribute("lang", "en")
    expect(job.locator("progress")).to_be_hidden()

    # Dropped on the drop zone: an image, refused by its type (415).
    drop = page.evaluate_handle(
        "() => { const d = new DataTransfer(); "
        "d.items.add(new File(['x'], 'foto.png', {type: 'image/png'})); return d; }"
    )
    page.dispatch_event("#sleepvlak", "drop", {"dataTransfer": drop})
    job = page.locator("#taken > li").first
    expect(job.locator(".naam")).to_have_text("foto.png")
    expect(job.locator(".fout")).to_contain_text(
        "Dit bestandstype wordt niet ondersteund: alleen PDF, Markdown, HTML en tekst. Melding van de server: upload"
    )
    expect(page.locator("#taakstatus")).to_have_text(
        "foto.png: geweigerd. Dit bestandstype wordt niet ondersteund: alleen PDF, Markdown, HTML en tekst."
    )
    # A file the reader refuses ends in a failed job, with its sentence.
    page.locator("#bestand").set_input_files(
        files=[{"name": "notitie.pdf", "mimeType": "application/pdf", "buffer": b"<!doctype html><p>Geen PDF</p>"}]
    )
    job = page.locator("#taken > li").first
    expect(job.locator(".naam")).to_have_text("notitie.pdf")
    expect(job).to_have_attribute("data-status", "failed", timeout=JOB_MS)
    expect(job.locator(".status")).to_have_text("Mislukt")
    expect(job.locator(".fout")).to_have_text("Reden: notitie.pdf: an HTML page named .pdf, not a PDF")
    expect(page.locator("#taakstatus")).to_have_text(
        "notitie.pdf: mislukt. notitie.pdf: an HTML page named .pdf, not a PDF"
    )
    expect(page.locator('#documenten > li[data-id="notitie"]')).to_have_count(0)

    # The letter's file holds three documents: the confirmation says all three go, and "Nee" keeps them.
    page.get_by_role("button", name="Verwijderen: Beleidsbrief Justitie en Veiligheid").first.click()
    expect(page.locator("#bevestig-tekst")).to_contain_text("met alle 3 documenten erin")
    page.get_by_role("button", name="Nee, behouden").click()
    expect(page.locator("dialog#bevestig")).to_be_hidden()
    expect(page.locator('#documenten > li[data-id="brief-7534332"]')).to_have_count(1)
    assert_clean(page, url, refusals=4)  # two 401s, the 409 and the 415
