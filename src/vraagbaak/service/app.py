"""The Flask application factory: wires the API, the widget and the cross-cutting layers together.

The app loads the embedder once, at creation, and the index at creation and again whenever the
index path shows a new build (live reload, ``vraagbaak.service.api.AppState``). It refuses an index
that does not fit the configured embedder (``vraagbaak.settings.check_compatible``).
It never parses the corpus: everything it serves comes from the index directory.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from vraagbaak.index.cache import LRUCache
from vraagbaak.index.embedders import Embedder, from_spec
from vraagbaak.index.search import Searcher
from vraagbaak.index.store import Manifest, load_index
from vraagbaak.service.admin import register_admin
from vraagbaak.service.api import MAX_BODY_BYTES, AppState, api
from vraagbaak.service.cors import register_cors
from vraagbaak.service.errors import error_response
from vraagbaak.service.limits import register_body_errors, register_proxy_fix, register_rate_limit
from vraagbaak.service.observability import cache_counter, register_observability
from vraagbaak.service.openapi import register_openapi
from vraagbaak.service.security import register_security_headers
from vraagbaak.service.widget import register_widget
from vraagbaak.settings import Settings, check_compatible

log = logging.getLogger("vraagbaak")


def question_cache(settings: Settings, name: str) -> LRUCache:
    """One of a process's two repeated-question caches ("response", "encoding"), each half of VRAAGBAAK_CACHE_MB."""
    return LRUCache(settings.cache_entries, int(settings.cache_mb * 2**20 / 2), on_lookup=cache_counter(name))


def searcher_loader(
    settings: Settings, *, embedder: Embedder | None = None, encodings: LRUCache | None = None
) -> Callable[[], Searcher]:
    """Create the embedder now; the returned function loads (and verifies) the index each time it is called.

    Every searcher it loads shares ``encodings``, which a new build empties (LRUCache.bind).
    """
    embedder = embedder or from_spec(settings.embedder, num_threads=settings.num_threads, engines=settings.engines or 1)

    def load() -> Searcher:
        def compatible(manifest: Manifest) -> None:
            check_compatible(manifest, settings)

        index = load_index(settings.index_dir, check=compatible)
        return Searcher(index, embedder, settings.retrieval, encodings=encodings)

    return load


def build_searcher(settings: Settings, *, embedder: Embedder | None = None) -> Searcher:
    """Load the configured index and embedder; raises IndexLoadError on a bad or foreign index."""
    return searcher_loader(settings, embedder=embedder)()


def create_app(
    settings: Settings | None = None,
    *,
    searcher: Searcher | None = None,
    embedder: Embedder | None = None,
    degrade: bool = False,
    run_jobs: bool = True,
) -> Flask:
    """The Flask app over ``searcher``, or over the index ``settings`` name (default: ``Settings()``).

    A bad index raises :class:`IndexLoadError`, unless ``degrade`` is set (gunicorn workers): then the
    app starts without one, answers 503 with the reason on /readyz and the API, and tries again.
    A worker restarted onto an index damaged under the running server thus leaves the master and
    the other workers serving, where a boot error would make gunicorn stop them all.
    ``run_jobs`` False leaves the admin API's indexing jobs queued (tests of the queue itself).
    """
    settings = settings or Settings()
    app = Flask(__name__, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    # "/api//documents" is a 404, not a redirect whose Location is built from the Host header.
    app.url_map.merge_slashes = False
    state = AppState(searcher, responses=question_cache(settings, "response"))
    if searcher is None:
        state.loader = searcher_loader(settings, embedder=embedder, encodings=question_cache(settings, "encoding"))
        # Follow the index path: a new build is served within about reload_interval seconds (AppState).
        state.index_dir, state.reload_interval = settings.index_dir, settings.service.reload_interval
        if degrade:
            state.try_load()
        else:
            state.use(state.loader())
        state.start_watching()
    app.extensions["vraagbaak"] = state

    service = settings.service
    register_proxy_fix(app, service.trusted_proxies)  # none trusted by default
    # request ids, JSON request log, /metrics; first, so its log sees the final status
    register_observability(
        app, metrics_allow=service.metrics_allow, metrics_dir=service.metrics_dir, log_level=service.log_level
    )
    register_security_headers(app, csp_connect=service.csp_connect)
    register_rate_limit(app, service.rate_limit, storage=service.rate_limit_storage)  # off when None
    register_body_errors(app)  # malformed chunked or cut-off bodies: JSON 400
    register_openapi(app, admin=service.admin_token is not None)  # /openapi.json
    register_cors(app, service.cors_origins)  # CORS for the read-only API
    register_widget(app, public_url=service.public_url)  # / (demo page), /widget.js
    app.register_blueprint(api)
    register_admin(app, settings, run_jobs=run_jobs)  # only with VRAAGBAAK_ADMIN_TOKEN: uploads, jobs, /beheer

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException) -> Response:
        codes = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}
        message = {413: f"request body larger than {MAX_BODY_BYTES} bytes"}.get(e.code or 0, e.description or "")
        response = error_response(e.code or 500, codes.get(e.code or 0, "http_error"), message)
        if e.code == 405:
            response.headers["Allow"] = ", ".join(e.valid_methods or [])
        return response

    @app.errorhandler(Exception)
    def unexpected(e: Exception) -> Response:
        log.exception("unhandled error")
        return error_response(500, "internal_error", "internal error; the request was logged")

    return app
