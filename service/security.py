"""Security headers on every response: a strict Content-Security-Policy, nosniff, no referrer.

The demo page (/) loads only same-origin files (home.css, widget.js) and has no
inline script or style, so ``'self'`` suffices; the widget fetches the API on
the page's own origin. When the API is served from another origin than the page,
add it to ``connect-src`` with VRAAGBAAK_CSP_CONNECT (space-separated origins).
JSON responses get the same headers; they cost nothing and cover error pages.
"""

from __future__ import annotations

import os

from flask import Flask, Response


def content_security_policy(extra_connect: str = "") -> str:
    connect = " ".join(["'self'", *extra_connect.split()])
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src {connect}; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def register_security_headers(app: Flask) -> None:
    csp = content_security_policy(os.environ.get("VRAAGBAAK_CSP_CONNECT", ""))

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response
