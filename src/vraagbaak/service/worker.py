"""A gthread worker that reads whole requests on its poller before a thread sees them.

``worker_class = buffering_worker(read_timeout=...)`` in vraagbaak/service/gunicorn_conf.py, with the
read timeout from :class:`vraagbaak.settings.ServiceSettings` (``VRAAGBAAK_READ_TIMEOUT``).

Why: gunicorn 27.0.1's gthread worker hands every accepted connection straight
to the thread pool. A pool thread then waits up to 5 s for a first byte, and
once a byte has arrived the parser reads the rest of the request *blocking*,
with no timeout. With 4 threads, 4 connections that send ``GET /hea`` and stop
took the server offline for as long as they were held; 50 idle connections
blocked it for tens of seconds. A third way, found while fixing the first two:
a connection that is closed (``Connection: close``, HTTP/1.0, any error) is
closed "gracefully" on the *main* thread, which then waits up to 2 s for the
client to close its side, so 6 HTTP/1.0 clients that never close stalled
``/healthz`` for 12 s.

What this worker does instead, all on the main poller, non-blocking:

* A new connection, and a kept-alive one that becomes readable, is read into a
  buffer of its own until the head is complete (``\\r\\n\\r\\n``) and the body is
  too: ``Content-Length`` bytes, or a chunked body up to its last chunk and
  trailers. Only then does it get ``conn.init()``, the bytes go back into the
  parser with ``conn.parser.unreader.unread(buf)`` and it is queued for a
  thread (``enqueue_req``). Idle and slow connections cost no thread.
* A body announced larger than the app's cap (``BODY_LIMIT``, 16 KB, the app's
  ``MAX_BODY_BYTES``), framing this worker does not vouch for (two lengths,
  length plus chunked, a transfer coding other than plain chunked, a bare LF,
  a malformed chunk) and a chunked body over the cap are handed over as soon as
  they are seen, so that the app or gunicorn's parser refuses them at once;
  those requests are answered with ``Connection: close``, so the rest of their
  body is never read on a thread.
* ``Expect: 100-continue`` is answered here (``100 Continue``) when the body is
  still to come, and gunicorn's own second one is suppressed.
* A request line over ``limit_request_line`` gets a JSON 414 and a head over
  ``HEAD_LIMIT`` (64 KiB, or gunicorn's own bound if that is lower) a JSON 431,
  written from here; a complete head that breaks gunicorn's other limits
  (too many fields, a field too long) is handed over and refused by gunicorn.
* A connection that has not delivered a complete request ``read_timeout``
  seconds (10 s by default; ``VRAAGBAAK_READ_TIMEOUT``) after it was accepted, or after
  the first byte of its next request on a kept-alive connection, is closed:
  with a JSON 408 when it had sent something, silently when it was idle.
  Kept-alive connections keep gunicorn's ``keepalive`` idle timeout.
* At most ``HEAD_LIMIT + CHUNKED_RAW_LIMIT`` (128 KiB) is buffered per
  connection; with ``worker_connections`` = 1000 that bounds it at 128 MiB.
* Bytes read ahead (pipelined requests) stay in the parser's unreader as in
  gunicorn; after a response they are taken back and the next request is
  completed here before a thread sees it, instead of being read on a thread.
* Every blocking socket operation of a request thread has ``read_timeout`` as
  its timeout: reading a body that was handed over early, and writing the
  response to a client that does not read it.
* Closing: half-close (FIN) and drain on the poller for ``LINGER`` seconds at
  most, never on the main thread blocking.
* SIGTERM: gunicorn 27's ``STOP_KEEPALIVE_LINGER`` is kept: kept-alive and
  still idle new connections stay open for 2 s, a request arriving meanwhile is
  read here and answered with ``Connection: close``; a kept-alive connection
  whose idle time runs out with a request already waiting is served, not reset.

Only plain HTTP/1.x: TLS and HTTP/2 would need the handshake on the main
thread, so ``check_config`` refuses them (this service runs behind a proxy).

Measured cost: none that the noise lets through. ``python -m eval.bench --worker-ab 6 --levels 1,16
--max-seconds 15``: plain gthread and this worker side by side (1 worker x 4 threads, production
config, VRAAGBAAK_RATE_LIMIT=off), GET /api/search over the gold questions from closed-loop keep-alive
clients on 127.0.0.1; each round measures both, in alternating order, on the shared 2-core machine.
Medians over 6 rounds, req/s and p50 ms:

    worker            1 client       16 clients
    gthread           30.5 / 32.0    31.9 / 496
    BufferingWorker   31.8 / 30.4    33.7 / 463
    req/s ratio       1.015          1.052   (median of per-round ratios, 0.94-1.17)

An earlier version that registered each kept-alive connection with the poller before reading it
measured 0.977 and 0.964; reading at once, and registering only when a request is incomplete, saves
two epoll calls per request.

Alternatives considered: a socket timeout on the pool thread's reads alone (still one thread per slow
client for up to the timeout: 4 clients stall the worker for that long, every time); gunicorn's
``DEFAULT_WORKER_DATA_TIMEOUT`` smaller (only the wait for the first byte, not the rest); more
threads (moves the number of connections needed, does not remove it).
"""

from __future__ import annotations

import contextlib
import errno
import selectors
import socket
import time
from functools import partial

from gunicorn import http, util
from gunicorn.workers.gthread import STOP_KEEPALIVE_LINGER, TConn, ThreadWorker

#: The app's body cap (service/api.py MAX_BODY_BYTES; a test checks they agree). Not imported from
#: there: the master loads this module, and must not import the search stack before it forks.
BODY_LIMIT = 16 * 1024
#: Largest request head buffered; a longer one gets a JSON 431.
HEAD_LIMIT = 64 * 1024
#: Largest chunked body (with its framing) buffered before it is handed over anyway.
CHUNKED_RAW_LIMIT = 64 * 1024
#: Seconds a closed connection is drained (after our FIN) before the socket is closed.
LINGER = 2.0
#: Bytes drained from a closing connection at most.
LINGER_BYTES = 64 * 1024
#: Seconds between sweeps for connections past their deadline.
SWEEP_INTERVAL = 0.25

CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


def buffering_worker(*, read_timeout: float) -> type[BufferingWorker]:
    """The worker class with this read deadline: gunicorn takes a class for ``worker_class``."""
    return type("BufferingWorker", (BufferingWorker,), {"read_timeout": read_timeout})


class _Scan:
    """What is known so far about the request at the start of a connection's buffer."""

    __slots__ = ("chunk_pos", "chunked", "continued", "decoded", "expect", "head_end", "need", "partial", "scanned")

    def __init__(self) -> None:
        self.scanned = 0  # bytes of the head already looked at
        self.head_end: int | None = None  # offset just past the blank line
        self.need: int | None = None  # total bytes of a Content-Length request
        self.chunked = False
        self.chunk_pos = 0  # offset of the next chunk-size line
        self.decoded = 0  # data bytes of the complete chunks seen
        self.partial = 0  # data bytes of the chunk in progress
        self.expect = False  # HTTP/1.1 with Expect: 100-continue
        self.continued = False  # 100 Continue sent


# Verdicts of _assess
WAIT, READY, EARLY = "wait", "ready", "early"


class BufferingWorker(ThreadWorker):
    """gthread, but a pool thread only ever gets a connection with a complete request in hand."""

    #: Seconds a client has to send a whole request (head and body); see buffering_worker().
    read_timeout: float = 10.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._reading: dict[TConn, None] = {}  # connections being read on the poller (ordered set)
        self._closing: dict[TConn, float] = {}  # half-closed connections being drained, with their deadline
        self._next_sweep = 0.0
        fields = self.cfg.limit_request_fields if 0 < self.cfg.limit_request_fields <= 32768 else 32768
        field_size = self.cfg.limit_request_field_size if self.cfg.limit_request_field_size > 0 else 8190
        line = self.cfg.limit_request_line if self.cfg.limit_request_line > 0 else 0
        self.line_limit = min(line, 8190) if line else 0
        gunicorn_bound = (self.line_limit or 1024 * 1024) + 2 + fields * (field_size + 2) + 4
        self.head_limit = min(HEAD_LIMIT, gunicorn_bound)
        self.buffer_limit = self.head_limit + CHUNKED_RAW_LIMIT

    @classmethod
    def check_config(cls, cfg, log):
        super().check_config(cfg, log)
        if cfg.is_ssl or cfg.http2_cleartext != "off":
            raise RuntimeError("vraagbaak.service.worker.BufferingWorker serves plain HTTP/1.x only: no TLS, no HTTP/2")

    # ------------------------------------------------------------------ entry points from gunicorn's loop

    def accept(self, listener):
        try:
            client, addr = listener.accept()
        except OSError as e:
            if e.errno in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                return
            raise
        self.nr_conns += 1
        conn = TConn(self.cfg, client, addr, listener.getsockname())  # non-blocking
        self._start_reading(conn, b"", time.monotonic() + self.read_timeout)

    def on_client_socket_readable(self, conn, client):
        """A kept-alive connection has bytes: read its next request here, not on a thread."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._start_reading(conn, b"", time.monotonic() + self.read_timeout)

    def finish_request(self, conn, fs):
        """A thread is done with a request (on the main thread, via the method queue)."""
        try:
            keep = bool(fs.result()) if not fs.cancelled() else False
        except Exception:
            keep = False
        if not keep:
            self._linger_close(conn)
            return
        try:
            conn.sock.setblocking(False)
            # Pipelined bytes read ahead by the parser: the next request, completed here first.
            ahead = conn.parser.unreader.take_buffered()
            if ahead:
                self._start_reading(conn, ahead, time.monotonic() + self.read_timeout)
                return
            conn.set_timeout()
            if not self.alive:
                conn.timeout = min(conn.timeout, time.monotonic() + STOP_KEEPALIVE_LINGER)
            self.keepalived_conns.append(conn)
            self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_client_socket_readable, conn))
        except Exception:
            self._close_now(conn)

    def murder_keepalived(self, force=False):
        """Close kept-alive connections past their idle time; one with a request waiting is served instead."""
        now = time.monotonic()
        while self.keepalived_conns:
            conn = self.keepalived_conns[0]
            if conn.timeout > now and not force:
                break
            self.keepalived_conns.popleft()
            with contextlib.suppress(OSError, KeyError, ValueError):
                self.poller.unregister(conn.sock)
            if not force and _has_bytes(conn.sock):
                self._start_reading(conn, b"", now + self.read_timeout)
            else:
                self._close_now(conn)

    def murder_pending(self):
        """Called on every turn of gunicorn's loops, also while stopping: enforce our deadlines."""
        super().murder_pending()
        now = time.monotonic()
        if now < self._next_sweep:
            return
        self._next_sweep = now + SWEEP_INTERVAL
        for conn in [c for c in self._reading if c.vb_deadline <= now]:
            self._stop_reading(conn)
            if conn.vb_buf:
                self.log.info("Request from %s not complete within %.0f s: closed", _peer(conn), self.read_timeout)
                self._refuse(conn, 408, "Request Timeout", f"request not complete within {self.read_timeout:g} s")
            else:
                self._close_now(conn)
        for conn in [c for c, deadline in self._closing.items() if deadline <= now]:
            self._close_now(conn)

    def _cap_keepalive(self, deadline):
        """Stopping: idle connections (kept-alive, or new without a byte yet) get STOP_KEEPALIVE_LINGER."""
        super()._cap_keepalive(deadline)
        for conn in self._reading:
            if not conn.vb_buf:
                conn.vb_deadline = min(conn.vb_deadline, deadline)

    # ------------------------------------------------------------------ on a pool thread

    def handle(self, conn):
        """Serve the one request buffered for this connection. Runs in a pool thread."""
        req = None
        try:
            conn.sock.settimeout(self.read_timeout)  # blocking, but never for longer than this per operation
            req = next(conn.parser)
            if not req:
                return False
            if conn.vb_continued:
                req._expected_100_continue = False  # sent from the poller already
            if conn.vb_early:
                req.force_close()  # its body was not read here: never read the rest on a thread
            return self._keepalive_after(conn, self.handle_request(req, conn))
        except http.errors.NoMoreData as e:
            self.log.debug("Ignored premature client disconnection. %s", e)
        except StopIteration as e:
            self.log.debug("Closing connection. %s", e)
        except TimeoutError:
            self.log.info("Client %s too slow (%.0f s without progress): closed", _peer(conn), self.read_timeout)
        except OSError as e:
            if e.errno not in (errno.EPIPE, errno.ECONNRESET, errno.ENOTCONN):
                self.log.exception("Socket error processing request.")
            else:
                self.log.debug("Ignoring socket error %s", e)
        except Exception as e:
            self.handle_error(req, conn.sock, conn.client, e)
        return False

    # ------------------------------------------------------------------ reading on the poller

    def _start_reading(self, conn, data: bytes, deadline: float) -> None:
        conn.vb_buf = bytearray(data)
        conn.vb_scan = _Scan()
        conn.vb_deadline = deadline
        conn.vb_early = False
        conn.vb_continued = False
        conn.vb_watched = False
        self._reading[conn] = None
        if data:
            self._progress(conn)
        elif conn.initialized:
            # A kept-alive connection the poller found readable: read now. A request that arrives
            # whole in one read (the usual case) is handed over without a poller registration.
            self._on_readable(conn)
        else:
            self._watch(conn)

    def _watch(self, conn) -> None:
        """Have the poller call _on_readable when more bytes arrive."""
        if conn.vb_watched:
            return
        try:
            self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_readable, conn))
        except (OSError, ValueError, KeyError):
            self._close_now(conn)
            return
        conn.vb_watched = True

    def _stop_reading(self, conn) -> None:
        self._reading.pop(conn, None)
        if conn.vb_watched:
            conn.vb_watched = False
            with contextlib.suppress(OSError, KeyError, ValueError):
                self.poller.unregister(conn.sock)

    def _on_readable(self, conn, _fileobj=None) -> None:
        want = min(65536, max(1, self.buffer_limit - len(conn.vb_buf)))
        try:
            data = conn.sock.recv(want)
        except (BlockingIOError, InterruptedError):
            self._watch(conn)
            return
        except OSError:
            data = b""
        if not data:  # the client went away before finishing a request: nothing to answer
            self._stop_reading(conn)
            self._close_now(conn)
            return
        conn.vb_buf += data
        self._progress(conn)

    def _progress(self, conn) -> None:
        verdict = self._assess(conn)
        if verdict == WAIT:
            scan = conn.vb_scan
            if scan.expect and not scan.continued and scan.head_end is not None:
                scan.continued = conn.vb_continued = True
                _send_nonblocking(conn.sock, CONTINUE)
            self._watch(conn)
            return
        self._stop_reading(conn)
        if isinstance(verdict, tuple):
            status, reason, message = verdict
            self.log.info("Request from %s refused before parsing: %s %s", _peer(conn), status, reason)
            self._refuse(conn, status, reason, message)
            return
        conn.vb_early = verdict == EARLY
        data, conn.vb_buf = bytes(conn.vb_buf), None
        try:
            conn.init()  # plain HTTP/1.x only (check_config): makes the parser, no I/O
            conn.parser.unreader.unread(data)
        except Exception:
            self.log.exception("Cannot set up connection from %s", _peer(conn))
            self._close_now(conn)
            return
        conn.data_ready = True
        self.enqueue_req(conn)

    def _assess(self, conn):
        """WAIT, READY (the whole request is buffered), EARLY (hand over now) or (status, reason, message)."""
        buf, scan = conn.vb_buf, conn.vb_scan
        if scan.head_end is None:
            start = 2 if buf[:2] == b"\r\n" else 0  # one empty line before the request line is allowed
            end = buf.find(b"\r\n\r\n", max(start, scan.scanned - 3))
            pos = buf.find(b"\n", scan.scanned, end + 4 if end >= 0 else len(buf))
            while pos >= 0:
                if pos == 0 or buf[pos - 1] != 0x0D:
                    return EARLY  # a bare LF in the head: gunicorn refuses it at once
                pos = buf.find(b"\n", pos + 1, end + 4 if end >= 0 else len(buf))
            scan.scanned = len(buf)
            line_end = buf.find(b"\r\n", start)
            line_length = line_end - start if line_end >= 0 else len(buf) - start - 2
            if self.line_limit and line_length > self.line_limit:
                return 414, "URI Too Long", f"request line over {self.line_limit} bytes"
            if end < 0:
                if len(buf) > self.head_limit:
                    return 431, "Request Header Fields Too Large", f"request head over {self.head_limit} bytes"
                return WAIT
            scan.head_end = end + 4
            framing = _framing(bytes(buf[start:end]))
            if framing is None:
                return EARLY
            length, scan.chunked, scan.expect = framing
            if not scan.chunked:
                if length > BODY_LIMIT:
                    return EARLY  # the app refuses it with 413 without reading it
                scan.need = scan.head_end + length
            scan.chunk_pos = scan.head_end
        if not scan.chunked:
            return READY if len(buf) >= scan.need else WAIT
        state = _scan_chunks(buf, scan)
        if state == "complete":
            return READY
        if (
            state == "invalid"
            or scan.decoded + scan.partial > BODY_LIMIT
            or len(buf) - scan.head_end > CHUNKED_RAW_LIMIT
        ):
            return EARLY
        return WAIT

    # ------------------------------------------------------------------ closing

    def _refuse(self, conn, status: int, reason: str, message: str) -> None:
        """A JSON error written from the poller (util.write_error, JSON by gunicorn_conf), then a lingering close."""
        try:
            conn.sock.setblocking(False)
            util.write_error(conn.sock, status, reason, message)
        except OSError:
            pass
        self._linger_close(conn)

    def _linger_close(self, conn) -> None:
        """Send FIN, read and drop what the client still sends for LINGER s at most, then close; never blocks."""
        try:
            conn.sock.setblocking(False)
            conn.sock.shutdown(socket.SHUT_WR)
            self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_lingering, conn))
        except (OSError, ValueError, KeyError):
            self._close_now(conn)
            return
        conn.vb_drained = 0
        self._closing[conn] = time.monotonic() + LINGER

    def _on_lingering(self, conn, _fileobj=None) -> None:
        try:
            data = conn.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        conn.vb_drained += len(data)
        if not data or conn.vb_drained > LINGER_BYTES:
            self._close_now(conn)

    def _close_now(self, conn) -> None:
        if getattr(conn, "vb_closed", False):
            return
        conn.vb_closed = True
        self._reading.pop(conn, None)
        self._closing.pop(conn, None)
        with contextlib.suppress(OSError, KeyError, ValueError):
            self.poller.unregister(conn.sock)
        self.nr_conns -= 1
        conn.close()


def _framing(head: bytes):
    """(content length, chunked, expects 100-continue) of a request head, or None to let gunicorn judge it."""
    lines = head.split(b"\r\n")
    http11 = lines[0].endswith(b"HTTP/1.1")
    lengths, codings, expect = [], [], False
    for line in lines[1:]:
        name, sep, value = line.partition(b":")
        if not sep:
            return None
        name, value = name.lower(), value.strip(b" \t")
        if name == b"content-length":
            lengths.append(value)
        elif name == b"transfer-encoding":
            codings += [c.strip(b" \t").lower() for c in value.split(b",")]
        elif name == b"expect":
            expect = value.lower() == b"100-continue" and http11
    if codings:
        if lengths or codings != [b"chunked"]:
            return None
        return 0, True, expect
    if len(lengths) > 1 or (lengths and not lengths[0].isdigit()):
        return None
    return (int(lengths[0]) if lengths else 0), False, expect


def _scan_chunks(buf: bytearray, scan: _Scan) -> str:
    """Advance over complete chunks: 'complete' (last chunk and trailers), 'partial' or 'invalid'."""
    pos = scan.chunk_pos
    while True:
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            return "invalid" if len(buf) - pos > 8190 else "partial"
        size_text = bytes(buf[pos:eol]).split(b";", 1)[0].strip(b" \t")
        if not size_text or any(c not in b"0123456789abcdefABCDEF" for c in size_text) or len(size_text) > 16:
            return "invalid"
        size = int(size_text, 16)
        if size == 0:
            # the last chunk: trailers end with an empty line
            if buf[eol + 2 : eol + 4] == b"\r\n":
                return "complete"
            return "complete" if buf.find(b"\r\n\r\n", eol + 2) >= 0 else "partial"
        data_start = eol + 2
        available = len(buf) - data_start
        if available < size + 2:
            scan.chunk_pos = pos
            scan.partial = max(0, min(available, size))
            return "partial"
        if buf[data_start + size : data_start + size + 2] != b"\r\n":
            return "invalid"
        scan.decoded += size
        scan.partial = 0
        pos = scan.chunk_pos = data_start + size + 2


def _has_bytes(sock) -> bool:
    try:
        return bool(sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT))
    except OSError:
        return False


def _send_nonblocking(sock, data: bytes) -> None:
    with contextlib.suppress(OSError):
        sock.send(data)


def _peer(conn) -> str:
    client = conn.client
    return client[0] if isinstance(client, tuple) else str(client)
