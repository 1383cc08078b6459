"""The runner: a thread in every server process that starts the next job when none is running.

Each server process (each gunicorn worker, or the simple server) runs one. Every ``poll`` seconds it
asks the store to claim a job (:meth:`JobStore.claim`, one running at a time across all processes),
starts the job process for it (``python -m vraagbaak.jobs.work``) and waits for it, at most the job's
time limit and a grace period; then it kills it. A job process that ends without ending its job
(killed by the memory limit of the machine, say) leaves it failed, with the reason.
"""

from __future__ import annotations

import logging
import pickle
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable

from vraagbaak.jobs.store import Job, JobStore
from vraagbaak.settings import Settings

#: Seconds past the job's own limit (its alarm) before the runner kills the job process.
GRACE_SECONDS = 30.0

log = logging.getLogger("vraagbaak.jobs")


class JobRunner:
    """Claims and runs jobs in a daemon thread; ``on_end(job)`` is called with every job it ends."""

    def __init__(
        self,
        settings: Settings,
        store: JobStore,
        *,
        poll: float = 0.5,
        on_end: Callable[[Job], None] | None = None,
    ) -> None:
        self.settings, self.store, self.poll, self.on_end = settings, store, poll, on_end
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def start(self) -> None:
        if self._thread is None:
            self.store.fail_interrupted()  # at once: a restart reports its interrupted jobs before the first poll
            self._thread = threading.Thread(target=_loop, args=(weakref.ref(self), self._stop), daemon=True)
            self._thread.name = "job-runner"
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def run_next(self) -> Job | None:
        """Claim one job and run it to its end; the job as it ended, or None when there was nothing to run."""
        job = self.store.claim()
        if job is None:
            return None
        started = time.monotonic()
        limit = self.settings.service.job_timeout + GRACE_SECONDS
        proc = subprocess.Popen(
            [sys.executable, "-m", "vraagbaak.jobs.work"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C or a signal to the server's group does not hit it halfway
        )
        assert proc.stdin is not None
        proc.stdin.write(pickle.dumps((self.settings, job.id)))
        proc.stdin.close()
        try:
            code = proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            self.store.finish(job.id, "failed", error=f"the job took longer than the limit of {limit:g} s")
        else:
            if code != 0:
                reason = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
                self.store.finish(job.id, "failed", error=f"the indexing process stopped unexpectedly ({reason})")
        ended = self.store.get(job.id) or job
        log.info(
            "job ended",
            extra={
                "fields": {
                    "job": ended.id,
                    "kind": ended.kind,
                    "status": ended.status,
                    "filename": ended.filename,
                    "document": ended.document,
                    "error": ended.error,
                    "seconds": round(time.monotonic() - started, 3),
                    "request_id": ended.request_id,
                }
            },
        )
        if self.on_end is not None:
            self.on_end(ended)
        return ended


def _loop(ref: weakref.ref[JobRunner], stop: threading.Event) -> None:
    while True:
        runner = ref()
        if runner is None or stop.is_set():
            return
        try:
            ran = runner.run_next()
        except Exception:  # a locked or full disk: try again next round, never let the thread die
            log.exception("job runner round failed")
            ran = None
        poll = runner.poll
        del runner
        if ran is None and stop.wait(poll):
            return
