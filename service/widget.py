"""The embeddable search widget (/widget.js) and the home page that demonstrates it (/).

Both files are read once, at app creation. The widget is served with an ETag and a short
cache lifetime, so an edit reaches embedding pages within the hour and unchanged files
revalidate with a 304. The home page carries no inline script or style (strict CSP).
"""

from __future__ import annotations

import hashlib
import html
from pathlib import Path

from flask import Flask, Response, request

STATIC_DIR = Path(__file__).parent / "static"
WIDGET_CACHE = "public, max-age=3600, stale-while-revalidate=86400"


def _static(name: str, mimetype: str, cache: str) -> Response:
    data = (STATIC_DIR / name).read_bytes()
    etag = hashlib.sha256(data).hexdigest()[:32]

    def serve() -> Response:
        response = Response(data, mimetype=mimetype)
        response.set_etag(etag)
        response.headers["Cache-Control"] = cache
        return response.make_conditional(request)

    return serve


def register_widget(app: Flask) -> None:
    """Add ``/`` (the demo page), ``/widget.js`` and ``/home.css``."""
    page = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    widget = _static("widget.js", "text/javascript", WIDGET_CACHE)
    css = _static("home.css", "text/css", WIDGET_CACHE)

    @app.get("/widget.js")
    def widget_js():
        response = widget()
        # any site may load the script, also as a module or with crossorigin="anonymous"
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
        return response

    @app.get("/home.css")
    def home_css():
        return css()

    @app.get("/")
    def home():
        origin = html.escape(request.host_url.rstrip("/"))
        response = Response(page.replace("{{origin}}", origin), mimetype="text/html")
        response.headers["Cache-Control"] = "no-cache"
        return response
