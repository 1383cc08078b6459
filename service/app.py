"""The HTTP API: search, passages, documents, health. Every error is JSON.

The app loads the index and the embedder once, at creation, and refuses to
start on an index that does not fit the configured embedder. It never parses
the corpus: everything it serves comes from the index directory.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from index.config import RetrievalConfig, load_settings
from index.embedders import Embedder, from_spec
from index.search import QueryTooLongError, Searcher, UnknownDocumentError
from index.store import DEFAULT_INDEX_DIR, IndexLoadError, load_index
from service.cors import register_cors
from service.limits import register_body_errors, register_proxy_fix, register_rate_limit
from service.observability import record_search, register_observability
from service.openapi import register_openapi
from service.params import ApiError, parse_passages_params, parse_search_params
from service.security import register_security_headers
from service.widget import register_widget

log = logging.getLogger("vraagbaak")
MAX_BODY_BYTES = 16 * 1024


#: How often a worker that could not load the index tries again (on the next request after this many seconds).
RELOAD_RETRY_SECONDS = 5.0


@dataclass
class AppState:
    """What the routes serve from: the searcher, or why there is none and how to try again."""

    searcher: Searcher | None = None
    #: Loads the index again; set when the app may start without one (a gunicorn worker).
    loader: Callable[[], Searcher] | None = None
    load_error: str | None = None
    last_attempt: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def current(self) -> Searcher | None:
        """The searcher; a worker that has none tries to load it again, at most every RELOAD_RETRY_SECONDS."""
        if self.searcher is None and self.loader is not None and self._due():
            with self.lock:
                if self.searcher is None and self._due():
                    self.try_load()
        return self.searcher

    def _due(self) -> bool:
        return time.monotonic() - self.last_attempt >= RELOAD_RETRY_SECONDS

    def try_load(self) -> None:
        self.last_attempt = time.monotonic()
        try:
            self.searcher = self.loader()  # type: ignore[misc]
            self.load_error = None
            log.info("index loaded", extra={"fields": {"passages": self.searcher.index.manifest.passage_count}})
        except IndexLoadError as e:
            self.load_error = str(e)
            log.error("index not loaded; this worker answers 503 until it loads", extra={"fields": {"reason": str(e)}})


def searcher_loader(
    *,
    index_dir: str | Path | None = None,
    embedder: Embedder | None = None,
    config: RetrievalConfig | None = None,
    num_threads: int | None = None,
) -> Callable[[], Searcher]:
    """Create the embedder now; the returned function loads (and verifies) the index each time it is called."""
    index_dir = Path(index_dir or os.environ.get("VRAAGBAAK_INDEX_DIR") or DEFAULT_INDEX_DIR)
    threads = num_threads or _int_env("VRAAGBAAK_NUM_THREADS")
    embedder = embedder or from_spec(num_threads=threads)
    config = config or load_settings().retrieval

    def load() -> Searcher:
        return Searcher(load_index(index_dir, expected_model_id=embedder.model_id), embedder, config)

    return load


def build_searcher(**load_options) -> Searcher:
    """Load the configured index and embedder; raises IndexLoadError on a bad index."""
    return searcher_loader(**load_options)()


def create_app(searcher: Searcher | None = None, *, degrade: bool = False, **load_options) -> Flask:
    """The Flask app; pass a ``searcher`` (tests) or let it load the configured index.

    A bad index raises :class:`IndexLoadError`, unless ``degrade`` is set (gunicorn workers): then the
    app starts without one, answers 503 with the reason on /readyz and the API, and tries again.
    A worker restarted onto an index damaged under the running server thus leaves the master and
    the other workers serving, where a boot error would make gunicorn stop them all.
    """
    app = Flask(__name__, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    # "/api//documents" is a 404, not a redirect whose Location is built from the Host header.
    app.url_map.merge_slashes = False
    state = AppState(searcher)
    if searcher is None:
        state.loader = searcher_loader(**load_options)
        if degrade:
            state.try_load()
        else:
            state.searcher = state.loader()
    app.extensions["vraagbaak"] = state
    register_proxy_fix(app)  # VRAAGBAAK_TRUSTED_PROXIES; none trusted when unset
    register_observability(app)  # request ids, JSON request log, /metrics; first, so its log sees the final status
    register_security_headers(app)  # CSP, nosniff, Referrer-Policy
    register_rate_limit(app)  # VRAAGBAAK_RATE_LIMIT, off when unset
    register_body_errors(app)  # malformed chunked or cut-off bodies: JSON 400
    register_openapi(app)  # /openapi.json
    register_cors(app)  # CORS for the read-only API; VRAAGBAAK_CORS_ORIGINS restricts it
    register_widget(app)  # / (demo page), /widget.js

    def ready() -> Searcher:
        searcher = state.current()
        if searcher is None:
            raise ApiError(503, "not_ready", _not_ready_message(state))
        return searcher

    @app.get("/api/search")
    def search_get():
        return _search(ready(), parse_search_params(_query_args()))

    @app.post("/api/search")
    def search_post():
        return _search(ready(), parse_search_params(_json_body()))

    def _search(s: Searcher, params: dict):
        try:
            result = s.search(params["q"], k=params["k"], document=params["document"])
        except UnknownDocumentError:
            raise _unknown_document(s, params["document"]) from None
        except QueryTooLongError as e:
            raise ApiError(400, "query_too_long", str(e)) from None
        record_search(params["q"], result)
        return jsonify(result.public())

    @app.get("/api/passages")
    def passages():
        s = ready()
        params = parse_passages_params(_query_args())
        items = s.passages
        if params["document"] is not None:
            if params["document"] not in s.document_rows:
                raise _unknown_document(s, params["document"])
            items = [p for p in items if p.document.id == params["document"]]
        page = items[params["offset"] : params["offset"] + params["limit"]]
        return jsonify({"total": len(items), "passages": [p.public() for p in page]})

    @app.get("/api/documents")
    def documents():
        return jsonify({"documents": ready().index.documents})

    @app.get("/healthz")
    def healthz():
        return jsonify({"status": "ok"})

    @app.get("/readyz")
    def readyz():
        s = state.current()
        if s is None:
            return _error(503, "not_ready", _not_ready_message(state))
        m = s.index.manifest
        return jsonify({"status": "ready", "passages": m.passage_count, "model": m.model_id, "built_at": m.built_at})

    @app.errorhandler(ApiError)
    def api_error(e: ApiError):
        response = _error(e.status, e.code, e.message)
        if e.status == 503:
            response.headers["Retry-After"] = str(int(RELOAD_RETRY_SECONDS))
        return response

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        codes = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}
        message = {413: f"request body larger than {MAX_BODY_BYTES} bytes"}.get(e.code, e.description)
        response = _error(e.code or 500, codes.get(e.code, "http_error"), message)
        if e.code == 405:
            response.headers["Allow"] = ", ".join(e.valid_methods or [])
        return response

    @app.errorhandler(Exception)
    def unexpected(e: Exception):
        log.exception("unhandled error")
        return _error(500, "internal_error", "internal error; the request was logged")

    return app


def _not_ready_message(state: AppState) -> str:
    if state.load_error:
        return f"the index could not be loaded: {state.load_error}"
    return "the index is not loaded yet"


def _unknown_document(s: Searcher, doc_id: str | None) -> ApiError:
    known = ", ".join(sorted(s.document_rows))
    return ApiError(400, "unknown_document", f"unknown document {doc_id!r}; known: {known}")


def _query_args() -> dict:
    try:  # Werkzeug replaces bad bytes silently; a client sending them should hear about it
        for part in request.query_string.split(b"&"):
            unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_encoding", "the query string is not valid UTF-8") from None
    return {k: request.args.getlist(k) for k in request.args}


def _json_body() -> dict:
    data = request.get_data(cache=False)  # MAX_CONTENT_LENGTH makes this refuse oversized bodies with 413
    # Only a body without Content-Length can be cut silently; probing a sized one would block on the socket.
    if request.content_length is None and len(data) >= MAX_BODY_BYTES and request.environ["wsgi.input"].read(1):
        # a chunked body has no Content-Length: Werkzeug stops at the limit without saying it was hit
        raise RequestEntityTooLarge()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_encoding", "the request body is not valid UTF-8") from None
    try:
        body = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except (ValueError, RecursionError):  # JSONDecodeError, and int()'s refusal of a number over 4,300 digits
        raise ApiError(400, "invalid_json", "the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_json", "the request body must be a JSON object")
    return {k: [v] for k, v in body.items()}


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object that names a key twice is refused, as a repeated query parameter is: the forms agree."""
    body: dict[str, Any] = {}
    for key, value in pairs:
        if key in body:
            raise ApiError(400, "invalid_parameter", f"'{key[:40]}' was given more than once; give it once")
        body[key] = value
    return body


def _error(status: int, code: str, message: str) -> Response:
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    return response


def _int_env(name: str) -> int | None:
    value = os.environ.get(name)
    return int(value) if value else None
