"""The management page /beheer over the Flask test client: there with a token, absent without, strict CSP.

The page in a browser (upload, progress, search, removal) is tests/test_beheer_browser.py.
"""

from __future__ import annotations

import re

import pytest
from test_observability import assert_routes_described

from vraagbaak.service.app import create_app
from vraagbaak.settings import ServiceSettings, Settings

TOKEN = "beheer-test-token-0123456789"
FILES = {
    "/beheer": "text/html",
    "/beheer.js": "text/javascript",
    "/beheer.css": "text/css",
}


@pytest.fixture()
def make(fake_searcher, tmp_path):
    """``make(token)``: an app over the fake index, with the admin API when ``token``; jobs stay queued."""

    def make(token: str | None):
        settings = Settings(index_dir=tmp_path / "index", service=ServiceSettings(admin_token=token))
        return create_app(settings, searcher=fake_searcher, run_jobs=False)

    return make


def test_the_page_and_its_files_are_served_with_a_token(make):
    client = make(TOKEN).test_client()
    for path, mimetype in FILES.items():
        r = client.get(path)  # no Authorization: the page asks for the token itself
        assert r.status_code == 200, path
        assert r.mimetype == mimetype
        assert r.headers["Cache-Control"] == "no-cache"  # the page and its script change together
        assert r.headers["ETag"]
        again = client.get(path, headers={"If-None-Match": r.headers["ETag"]})
        assert again.status_code == 304
    assert client.get("/beheer").headers["X-Robots-Tag"] == "noindex"
    assert client.get("/api/jobs").status_code == 401  # the API behind the page still needs the token


def test_without_a_token_there_is_no_page(make):
    client = make(None).test_client()
    for path in FILES:
        r = client.get(path)
        assert r.status_code == 404, path
        assert r.get_json()["error"]["code"] == "not_found"
    spec = client.get("/openapi.json").get_json()
    assert not any(path.startswith("/beheer") for path in spec["paths"])


def test_the_page_runs_under_the_strict_csp(make):
    client = make(TOKEN).test_client()
    r = client.get("/beheer")
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp and "connect-src 'self';" in csp
    assert "unsafe" not in csp and "form-action 'self'" in csp
    page = r.get_data(as_text=True)
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts == ['<script src="/widget.js" defer>', '<script src="/beheer.js" defer>']  # no inline script
    assert "<style" not in page and " style=" not in page and not re.search(r"\son[a-z]+=", page)  # nor style, handlers
    assert '<link rel="stylesheet" href="/beheer.css">' in page and "<vraagbaak-search>" in page


def test_the_token_field_cannot_end_up_in_a_url(make):
    """Without the script, the form posts to /beheer, and the field has no name: nothing is sent at all."""
    page = make(TOKEN).test_client().get("/beheer").get_data(as_text=True)
    form = re.search(r"<form\b[^>]*>", page).group(0)
    assert 'method="post"' in form
    field = re.search(r'<input id="token"[^>]*>', page, re.S).group(0)
    assert 'type="password"' in field and " name=" not in field
    assert re.search(r'<label for="token">[^<]+</label>', page)  # a labelled field
    script = make(TOKEN).test_client().get("/beheer.js").get_data(as_text=True)
    assert "localStorage" not in script and "sessionStorage" in script
    assert "?token" not in script and "&token" not in script


def test_openapi_describes_the_page_and_every_admin_route(make):
    app = make(TOKEN)
    spec = app.test_client().get("/openapi.json").get_json()
    assert {"/beheer", "/beheer.js", "/beheer.css"} <= set(spec["paths"])
    assert_routes_described(app, spec)
