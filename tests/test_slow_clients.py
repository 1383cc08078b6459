"""Slow and idle clients, keep-alive and pipelining, SIGTERM under keep-alive load, gunicorn's own
error pages and the metrics directory after a reload: all against the production gunicorn config.

Servers run on 127.0.0.1 in their own process group and are killed in a ``finally`` (test_faults.gunicorn);
every loop is bounded in count and time. Nothing asserts on timing: a normal client gets a generous 10 s,
and the old worker (``VRAAGBAAK_TEST_WORKER_CLASS=gthread``) fails these tests because with it the
normal client is never answered while the slow connections are held.
"""

from __future__ import annotations

import contextlib
import json
import select
import signal
import socket
import threading
import time

import pytest
from test_faults import GUNICORN, POLICE, get, gunicorn

from vraagbaak.service.security import content_security_policy

pytestmark = pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed next to python")

CLIENT_TIMEOUT = 10  # for the normal client: generous, not a timing assertion
SECURITY = {
    "content-security-policy": content_security_policy(),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


@pytest.fixture(scope="module")
def server(index_dir, tmp_path_factory):
    """Slow connections are held well within this server's read deadline (VRAAGBAAK_READ_TIMEOUT=120)."""
    with gunicorn(index_dir, tmp_path_factory.mktemp("slow"), VRAAGBAAK_READ_TIMEOUT="120") as (_, port, log):
        yield port, log


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=30)


def read_response(s: socket.socket, buf: bytes = b"") -> tuple[bytes, bytes, bytes]:
    """One HTTP/1.1 response with Content-Length from ``s``: (head, body, bytes after it)."""
    for _ in range(1000):
        if b"\r\n\r\n" in buf:
            break
        data = s.recv(65536)
        assert data, f"connection closed before a response: {buf[:200]!r}"
        buf += data
    head, _, rest = buf.partition(b"\r\n\r\n")
    if head.startswith(b"HTTP/1.1 100 "):
        return read_response(s, rest)
    length = next(
        int(v) for k, _, v in (h.partition(b":") for h in head.split(b"\r\n")) if k.lower() == b"content-length"
    )
    for _ in range(1000):
        if len(rest) >= length:
            break
        data = s.recv(65536)
        assert data, "connection closed in the middle of a response body"
        rest += data
    return head, rest[:length], rest[length:]


def headers_of(head: bytes) -> dict[str, str]:
    lines = head.decode("latin1").split("\r\n")[1:]
    return {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}


def read_until_closed(s: socket.socket) -> bytes:
    data = b""
    with contextlib.suppress(ConnectionResetError):
        for _ in range(1000):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    return data


def still_open(s: socket.socket) -> bool:
    """No EOF, no reset and nothing sent: the server still holds the connection open and waiting."""
    readable, _, _ = select.select([s], [], [], 0)
    return not readable


def normal_client_is_served(port: int) -> None:
    status, _, _ = get(port, "/healthz", timeout=CLIENT_TIMEOUT)
    assert status == 200
    status, _, body = get(port, "/api/search?q=politie&k=1", timeout=CLIENT_TIMEOUT)
    assert status == 200 and len(json.loads(body)["results"]) == 1
    body = json.dumps({"q": POLICE, "k": 1}).encode()
    status, _, data = get(
        port, "/api/search", "POST", body, {"Content-Type": "application/json"}, timeout=CLIENT_TIMEOUT
    )
    assert status == 200 and "348 miljoen" in json.loads(data)["results"][0]["text"]


# ------------------------------------------------------------------ slow and idle connections


def test_four_half_sent_request_lines_do_not_take_the_server_offline(server):
    port, _ = server
    held = [connect(port) for _ in range(4)]
    try:
        for s in held:
            s.sendall(b"GET /hea")
        time.sleep(0.5)  # let the server take them in; not a timing assertion
        normal_client_is_served(port)
        assert all(still_open(s) for s in held), "the slow connections should still be held open"
    finally:
        for s in held:
            s.close()


def test_fifty_idle_and_a_few_slow_connections_do_not_take_the_server_offline(server):
    port, _ = server
    held = []
    try:
        held += [connect(port) for _ in range(50)]  # connected, sending nothing
        partial = [
            b"GET /hea",
            b"GET /api/search?q=politie HTTP/1.1\r\nHost: x\r\nX-Slow: ",  # head not finished
            b"POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
            b'POST /api/search HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"q":\r\n',
        ]
        for data in partial:
            s = connect(port)
            s.sendall(data)
            held.append(s)
        time.sleep(0.5)
        normal_client_is_served(port)
        assert all(still_open(s) for s in held), "the idle and slow connections should still be held open"
    finally:
        for s in held:
            s.close()


def test_a_slow_but_complete_request_is_answered(server):
    port, _ = server
    body = json.dumps({"q": POLICE, "k": 1}).encode()
    request = (
        b"POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    with connect(port) as s:
        for i in range(0, len(request), 20):  # ~8 pieces with small pauses, well within the deadline
            s.sendall(request[i : i + 20])
            time.sleep(0.1)
        head, data, _ = read_response(s)
    assert head.startswith(b"HTTP/1.1 200") and "348 miljoen" in json.loads(data)["results"][0]["text"]


def test_keep_alive_and_pipelined_requests(server):
    port, _ = server
    body = json.dumps({"q": POLICE, "k": 1}).encode()
    post = (
        b"POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    search = b"GET /api/search?q=politie&k=2 HTTP/1.1\r\nHost: x\r\n\r\n"
    health = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    with connect(port) as s:
        s.sendall(health + post + search)  # three requests in one write
        rest = b""
        statuses = []
        for expected in ("healthz", "post", "search"):
            head, data, rest = read_response(s, rest)
            statuses.append(head.split(b" ")[1])
            assert b"connection: close" not in head.lower(), expected
            if expected == "post":
                assert "348 miljoen" in json.loads(data)["results"][0]["text"]
            if expected == "search":
                assert len(json.loads(data)["results"]) == 2
        assert statuses == [b"200"] * 3 and rest == b""
        # a pipelined request cut in two: the second half arrives after the first response
        s.sendall(health + search[:25])
        head, _, rest = read_response(s)
        assert head.startswith(b"HTTP/1.1 200") and rest == b""
        time.sleep(0.3)
        s.sendall(search[25:])
        head, data, rest = read_response(s)
        assert head.startswith(b"HTTP/1.1 200") and len(json.loads(data)["results"]) == 2
        # and the connection is still kept alive for one more
        s.sendall(health)
        head, _, _ = read_response(s)
        assert head.startswith(b"HTTP/1.1 200")


def test_expect_100_continue_gets_one_interim_response(server):
    port, _ = server
    body = json.dumps({"q": POLICE, "k": 1}).encode()
    with connect(port) as s:
        s.sendall(
            b"POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
        )
        interim = b""
        for _ in range(100):
            if b"\r\n\r\n" in interim:
                break
            interim += s.recv(64)
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
        s.sendall(body)
        head, data, _ = read_response(s)
    assert head.startswith(b"HTTP/1.1 200"), head  # not a second 100 Continue
    assert "348 miljoen" in json.loads(data)["results"][0]["text"]


# ------------------------------------------------------------------ deadline and gunicorn's own error pages


@pytest.fixture(scope="module")
def short_deadline_server(index_dir, tmp_path_factory):
    with gunicorn(index_dir, tmp_path_factory.mktemp("deadline"), VRAAGBAAK_READ_TIMEOUT="2") as (_, port, log):
        yield port, log


def test_an_unfinished_request_gets_a_json_408_and_is_closed(short_deadline_server):
    port, _ = short_deadline_server
    with connect(port) as slow, connect(port) as idle:
        slow.sendall(b"GET /api/search?q=politie HTTP/1.1\r\nHost: x\r\n")
        answer = read_until_closed(slow)  # the server closes it once the deadline has passed
        assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
        assert json.loads(answer.partition(b"\r\n\r\n")[2])["error"]["code"] == "request_timeout"
        assert read_until_closed(idle) == b""  # an idle connection is closed without a word
    assert get(port, "/healthz")[0] == 200


@pytest.mark.parametrize(
    ("request_bytes", "status", "code"),
    [
        (b"GARBAGE\r\n\r\n", 400, "bad_request"),
        (b"GET /api/search?q=" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri_too_long"),
        (
            b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(150)) + b"\r\n",
            431,
            "headers_too_large",
        ),
        (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70000, 431, "headers_too_large"),
    ],
    ids=["bad request line", "request line too long", "too many header fields", "head never ends"],
)
def test_gunicorns_own_errors_are_json_with_the_security_headers(server, request_bytes, status, code):
    port, _ = server
    with connect(port) as s:
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            s.sendall(request_bytes)
        answer = read_until_closed(s)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 %d " % status), answer[:300]
    headers = headers_of(head)
    assert headers["content-type"] == "application/json"
    assert json.loads(body)["error"]["code"] == code
    for name, value in SECURITY.items():
        assert headers[name] == value


def test_the_worker_body_cap_is_the_apps():
    from vraagbaak.service.api import MAX_BODY_BYTES
    from vraagbaak.service.worker import BODY_LIMIT

    assert BODY_LIMIT == MAX_BODY_BYTES


# ------------------------------------------------------------------ SIGTERM under keep-alive load


def test_sigterm_under_keep_alive_load_answers_or_closes_cleanly(index_dir, tmp_path):
    """Requests sent on kept-alive connections after SIGTERM get a response, or the connection was
    cleanly closed (EOF seen) before they were sent; none is reset or dropped."""
    requests = (
        b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /api/search?q=politie&k=1 HTTP/1.1\r\nHost: x\r\n\r\n",
    )
    stats = {"before": 0, "after_answered": 0, "after_lost": 0, "closed_cleanly": 0, "errors": []}
    lock = threading.Lock()
    signalled = threading.Event()

    def client(port: int, request: bytes, think: float) -> None:
        try:
            s = connect(port)
        except OSError as e:
            with lock:
                stats["errors"].append(repr(e))
            return
        with s:
            for _ in range(400):  # bounded; each client stops at the first close
                readable, _, _ = select.select([s], [], [], 0)
                if readable:  # the server closed the idle connection: fine, nothing was sent on it
                    with contextlib.suppress(OSError):
                        assert s.recv(1) == b""
                    with lock:
                        stats["closed_cleanly"] += 1
                    return
                after = signalled.is_set()
                try:
                    s.sendall(request)
                    head, _, _ = read_response(s)
                except (OSError, AssertionError):
                    head = None
                with lock:
                    if not after:
                        stats["before"] += head is not None
                    elif head is None:
                        stats["after_lost"] += 1
                    else:
                        stats["after_answered"] += 1
                if head is None or b"connection: close" in head.lower():
                    return
                time.sleep(think)

    # A long graceful timeout: on a loaded machine a request still queued when it runs out is lost by design.
    with gunicorn(index_dir, tmp_path, GUNICORN_GRACEFUL_TIMEOUT="120") as (proc, port, _):
        threads = [
            threading.Thread(target=client, args=(port, requests[i % 2], 0.05 * (i % 8)), daemon=True)
            for i in range(16)
        ]
        for t in threads:
            t.start()
        for _ in range(200):  # until every client has been answered at least a few times, 20 s at most
            with lock:
                if stats["before"] >= 48:
                    break
            time.sleep(0.1)
        signalled.set()
        proc.send_signal(signal.SIGTERM)
        for t in threads:
            t.join(180)
        assert proc.wait(180) == 0
    assert not stats["errors"] and stats["before"] >= 16, stats
    assert stats["after_lost"] == 0, stats
    assert stats["after_answered"] > 0, stats  # requests were sent after the signal and answered


# ------------------------------------------------------------------ the metrics directory after a reload


def test_the_metrics_directory_is_removed_after_sighup_and_sigterm(index_dir, tmp_path):
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    with gunicorn(index_dir, tmp_path, unset=("PROMETHEUS_MULTIPROC_DIR",), TMPDIR=str(tmpdir)) as (proc, port, log):
        made = list(tmpdir.glob("vraagbaak-prom-*"))
        assert len(made) == 1, made  # made by gunicorn_conf.py, so it is the config's to remove
        proc.send_signal(signal.SIGHUP)
        for _ in range(600):  # the reload boots a second worker; 5 minutes at most on a loaded machine
            if log.read_text().count("Booting worker") >= 2:
                break
            time.sleep(0.5)
        else:
            pytest.fail("no new worker after SIGHUP:\n" + log.read_text()[-3000:])
        for _ in range(600):
            with contextlib.suppress(OSError):
                if get(port, "/readyz")[0] == 200:
                    break
            time.sleep(0.5)
        assert made[0].is_dir()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(120) == 0
    assert not made[0].exists() and not list(tmpdir.glob("vraagbaak-prom-*"))


def test_an_operators_metrics_directory_is_kept(index_dir, tmp_path):
    with gunicorn(index_dir, tmp_path) as (proc, _, _):
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(120) == 0
    assert (tmp_path / "prom").is_dir()
