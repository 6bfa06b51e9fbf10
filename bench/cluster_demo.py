"""Two replicas behind a load balancer on loopback, one killed under load.

    .venv/bin/python bench/cluster_demo.py [--balancer nginx|haproxy] [--seconds 20] [--clients 8]
    make cluster-demo [BALANCER=haproxy]

In a temporary folder: copies seeds/ as the source, builds its index with
`vnsearch index`, publishes it with `vnsearch publish` to two replica index
folders, starts `vnsearch serve` on each (two ports) and the balancer in
front (nginx or HAProxy, its configuration written into the folder: ports
above 1024, no pid or log file outside it). Then CLIENTS keep-alive clients
ask /api/search through the balancer for SECONDS while, part-way, replica 1
is killed (SIGKILL to its whole process group), started again, a document is
added to the source, the index rebuilt and the new generation published to
both replicas. At the end the new document must be found through the
balancer, by every one of 20 requests. Last line:

    cluster demo: N requests, F failed

and the exit status is 1 if F > 0. Every process started here is stopped on
exit, Ctrl-C and SIGTERM included.

Why no request fails (docs/deploy.md): a GET is idempotent, so the balancer
may send it again to the other replica when the first attempt could not
connect, was reset, timed out or got a 502/503 (nginx: proxy_next_upstream
error timeout http_502 http_503; HAProxy: retry-on all-retryable-errors with
option redispatch). nginx also takes a replica out for fail_timeout after a
failure; HAProxy checks /healthz every second.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench")]

import load  # noqa: E402

VNSEARCH = [sys.executable, "-m", "search.cli"]
NEW_DOCUMENT = ("Nghị quyết của Ban Thường vụ Tỉnh ủy về khu di tích Pác Bó\n"
                "Ban Thường vụ Tỉnh ủy thống nhất tu bổ khu di tích Pác Bó và đường lên hang Cốc Bó.\n")
NEW_QUERY = '"hang Cốc Bó"'  # a phrase in no seed document
CHECKS = 20


def nginx_conf(folder: Path, listen: int, replicas: list[int]) -> str:
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;" for p in replicas)
    temp = "\n".join(f"    {kind}_temp_path {folder}/{kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # As root, nginx's workers would become "nobody", who cannot enter our
    # temporary folder; not as root, the directive is ignored with a warning.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
{temp}
    upstream vnsearch {{
{servers}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{listen};
        location / {{
            proxy_pass http://vnsearch;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 3;
            proxy_connect_timeout 1s;
            proxy_read_timeout 10s;
        }}
    }}
}}
"""


def haproxy_conf(folder: Path, listen: int, replicas: list[int]) -> str:
    servers = "\n".join(f"    server r{i} 127.0.0.1:{p} check" for i, p in enumerate(replicas, 1))
    return f"""global
    maxconn 512

defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 10s
    retries 3
    option redispatch 1
    retry-on all-retryable-errors

frontend search
    bind 127.0.0.1:{listen}
    default_backend replicas

backend replicas
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz
    http-check expect status 200
    default-server inter 1s fall 2 rise 2
{servers}
"""


class Cluster:
    """The processes started here, each in its own process group (so that
    a kill reaches a replica's workers too, and Ctrl-C in the terminal
    reaches only us: we stop them)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str, cmd: list[str]) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "ab")
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
                                start_new_session=True)
        self.procs[name] = proc
        return proc

    def kill(self, name: str) -> None:
        proc = self.procs.pop(name)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    def stop_all(self) -> None:
        for proc in self.procs.values():
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()
        self.procs.clear()

    def log_tail(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")[-2000:]


def get(port: int, path: str, timeout: float = 5) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def wait_healthy(port: int, proc: subprocess.Popen, what: str, cluster: Cluster, name: str,
                 timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{what} exited with {proc.returncode}:\n{cluster.log_tail(name)}")
        try:
            status, body = get(port, "/healthz", timeout=2)
            if status == 200:
                return json.loads(body)
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{what} did not answer /healthz within {timeout:.0f} s")


def run(cmd: list[str], what: str) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{what} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def clients(conn, args) -> None:
    """The load's process: stopped by us (SIGTERM), never by Ctrl-C directly."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    load._client_process(conn, args)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--balancer", choices=["nginx", "haproxy"], default="nginx")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--kill-at", type=float, default=5, help="seconds into the load")
    ap.add_argument("--restart-at", type=float, default=9, help="seconds into the load")
    args = ap.parse_args()
    program = shutil.which(args.balancer) or shutil.which(args.balancer, path="/usr/sbin:/sbin")
    if program is None:
        raise SystemExit(f"{args.balancer} is not installed (make system-deps)")

    folder = Path(tempfile.mkdtemp(prefix="vnsearch-cluster-"))
    cluster = Cluster(folder)
    # SIGTERM like Ctrl-C: unwind through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with it ignored
    client = None
    try:
        source, build = folder / "source", folder / "build"
        shutil.copytree(ROOT / "seeds", source)
        print(run([*VNSEARCH, "index", "--source", str(source), "--index", str(build)], "index"))
        replicas = [folder / "replica1", folder / "replica2"]
        for r in replicas:
            print(run([*VNSEARCH, "publish", "--index", str(build), str(r)], "publish"))
        ports = [load.free_port() for _ in replicas]
        listen = load.free_port()

        def serve(i: int):
            name = f"replica{i + 1}"
            proc = cluster.start(name, [*VNSEARCH, "serve", "--index", str(replicas[i]),
                                        "--port", str(ports[i]), "--workers", "1", "--threads", "4"])
            health = wait_healthy(ports[i], proc, name, cluster, name)
            print(f"{name}: vnsearch serve on 127.0.0.1:{ports[i]} (pid {proc.pid}), "
                  f"{health['generation']}")

        for i in range(len(replicas)):
            serve(i)
        conf = folder / f"{args.balancer}.conf"
        if args.balancer == "nginx":
            conf.write_text(nginx_conf(folder, listen, ports))
            cmd = [program, "-p", str(folder), "-c", str(conf), "-e", "stderr"]
        else:
            conf.write_text(haproxy_conf(folder, listen, ports))
            cmd = [program, "-f", str(conf), "-db"]
        proc = cluster.start(args.balancer, cmd)
        wait_healthy(listen, proc, args.balancer, cluster, args.balancer)
        print(f"{args.balancer} on 127.0.0.1:{listen} -> {', '.join(map(str, ports))} ({conf.name} in {folder})")

        query = "/api/search?raw=1&limit=3&q=" + urllib.parse.quote(NEW_QUERY)
        status, body = get(listen, query)
        assert status == 200 and json.loads(body)["total"] == 0, "the new document's words are in seeds/"

        # The clients in a process of their own (their CPU outside our GIL).
        ctx = multiprocessing.get_context("fork")
        receive, send = ctx.Pipe(duplex=False)
        client = ctx.Process(target=clients, args=(
            send, (listen, args.clients, args.seconds, 10**9, load.api_paths(load.QUERIES), False)))
        began = time.monotonic()
        client.start()
        send.close()

        def at(t: float, what: str):
            time.sleep(max(0.0, began + t - time.monotonic()))
            print(f"t={time.monotonic() - began:4.1f} s: {what}", flush=True)

        at(args.kill_at, f"kill -9 replica1 (process group {cluster.procs['replica1'].pid})")
        cluster.kill("replica1")
        # The rebuild meanwhile (it takes seconds of a CPU the load keeps busy).
        at(args.kill_at, "a document added to the source; vnsearch index")
        (source / "pac-bo.txt").write_text(NEW_DOCUMENT, encoding="utf-8")
        indexing = cluster.start("index", [*VNSEARCH, "index", "--source", str(source),
                                           "--index", str(build)])
        at(args.restart_at, "replica1 started again")
        serve(0)
        if indexing.wait() != 0:
            raise SystemExit(f"vnsearch index failed ({indexing.returncode}):\n{cluster.log_tail('index')}")
        del cluster.procs["index"]
        at(time.monotonic() - began, "vnsearch index done")
        print("   ", cluster.log_tail("index").strip().splitlines()[-1])
        for r in replicas:
            at(time.monotonic() - began, f"vnsearch publish to {r.name}")
            print("   ", run([*VNSEARCH, "publish", "--index", str(build), str(r)], "publish"))
        for i, port in enumerate(ports, 1):
            _, body = get(port, "/healthz")
            print(f"    replica{i} /healthz: {body.decode().strip()}")
        latencies, errors, took, _ = receive.recv()
        client.join()
        client = None
        print(f"load: {len(latencies)} requests in {took:.1f} s through {args.balancer}, "
              f"{len(errors)} failed; p50 {load.pct(latencies, 50):.1f} ms, "
              f"p99 {load.pct(latencies, 99):.1f} ms")
        for e in errors[:10]:
            print("    failed:", e)

        found = 0
        for _ in range(CHECKS):
            try:
                status, body = get(listen, query)
                hits = json.loads(body)["hits"] if status == 200 else []
            except (OSError, ValueError):
                hits = []
            found += bool(hits) and hits[0]["doc_id"] == "pac-bo"
        print(f"the new document through {args.balancer}: found by {found} of {CHECKS} requests")
        total, failed = len(latencies) + CHECKS, len(errors) + CHECKS - found
        print(f"cluster demo: {total} requests, {failed} failed")
        return 1 if failed else 0
    finally:
        if client is not None:
            client.terminate()
            client.join()
        cluster.stop_all()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
