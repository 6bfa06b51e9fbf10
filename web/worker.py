"""gunicorn's ``gthread`` worker, made to read each request head in its event
loop, so that idle and slow clients cannot take the threads.

Why: ``gthread`` hands every new or kept-alive connection that turns readable
to a thread of its pool, which then reads the request head blocking, with no
deadline (a new connection that sends nothing pins its thread for 5 s first).
A client that sends a partial head, a byte a second, holds a thread for as
long as it likes: four such clients per worker and nobody else is answered.
Measured (2 cores, 2 workers x 4 threads, seeds/, one ordinary client on a
fresh connection per request, each held socket reopened when closed;
bench/load.py --slow 0,20,50,100,200): with plain ``gthread``, 20 idle
sockets took the ordinary query from p50 1.7 ms to 24.5 s, 50 or more and
20 or more slow-header ones to timeouts (30 s); with this worker, 200 idle
or 200 slow-header sockets leave it at p50 2.0 ms, p99 9-11 ms.

How: the worker's own loop (one thread, a selector) accepts a connection and
reads what the client sends, non-blocking, into a buffer, until the head is
complete (a blank line), and only then hands the connection to the pool, with
the buffered bytes given back to gunicorn's parser (``unreader.unread``). A
kept-alive connection that turns readable comes back through the same loop,
and so do bytes a client pipelined behind its previous request. The head must
be complete within HEAD_SECONDS of the connection (or of the previous answer)
and within HEAD_MAX_BYTES; a client past either is closed (408 or 431 if it
had started a request; nothing if it sent nothing). Bytes the parser would
reject at once (a bare LF, a request line past ``limit_request_line``) go to
it as they are, so that gunicorn answers with its own 400/414.

A request with a body (the app takes GET only) is answered and its
connection closed, not drained: gunicorn's drain waits in the thread, up to
5 s, for a body sent slowly.

Closing: gunicorn closes a connection "gracefully" (``util.close_graceful``:
FIN, then up to 2 s reading until the client closes its end) in the worker's
loop thread, blocking it: a client that asks for ``Connection: close`` and
never closes stalled the whole worker for 2 s; 50 of them took an ordinary
query to 13.5 s, 200 to a timeout (bench/load.py --slow-mode noclose). Here
the same linger happens in the loop, non-blocking (``close_later``).

Error answers: gunicorn writes its own error pages (400, 414, 431, ...) with
``gunicorn.util.write_error``; this worker replaces that function in its
process with one that writes our Vietnamese error page and our security
headers (``views.SECURITY_HEADERS``).

gunicorn's private API used here, and only here (pinned gunicorn>=27,<28):
``ThreadWorker.accept / on_client_socket_readable / finish_request /
murder_pending / handle / _keepalive_after / enqueue_req``, its attributes ``poller``,
``nr_conns``, ``keepalived_conns``, ``alive``, ``wsgi``; ``TConn`` (its
``sock``, ``init()``, ``parser``, ``data_ready``, ``initialized``);
``parser.unreader.unread / take_buffered / buf`` and
``parser.finish_body(deadline=)``; ``gunicorn.util.write_error``.
tests/test_server.py drives it through a real gunicorn.
"""

from __future__ import annotations

import errno
import selectors
import socket
import time
from functools import partial

from gunicorn import util
from gunicorn.workers.gthread import TConn, ThreadWorker

from . import onewrite

# A head is a few hundred bytes; nginx allows 4 x 8 KB by default.
HEAD_MAX_BYTES = 64 * 1024
# nginx waits 60 s (client_header_timeout); a head arrives in one packet.
HEAD_SECONDS = 10.0
# A request with a body is not drained (see _keepalive_after); this bounds
# what is left: the end of a request read ahead with its head.
DRAIN_SECONDS = 0.5
RECV_BYTES = 16 * 1024
# gunicorn's close_graceful: how long, and how much, to read from a client
# after our FIN, so that unread bytes do not turn the close into a reset
# (which can destroy the answer before the client reads it).
LINGER_SECONDS = 2.0
LINGER_BYTES = 64 * 1024

COMPLETE, MORE, TOO_LARGE = "complete", "more", "too large"


def head_state(buf: bytearray, scanned: int, line_limit: int) -> str:
    """Whether ``buf`` holds a whole request head, given that its first
    ``scanned`` bytes were looked at before (each byte is looked at about
    once: linear in the head, however it is cut into packets)."""
    start = max(0, scanned - 3)
    if buf.find(b"\r\n\r\n", start) >= 0:
        return COMPLETE
    i = buf.find(b"\n", max(0, scanned - 1))
    while i >= 0:  # a bare LF: gunicorn answers 400 at once
        if i == 0 or buf[i - 1] != 0x0D:
            return COMPLETE
        i = buf.find(b"\n", i + 1)
    # Looked at once, when the buffer first passes the limit.
    if 0 < line_limit and scanned <= line_limit + 2 < len(buf) \
            and buf.find(b"\r\n", 0, line_limit + 2) < 0:
        return COMPLETE  # the request line is too long: gunicorn answers 414
    return TOO_LARGE if len(buf) > HEAD_MAX_BYTES else MORE


class HeadFirstWorker(ThreadWorker):
    """``gthread``, with request heads read in the event loop (see the module)."""

    head_seconds = HEAD_SECONDS  # set by `serve` before the fork

    @classmethod
    def check_config(cls, cfg, log):
        super().check_config(cfg, log)
        if cfg.is_ssl or getattr(cfg, "http2_cleartext", "off") not in ("off", None):
            raise RuntimeError("HeadFirstWorker reads plain HTTP/1 heads: no TLS, no h2c "
                               "(terminate them in the reverse proxy)")

    def init_process(self):
        self.heads: dict[TConn, None] = {}  # reading a head, oldest deadline first
        self.lingering: dict[TConn, None] = {}  # closing, oldest deadline first
        self.error_pages: dict[int, bytes] = {}
        util.write_error = self.write_error  # gunicorn's own error answers, this process
        onewrite.install()  # head and body in one send (web/onewrite.py)
        super().init_process()

    # -- reading heads in the loop ---------------------------------------------

    def accept(self, listener):
        try:
            client, addr = listener.accept()
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        self.read_head(TConn(self.cfg, client, addr, listener.getsockname()))

    def on_client_socket_readable(self, conn, client):
        """A kept-alive connection has a next request coming: read its head here too."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self.read_head(conn, read_now=True)

    def finish_request(self, conn, fs):
        """In the loop, after a thread served ``conn``. Bytes pipelined behind
        the answered request may be a partial head: they are read here too,
        not by a thread that would wait for the rest. A connection to close
        lingers in the loop, not blocking it."""
        try:
            keep = not fs.cancelled() and fs.result() is True
        except Exception:  # noqa: BLE001 - gunicorn closes it then too
            keep = False
        if not keep:
            self.nr_conns -= 1
            self.close_later(conn)
        elif self.alive and conn.parser.unreader.buf.getvalue():
            self.read_head(conn, conn.parser.unreader.take_buffered())
        else:
            super().finish_request(conn, fs)

    def read_head(self, conn, data: bytes = b"", read_now: bool = False) -> None:
        conn.sock.setblocking(False)
        conn.head, conn.head_scanned = bytearray(data), 0
        conn.head_deadline = time.monotonic() + self.head_seconds
        self.heads[conn] = None
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_head_bytes, conn))
        if data:
            self.check_head(conn)
        elif read_now:
            self.on_head_bytes(conn)

    def on_head_bytes(self, conn, _sock=None) -> None:
        data = _recv(conn.sock)
        if data is None:
            return
        if not data:  # the client left
            self.drop(conn)
            return
        conn.head += data
        self.check_head(conn)

    def check_head(self, conn) -> None:
        state = head_state(conn.head, conn.head_scanned, self.cfg.limit_request_line)
        conn.head_scanned = len(conn.head)
        if state == COMPLETE:
            self.poller.unregister(conn.sock)
            del self.heads[conn]
            conn.data_ready = True  # gunicorn's handle() must not wait for data again
            self.enqueue_req(conn)
        elif state == TOO_LARGE:
            self.drop(conn, 431, "Request Header Fields Too Large")

    def drop(self, conn, status: int = 0, reason: str = "") -> None:
        """Stop reading ``conn``'s head and close it, answering ``status`` first
        if given (best effort: the socket is non-blocking)."""
        try:
            self.poller.unregister(conn.sock)
        except (KeyError, ValueError, OSError):
            pass
        self.heads.pop(conn, None)
        self.nr_conns -= 1
        if status:
            try:
                conn.sock.send(self.error_bytes(status, reason))
            except OSError:
                pass
            self.close_later(conn)
        else:
            conn.close()

    def close_later(self, conn) -> None:
        """gunicorn's close_graceful, in the loop: FIN now, then read (and
        drop) what the client still sends until it closes, LINGER_BYTES or
        LINGER_SECONDS, then close."""
        try:
            conn.sock.shutdown(socket.SHUT_WR)
            conn.sock.setblocking(False)
            self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_linger_bytes, conn))
        except (OSError, ValueError, KeyError):
            conn.close()
            return
        conn.linger_deadline, conn.lingered = time.monotonic() + LINGER_SECONDS, 0
        self.lingering[conn] = None

    def on_linger_bytes(self, conn, _sock=None) -> None:
        data = _recv(conn.sock)
        if data is None:
            return
        conn.lingered += len(data)
        if not data or conn.lingered >= LINGER_BYTES:
            self.end_linger(conn)

    def end_linger(self, conn) -> None:
        try:
            self.poller.unregister(conn.sock)
        except (KeyError, ValueError, OSError):
            pass
        self.lingering.pop(conn, None)
        conn.close()

    def murder_pending(self):
        """Called by the loop about once a second: heads past their deadline
        are closed, and all of them when the worker stops; so are lingering
        closes past theirs."""
        super().murder_pending()
        now = time.monotonic()
        for conn in list(self.heads):
            if self.alive and conn.head_deadline > now:
                break
            self.drop(conn, 408 if conn.head and self.alive else 0, "Request Timeout")
        for conn in list(self.lingering):
            if conn.linger_deadline > now:
                break
            self.end_linger(conn)

    def handle(self, conn):
        """In a thread: the head read by the loop goes back to gunicorn's parser."""
        head = getattr(conn, "head", None)
        if head is not None:
            conn.head = None
            conn.sock.setblocking(True)
            conn.init()
            conn.parser.unreader.unread(bytes(head))
        return super().handle(conn)

    def _keepalive_after(self, conn, keepalive):
        """Whether ``conn`` takes another request. gunicorn first drains a
        body the app did not read, waiting up to 5 s for it in this thread.
        The app serves GET only: a body is a mistake or an attack, so such a
        connection is closed at once instead (the loop lingers on it)."""
        if not keepalive:
            return False
        if any(name in ("CONTENT-LENGTH", "TRANSFER-ENCODING") and value.strip() != "0"
               for name, value in conn.parser.mesg.headers):
            return False
        return bool(conn.parser.finish_body(deadline=time.monotonic() + DRAIN_SECONDS))

    # -- gunicorn's own error answers ---------------------------------------------

    def write_error(self, sock, status_int, reason, mesg):
        """Replaces ``gunicorn.util.write_error`` (same arguments): our page
        and headers. ``mesg`` (the parser's diagnosis, which may echo the
        request) is logged by gunicorn, not shown."""
        util.write_nonblock(sock, self.error_bytes(int(status_int), reason))

    def error_bytes(self, status: int, reason: str) -> bytes:
        if status not in self.error_pages:
            from .views import SECURITY_HEADERS, error_html

            try:
                with self.wsgi.test_request_context("/"):
                    body = error_html(status).encode("utf-8")
            except Exception:  # noqa: BLE001 - an error page must never fail
                body = f"<!doctype html><title>Lỗi {status}</title><h1>Lỗi {status}</h1>".encode()
            head = [f"HTTP/1.1 {status} {reason}", "Connection: close",
                    "Content-Type: text/html; charset=utf-8", f"Content-Length: {len(body)}",
                    *(f"{k}: {v}" for k, v in SECURITY_HEADERS.items())]
            self.error_pages[status] = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body
        return self.error_pages[status]


def _recv(sock) -> bytes | None:
    """What a readable non-blocking socket holds: b"" when the client left
    (or the socket failed), None when nothing is there after all."""
    try:
        return sock.recv(RECV_BYTES)
    except (BlockingIOError, InterruptedError):
        return None
    except OSError:
        return b""
