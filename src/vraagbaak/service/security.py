"""Security headers on every response: a strict Content-Security-Policy, nosniff, no referrer.

The demo page (/) loads only same-origin files (home.css, widget.js) and has no
inline script or style, so ``'self'`` suffices; the widget fetches the API on
the page's own origin. When the API is served from another origin than the page,
add it to ``connect-src`` with VRAAGBAAK_CSP_CONNECT (space-separated origins, ``csp_connect``).
JSON responses get the same headers; they cost nothing and cover error pages.
"""

from __future__ import annotations

from flask import Flask, Response

#: The headers every response carries, the CSP aside; gunicorn's own error answers carry them too.
STATIC_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def content_security_policy(extra_connect: tuple[str, ...] = ()) -> str:
    connect = " ".join(["'self'", *extra_connect])
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src {connect}; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def register_security_headers(app: Flask, *, csp_connect: tuple[str, ...] = ()) -> None:
    csp = content_security_policy(csp_connect)

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", csp)
        for name, value in STATIC_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
