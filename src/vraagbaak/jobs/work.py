"""The job process: run one indexing job, at lower priority, within its time limit.

Started by :class:`vraagbaak.jobs.runner.JobRunner` as ``python -m vraagbaak.jobs.work`` (fork+exec:
a fresh interpreter, not a fork of a threaded server), with ``(settings, job id)`` pickled on its
standard input by that server process. It

1. lowers its priority (``os.nice``), so searches keep the cores they need, and once the upload is
   read, builds at SCHED_IDLE (:func:`_background`);
2. arms an alarm at the job's time limit, and beats the job's heartbeat every second from a thread;
3. for an upload: reads the file in a limited child (:func:`vraagbaak.corpus.isolate.read_isolated`),
   then adds it and rebuilds (:func:`vraagbaak.documents.add`); for a removal, removes and rebuilds;
4. ends the job ``done`` with the documents it added or the files it removed, or ``failed`` with one
   sentence saying why. Every running server loads the new build by itself (live reload).

Whatever goes wrong, the corpus directory and the served index stay as they were (documents.py).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import pickle
import signal
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

from vraagbaak.corpus.formats import UnreadableDocumentError, set_limits
from vraagbaak.corpus.isolate import read_isolated
from vraagbaak.documents import NotInCorpusError, RefusedError, add, remove
from vraagbaak.jobs.store import Job, JobStore
from vraagbaak.settings import Settings

#: Added to the job process's nice value: searches come first.
NICENESS = 10
#: Seconds between progress writes at most (the heartbeat writes every second anyway).
PROGRESS_EVERY = 0.5

log = logging.getLogger("vraagbaak.jobs")


class JobTimeoutError(Exception):
    """The job's alarm went off."""


class _Reporter:
    """Progress of the build as the job's stage and counts, written at most every PROGRESS_EVERY seconds.

    The stages a client sees: queued, starting, reading (the upload, in its limited child: ``pages``), indexing
    (the corpus read and split), passages, sentences, sparse terms (embedding: ``done`` of ``total``
    texts not in the embedding cache), writing, then done or failed.
    """

    def __init__(self, store: JobStore, job_id: str) -> None:
        self.store, self.job_id, self.last = store, job_id, 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == "reading":  # the build reads the whole corpus: that is "indexing", not the upload's pages
            self.store.progress(self.job_id, "indexing")
        elif now - self.last >= PROGRESS_EVERY or done == total:
            self.store.progress(self.job_id, stage, done=done, total=total)
        else:
            return
        self.last = now


def run(settings: Settings, store: JobStore, job: Job) -> tuple[str, str | None, dict | None]:
    """Do ``job``; (status, error, result). Raises nothing a job can cause."""
    report = _Reporter(store, job.id)
    try:
        if job.kind == "add":
            upload = store.upload_path(job.id, job.filename or "")

            def read_ids(path: Path) -> list[str]:
                store.progress(job.id, "reading")
                outline = read_isolated(path, limits=settings.reader_limits, memory_mb=settings.service.parse_memory_mb)
                store.progress(job.id, "reading", pages=outline.page_count)
                _background(settings)
                return outline.ids

            change = add(settings, [upload], progress=report, read=read_ids)
            return "done", None, {"documents": _documents_of(settings, change.added)}
        _background(settings)
        change = remove(settings, job.document or "", progress=report)
        return "done", None, {"removed": list(change.removed)}
    except (RefusedError, UnreadableDocumentError, NotInCorpusError) as e:
        return "failed", str(e).replace("\n", "; "), None
    except JobTimeoutError:
        return "failed", f"the job took longer than the limit of {settings.service.job_timeout:g} s", None
    except Exception as e:  # a bug or a full disk: the job says so in one line, the log has the traceback
        log.exception("indexing job failed")
        return "failed", f"indexing failed ({type(e).__name__}: {e})".splitlines()[0][:300], None


def _background(settings: Settings) -> None:
    """From here on, this thread and the threads it starts (the embedder's) use only idle CPU.

    The upload has been read (in its limited child, at nice +10); what is left is the build, and the
    most of it is embedding. Under SCHED_IDLE a search's threads preempt it at once, where at nice +10
    it still took turns with them and held up their OpenMP barriers (measured in ``make bench``).
    The heartbeat thread, started before, keeps its priority, so a busy server does not make a slow
    job look interrupted. Every file the build reads has passed the limited read, so the readers run
    in this process, without a wall-clock limit that a starved job could run into.
    """
    set_limits(replace(settings.reader_limits, timeout_s=None))
    with contextlib.suppress(AttributeError, OSError):  # not Linux: nice +10 it stays
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))


def _documents_of(settings: Settings, sources: tuple[str, ...]) -> list[dict]:
    """The rows /api/documents now shows for the files added."""
    rows = json.loads((settings.index_dir / "documents.json").read_text(encoding="utf-8"))
    return [
        {k: r.get(k) for k in ("id", "title", "source", "first_page", "last_page", "passages")}
        for r in rows
        if r["source"] in sources
    ]


def main() -> int:
    settings, job_id = pickle.load(sys.stdin.buffer)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    os.nice(NICENESS)
    set_limits(settings.reader_limits)
    store = JobStore.beside(settings.index_dir)
    job = store.get(job_id)
    if job is None or job.status != "running":
        return 1

    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(1.0):
            store.beat(job_id)

    threading.Thread(target=beat, name="heartbeat", daemon=True).start()

    def too_long(signum, frame):
        raise JobTimeoutError()

    signal.signal(signal.SIGALRM, too_long)
    signal.alarm(max(1, int(settings.service.job_timeout)))
    try:
        status, error, result = run(settings, store, job)
    finally:
        signal.alarm(0)
        stop.set()
    store.finish(job_id, status, error=error, result=result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
