"""The job queue: one SQLite database beside the index, shared by every server process.

    index -> index.builds/...          the served build (a symlink)
    index.jobs/jobs.sqlite             every job and its state
    index.jobs/uploads/<job id>/NAME   an upload until its job ends

A job is ``queued``, then ``running``, then ``done`` or ``failed``. :meth:`JobStore.claim` moves
the oldest queued job to running only when no job is running, inside one ``BEGIN IMMEDIATE``
transaction, so two processes never run two jobs. A running job's process writes a heartbeat every
second; a job whose heartbeat is older than :data:`STALE_SECONDS` was interrupted (its process was
killed, the machine restarted) and is marked failed, never left running.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

#: Seconds without a heartbeat after which a running job counts as interrupted. Generous: a job that is
#: alive but starved of CPU must never be declared dead while it goes on changing the index.
STALE_SECONDS = 60.0
STATUSES = ("queued", "running", "done", "failed")
KINDS = ("add", "remove")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    filename TEXT,
    document TEXT,
    size INTEGER,
    sha256 TEXT,
    request_id TEXT,
    created_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL,
    heartbeat REAL,
    stage TEXT,
    pages INTEGER,
    done INTEGER,
    total INTEGER,
    error TEXT,
    result TEXT
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status, created_at);
"""


@dataclass
class Job:
    """One job as stored. ``filename`` is the stored name of an upload; ``document`` the id to remove."""

    id: str
    kind: str
    status: str
    created_at: float
    filename: str | None = None
    document: str | None = None
    size: int | None = None
    sha256: str | None = None
    request_id: str | None = None
    started_at: float | None = None
    finished_at: float | None = None
    heartbeat: float | None = None
    #: What the job is doing (vraagbaak/jobs/work.py _Reporter): "queued", "starting", "reading", … "done".
    stage: str | None = None
    pages: int | None = None
    done: int | None = None
    total: int | None = None
    error: str | None = None
    #: A finished job's outcome: {"documents": [...]} added, or {"removed": [...]} file names.
    result: dict | None = None

    def public(self) -> dict:
        """The job as the API shows it; times in ISO 8601 UTC."""
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "filename": self.filename,
            "document": self.document,
            "size": self.size,
            "sha256": self.sha256,
            "created_at": _iso(self.created_at),
            "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at),
            "progress": {"stage": self.stage, "pages": self.pages, "done": self.done, "total": self.total},
            "error": self.error,
            **(self.result or {}),
        }


def _iso(t: float | None) -> str | None:
    return None if t is None else datetime.fromtimestamp(t, UTC).isoformat(timespec="seconds")


class JobStore:
    """The jobs of one index; each call opens its own connection, so it is safe across threads and processes."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.path = self.directory / "jobs.sqlite"
        self.uploads = self.directory / "uploads"
        self.uploads.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
            db.executescript(_SCHEMA)

    @classmethod
    def beside(cls, index_dir: Path) -> JobStore:
        """The store of the index at ``index_dir``: ``<index>.jobs/`` next to the index link."""
        index_dir = Path(index_dir)
        return cls(index_dir.parent / f"{index_dir.name}.jobs")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        try:
            yield db
        finally:
            db.close()

    # ------------------------------------------------------------------ creating and reading

    def new_id(self) -> str:
        return uuid.uuid4().hex

    def upload_path(self, job_id: str, filename: str) -> Path:
        """Where an upload waits for its job: a directory per job, so equal names never meet."""
        return self.uploads / job_id / filename

    def create(self, kind: str, *, job_id: str | None = None, **fields: object) -> Job:
        if kind not in KINDS:
            raise ValueError(f"unknown job kind {kind!r}")
        job = Job(id=job_id or self.new_id(), kind=kind, status="queued", created_at=time.time(), stage="queued")
        for name, value in fields.items():
            setattr(job, name, value)
        row = asdict(job)
        row["result"] = None
        with self._connect() as db:
            db.execute(f"INSERT INTO jobs ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
        return job

    def get(self, job_id: str) -> Job | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return _job(row) if row else None

    def recent(self, limit: int = 50) -> list[Job]:
        with self._connect() as db:
            rows = db.execute("SELECT * FROM jobs ORDER BY created_at DESC LIMIT ?", (limit,)).fetchall()
        return [_job(r) for r in rows]

    def active(self, kind: str) -> list[Job]:
        """The jobs of ``kind`` queued or running: the uploads and removals on their way."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT * FROM jobs WHERE kind = ? AND status IN ('queued', 'running') ORDER BY created_at", (kind,)
            ).fetchall()
        return [_job(r) for r in rows]

    # ------------------------------------------------------------------ running

    def claim(self) -> Job | None:
        """The oldest queued job, now running; None when one is running already or none is queued."""
        self.fail_interrupted()  # a job left running by a dead process must not block the queue
        now = time.time()
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                if db.execute("SELECT 1 FROM jobs WHERE status = 'running'").fetchone():
                    db.execute("COMMIT")
                    return None
                row = db.execute(
                    "SELECT * FROM jobs WHERE status = 'queued' ORDER BY created_at, rowid LIMIT 1"
                ).fetchone()
                if row is None:
                    db.execute("COMMIT")
                    return None
                db.execute(
                    "UPDATE jobs SET status = 'running', stage = 'starting', started_at = ?, heartbeat = ? "
                    "WHERE id = ?",
                    (now, now, row["id"]),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        job = _job(row)
        job.status, job.stage, job.started_at, job.heartbeat = "running", "starting", now, now
        return job

    def progress(
        self, job_id: str, stage: str, *, pages: int | None = None, done: int | None = None, total: int | None = None
    ) -> None:
        """Record what a running job does now (and that it is alive)."""
        with self._connect() as db:
            db.execute(
                "UPDATE jobs SET stage = ?, pages = COALESCE(?, pages), done = ?, total = ?, heartbeat = ? "
                "WHERE id = ? AND status = 'running'",
                (stage, pages, done, total, time.time(), job_id),
            )

    def beat(self, job_id: str) -> None:
        with self._connect() as db:
            db.execute("UPDATE jobs SET heartbeat = ? WHERE id = ? AND status = 'running'", (time.time(), job_id))

    def finish(self, job_id: str, status: str, *, error: str | None = None, result: dict | None = None) -> bool:
        """End a running job; False when it was not running (already ended, say by a timeout)."""
        if status not in ("done", "failed"):
            raise ValueError(f"a job ends done or failed, not {status!r}")
        with self._connect() as db:
            cursor = db.execute(
                "UPDATE jobs SET status = ?, stage = ?, error = ?, result = ?, finished_at = ? "
                "WHERE id = ? AND status = 'running'",
                (status, status, error, json.dumps(result) if result else None, time.time(), job_id),
            )
        shutil.rmtree(self.uploads / job_id, ignore_errors=True)  # added: it is in the corpus now
        return cursor.rowcount == 1

    def fail_interrupted(self) -> list[str]:
        """Mark failed every running job whose process stopped beating; their ids."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            ids = _fail_stale(db, time.time())
            db.execute("COMMIT")
        for job_id in ids:
            shutil.rmtree(self.uploads / job_id, ignore_errors=True)
        return ids


INTERRUPTED = "the job was interrupted: its process stopped (a restart of the server or the machine?)"


def _fail_stale(db: sqlite3.Connection, now: float) -> list[str]:
    rows = db.execute(
        "SELECT id FROM jobs WHERE status = 'running' AND COALESCE(heartbeat, 0) < ?", (now - STALE_SECONDS,)
    ).fetchall()
    for row in rows:
        db.execute(
            "UPDATE jobs SET status = 'failed', stage = 'failed', error = ?, finished_at = ? WHERE id = ?",
            (INTERRUPTED, now, row["id"]),
        )
    return [r["id"] for r in rows]


def _job(row: sqlite3.Row) -> Job:
    data = dict(row)
    data["result"] = json.loads(data["result"]) if data["result"] else None
    return Job(**data)
