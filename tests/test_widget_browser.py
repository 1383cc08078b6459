"""The search widget in headless Chromium (Debian's /usr/bin/chromium), against the real service on 127.0.0.1.

Skipped when Chromium or Playwright is missing, unless VRAAGBAAK_REQUIRE_BROWSER=1 (CI), which fails instead.
Screenshots go to artifacts/ (gitignored).
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
POLICE = "Hoeveel geld gaat er naar de politie?"
STRUCTURAL = "Hoeveel geld gaat er structureel naar de politie?"
OFF_TOPIC = "Wat is een goed recept voor appeltaart met kaneel?"
W = "vraagbaak-search"  # Playwright's CSS engine reaches into the open shadow root
RESULTS = f"{W} [role=grid] > [role=row]"  # a result: its passage and, in a second cell, its buttons
OPTIONS = f"{RESULTS} > [role=gridcell][aria-selected]"  # the passage cells, which the arrow keys select
CARD = f"{W} section.answer"
RECORD_EVENTS = """
window.__vb = [];
for (const type of ["vraagbaak:search", "vraagbaak:select"]) {
  document.addEventListener(type, (e) => window.__vb.push({type, query: e.detail.query, rank: e.detail.rank,
    count: e.detail.count, answerable: e.detail.answerable, error: e.detail.error, expanded: e.detail.expanded}));
}
document.addEventListener("securitypolicyviolation", (e) => window.__vb.push({type: "csp", query: e.blockedURI}));
"""


def _need_browser() -> None:
    reason = None
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "the playwright package is not installed"
    if reason:
        if os.environ.get("VRAAGBAAK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"VRAAGBAAK_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)


class Server:
    """A WSGI app on 127.0.0.1, on a free port, in a thread."""

    def __init__(self, app, *, threaded: bool = True) -> None:
        # threaded servers keep connections alive; a server the test stops must not (threaded=False: HTTP/1.0)
        self.httpd = make_server("127.0.0.1", 0, app, threaded=threaded)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def host_page(api: str):
    """Another site: a different origin that embeds the widget with the two-line snippet."""
    html = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title>
<script src="{api}/widget.js" defer></script></head>
<body><h1>Gemeente Voorbeeld</h1><vraagbaak-search endpoint="{api}" lang="en" k="3"></vraagbaak-search></body></html>"""

    def wsgi(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [html.encode()]

    return wsgi


@pytest.fixture(scope="module")
def service(app):
    server = Server(app)
    yield server
    server.stop()


@pytest.fixture()
def page(new_page):
    return new_page(RECORD_EVENTS)


def events(page, kind: str) -> list[dict]:
    return [e for e in page.evaluate("window.__vb") if e["type"] == kind]


def ask(page, question: str, *, typed: bool = False) -> None:
    field = page.locator(f"{W} input")
    if typed:
        field.press_sequentially(question)  # search as you type: the debounce sends one request at the end
    else:
        field.fill(question)
        field.press("Enter")


def test_demo_page_answers_the_police_question(service, page):
    from playwright.sync_api import expect

    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(service.url + "/")
    expect(page.locator("h1")).to_have_text("Vraagbaak")
    expect(page.locator("pre").first).to_contain_text(f'<script src="{service.url}/widget.js" defer></script>')
    ask(page, POLICE, typed=True)
    top = page.locator(OPTIONS).first
    # Both amounts the passage gives the police are marked, in text order: the structural 348 million the
    # answer's sentence (114 million) would otherwise hide.
    expect(top.locator("mark")).to_have_text([re.compile("348 miljoen euro"), re.compile("114 miljoen euro")])
    expect(top.locator(".section")).to_have_text("Veiligheid thuis, op straat en online › Gezag en orde op straat")
    expect(top.locator(".page")).to_have_text("p. 2")
    expect(top.locator(".doc")).to_have_text("Beleidsbrief Justitie en Veiligheid · 24 april 2026")
    expect(page.locator(OPTIONS)).to_have_count(5)
    expect(page.locator(f"{W} .notice")).to_be_hidden()
    top.click()  # expands the passage to its whole text
    expect(top).to_have_class("active expanded")
    expect(top.locator(".text")).to_contain_text("We maken structureel 348 miljoen euro vrij")
    searches = events(page, "vraagbaak:search")
    assert searches[-1]["query"] == POLICE and searches[-1]["answerable"] is True and searches[-1]["count"] == 5
    assert len(searches) < len(POLICE) / 2, "typing is debounced"
    assert all(u.startswith(service.url + "/") for u in requests), "no requests except to the endpoint"
    assert events(page, "csp") == [], "the service's strict Content-Security-Policy allows the page and widget"
    assert page.errors == []


def test_stale_response_never_overwrites_a_newer_one(service, page):
    from playwright.sync_api import expect

    held = []
    page.route("**/api/search?q=politie*", lambda route: held.append(route))
    page.goto(service.url + "/")
    ask(page, "politie")
    expect(page.locator(f"{W} .status")).to_contain_text("Zoeken")
    ask(page, "kroongetuigenregeling")
    expect(page.locator(OPTIONS).first).to_contain_text("kroongetuige")
    for route in held:
        with contextlib.suppress(Exception):  # the widget aborted it already
            route.continue_()
    page.locator(f"{W} input").press("ArrowDown")  # a round trip after the old response could have landed
    expect(page.locator(OPTIONS).first).to_contain_text("kroongetuige")
    assert [e["query"] for e in events(page, "vraagbaak:search")] == ["kroongetuigenregeling"]


def test_embedded_on_another_origin(service, page, app, monkeypatch):
    from playwright.sync_api import expect

    host = Server(host_page(service.url))
    try:
        assert host.url != service.url
        page.goto(host.url + "/")
        ask(page, POLICE)
        expect(page.locator(OPTIONS)).to_have_count(3)
        expect(page.locator(OPTIONS).first.locator("mark").first).to_contain_text("miljoen euro")
        expect(page.locator(OPTIONS).first.locator(".path")).to_have_text(
            "Veiligheid thuis, op straat en online › Gezag en orde op straat · p. 2"
        )
        expect(page.locator(f"{W} input")).to_have_attribute(
            "placeholder", "Ask a question, e.g. how much money goes to the police?"
        )

        monkeypatch.setitem(app.config, "CORS_ORIGINS", ("https://only-this-site.example",))
        page.reload()
        ask(page, POLICE)
        # Refused by CORS, not down: the widget says so, and names the setting for the site's editor.
        expect(page.locator(f"{W} .error")).to_have_text(
            "This website may not use the search service: the service does not accept requests from this site "
            "(VRAAGBAAK_CORS_ORIGINS)."
        )
        expect(page.locator(OPTIONS)).to_have_count(0)
        assert events(page, "vraagbaak:search")[-1]["error"]["code"] == "origin_not_allowed"
    finally:
        host.stop()


def test_keyboard(service, page):
    from playwright.sync_api import expect

    page.goto(service.url + "/")
    field = page.locator(f"{W} input")
    expect(field).to_have_attribute("role", "combobox")
    page.keyboard.press("/")
    expect(field).to_be_focused()
    expect(field).to_have_value("")  # the shortcut is not typed
    page.keyboard.type("Wanneer komt het wetsvoorstel over de kroongetuigenregeling?")
    options = page.locator(OPTIONS)
    expect(options).to_have_count(5)
    expect(page.locator(f"{W} [role=grid]")).to_be_visible()
    expect(field).to_have_attribute("aria-haspopup", "grid")
    expect(field).to_have_attribute("aria-expanded", "true")

    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowUp")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    expect(options.nth(1)).to_have_attribute("aria-selected", "false")
    first_id = options.nth(0).get_attribute("id")
    expect(field).to_have_attribute("aria-activedescendant", first_id)
    expect(field).to_be_focused()
    page.keyboard.press("Enter")
    expect(options.nth(0)).to_have_class("active expanded")
    select = events(page, "vraagbaak:select")
    assert select == [
        {
            "type": "vraagbaak:select",
            "query": select[0]["query"],
            "rank": 1,
            "count": None,
            "answerable": None,
            "error": None,
            "expanded": True,
        }
    ]

    page.keyboard.press("Escape")
    expect(field).to_have_value("")
    expect(options).to_have_count(0)
    expect(field).to_have_attribute("aria-expanded", "false")

    page.locator("h1").click()
    expect(field).not_to_be_focused()
    page.keyboard.press("Control+k")
    expect(field).to_be_focused()
    assert page.errors == []


def test_no_answer_and_client_error_states(service, page):
    from playwright.sync_api import expect

    page.goto(service.url + "/")
    ask(page, OFF_TOPIC)
    notice = page.locator(f"{W} .notice")
    expect(notice).to_contain_text("Geen zeker antwoord")
    expect(page.locator(OPTIONS)).to_have_count(5)  # the closest passages are still listed
    assert events(page, "vraagbaak:search")[-1]["answerable"] is False

    page.locator(W).evaluate("w => w.setAttribute('k', '99')")
    ask(page, POLICE)
    expect(page.locator(f"{W} .error")).to_have_text("Zoeken mislukt: 'k' must be between 1 and 50, got 99")
    expect(page.locator(OPTIONS)).to_have_count(0)
    expect(notice).to_be_hidden()


def test_service_stopped_shows_the_error_state(app, page):
    from playwright.sync_api import expect

    server = Server(app, threaded=False)
    page.goto(server.url + "/")
    expect(page.locator(f"{W} input")).to_be_visible()
    server.stop()
    ask(page, POLICE)
    expect(page.locator(f"{W} .error")).to_have_text("De zoekdienst is niet bereikbaar. Probeer het later opnieuw.")
    expect(page.locator(f"{W} .bar")).to_be_visible()
    assert events(page, "vraagbaak:search")[-1]["error"]["code"] == "unreachable"


@pytest.mark.parametrize("width", [1280, 360, 320])
def test_layout_and_screenshots(service, page, width):
    from playwright.sync_api import expect

    page.set_viewport_size({"width": width, "height": 900})
    page.goto(service.url + "/")
    ask(page, POLICE)
    expect(page.locator(OPTIONS)).to_have_count(5)
    page.locator(f"{W} input").press("ArrowDown")
    fn = page.locator(f"{W} button.fn").first
    if fn.count():
        fn.click()
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"the page scrolls sideways at {width} px ({overflow} px wide)"
    box = page.locator(W).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    if width != 320:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"widget-{width}.png"), full_page=True)


def test_a_pdf_result_links_to_its_page_and_no_other_origin(service, page):
    """The shipped letter has no PDF, so the response is rewritten to one from a PDF source."""
    import json as _json

    from playwright.sync_api import expect

    seen = {}

    def pdf_source(route):
        body = route.fetch().json()
        first, second = body["results"][0], body["results"][1]
        seen.update(doc=first["document"]["id"], page=first["page"])
        first["source_url"] = f"/api/documents/{first['document']['id']}/file#page={first['page']}"
        second["source_url"] = "https://elders.example/phish.pdf#page=1"  # never followed
        route.fulfill(status=200, content_type="application/json", body=_json.dumps(body))

    page.route("**/api/search?*", pdf_source)
    page.goto(service.url + "/")
    ask(page, POLICE)
    link = page.locator(f"{W} a.source")
    expect(link).to_have_count(1)
    expect(link).to_have_text(f"Open de PDF op p. {seen['page']}")
    assert link.get_attribute("href") == f"{service.url}/api/documents/{seen['doc']}/file#page={seen['page']}"
    assert link.get_attribute("rel") == "noopener" and link.get_attribute("target") == "_blank"
    assert not page.errors


def test_citaat_kopieren_copies_the_quotation_with_its_source(service, page):
    from playwright.sync_api import expect

    # A stand-in clipboard: what the widget writes is what a reader would paste.
    page.add_init_script("navigator.clipboard.writeText = async (t) => { window.__copied = t; };")
    page.goto(service.url + "/")
    ask(page, POLICE)
    top = page.locator(RESULTS).first
    highlight = page.locator(CARD).locator("blockquote").inner_text()  # the answer's sentence, one of the marks
    top.locator("button.copy").click()
    expect(top.locator("button.copy")).to_have_text("Gekopieerd")
    copied = page.evaluate("window.__copied")
    assert copied.startswith(
        "“" + highlight.strip() + "” (Beleidsbrief Justitie en Veiligheid (24 april 2026, kenmerk 7534332), "
    )
    assert copied.endswith(", p. 2)")
    assert not page.errors


def test_a_result_without_pages_shows_no_page(service, page):
    """Markdown, HTML and text documents have no pages: the widget shows the section alone."""
    import json as _json

    from playwright.sync_api import expect

    def pageless(route):
        body = route.fetch().json()
        first = body["results"][0]
        first.update(page=None, page_end=None, source_url=None, citation="Notitie cyberweerbaarheid mkb, Aanpak")
        route.fulfill(status=200, content_type="application/json", body=_json.dumps(body))

    page.route("**/api/search?*", pageless)
    page.goto(service.url + "/")
    ask(page, POLICE)
    top = page.locator(OPTIONS).first
    expect(top.locator(".section")).to_be_visible()
    expect(top.locator(".page")).to_have_count(0)
    assert " · " not in top.locator(".path").inner_text()
    expect(page.locator(OPTIONS).nth(1).locator(".page")).to_have_count(1)
    assert not page.errors


def test_a_visible_label_a_quiet_live_region_and_plain_highlights_without_an_answer(service, page):
    from playwright.sync_api import expect

    page.goto(service.url + "/")
    expect(page.locator(f"{W} label")).to_have_text("Stel een vraag")
    expect(page.get_by_role("combobox", name="Stel een vraag")).to_be_visible()  # the label names the field
    ask(page, POLICE)
    expect(page.locator(OPTIONS)).to_have_count(5)
    expect(page.locator(f"{W} .status")).to_have_text("5 passages")  # the live region: no key hints
    hint = page.locator(f"{W} .hint")
    expect(hint).to_be_visible()
    assert hint.get_attribute("aria-hidden") == "true"
    background = "m => getComputedStyle(m).backgroundColor"
    assert page.locator(OPTIONS).first.locator("mark").first.evaluate(background) != "rgba(0, 0, 0, 0)"

    ask(page, OFF_TOPIC)
    expect(page.locator(f"{W} .notice")).to_contain_text("Geen zeker antwoord")
    expect(page.locator(f"{W} .results.unsure")).to_have_count(1)
    assert page.locator(OPTIONS).first.locator("mark").first.evaluate(background) == "rgba(0, 0, 0, 0)"
    assert not page.errors


def test_results_far_below_the_best_are_marked_less_relevant(service, page):
    """Scores are rewritten so the test does not depend on the model: 0.9, 0.8, 0.5, 0.4, 0.3."""
    import json as _json

    from playwright.sync_api import expect

    def scored(route):
        body = route.fetch().json()
        for hit, score in zip(body["results"], (0.9, 0.8, 0.5, 0.4, 0.3), strict=True):
            hit["score"] = score
        route.fulfill(status=200, content_type="application/json", body=_json.dumps(body))

    page.route("**/api/search?*", scored)
    page.goto(service.url + "/")
    ask(page, POLICE)
    expect(page.locator(OPTIONS)).to_have_count(5)
    less = page.locator(f"{W} .result.less")
    expect(less).to_have_count(3)  # below 0.6 x 0.9 = 0.54
    expect(page.locator(f"{W} .result.first-less")).to_have_count(1)
    expect(less.first.locator(".lesstag")).to_have_text("minder relevant")
    expect(page.locator(OPTIONS).nth(1).locator(".lesstag")).to_have_count(0)
    assert not page.errors


def test_the_answer_card_shows_the_answer_its_sentence_and_citation(service, page):
    from playwright.sync_api import expect

    page.add_init_script("navigator.clipboard.writeText = async (t) => { window.__copied = t; };")
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(service.url + "/")
    widget = page.locator(W)
    # Every text the answer's live region is given, to check that each answer is announced once.
    widget.evaluate(
        """w => { window.__said = []; const say = w.shadowRoot.querySelector('.sr');
        new MutationObserver(() => say.textContent && window.__said.push(say.textContent))
          .observe(say, {childList: true, characterData: true, subtree: true}); }"""
    )
    ask(page, STRUCTURAL)  # the qualifier picks 348 million over the 114 million of the same passage
    card = page.locator(CARD)
    expect(card).to_be_visible()
    expect(card.locator(".value")).to_have_text("348 miljoen euro")
    expect(card.locator("blockquote")).to_contain_text("We maken structureel 348 miljoen euro vrij")
    citation = "Beleidsbrief Justitie en Veiligheid (24 april 2026, kenmerk 7534332), Gezag en orde op straat, p. 2"
    expect(card.locator(".cite")).to_have_text(citation)
    expect(card).to_have_accessible_name("Antwoord")
    assert card.get_attribute("aria-live") is None  # announced once, by its own live region, not twice
    say = page.locator(f"{W} .sr")
    assert say.get_attribute("aria-live") == "polite"
    expect(say).to_have_text("Antwoord: 348 miljoen euro")
    assert page.evaluate("window.__said") == ["Antwoord: 348 miljoen euro"]
    # The card sits above the passages, whose highlight is the answer's sentence.
    assert card.bounding_box()["y"] < page.locator(OPTIONS).first.bounding_box()["y"]
    quote = card.locator("blockquote").inner_text()
    expect(page.locator(OPTIONS).first.locator("mark").filter(has_text=quote)).to_have_count(1)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "widget-answer-360.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 360, f"the page scrolls sideways at 360 px ({overflow} px wide)"

    # The keyboard model stays: arrows move over the results from the field, Tab reaches the card's button.
    field = page.locator(f"{W} input")
    field.press("ArrowDown")
    expect(page.locator(OPTIONS).first).to_have_attribute("aria-selected", "true")
    expect(field).to_be_focused()
    page.keyboard.press("Tab")
    copy = card.locator("button.copy")
    expect(copy).to_be_focused()
    page.keyboard.press("Enter")
    expect(copy).to_have_text("Gekopieerd")
    sentence = card.locator("blockquote").inner_text().strip()
    assert page.evaluate("window.__copied") == f"“{sentence}” ({citation})"

    widget.evaluate("w => w.setAttribute('lang', 'en')")  # the card is redrawn in English, not announced again
    expect(card.locator(".label")).to_have_text("Answer")
    assert page.evaluate("window.__said") == ["Antwoord: 348 miljoen euro"]
    ask(page, OFF_TOPIC)  # no answer: no card, nothing announced
    expect(page.locator(f"{W} .notice")).to_be_visible()
    expect(card).to_be_hidden()
    expect(say).to_have_text("")
    assert not page.errors


def test_no_control_sits_in_the_cell_the_arrows_select(service, page):
    """A listbox option's children are presentational, so the results are a grid: the passage in one cell, the
    buttons and link in the other (the combobox-with-grid-popup pattern)."""
    from playwright.sync_api import expect

    page.goto(service.url + "/")
    ask(page, "Wie houdt toezicht op de aanpak van mensenhandel?")
    expect(page.locator(OPTIONS)).to_have_count(5)
    expect(page.locator(f"{W} [role=option], {W} [role=listbox]")).to_have_count(0)
    expect(page.locator(f"{OPTIONS} button, {OPTIONS} a, {OPTIONS} [tabindex]")).to_have_count(0)
    results = page.locator(RESULTS)
    expect(results).to_have_count(5)
    for i in range(5):
        cells = results.nth(i).locator(":scope > *")
        expect(cells).to_have_count(2)
        assert [cells.nth(j).get_attribute("role") for j in (0, 1)] == ["gridcell", "gridcell"]
        expect(cells.nth(1).locator("button.copy")).to_have_count(1)
    assert not page.errors


def test_a_planning_row_marks_the_quarter_that_answers_when(service, page):
    from playwright.sync_api import expect

    page.goto(service.url + "/")
    ask(page, "Wanneer komt het wetsvoorstel over de kroongetuigenregeling?")
    expect(page.locator(CARD).locator(".value")).to_have_text("Kwartaal 3 2026")
    top = page.locator(OPTIONS).first
    expect(top.locator(".section mark")).to_have_text("Kwartaal 3 2026")
    # Only the answer's own row marks its heading.
    expect(page.locator(OPTIONS).nth(1).locator(".section mark")).to_have_count(0)
    assert not page.errors
