"""The front of `vnsearch serve` (web/worker.py): idle and slow clients take
no thread and stall nothing; every error answer, gunicorn's own included, is
our page with our headers; no redirect names the request's host. Real
gunicorn on loopback; counted, not timed (a socket timeout is the bound)."""

from __future__ import annotations

import http.client
import socket
import threading

from test_server import index, start, stop, total, wait_for  # noqa: F401 - index: a fixture


SLOW_HEAD = b"GET /api/search?q=tinh+uy HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Slow: a\r\n" * 1000


def still_open(s: socket.socket) -> bool:
    """Nothing came back on ``s`` yet: neither an answer nor a close."""
    s.setblocking(False)
    try:
        s.recv(1, socket.MSG_PEEK)  # an answer, or b"" for a close
        return False
    except BlockingIOError:
        return True
    finally:
        s.setblocking(True)


def read_all(s: socket.socket, timeout: float = 30) -> bytes:
    s.settimeout(timeout)
    out = b""
    while chunk := s.recv(65536):
        out += chunk
    return out


def test_idle_and_slow_clients_do_not_starve_the_workers(index):
    """200 connections that send nothing or a head a byte at a time (also on
    kept-alive connections, after their first answer) take no thread: ordinary
    queries are answered while they are all held; each is closed after its
    head's deadline (10 s), a started head with a 408."""
    proc, port = start(index, "--workers", "2", "--threads", "2")
    idle, slow, kept = [], [], []
    sent: dict[socket.socket, int] = {}  # the slow heads, and how much of each was sent
    stop_flag = threading.Event()

    def trickle():  # one more byte of each slow head, every 0.2 s
        while not stop_flag.wait(0.2):
            for s, n in list(sent.items()):
                try:
                    s.send(SLOW_HEAD[n:n + 1])
                    sent[s] = n + 1
                except OSError:
                    pass

    trickler = threading.Thread(target=trickle)
    try:
        expected = total(port, "tinh uy")
        trickler.start()
        for _ in range(20):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            total(port, "tinh uy", c)  # answered; the connection is kept alive
            kept.append(c.sock)
            sent[c.sock] = 0  # before gunicorn's 2 s keep-alive timeout
        idle += [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(90)]
        for _ in range(90):
            slow.append(socket.create_connection(("127.0.0.1", port), timeout=10))
            sent[slow[-1]] = 0
        wait_for(lambda: min(sent.values()) >= 2, 10, "every slow head to start")
        answered = [total(port, "tinh uy") for _ in range(8)]  # a fresh connection each
        held = sum(still_open(s) for s in idle + slow + kept)
        assert answered == [expected] * 8
        assert held == 200  # answered while all 200 were still held
        stop_flag.set()
        trickler.join()
        answers = [read_all(s) for s in idle + slow + kept]  # closed by the server
        assert answers[:90] == [b""] * 90  # never asked anything: nothing to answer
        assert all(a.startswith(b"HTTP/1.1 408 ") for a in answers[90:]), \
            {a[:30] for a in answers[90:]}
        assert b"Content-Security-Policy" in answers[-1]
    finally:
        stop_flag.set()
        if trickler.is_alive():
            trickler.join()
        for s in idle + slow + kept:
            s.close()
        stop(proc)


def test_clients_that_never_close_do_not_stall_the_workers(index):
    """gunicorn closed a connection by waiting, in the worker's only loop
    thread, up to 2 s for the client to close its end: 60 clients that asked
    for a close and kept their end open stalled both workers for a minute."""
    proc, port = start(index, "--workers", "2", "--threads", "2")
    held = []
    try:
        expected = total(port, "tinh uy")
        for _ in range(60):
            held.append(socket.create_connection(("127.0.0.1", port), timeout=10))
            held[-1].sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
        answered = [total(port, "tinh uy") for _ in range(8)]  # a fresh connection each
        assert answered == [expected] * 8
        answers = [read_all(s) for s in held]  # the server's end closes; ours stays open
        assert {a.split(b"\r\n", 1)[0] for a in answers} == {b"HTTP/1.0 200 OK"}
    finally:
        for s in held:
            s.close()
        stop(proc)


def test_slow_request_bodies_do_not_take_the_threads(index):
    """gunicorn drained a body the app did not read (it takes GET only) in the
    thread, waiting up to 5 s for it: 60 clients sending a body a byte at a
    time held the 4 threads of the 2 workers for over a minute."""
    proc, port = start(index, "--workers", "2", "--threads", "2")
    held = []
    try:
        expected = total(port, "tinh uy")
        for _ in range(60):
            held.append(socket.create_connection(("127.0.0.1", port), timeout=10))
            held[-1].sendall(b"POST /api/search HTTP/1.1\r\nHost: x\r\n"
                             b"Content-Length: 1000\r\n\r\na")
        answered = [total(port, "tinh uy") for _ in range(8)]  # a fresh connection each
        assert answered == [expected] * 8
        answers = [read_all(s) for s in held]  # answered, then closed without waiting for the body
        assert {a.split(b"\r\n", 1)[0] for a in answers} == {b"HTTP/1.1 405 METHOD NOT ALLOWED"}
    finally:
        for s in held:
            s.close()
        stop(proc)


def raw(port: int, data: bytes) -> tuple[int, dict, str]:
    """Send ``data`` as it is; the status, headers and body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(data)
        answer = read_all(s)
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body.decode("utf-8")


def test_every_error_answer_has_our_page_and_headers(index):
    """gunicorn's own answers to requests it cannot parse, and Flask's, are
    our Vietnamese page with our security headers; no redirect takes its host
    from the request."""
    proc, port = start(index, "--workers", "1", "--threads", "2")
    try:
        head = b"GET /search?q=che HTTP/1.1\r\nHost: x\r\n"
        cases = {
            "bad request line": (b"NONSENSE\r\n\r\n", 400),
            "bare LF": (b"GET / HTTP/1.1\nHost: x\n\n", 400),
            "request line too long": (b"GET /search?q=" + b"a" * 5000 + b" HTTP/1.1\r\n\r\n", 414),
            "too many header fields": (head + b"X-A: b\r\n" * 101 + b"\r\n", 431),
            "a head that never ends": (head + b"X-A: b\r\n" * 10_000, 431),
            "wrong method": (b"POST /search HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 405),
            "slashes to merge": (b"GET //doc//x HTTP/1.1\r\nHost: evil.example\r\n"
                                 b"Connection: close\r\n\r\n", 404),
        }
        for what, (data, status) in cases.items():
            got, headers, body = raw(port, data)
            assert got == status, what
            assert "default-src 'self'" in headers.get("Content-Security-Policy", ""), what
            assert headers.get("X-Content-Type-Options") == "nosniff", what
            assert f"Lỗi {status}" in body and '<html lang="vi">' in body, what
            assert "Location" not in headers, what
    finally:
        stop(proc)
