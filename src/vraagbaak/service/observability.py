"""Request ids, one JSON log line per request, and Prometheus metrics at /metrics.

Questions are personal data in the making: at info level a request line holds
the question's length and a short hash (enough to group repeats), never the
text; the text itself is logged only at debug level.

Every label has a bounded set of values: a made-up HTTP method counts as
``other`` and an unmatched path as ``<unmatched>``, so no client can grow
/metrics (20,000 random methods once grew it from 7 KB to 2 MB).
``VRAAGBAAK_METRICS_ALLOW`` (addresses or networks, comma-separated) restricts
/metrics to those clients; others get a 404, as if it did not exist.

Metrics live in prometheus-client's default registry, defined once per process.
Under gunicorn (``PROMETHEUS_MULTIPROC_DIR`` set by service/gunicorn_conf.py)
every worker writes its samples to that directory and /metrics sums all
workers, so a scrape sees the whole server whichever worker answers it.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, Response, g, request

# In multiprocess mode prometheus-client writes to PROMETHEUS_MULTIPROC_DIR as soon as a metric exists:
# the gunicorn config creates that directory in the master, before any worker imports this module.
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from werkzeug.exceptions import NotFound

from vraagbaak.index.search import SearchResult
from vraagbaak.index.store import Manifest

log = logging.getLogger("vraagbaak.request")
#: The admin audit log: one line per admin action (service/admin.py), never a token.
audit = logging.getLogger("vraagbaak.audit")
#: The methods that get their own label value; any other is counted as "other".
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
#: An incoming X-Request-Id is kept when it looks like an id, not like an attack on the logs.
_SANE_ID = re.compile(r"[A-Za-z0-9._:@-]{1,128}")
_BUCKETS = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)

REQUESTS = Counter("vraagbaak_http_requests", "HTTP requests answered", ["method", "endpoint", "status"])
REQUEST_SECONDS = Histogram("vraagbaak_request_seconds", "Whole request, in the app", ["endpoint"], buckets=_BUCKETS)
EMBED_SECONDS = Histogram("vraagbaak_embed_seconds", "Embedding the question", buckets=_BUCKETS)
SEARCH_SECONDS = Histogram("vraagbaak_search_seconds", "FAISS/BM25 search and fusion", buckets=_BUCKETS)
SEARCH_TOTAL_SECONDS = Histogram("vraagbaak_search_total_seconds", "Searcher.search end to end", buckets=_BUCKETS)
#: Lookups in the repeated-question caches: cache is "response" or "encoding", result "hit" or "miss".
CACHE_LOOKUPS = Counter("vraagbaak_cache_lookups", "Repeated-question cache lookups", ["cache", "result"])
CACHES = ("response", "encoding")
#: The build each process serves (under gunicorn one sample per live worker, labelled with its pid):
#: after a new build, every worker's values change within a second or so (service/api.py, live reload).
INDEX_PASSAGES = Gauge(
    "vraagbaak_index_passages", "Passages of the index build this process serves", multiprocess_mode="liveall"
)
INDEX_BUILT = Gauge(
    "vraagbaak_index_built_timestamp_seconds",
    "Build time (manifest built_at) of the index build this process serves",
    multiprocess_mode="liveall",
)
INDEX_LOADED = Gauge(
    "vraagbaak_index_loaded_timestamp_seconds",
    "When this process loaded the index build it serves",
    multiprocess_mode="liveall",
)
#: Builds loaded while serving (result "loaded"), and new builds that could not be loaded ("failed").
INDEX_RELOADS = Counter("vraagbaak_index_reloads", "New index builds met while serving", ["result"])
ADMIN_ACTIONS = Counter("vraagbaak_admin_actions", "Admin API requests, by action and result", ["action", "result"])
JOBS_ENDED = Counter("vraagbaak_jobs_ended", "Indexing jobs ended, by kind and status", ["kind", "status"])


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the record's ``fields``."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str = "INFO") -> None:
    """JSON lines on stderr for the ``vraagbaak`` loggers (VRAAGBAAK_LOG_LEVEL, info by default)."""
    root = logging.getLogger("vraagbaak")
    if any(getattr(h, "_vraagbaak", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler._vraagbaak = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False


def question_fields(query: str) -> dict:
    """What the info log may say about a question: its length and a short hash, not its text."""
    return {"q_len": len(query), "q_hash": hashlib.sha256(query.encode("utf-8")).hexdigest()[:16]}


def cache_counter(cache: str) -> Callable[[bool], None]:
    """``on_lookup`` for the cache named ``cache`` (one of CACHES): counts its hits and misses in /metrics."""
    if cache not in CACHES:
        raise ValueError(f"unknown cache {cache!r}")  # the label values stay the two known ones
    hit, miss = CACHE_LOOKUPS.labels(cache, "hit"), CACHE_LOOKUPS.labels(cache, "miss")

    def count(found: bool) -> None:
        (hit if found else miss).inc()

    return count


def record_index(manifest: Manifest) -> None:
    """The build this process serves from now on, to /metrics."""
    INDEX_PASSAGES.set(manifest.passage_count)
    with contextlib.suppress(ValueError):  # a manifest written by hand may carry any string
        INDEX_BUILT.set(datetime.fromisoformat(manifest.built_at).timestamp())
    INDEX_LOADED.set(time.time())


def record_reload(*, ok: bool) -> None:
    INDEX_RELOADS.labels("loaded" if ok else "failed").inc()


def record_job(kind: str, status: str) -> None:
    JOBS_ENDED.labels(kind, status).inc()


def record_admin(action: str, result: str, **fields: object) -> None:
    """One audit line per admin action, and its count in /metrics; the caller never passes the token."""
    ADMIN_ACTIONS.labels(action, result).inc()
    audit.info(
        "admin",
        extra={
            "fields": {
                "action": action,
                "result": result,
                "request_id": g.get("request_id"),
                "remote": request.remote_addr,
                **fields,
            }
        },
    )


def record_search(query: str, result: SearchResult) -> None:
    """Called by the search endpoint: stage timings to the histograms, the question to the request log."""
    EMBED_SECONDS.observe(result.timings.get("embed", 0.0))
    SEARCH_SECONDS.observe(result.timings.get("search", 0.0))
    SEARCH_TOTAL_SECONDS.observe(result.timings.get("total", 0.0))
    record_answer(query, len(result.hits), result.answerable)


def record_answer(query: str, results: int, answerable: bool, *, cached: bool = False) -> None:
    """The question to the request log; a cached answer did no search, so it has no stage timings."""
    g.log_fields = {**question_fields(query), "results": results, "answerable": answerable, "cached": cached}
    if log.isEnabledFor(logging.DEBUG):
        log.debug("question", extra={"fields": {"request_id": g.get("request_id"), "q": query}})


def _allowed(address: str | None, networks) -> bool:
    if networks is None:
        return True
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in n for n in networks)


def metrics_response(metrics_dir: Path | None = None) -> Response:
    """The metrics of this process, or of every gunicorn worker when ``metrics_dir`` (multiprocess) is set."""
    if metrics_dir is not None:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=str(metrics_dir))
        data = generate_latest(registry)
    else:
        data = generate_latest()
    return Response(data, mimetype=CONTENT_TYPE_LATEST)


def register_observability(
    app: Flask,
    *,
    metrics_allow: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] | None = None,
    metrics_dir: Path | None = None,
    log_level: str = "INFO",
) -> None:
    """Request ids (X-Request-Id), the request log line, request metrics and ``GET /metrics``.

    ``metrics_allow`` restricts /metrics to those client networks (None: anyone).
    """
    configure_logging(log_level)
    allow = metrics_allow

    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()
        incoming = request.headers.get("X-Request-Id", "")
        g.request_id = incoming if _SANE_ID.fullmatch(incoming) else uuid.uuid4().hex

    @app.after_request
    def _finish(response: Response) -> Response:
        started = g.get("started")
        seconds = time.perf_counter() - started if started is not None else 0.0
        endpoint = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
        response.headers["X-Request-Id"] = g.get("request_id") or uuid.uuid4().hex
        method = request.method if request.method in KNOWN_METHODS else "other"
        REQUESTS.labels(method, endpoint, str(response.status_code)).inc()
        REQUEST_SECONDS.labels(endpoint).observe(seconds)
        fields = {
            "request_id": response.headers["X-Request-Id"],
            "method": request.method,
            "path": request.path,  # never the query string: it holds the question
            "status": response.status_code,
            "duration_ms": round(seconds * 1000, 3),
            "remote": request.remote_addr,
            **g.get("log_fields", {}),
        }
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        log.log(level, "request", extra={"fields": fields})
        return response

    @app.get("/metrics")
    def metrics():
        if not _allowed(request.remote_addr, allow):
            raise NotFound()
        return metrics_response(metrics_dir)
