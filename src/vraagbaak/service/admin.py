"""The admin API: upload and remove documents behind a bearer token; indexing runs as background jobs.

Only when ``VRAAGBAAK_ADMIN_TOKEN`` is set (``register_admin``); otherwise these routes do not exist
(404) and /openapi.json does not name them. Every route asks for ``Authorization: Bearer <token>``,
compared in constant time; the token is never logged or echoed. For example::

    curl -X POST -H "Authorization: Bearer $T" -H "Content-Type: application/pdf" \\
         --data-binary @jaarverslag.pdf "http://127.0.0.1:8000/api/documents?filename=jaarverslag.pdf"
    -> 202 {"job": {"id": "4f…", "status": "queued", …}}   Location: /api/jobs/4f…
    curl -H "Authorization: Bearer $T" http://127.0.0.1:8000/api/jobs/4f…
    -> 200 {"job": {"status": "running", "progress": {"stage": "passages", "done": 32, "total": 80}, …}}
    curl -X DELETE -H "Authorization: Bearer $T" http://127.0.0.1:8000/api/documents/jaarverslag
    -> 202 {"job": {"kind": "remove", …}}

An upload is stored under ``<index>.jobs/uploads/<job>/`` and queued; the job process
(vraagbaak/jobs/work.py) reads it in a limited child, adds it and rebuilds, and the servers load
the new build (live reload). Each admin request writes one audit line (logger ``vraagbaak.audit``)
that changes something (upload, remove) or is refused for want of the token, and is counted in
/metrics; reading a job's state is in the request log only (a page polls it twice a second).
docs/admin.md has the threat model.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import re
import sqlite3
import unicodedata
from pathlib import Path
from typing import IO

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from vraagbaak.corpus.directory import sources
from vraagbaak.jobs.runner import JobRunner
from vraagbaak.jobs.store import JobStore
from vraagbaak.service.api import _ready, _unknown_document
from vraagbaak.service.beheer import register_page
from vraagbaak.service.errors import ApiError, error_response
from vraagbaak.service.observability import record_admin, record_job
from vraagbaak.settings import Settings, SettingsError

#: The types an upload may have, and the file name suffixes each allows.
UPLOAD_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "text/markdown": (".md", ".markdown"),
    "text/html": (".html", ".htm"),
    "text/plain": (".txt",),
}
#: Room for a multipart body's framing on top of the file itself.
MULTIPART_OVERHEAD = 64 * 1024
CHUNK = 64 * 1024
MAX_NAME_BYTES = 200
_UNSAFE = re.compile(r"[^\w .()+,-]")

admin = Blueprint("admin", __name__)


def stored_name(name: str) -> str:
    """The name an upload is stored under, or ValueError saying why ``name`` is refused.

    Refused: empty names, path separators, ``..``, hidden names (a leading dot) and control characters.
    Then characters other than letters, digits, space and ``.()+,-_`` become ``_`` (NFC first)::

        stored_name("Jaarverslag 2025: JenV.pdf")  -> "Jaarverslag 2025_ JenV.pdf"
        stored_name("../etc/passwd")               -> ValueError
    """
    name = unicodedata.normalize("NFC", name).strip()
    if not name:
        raise ValueError("the file name is empty")
    if "/" in name or "\\" in name:
        raise ValueError("the file name may not contain a path separator")
    if ".." in name:
        raise ValueError("the file name may not contain '..'")
    if name.startswith("."):
        raise ValueError("the file name may not start with a dot (a hidden file)")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
        raise ValueError("the file name may not contain control characters")
    name = _UNSAFE.sub("_", name)
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise ValueError(f"the file name is longer than {MAX_NAME_BYTES} bytes")
    return name


def register_admin(app: Flask, settings: Settings, *, run_jobs: bool = True) -> None:
    """The admin routes and the job runner when a token is set; else 404s where they would be.

    ``run_jobs`` False leaves the jobs queued (tests that look at the queue itself).
    """
    token = settings.service.admin_token
    if token is None:
        _register_absent(app)
        return
    try:
        store = JobStore.beside(settings.index_dir)
    except (OSError, sqlite3.Error) as e:
        raise SettingsError(
            f"VRAAGBAAK_ADMIN_TOKEN is set, but the job queue beside {settings.index_dir} cannot be written ({e}); "
            "the admin API needs the index and corpus directories writable by the service"
        ) from None
    runner = JobRunner(settings, store, on_end=lambda job: record_job(job.kind, job.status))
    if run_jobs:
        runner.start()
    app.extensions["vraagbaak_admin"] = AdminState(settings, store, runner, token.encode("utf-8"))
    app.register_blueprint(admin)
    register_page(app)  # /beheer: outside the blueprint, so the page that asks for the token needs none


class AdminState:
    def __init__(self, settings: Settings, store: JobStore, runner: JobRunner, token: bytes) -> None:
        self.settings, self.store, self.runner, self._token = settings, store, runner, token

    def __repr__(self) -> str:  # never the token
        return f"AdminState(store={self.store.path})"

    def authorized(self, header: str | None) -> bool:
        scheme, _, given = (header or "").partition(" ")
        # compare_digest: the time taken does not depend on how much of the token is right
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode("utf-8"), self._token)


def _register_absent(app: Flask) -> None:
    """Without a token, POST and DELETE on the documents answer 404 like the other admin paths, not 405."""

    def absent(**_: str) -> Response:
        return error_response(404, "not_found", "The requested URL was not found on the server.")

    app.add_url_rule("/api/documents", "admin_absent_upload", absent, methods=["POST"])
    app.add_url_rule("/api/documents/<doc_id>", "admin_absent_remove", absent, methods=["DELETE"])


def _state() -> AdminState:
    return current_app.extensions["vraagbaak_admin"]


#: The audit log's name for each admin endpoint.
ACTIONS = {"admin.upload": "upload", "admin.remove": "remove", "admin.job": "job", "admin.jobs": "jobs"}


@admin.before_request
def authenticate() -> Response | None:
    g.admin_action = ACTIONS.get(request.endpoint or "", "admin")
    if _state().authorized(request.headers.get("Authorization")):
        return None
    record_admin(g.admin_action, "unauthorized")
    response = error_response(401, "unauthorized", "this needs the admin token: Authorization: Bearer <token>")
    response.headers["WWW-Authenticate"] = 'Bearer realm="vraagbaak-admin"'
    return response


@admin.post("/api/documents")
def upload() -> Response:
    state = _state()
    limit = state.settings.service.max_upload_bytes
    if request.mimetype == "multipart/form-data":
        stream, name, kind = _multipart(limit)
    elif request.mimetype in UPLOAD_TYPES:
        if request.content_length is not None and request.content_length > limit:
            raise _too_large(limit, request.args.get("filename"))  # refused before reading the body
        request.max_content_length = limit + 1
        stream, name, kind = request.stream, request.args.get("filename"), request.mimetype
    else:
        record_admin("upload", "unsupported_type", content_type=request.mimetype[:100])
        allowed = ", ".join([*UPLOAD_TYPES, "multipart/form-data"])
        raise ApiError(415, "unsupported_type", f"upload a file typed {allowed}; got {request.mimetype or 'none'!r}")
    name = _checked_name(name, kind)
    _refuse_taken(state, name)
    job_id = state.store.new_id()
    path = state.store.upload_path(job_id, name)
    size, digest = _save(stream, path, limit, name)
    job = state.store.create(
        "add", job_id=job_id, filename=name, size=size, sha256=digest, request_id=g.get("request_id")
    )
    record_admin("upload", "accepted", filename=name, sha256=digest, size=size, job=job.id)
    return _job_response(job, 202)


def _multipart(limit: int) -> tuple[IO[bytes], str | None, str | None]:
    if request.content_length is not None and request.content_length > limit + MULTIPART_OVERHEAD:
        raise _too_large(limit, request.args.get("filename"))
    request.max_content_length = limit + MULTIPART_OVERHEAD
    try:
        part = request.files.get("file")
    except RequestEntityTooLarge:  # a body without a length that ran past the limit
        raise _too_large(limit, request.args.get("filename")) from None
    if part is None:
        record_admin("upload", "missing_file")
        raise ApiError(400, "missing_file", "a multipart upload needs its file in a field named 'file'")
    name = request.args.get("filename") or part.filename
    suffix = Path(name or "").suffix.lower()
    kind = next((t for t, suffixes in UPLOAD_TYPES.items() if suffix in suffixes), None)
    return part.stream, name, kind


def _checked_name(name: str | None, kind: str | None) -> str:
    if not name:
        record_admin("upload", "missing_filename")
        raise ApiError(400, "missing_filename", "name the file: ?filename=NAME (a multipart part's name also works)")
    try:
        stored = stored_name(name)
    except ValueError as e:
        record_admin("upload", "invalid_filename")
        raise ApiError(400, "invalid_filename", str(e)) from None
    suffix = Path(stored).suffix.lower()
    if kind is None or suffix not in UPLOAD_TYPES[kind]:
        record_admin("upload", "unsupported_type", filename=stored)
        if kind is None:
            known = ", ".join(s for suffixes in UPLOAD_TYPES.values() for s in suffixes)
            raise ApiError(415, "unsupported_type", f"{stored}: a file named {known} can be uploaded")
        allowed = " or ".join(UPLOAD_TYPES[kind])
        raise ApiError(415, "unsupported_type", f"{stored}: a {kind} upload must be named {allowed}")
    return stored


def _refuse_taken(state: AdminState, name: str) -> None:
    """A name the corpus or a pending upload has already: 409, before the body is stored."""
    taken = {p.name for p in sources(state.settings.corpus_dir)} if state.settings.corpus_dir.is_dir() else set()
    pending = {j.filename for j in state.store.active("add")}
    if name in taken or name in pending:
        record_admin("upload", "conflict", filename=name)
        raise ApiError(409, "name_taken", f"{name}: a document of that name is already there or on its way")


def _save(stream: IO[bytes], path: Path, limit: int, name: str) -> tuple[int, str]:
    """Copy the body to ``path`` in chunks, hashing it; 413 past ``limit`` (the partial file is removed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    try:
        with open(path, "wb") as f:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise _too_large(limit, name)
                digest.update(chunk)
                f.write(chunk)
    except (RequestEntityTooLarge, ApiError, OSError) as e:
        _discard(path)
        if isinstance(e, RequestEntityTooLarge):
            raise _too_large(limit, name) from None
        raise
    if size == 0:
        _discard(path)
        record_admin("upload", "empty", filename=name)
        raise ApiError(400, "empty_upload", f"{name}: the upload is empty")
    return size, digest.hexdigest()


def _discard(path: Path) -> None:
    path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # not empty: leave it
        path.parent.rmdir()


def _too_large(limit: int, name: str | None) -> ApiError:
    record_admin("upload", "too_large", filename=name)
    megabytes = limit / 2**20
    return ApiError(413, "upload_too_large", f"the upload is larger than {megabytes:g} MB (VRAAGBAAK_MAX_UPLOAD_MB)")


@admin.delete("/api/documents/<doc_id>")
def remove(doc_id: str) -> Response:
    state = _state()
    searcher = _ready()
    doc = next((d for d in searcher.index.documents if d["id"] == doc_id), None)
    if doc is None:
        record_admin("remove", "not_found", document=doc_id[:200])
        raise ApiError(404, "unknown_document", _unknown_document(searcher, doc_id).message)
    pending = state.store.active("remove")
    if any(j.filename == doc["source"] for j in pending):
        record_admin("remove", "conflict", document=doc_id, filename=doc["source"])
        raise ApiError(409, "removal_pending", f"{doc['source']} is being removed already")
    left = {d["source"] for d in searcher.index.documents} - {doc["source"]} - {j.filename for j in pending}
    if not left:
        record_admin("remove", "conflict", document=doc_id, filename=doc["source"])
        raise ApiError(409, "last_source", f"{doc['source']} is the last source left; a corpus needs at least one")
    job = state.store.create("remove", document=doc_id, filename=doc["source"], request_id=g.get("request_id"))
    record_admin("remove", "accepted", document=doc_id, filename=doc["source"], job=job.id)
    return _job_response(job, 202)


@admin.get("/api/jobs/<job_id>")
def job(job_id: str) -> Response:
    found = _state().store.get(job_id)
    if found is None:
        raise ApiError(404, "unknown_job", f"no job {job_id[:64]!r}")
    return jsonify({"job": found.public()})


@admin.get("/api/jobs")
def jobs() -> Response:
    return jsonify({"jobs": [j.public() for j in _state().store.recent(50)]})


def _job_response(job, status: int) -> Response:
    response = jsonify({"job": job.public()})
    response.status_code = status
    response.headers["Location"] = f"/api/jobs/{job.id}"
    return response
