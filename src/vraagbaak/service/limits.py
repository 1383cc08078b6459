"""Rate limiting per client address (flask-limiter), answered with a JSON 429 and Retry-After.

VRAAGBAAK_RATE_LIMIT sets the limit, e.g. ``60/minute`` or ``10/second;300/hour``;
unset, empty or ``off`` disables it (the development server and the tests).
service/gunicorn_conf.py defaults it to 300/minute for production: search-as-you-type
from several people behind one address must fit.

Every request counts, including those for unknown paths and methods (404/405):
flask-limiter skips requests without an endpoint, so they get a stand-in one.
Probes, metrics and the static files (the demo page, the widget) are exempt:
a client that searched too eagerly keeps its page and its widget.

The counters are kept in memory, per process: with N gunicorn workers a client
can get up to N times the limit before every worker refuses it. That bounds
abuse well enough for one small host; use a shared storage (VRAAGBAAK_RATE_LIMIT_STORAGE,
e.g. ``redis://...``) when it must be exact.

Behind a reverse proxy every client has the proxy's address, so all would share
one bucket. VRAAGBAAK_TRUSTED_PROXIES=N (see :func:`register_proxy_fix`) makes
the app take the client address from the last N ``X-Forwarded-For`` hops; unset,
``X-Forwarded-For`` is ignored, so a client cannot spoof its way to a fresh bucket.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import ClientDisconnected
from werkzeug.middleware.proxy_fix import ProxyFix

from vraagbaak.service.errors import error_response

#: Never limited: probes and metrics (monitoring must not be locked out) and the static files.
EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics", "/", "/widget.js", "/home.css", "/home.js"})
#: flask-limiter's identifier for a request that matched no route (it would otherwise skip the check).
UNMATCHED = "<unmatched>"


def register_proxy_fix(app: Flask, hops: int = 0) -> None:
    """Trust ``hops`` proxies' X-Forwarded-For and X-Forwarded-Proto; 0 trusts none (the default)."""
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def register_rate_limit(app: Flask, limit: str | None, *, storage: str = "memory://") -> Limiter:
    """Limit every route but EXEMPT_PATHS to ``limit`` (e.g. "60/minute") per client address; None: no limit."""

    # Registered before the limiter's own hook, so it runs after it (Flask runs after_request hooks in
    # reverse): the limiter stamps Retry-After on every response, where it only means something on a 429.
    @app.after_request
    def _retry_after_only_when_refused(response: Response) -> Response:
        if response.status_code not in (429, 503):
            response.headers.pop("Retry-After", None)
        return response

    limiter = Limiter(
        get_remote_address,
        app=app,
        # one budget per client across all routes, not one per route
        application_limits=[limit] if limit else [],
        application_limits_exempt_when=lambda: request.path in EXEMPT_PATHS,
        request_identifier=lambda: request.endpoint or UNMATCHED,
        storage_uri=storage,
        headers_enabled=True,
        retry_after="delta-seconds",
        enabled=bool(limit),
    )

    @app.errorhandler(RateLimitExceeded)
    def _too_many(e: RateLimitExceeded):
        response = error_response(429, "rate_limited", f"too many requests: the limit is {e.description}")
        response.headers["Retry-After"] = "1"  # flask-limiter raises it to the real reset time
        return response

    return limiter


def register_body_errors(app: Flask) -> None:
    """A malformed, cut-off or stalled request body is the client's 400 or 408, not our 500.

    Under gunicorn these errors surface inside the app, while it reads ``wsgi.input``.
    """

    @app.errorhandler(ClientDisconnected)
    def _cut_body(e: ClientDisconnected):
        # Werkzeug raises this for any failed read of wsgi.input. service/worker.py hands a body it will
        # not buffer (too large, odd framing) to a thread whose socket reads time out after read_timeout:
        # a client that stops sending gets a 408, one that goes away a 400; neither is a generic error.
        if isinstance(e.__context__, TimeoutError):
            response = error_response(408, "request_timeout", "the request body did not arrive in time")
        else:
            response = error_response(400, "incomplete_body", "the request body ended before its announced length")
        response.headers["Connection"] = "close"
        return response

    try:
        from gunicorn.http.errors import NoMoreData, ParseException
    except ImportError:  # pragma: no cover - gunicorn is a dependency, but the app does not need it
        return

    @app.errorhandler(ParseException)
    @app.errorhandler(NoMoreData)
    def _bad_body(e: Exception):
        response = error_response(400, "invalid_body", f"the request body is malformed: {e}"[:200])
        response.headers["Connection"] = "close"
        return response
