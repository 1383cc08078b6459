"""The API's routes: search, passages, documents, health and readiness, as one Blueprint.

The routes read the searcher from :class:`AppState` (``app.extensions["vraagbaak"]``),
so a worker whose index failed to load answers 503 with the reason instead of failing to start.
"""

from __future__ import annotations

import json
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Blueprint, Response, current_app, jsonify, request, send_file
from werkzeug.exceptions import RequestEntityTooLarge

from vraagbaak.index.cache import LRUCache
from vraagbaak.index.search import QueryTooLongError, Searcher, UnknownDocumentError
from vraagbaak.index.store import IndexLoadError, build_fingerprint
from vraagbaak.service.errors import ApiError, error_response
from vraagbaak.service.observability import log, record_answer, record_index, record_reload, record_search
from vraagbaak.service.params import SearchParams, parse_passages_params, parse_search_params

MAX_BODY_BYTES = 16 * 1024
#: How often a worker that could not load the index tries again (on the next request after this many seconds).
RELOAD_RETRY_SECONDS = 5.0

api = Blueprint("api", __name__)


@dataclass
class AppState:
    """What the routes serve from: the searcher, or why there is none and how to try again.

    **Live reload.** When the app loads the index itself (``loader`` set), a daemon thread of this
    process checks every ``reload_interval`` seconds whether ``index_dir`` now shows another build
    (:func:`vraagbaak.index.store.build_fingerprint`: the link's target and its manifest's stat, a few
    system calls). If so it loads that build (every checksum verified, the embedder reused) while the
    requests go on being answered by the current searcher, then replaces the reference in one
    assignment: a request uses the searcher it started with to the end, and none fails. The old
    searcher is then referenced by nothing (the caches are emptied for the new build), so its index,
    FAISS vectors and BM25 are freed once its last request is done. A build that does not load
    (damaged, another model's) leaves the current one serving, is logged once and tried again only
    when the index path shows yet another build. The thread starts with the app (under gunicorn in
    the worker, after the fork), holds the state only weakly and ends with it. A worker that has no
    searcher yet is left to :meth:`current`, which tries again on requests (the degrade path).
    """

    searcher: Searcher | None = None
    #: Loads the index again; set when the app may start without one (a gunicorn worker).
    loader: Callable[[], Searcher] | None = None
    load_error: str | None = None
    last_attempt: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: Whole search responses of recent questions, per index build (None: no cache).
    responses: LRUCache | None = None
    #: The index path whose builds are followed, and how often it is checked (None: never).
    index_dir: Path | None = None
    reload_interval: float | None = None
    #: The build the searcher was loaded from, and the last build that failed to load (both fingerprints).
    loaded_build: tuple | None = None
    failed_build: tuple | None = None
    _watcher: threading.Thread | None = field(default=None, repr=False)
    _reload_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

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
            self.use(self.loader())  # type: ignore[misc]
            self.load_error = None
            log.info("index loaded", extra={"fields": self._describe(self.searcher)})
        except IndexLoadError as e:
            self.load_error = str(e)
            log.error("index not loaded; this worker answers 503 until it loads", extra={"fields": {"reason": str(e)}})

    def use(self, searcher: Searcher) -> None:
        """Serve ``searcher`` from now on: the caches are emptied for its build, then one assignment."""
        for cache in (self.responses, searcher.encodings):
            if cache is not None:
                cache.bind(searcher.build_id)
        self.loaded_build = build_fingerprint(searcher.index.path)
        self.searcher = searcher
        record_index(searcher.index.manifest)

    def check_for_new_build(self) -> bool:
        """Load the build the index path shows now if it is not the one served; True when it was swapped in."""
        if self.loader is None or self.index_dir is None or self.searcher is None:
            return False  # nothing loaded yet: current() retries on requests (the degrade path)
        with self._reload_lock:
            seen = build_fingerprint(self.index_dir)
            if seen is None or seen == self.loaded_build or seen == self.failed_build:
                return False
            try:
                searcher = self.loader()
            except Exception as e:  # IndexLoadError mostly; whatever it is, the current build goes on
                self.failed_build = seen
                record_reload(ok=False)
                log.error(
                    "new index build not loaded; the current one goes on serving",
                    extra={"fields": {"reason": str(e), "path": seen[0], **self._describe(self.searcher)}},
                )
                return False
            self.use(searcher)
            self.failed_build = None
            record_reload(ok=True)
            log.info("index reloaded", extra={"fields": self._describe(searcher)})
            return True

    def start_watching(self) -> None:
        """Start the watcher thread (create_app does, so in gunicorn in the worker, after the fork)."""
        if not self.reload_interval or self.loader is None or self.index_dir is None:
            return
        with self.lock:
            if self._watcher is None:
                self._watcher = threading.Thread(
                    target=_watch, args=(weakref.ref(self), self.reload_interval), name="index-watch", daemon=True
                )
                self._watcher.start()

    @staticmethod
    def _describe(searcher: Searcher | None) -> dict:
        if searcher is None:
            return {}
        m = searcher.index.manifest
        return {"build_id": searcher.build_id, "built_at": m.built_at, "passages": m.passage_count}

    def not_ready_message(self) -> str:
        if self.load_error:
            return f"the index could not be loaded: {self.load_error}"
        return "the index is not loaded yet"


def _watch(ref: weakref.ref[AppState], interval: float) -> None:
    """The watcher thread: check every ``interval`` seconds, for as long as the app exists."""
    while True:
        time.sleep(interval)
        state = ref()
        if state is None:
            return
        try:
            state.check_for_new_build()
        except Exception:  # never let the thread die: the next round tries again
            log.exception("index reload check failed")
        del state


def _state() -> AppState:
    return current_app.extensions["vraagbaak"]


def _ready() -> Searcher:
    state = _state()
    searcher = state.current()
    if searcher is None:
        raise ApiError(503, "not_ready", state.not_ready_message())
    return searcher


@api.get("/api/search")
def search_get() -> Response:
    return _search(_ready(), parse_search_params(_query_args()))


@api.post("/api/search")
def search_post() -> Response:
    return _search(_ready(), parse_search_params(_json_body()))


def _search(searcher: Searcher, params: SearchParams) -> Response:
    started = time.perf_counter()
    q = params.q  # normalised by parse_query: the form that is searched, cached and echoed
    cache = _state().responses
    key = None
    if cache is not None and cache.enabled:
        cache.bind(searcher.build_id)
        key = (searcher.build_id, q, params.k, params.document)
        if (found := cache.get(key)) is not None:
            answerable, count, answer, results = found
            record_answer(q, count, answerable, cached=True)
            return _search_response(q, answerable, time.perf_counter() - started, answer, results)
    try:
        result = searcher.search(q, k=params.k, document=params.document)
    except UnknownDocumentError:
        raise _unknown_document(searcher, params.document) from None
    except QueryTooLongError as e:
        raise ApiError(400, "query_too_long", str(e)) from None
    record_search(q, result)
    answer = _compact(result.answer.public() if result.answer else None).encode("utf-8")
    results = _compact([h.public() for h in result.hits]).encode("utf-8")
    if key is not None:
        entry = (result.answerable, len(result.hits), answer, results)
        cache.put(key, entry, len(answer) + len(results))  # type: ignore[union-attr]
    return _search_response(q, result.answerable, result.timings.get("total", 0.0), answer, results)


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _search_response(q: str, answerable: bool, seconds: float, answer: bytes, results: bytes) -> Response:
    """The body of SearchResult.public(), with the answer and results serialised once and kept as bytes by the cache.

    ``took_ms`` is this request's own time: a cached answer says how long the lookup took.
    """
    took = round(seconds * 1000, 3)
    head = f'{{"query":{_compact(q)},"answerable":{_compact(answerable)},"answer":'.encode()
    return Response(
        head + answer + f',"took_ms":{took},"results":'.encode() + results + b"}", mimetype="application/json"
    )


@api.get("/api/passages")
def passages() -> Response:
    searcher = _ready()
    params = parse_passages_params(_query_args())
    items = searcher.passages
    if params.document is not None:
        if params.document not in searcher.document_rows:
            raise _unknown_document(searcher, params.document)
        items = [p for p in items if p.document.id == params.document]
    page = items[params.offset : params.offset + params.limit]
    return jsonify({"total": len(items), "passages": [p.public() for p in page]})


@api.get("/api/documents")
def documents() -> Response:
    return jsonify({"documents": _ready().index.documents})


#: Content types of the source files the index keeps; anything else is served as bytes to download.
SOURCE_TYPES = {".pdf": "application/pdf", ".txt": "text/plain", ".md": "text/markdown"}  # Flask adds the charset


@api.get("/api/documents/<doc_id>/file")
def document_file(doc_id: str) -> Response:
    """The source file a document was read from, as the index keeps it (so a citation's page is its page).

    Served from the index, not the corpus directory: it is exactly what was indexed, and a path
    never comes from the request. A type that a browser would render as a page of this origin
    (HTML, say) is sent as an attachment in a sandbox, never rendered here.
    """
    searcher = _ready()
    doc = next((d for d in searcher.index.documents if d["id"] == doc_id), None)
    if doc is None:
        raise _unknown_document(searcher, doc_id)
    path = searcher.index.source_path(doc["source"])
    if path is None:
        raise ApiError(404, "no_source_file", f"the index holds no source file for {doc_id}")
    suffix = path.suffix.lower()
    response = send_file(
        path,
        mimetype=SOURCE_TYPES.get(suffix, "application/octet-stream"),
        as_attachment=suffix not in SOURCE_TYPES,
        download_name=path.name,
        conditional=True,
        max_age=3600,
    )
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@api.get("/healthz")
def healthz() -> Response:
    return jsonify({"status": "ok"})


@api.get("/readyz")
def readyz() -> Response:
    searcher = _ready()
    m = searcher.index.manifest
    return jsonify(
        {
            "status": "ready",
            "passages": m.passage_count,
            "model": m.model_id,
            "built_at": m.built_at,
            "build_id": searcher.build_id,
        }
    )


@api.app_errorhandler(ApiError)
def api_error(e: ApiError) -> Response:
    response = error_response(e.status, e.code, e.message)
    if e.status == 503:
        response.headers["Retry-After"] = str(int(RELOAD_RETRY_SECONDS))
    return response


def _unknown_document(searcher: Searcher, doc_id: str | None) -> ApiError:
    known = ", ".join(sorted(searcher.document_rows))
    return ApiError(400, "unknown_document", f"unknown document {doc_id!r}; known: {known}")


def _query_args() -> dict[str, list[str]]:
    try:  # Werkzeug replaces bad bytes silently; a client sending them should hear about it
        for part in request.query_string.split(b"&"):
            unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_encoding", "the query string is not valid UTF-8") from None
    return {k: request.args.getlist(k) for k in request.args}


def _json_body() -> dict[str, list[Any]]:
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
