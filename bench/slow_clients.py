"""Slow and idle clients against `vnsearch serve`, on 127.0.0.1 only: what
they do to ordinary queries (the slow-client mode of bench/load.py).

A holder process keeps N sockets open to the server the whole time:

- idle: connect and send nothing (a browser's preconnect, or an attacker);
- header: send a request head one byte a second and never finish it
  ("slowloris");
- body: send a whole request head announcing a body, then the body a byte a
  second, also after the answer, until the server closes;
- noclose: send a whole request that asks the server to close the connection
  (HTTP/1.0), read the answer, and never close its end (the server's close
  waits for that end to close, for a while).

Whenever the server closes one, the holder opens another on the next second
(a steady N, not a flood of requests), so that N are held throughout; it
counts how many the server closed and how many of those got an answer first
(a 408, say). Meanwhile ordinary
clients ask the repeated query mix, each request on a fresh connection (what a
new visitor does), for SECONDS; reported: p50/p99/max latency and errors.
Everything is bounded: request timeout REQUEST_TIMEOUT, the holder stops when
told or after SECONDS + 60.
"""

from __future__ import annotations

import http.client
import multiprocessing
import random
import selectors
import socket
import threading
import time

REQUEST_TIMEOUT = 30.0
# A head that never ends: the request line, then header lines forever.
SLOW_HEAD = b"GET /api/search?q=tinh+uy HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Slow: a\r\n" * 10_000
CLOSE_REQUEST = b"GET /healthz HTTP/1.0\r\n\r\n"
BODY_HEAD = b"POST /api/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n"
MODES = ("idle", "header", "body", "noclose")


def hold(port: int, count: int, mode: str, seconds: float, ready, stop, out) -> None:
    """Keep ``count`` sockets open in ``mode`` until ``stop`` is set (or
    ``seconds`` pass); send the counts through ``out``."""
    sel = selectors.DefaultSelector()
    sent: dict[socket.socket, int] = {}
    left_open: list[socket.socket] = []  # noclose: answered, closed by the server, kept
    counts = {"opened": 0, "closed_by_server": 0, "answered": 0, "statuses": {}}

    def open_one():
        s = socket.create_connection(("127.0.0.1", port), timeout=REQUEST_TIMEOUT)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
        sent[s] = 0
        counts["opened"] += 1
        if mode in ("noclose", "body"):
            s.send(CLOSE_REQUEST if mode == "noclose" else BODY_HEAD)

    for _ in range(count):
        open_one()
    ready.set()
    deadline = time.monotonic() + seconds
    next_byte, due = time.monotonic(), 0
    while not stop.is_set() and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.2):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                data = b""
            if data:
                if data.startswith(b"HTTP/"):
                    counts["answered"] += 1
                    status = data.split(b" ", 2)[1].decode("latin-1")
                    counts["statuses"][status] = counts["statuses"].get(status, 0) + 1
                if mode in ("noclose", "body"):
                    continue  # the rest of the answer, then the server's FIN
            counts["closed_by_server"] += 1
            sel.unregister(s)
            del sent[s]
            if mode == "noclose":
                left_open.append(s)
            else:
                s.close()
            due += 1  # reopened on the next tick: N requests a second at most, not a flood
        if time.monotonic() >= next_byte:
            next_byte += 1.0
            for _ in range(due):
                open_one()
            due = 0
            for s, n in list(sent.items()) if mode in ("header", "body") else ():
                try:
                    s.send(SLOW_HEAD[n:n + 1] if mode == "header" else b"a")
                    sent[s] = n + 1
                except OSError:
                    pass  # closed: seen by the selector
    for s in list(sent) + left_open:
        s.close()
    out.send(counts)


def ordinary(port: int, paths, seconds: float, clients: int = 1):
    """``clients`` threads asking ``paths`` at random, a fresh connection per
    request, for ``seconds``. Returns (latencies ms, errors)."""
    latencies, errors, lock = [], [], threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(seed):
        rnd = random.Random(seed)
        while time.perf_counter() < deadline:
            path = rnd.choice(paths)
            start = time.perf_counter()
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
                c.request("GET", path)
                r = c.getresponse()
                r.read()
                c.close()
                ok, what = r.status == 200, r.status
            except (OSError, http.client.HTTPException) as e:
                ok, what = False, repr(e)
            with lock:
                latencies.append((time.perf_counter() - start) * 1000)
                if not ok:
                    errors.append(f"{path}: {what}")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors


def measure(port: int, paths, count: int, mode: str, seconds: float, clients: int = 1) -> dict:
    """Hold ``count`` sockets in ``mode`` (in a separate process), then run the
    ordinary clients for ``seconds``."""
    ctx = multiprocessing.get_context("fork")
    ready, stop = ctx.Event(), ctx.Event()
    parent, child = ctx.Pipe(duplex=False)
    holder = ctx.Process(target=hold, args=(port, count, mode, seconds + 60, ready, stop, child))
    holder.start()
    child.close()
    try:
        if not ready.wait(60):
            raise SystemExit("the holder could not open its sockets")
        time.sleep(0.5)  # let the server see them (and a slow head start)
        latencies, errors = ordinary(port, paths, seconds, clients)
    finally:
        stop.set()
    counts = parent.recv() if parent.poll(90) else {}
    holder.join(10)
    if holder.is_alive():
        holder.kill()
    return {"latencies": latencies, "errors": errors, **counts}


def report(label: str, count: int, mode: str, res: dict, pct) -> str:
    lat = res["latencies"]
    held = "" if not count else (f"; held sockets closed by the server {res.get('closed_by_server', '?')}"
                                 f" (answered first: {res.get('statuses') or 0})")
    return (f"  {label} {mode:6s} x{count:4d}: {len(lat):5d} req, errors {len(res['errors'])}; "
            f"ms p50 {pct(lat, 50):7.1f} p99 {pct(lat, 99):7.1f} max {max(lat, default=0):7.1f}{held}")
