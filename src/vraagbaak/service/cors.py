"""CORS for the read-only API, so that the search widget works when embedded on another site.

By default any origin may call ``/api/search``, ``/api/passages`` and ``/api/documents``
(``Access-Control-Allow-Origin: *``; no credentials are ever involved). ``VRAAGBAAK_CORS_ORIGINS``,
a comma-separated list such as ``https://a.example,https://b.example``, restricts them: an
allowed origin is echoed back with ``Vary: Origin``, any other gets no CORS headers (so the
browser refuses to hand it the response) and a 403 on preflight. Other paths get no CORS headers.

The allowed origins live in ``app.config["CORS_ORIGINS"]`` (None: any origin), read per request.
"""

from __future__ import annotations

from flask import Flask, Response, request

from vraagbaak.service.errors import error_response

#: The read-only endpoints a browser on another origin may call, with their methods.
CORS_PATHS: dict[str, tuple[str, ...]] = {
    "/api/search": ("GET", "POST"),
    "/api/passages": ("GET",),
    "/api/documents": ("GET",),
}
PREFLIGHT_MAX_AGE = 600


def register_cors(app: Flask, origins: tuple[str, ...] | None = None) -> None:
    """Answer preflights and add CORS headers on CORS_PATHS; ``origins`` (lower-case, no trailing slash)
    restricts them, None allows any origin (``vraagbaak.settings.parse_origins`` makes the tuple)."""
    app.config["CORS_ORIGINS"] = origins

    def allowed_origin() -> str | None:
        """The value for Access-Control-Allow-Origin, or None when this request's origin is not allowed."""
        allowed = app.config.get("CORS_ORIGINS")
        if allowed is None:
            return "*"
        origin = request.headers.get("Origin")
        if origin and origin.rstrip("/").lower() in allowed:
            return origin
        return None

    @app.before_request
    def preflight():
        methods = CORS_PATHS.get(request.path)
        if request.method != "OPTIONS" or methods is None or "Access-Control-Request-Method" not in request.headers:
            return None
        value = allowed_origin()
        if value is None:
            response = error_response(403, "origin_not_allowed", "this origin may not call the API")
            response.vary.add("Origin")
            return response
        response = Response(status=204)
        response.headers["Access-Control-Allow-Origin"] = value
        response.headers["Access-Control-Allow-Methods"] = ", ".join((*methods, "OPTIONS"))
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
        if value != "*":
            response.vary.add("Origin")
        return response

    @app.after_request
    def cors_headers(response: Response) -> Response:
        if request.path not in CORS_PATHS or "Access-Control-Allow-Origin" in response.headers:
            return response
        value = allowed_origin()
        if app.config.get("CORS_ORIGINS") is not None:
            response.vary.add("Origin")
        if value is not None:
            response.headers["Access-Control-Allow-Origin"] = value
            response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
        return response
