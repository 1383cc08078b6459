"""The management page /beheer: list, upload and remove documents in a browser, over the admin API.

Registered by ``register_admin`` only when VRAAGBAAK_ADMIN_TOKEN is set, so without a token the page
does not exist (404), as the API it drives does not. The page itself is public and holds no secret:
it asks the editor for the token, keeps it in ``sessionStorage`` and sends it only as the
``Authorization`` header of the admin API's requests (static/beheer.js). It is outside the admin
blueprint, whose token check would refuse the browser the page that asks for the token.

Three static files, read once like the demo page's: beheer.html, beheer.js and beheer.css (home.css
and widget.js are shared with the demo page). No inline script or style, so the strict CSP of
service/security.py holds. ``no-cache`` with an ETag: the page and its script change together, and
a browser revalidates both with a 304 instead of mixing an old script with a new page.
"""

from __future__ import annotations

from flask import Flask, Response

from vraagbaak.service.widget import _static

PAGE_CACHE = "no-cache"


def register_page(app: Flask) -> None:
    """Add ``/beheer``, ``/beheer.js`` and ``/beheer.css``."""
    page = _static("beheer.html", "text/html", PAGE_CACHE)
    script = _static("beheer.js", "text/javascript", PAGE_CACHE)
    css = _static("beheer.css", "text/css", PAGE_CACHE)

    @app.get("/beheer")
    def beheer() -> Response:
        response = page()
        response.headers["X-Robots-Tag"] = "noindex"  # a management page has no place in a search engine
        return response

    @app.get("/beheer.js")
    def beheer_js() -> Response:
        return script()

    @app.get("/beheer.css")
    def beheer_css() -> Response:
        return css()
