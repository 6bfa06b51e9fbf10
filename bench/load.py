"""Bounded HTTP load on 127.0.0.1 against `vnsearch serve`.

    .venv/bin/python bench/load.py [--index DIR] [--clients 8] [--seconds 30]

Starts the server as a child process (building a seeds index first when no
--index is given), runs CLIENTS keep-alive clients for SECONDS (each also
capped at --max-requests), then stops everything. Reports requests served,
errors, latency percentiles and the server's peak RSS.
"""

from __future__ import annotations

import argparse
import http.client
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from seed_queries import SEED_QUERIES  # noqa: E402

from search.text import fold  # noqa: E402

QUERIES = [q for q, _ in SEED_QUERIES] + [fold(q) for q, _ in SEED_QUERIES] + [
    '"Ban Thường vụ Tỉnh ủy"', "tinh uy -covid", "xyzzy plugh", "05-CT/TW", "GRDP"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_until_up(port: int, proc, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not start")


def run_load(port: int, clients: int, seconds: float, max_requests: int, paths=None):
    latencies, errors, lock = [], [], threading.Lock()
    deadline = time.perf_counter() + seconds
    paths = paths or ["/api/search?q=" + urllib.parse.quote(q) for q in QUERIES]

    def client(seed: int):
        rnd = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for _ in range(max_requests):
            if time.perf_counter() >= deadline:
                break
            path = rnd.choice(paths)
            start = time.perf_counter()
            try:
                conn.request("GET", path)
                r = conn.getresponse()
                r.read()
                ok = r.status == 200
            except OSError as e:
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                r = e
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors.append(f"{path}: {getattr(r, 'status', r)}")
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.perf_counter() - started


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--index")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--max-requests", type=int, default=100_000)
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    index = args.index
    if index is None:
        index = str(Path(tmp.name) / "index")
        subprocess.run([sys.executable, "-m", "search.cli", "index", "--source", str(ROOT / "seeds"),
                        "--index", index], check=True, cwd=ROOT, capture_output=True)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "search.cli", "serve", "--index", index,
                             "--port", str(port), "--threads", str(args.clients)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_up(port, proc)
        run_load(port, args.clients, min(3.0, args.seconds), 200)  # warm-up
        latencies, errors, took = run_load(port, args.clients, args.seconds, args.max_requests)
        rss = peak_rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(f"{len(latencies)} requests in {took:.1f} s with {args.clients} clients "
          f"({len(latencies) / took:.0f}/s); errors: {len(errors)}")
    print(f"latency ms: p50 {statistics.median(latencies):.1f}  p95 {pct(latencies, 95):.1f}  "
          f"p99 {pct(latencies, 99):.1f}  max {max(latencies):.1f}")
    print(f"server peak RSS: {rss:.0f} MB")
    for e in errors[:10]:
        print("  error:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
