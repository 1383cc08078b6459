"""CORS for the read-only API, and how /, /widget.js and /home.css are served (Flask test client, fast)."""

from __future__ import annotations

import gzip
import re

import pytest
from flask import Flask

from vraagbaak.service.cors import register_cors
from vraagbaak.service.widget import STATIC_DIR
from vraagbaak.settings import Settings, parse_origins

SITE = "https://gemeente.example"
OTHER = "https://elders.example"
READ_ONLY = ["/api/search?q=politie", "/api/passages?limit=1", "/api/documents"]


@pytest.fixture()
def client(fake_client):
    """HTTP behaviour only: the fake model (tests/fakes.py) serves."""
    return fake_client


@pytest.fixture()
def restricted(fake_app_with):
    return fake_app_with(cors_origins=parse_origins(f"{SITE}, https://b.example/")).test_client()


@pytest.mark.parametrize("path", READ_ONLY)
def test_any_origin_may_read_by_default(client, path):
    r = client.get(path, headers={"Origin": SITE})
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in r.headers


def test_errors_carry_cors_headers_so_the_widget_can_read_the_message(client):
    r = client.get("/api/search?q=", headers={"Origin": SITE})
    assert r.status_code == 400 and r.headers["Access-Control-Allow-Origin"] == "*"
    assert r.get_json()["error"]["code"] == "missing_query"


def test_other_paths_get_no_cors_headers(client):
    for path in ["/healthz", "/readyz", "/"]:
        assert "Access-Control-Allow-Origin" not in client.get(path, headers={"Origin": SITE}).headers


def test_preflight(client):
    r = client.options(
        "/api/search",
        headers={
            "Origin": SITE,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert r.status_code == 204 and r.data == b""
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert set(r.headers["Access-Control-Allow-Methods"].split(", ")) == {"GET", "POST", "OPTIONS"}
    assert r.headers["Access-Control-Allow-Headers"].lower() == "content-type"
    assert int(r.headers["Access-Control-Max-Age"]) > 0
    r = client.options("/api/documents", headers={"Origin": SITE, "Access-Control-Request-Method": "GET"})
    assert r.status_code == 204 and "POST" not in r.headers["Access-Control-Allow-Methods"]


def test_plain_options_is_not_a_preflight(client):
    r = client.options("/api/search")
    assert r.status_code == 200 and "GET" in r.headers["Allow"]


def test_restricted_origins(restricted):
    client = restricted
    ok = client.get("/api/documents", headers={"Origin": SITE})
    assert ok.headers["Access-Control-Allow-Origin"] == SITE and "Origin" in ok.headers["Vary"]
    assert (
        client.get("/api/documents", headers={"Origin": "https://b.example"}).headers["Access-Control-Allow-Origin"]
        == "https://b.example"
    )
    denied = client.get("/api/documents", headers={"Origin": OTHER})
    assert denied.status_code == 200  # the server answers; the browser withholds it from the page
    assert "Access-Control-Allow-Origin" not in denied.headers and "Origin" in denied.headers["Vary"]
    pre = client.options("/api/search", headers={"Origin": SITE, "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 204 and pre.headers["Access-Control-Allow-Origin"] == SITE
    pre = client.options("/api/search", headers={"Origin": OTHER, "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 403 and "Access-Control-Allow-Origin" not in pre.headers
    assert pre.get_json()["error"]["code"] == "origin_not_allowed"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        (" * ", None),
        ("https://a.example/, HTTPS://B.example", ("https://a.example", "https://b.example")),
    ],
)
def test_parse_origins(value, expected):
    assert parse_origins(value) == expected


def test_origins_come_from_the_environment():
    app = Flask(__name__)
    app.get("/api/documents")(lambda: {"documents": []})
    register_cors(app, Settings.load({"VRAAGBAAK_CORS_ORIGINS": SITE}).service.cors_origins)
    c = app.test_client()
    assert c.get("/api/documents", headers={"Origin": SITE}).headers["Access-Control-Allow-Origin"] == SITE
    assert "Access-Control-Allow-Origin" not in c.get("/api/documents", headers={"Origin": OTHER}).headers


def test_widget_js_is_served_with_type_etag_and_cache_headers(client):
    r = client.get("/widget.js")
    assert r.status_code == 200 and r.content_type == "text/javascript; charset=utf-8"
    assert r.data == (STATIC_DIR / "widget.js").read_bytes()
    etag = r.headers["ETag"]
    assert etag.startswith('"') and "max-age=" in r.headers["Cache-Control"] and "public" in r.headers["Cache-Control"]
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    again = client.get("/widget.js", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert client.get("/widget.js", headers={"If-None-Match": '"stale"'}).status_code == 200
    assert client.get("/home.css").content_type.startswith("text/css")


def test_widget_stays_small():
    raw = (STATIC_DIR / "widget.js").read_bytes()
    assert len(gzip.compress(raw, 9)) < 20 * 1024, "the widget must stay under 20 KB gzipped"


def test_home_page_demonstrates_the_widget_without_inline_code(client):
    r = client.get("/", base_url="https://vraagbaak.example")
    assert r.status_code == 200 and r.content_type == "text/html; charset=utf-8"
    page = r.get_data(as_text=True)
    assert '<script src="/widget.js" defer></script>' in page and "<vraagbaak-search" in page
    # the snippet's origin comes from the browser (/home.js), never from the Host header
    assert '&lt;script src="<span class="origin" data-from-browser></span>/widget.js" defer&gt;' in page
    assert "vraagbaak.example" not in page
    assert "/api/search" in page and "/api/documents" in page
    # a strict CSP (script-src 'self'; style-src 'self') must allow the page: no inline code or styles
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page))
    assert "<style" not in page and " style=" not in page and not re.search(r"\son[a-z]+=", page)


def test_home_page_never_reflects_the_host_header(client):
    r = client.get("/", headers={"Host": "evil.example"})
    assert r.status_code == 200 and "evil.example" not in r.get_data(as_text=True)


def test_home_page_names_the_configured_public_url():
    from vraagbaak.service.widget import register_widget

    app = Flask("public")
    register_widget(
        app, public_url=Settings.load({"VRAAGBAAK_PUBLIC_URL": "https://zoek.example.nl/"}).service.public_url
    )
    page = app.test_client().get("/", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert '&lt;script src="https://zoek.example.nl/widget.js" defer&gt;' in page and "evil.example" not in page


@pytest.mark.parametrize("value", ["javascript:alert(1)", "https://x.example/path", "zoek.example.nl", "https://"])
def test_a_public_url_that_is_not_an_origin_is_refused(value):
    from vraagbaak.settings import SettingsError

    with pytest.raises(SettingsError, match="VRAAGBAAK_PUBLIC_URL"):
        Settings.load({"VRAAGBAAK_PUBLIC_URL": value})
