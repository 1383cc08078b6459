"""The embeddable search widget (/widget.js) and the home page that demonstrates it (/).

Both files are read once, at app creation. The widget is served with an ETag and a short
cache lifetime, so an edit reaches embedding pages within the hour and unchanged files
revalidate with a 304. The home page carries no inline script or style (strict CSP).

The page's embed snippet names the service's origin. It is never taken from the request's
Host header (a client, or a cache in front, could poison it): it is VRAAGBAAK_PUBLIC_URL
when that is set, and otherwise /home.js writes the browser's own ``location.origin`` in.
"""

from __future__ import annotations

import hashlib
import html
from importlib.resources import files
from pathlib import Path

from flask import Flask, Response, request

STATIC_DIR = Path(str(files("vraagbaak.service") / "static"))
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


def render_home(public_url: str | None) -> str:
    """The demo page with its origin filled in: the configured one, or a placeholder that /home.js replaces."""
    page = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    if public_url:
        return page.replace('<span class="origin">{{origin}}</span>', html.escape(public_url))
    return page.replace('<span class="origin">{{origin}}</span>', '<span class="origin" data-from-browser></span>')


def register_widget(app: Flask, *, public_url: str | None = None) -> None:
    """Add ``/`` (the demo page), ``/widget.js``, ``/home.css`` and ``/home.js``.

    ``public_url`` is an origin (``vraagbaak.settings.public_origin`` checks it), or None.
    """
    page = render_home(public_url)
    widget = _static("widget.js", "text/javascript", WIDGET_CACHE)
    css = _static("home.css", "text/css", WIDGET_CACHE)
    home_js = _static("home.js", "text/javascript", WIDGET_CACHE)

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

    @app.get("/home.js")
    def home_script():
        return home_js()

    @app.get("/")
    def home():
        response = Response(page, mimetype="text/html")
        response.headers["Cache-Control"] = "no-cache"
        return response
