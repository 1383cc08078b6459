"""Rate limiting per client address (flask-limiter), answered with a JSON 429 and Retry-After.

VRAAGBAAK_RATE_LIMIT sets the limit, e.g. ``60/minute`` or ``10/second;300/hour``;
unset, empty or ``off`` disables it (the development server and the tests).
service/gunicorn_conf.py defaults it to 300/minute for production: search-as-you-type
from several people behind one address must fit.

The counters are kept in memory, per process: with N gunicorn workers a client
can get up to N times the limit before every worker refuses it. That bounds
abuse well enough for one small host; use a shared storage (VRAAGBAAK_RATE_LIMIT_STORAGE,
e.g. ``redis://...``) when it must be exact. Health, readiness and metrics are exempt.
Behind a reverse proxy the client address is the proxy's unless the app is wrapped in ProxyFix.
"""

from __future__ import annotations

import os

from flask import Flask, jsonify
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


def rate_limit_from_env() -> str | None:
    value = os.environ.get("VRAAGBAAK_RATE_LIMIT", "").strip()
    return None if value.lower() in {"", "off", "none", "0"} else value


def register_rate_limit(app: Flask, limit: str | None = None) -> Limiter:
    """Limit every route but the probes to ``limit`` (default: VRAAGBAAK_RATE_LIMIT) per client address."""
    from flask import request

    limit = limit if limit is not None else rate_limit_from_env()
    limiter = Limiter(
        get_remote_address,
        app=app,
        # one budget per client across all routes, not one per route
        application_limits=[limit] if limit else [],
        application_limits_exempt_when=lambda: request.path in EXEMPT_PATHS,
        storage_uri=os.environ.get("VRAAGBAAK_RATE_LIMIT_STORAGE", "memory://"),
        headers_enabled=True,
        retry_after="delta-seconds",
        enabled=bool(limit),
    )

    @app.errorhandler(RateLimitExceeded)
    def _too_many(e: RateLimitExceeded):
        message = f"too many requests: the limit is {e.description}"
        response = jsonify({"error": {"code": "rate_limited", "message": message}})
        response.status_code = 429
        response.headers["Retry-After"] = "1"  # flask-limiter raises it to the real reset time
        return response

    return limiter


def register_body_errors(app: Flask) -> None:
    """A malformed or cut-off request body (bad chunk framing, client gone) is the client's 400, not our 500.

    Under gunicorn these errors surface inside the app, while it reads ``wsgi.input``.
    """
    try:
        from gunicorn.http.errors import NoMoreData, ParseException
    except ImportError:  # pragma: no cover - gunicorn is a dependency, but the app does not need it
        return

    @app.errorhandler(ParseException)
    @app.errorhandler(NoMoreData)
    def _bad_body(e: Exception):
        response = jsonify({"error": {"code": "invalid_body", "message": f"the request body is malformed: {e}"[:200]}})
        response.status_code = 400
        response.headers["Connection"] = "close"
        return response
