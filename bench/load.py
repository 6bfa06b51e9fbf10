"""Bounded HTTP load on 127.0.0.1 against `vnsearch serve`.

    .venv/bin/python bench/load.py [--index DIR | --source DIR] [--clients 8]
        [--seconds 30] [--server 1x8:0,0x4] [--cache N] [--rounds 3]
        [--baseline-rev REV] [--keep DIR] [--slow 0,200 [--slow-mode idle,header,body,noclose]]

Starts `vnsearch serve` for each --server configuration (WORKERSxTHREADS[:CACHE];
0 workers: one per core) as child processes on the same index (built from
--source, seeds/ by default, unless --index is given), and measures them in
turns (ROUNDS times each, so that other load on the machine falls on all
alike): CLIENTS keep-alive clients (http.client threads, in one separate
process) for SECONDS on each of two query streams:

- repeated: a fixed mix of realistic queries (the seed queries, accented and
  folded), drawn at random, so the same requests come back (what a response
  cache is good at);
- distinct: a few thousand different 1-4 word queries cut deterministically
  from the index's own paragraphs, half of them folded (no diacritics), never
  repeated within the run: every request is a real search.

Reports per stream requests, req/s, errors, latency p50/p95/p99/max, the CPU
used by the clients and by the server, and after the load the server's memory
summed over its processes: RSS (pages shared copy-on-write counted in every
process) and PSS (shared pages divided among their processes).

--baseline-rev REV also serves every configuration with the code of git
revision REV (bench/revision.py: checked out with `git worktree add` into a
temporary folder, run with this venv's python and PYTHONPATH on the checkout,
on an index it builds with its own code from the same source), measured in
the same turns, and reports new/baseline ratios. Indexes are built under
--keep when given (and brought up to date there on the next run, which is
quick) or in a temporary folder.

--slow N[,N...] is the slow-client mode instead (bench/slow_clients.py): for
each server, each --slow-mode and each N, N idle, slow-header, slow-body or
never-closed sockets are held open while --slow-clients ordinary clients ask the repeated mix on fresh
connections for SECONDS; reported: p50/p99/max of the ordinary queries.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from seed_queries import SEED_QUERIES  # noqa: E402

import slow_clients  # noqa: E402
from revision import build_index, checkout, print_ratios, run_with  # noqa: E402
from search.lang.text import fold  # noqa: E402

QUERIES = [q for q, _ in SEED_QUERIES] + [fold(q) for q, _ in SEED_QUERIES] + [
    '"Ban Thường vụ Tỉnh ủy"', "tinh uy -covid", "xyzzy plugh", "05-CT/TW", "GRDP"]
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api_paths(queries) -> list[str]:
    return ["/api/search?q=" + urllib.parse.quote(q) for q in queries]


def distinct_queries(index: str | Path, count: int = 4000, seed: int = 5) -> list[str]:
    """``count`` different 1-4 word queries cut from the index's paragraphs,
    every other one folded; the same list for the same index and seed."""
    from whoosh.filedb.filestore import FileStorage

    from search.index.store import current_generation

    rnd = random.Random(seed)
    out, seen = [], set()
    with FileStorage(str(current_generation(Path(index))), supports_mmap=False) \
            .open_index().searcher() as s:
        n = s.doc_count_all()
        tries = 0
        while len(out) < count and tries < count * 20:
            tries += 1
            fields = s.stored_fields(rnd.randrange(n))
            words = re.findall(r"\w+", fields.get("text", ""))
            if not words:
                continue
            k = rnd.randint(1, 4)
            start = rnd.randrange(max(1, len(words) - k + 1))
            q = " ".join(words[start:start + k])
            if len(out) % 2:
                q = fold(q)
            if q.lower() not in seen:
                seen.add(q.lower())
                out.append(q)
    return out


# -- the server ---------------------------------------------------------------

def server_pids(pid: int) -> list[int]:
    """The server and its worker processes."""
    pids = [pid]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                pids.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            pass
    return pids


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory_mb(pid: int) -> dict:
    """RSS and PSS summed over the server's processes, and the peak RSS of the
    largest one, in MB."""
    pids = server_pids(pid)
    return {
        "processes": len(pids),
        "rss": sum(_status_kb(p, "VmRSS") for p in pids) / 1024,
        "pss": sum(_pss_kb(p) for p in pids) / 1024,
        "peak_rss_max": max(_status_kb(p, "VmHWM") for p in pids) / 1024,
        "pss_each": [round(_pss_kb(p) / 1024) for p in pids],
    }


def cpu_seconds(pids) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError):
            pass
    return total / CLK_TCK


@dataclass(frozen=True)
class Setup:
    """One server to start: which code serves (a checkout's root), on which
    index, with which `vnsearch serve` settings."""
    index: Path
    workers: int = 0
    threads: int = 4
    cache: int | None = None
    root: Path = ROOT
    code: str = "new"

    def label(self) -> str:
        return (f"{self.code}: serve --workers {self.workers or 'auto'} --threads {self.threads}"
                + (f" --cache {self.cache}" if self.cache is not None else ""))


def start_server(setup: Setup, port: int):
    cmd = [sys.executable, "-m", "search.cli", "serve", "--index", str(setup.index),
           "--port", str(port), "--workers", str(setup.workers), "--threads", str(setup.threads)]
    if setup.cache is not None:
        cmd += ["--cache", str(setup.cache)]
    log = tempfile.TemporaryFile()  # read back if the server fails
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log, **run_with(setup.root))
    proc.log = log
    return proc


def stop_server(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_until_up(port: int, proc, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            proc.log.seek(0)
            raise SystemExit(f"server exited with {proc.returncode}:\n"
                             + proc.log.read()[-2000:].decode(errors="replace"))
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not start")


# -- the clients --------------------------------------------------------------

def run_load(port: int, clients: int, seconds: float, max_requests: int, paths=None,
             distinct: bool = False):
    """CLIENTS keep-alive clients (threads of this process) for SECONDS, each
    capped at MAX_REQUESTS. ``distinct``: the clients share one pass over
    ``paths`` (no request twice); otherwise each draws from them at random.
    "each": every client asks every path once, in order.
    Returns (latencies ms, errors, wall seconds)."""
    latencies, errors, lock = [], [], threading.Lock()
    deadline = time.perf_counter() + seconds
    paths = paths or api_paths(QUERIES)
    cursor = iter(range(len(paths)))

    def client(seed: int):
        rnd = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for n in range(max_requests):
            if time.perf_counter() >= deadline:
                break
            if distinct == "each":
                if n >= len(paths):
                    break
                path = paths[n]
            elif distinct:
                with lock:
                    i = next(cursor, None)
                if i is None:
                    break
                path = paths[i]
            else:
                path = rnd.choice(paths)
            start = time.perf_counter()
            try:
                conn.request("GET", path)
                r = conn.getresponse()
                r.read()
                ok = r.status == 200
            except (OSError, http.client.HTTPException) as e:
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                r = e
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors.append(f"{path}: {getattr(r, 'status', r)!r}")
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.perf_counter() - started


def _client_process(conn, args):
    cpu0 = time.process_time()
    out = run_load(*args[:-1], distinct=args[-1])
    conn.send(out + (time.process_time() - cpu0,))
    conn.close()


def load_in_process(port, clients, seconds, max_requests, paths, distinct=False):
    """run_load in a separate process, so that the clients' CPU does not share
    the benchmark's GIL; also returns the clients' CPU seconds."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_client_process,
                    args=(child, (port, clients, seconds, max_requests, paths, distinct)))
    p.start()
    child.close()
    result = parent.recv()
    p.join()
    return result


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))] if values else float("nan")


def summary(latencies, errors, took, client_cpu, server_cpu) -> dict:
    return {
        "requests": len(latencies), "seconds": took, "rps": len(latencies) / took,
        "errors": len(errors), "error_samples": errors[:5],
        "p50": pct(latencies, 50), "p95": pct(latencies, 95), "p99": pct(latencies, 99),
        "max": max(latencies) if latencies else float("nan"),
        "client_cpu": client_cpu / took, "server_cpu": server_cpu / took,
        "cpu_ms_per_request": server_cpu * 1000 / max(1, len(latencies)),
    }


STREAMS = ("repeated", "distinct")


def compare(setups: list[Setup], clients: int, seconds: float, repeated_paths, distinct_paths,
            rounds: int = 1, warm_seconds: float = 3.0) -> list[dict]:
    """Start one server per setup, all at once, warm each, then measure them
    in turns: each round runs each stream on each server, one after the
    other, so that whatever else loads the machine falls on all of them
    alike. On the distinct stream every server gets the same queries (a fresh
    slice each round). Then reads each server's memory and stops them all.
    Returns one result per setup."""
    servers = []
    try:
        for setup in setups:
            port = free_port()
            servers.append((port, start_server(setup, port)))
        # The tail of the distinct list warms, the rest is measured in slices.
        measured = len(distinct_paths) * 3 // 4
        warm_tail, slice_len = distinct_paths[measured:], measured // rounds
        for port, proc in servers:
            wait_until_up(port, proc)
            # Not measured: every client asks the whole repeated mix once (each
            # worker process sees every query, as in a server that has run for
            # a while), then distinct queries for a few seconds.
            load_in_process(port, clients, 120, len(repeated_paths), repeated_paths, "each")
            load_in_process(port, clients, warm_seconds, 10_000, warm_tail, True)
        runs = [{name: [] for name in STREAMS} for _ in servers]
        for r in range(rounds):
            for name in STREAMS:
                paths = repeated_paths if name == "repeated" else \
                    distinct_paths[r * slice_len:(r + 1) * slice_len]
                for i, (port, proc) in enumerate(servers):
                    pids = server_pids(proc.pid)
                    cpu0 = cpu_seconds(pids)
                    out = load_in_process(port, clients, seconds, 1_000_000, paths, name == "distinct")
                    runs[i][name].append(out + (cpu_seconds(pids) - cpu0,))
        results = []
        for i, (port, proc) in enumerate(servers):
            res = {"memory": memory_mb(proc.pid)}
            for name in STREAMS:
                lat = [x for run in runs[i][name] for x in run[0]]
                errs = [x for run in runs[i][name] for x in run[1]]
                res[name] = summary(lat, errs, sum(run[2] for run in runs[i][name]),
                                    sum(run[3] for run in runs[i][name]),
                                    sum(run[4] for run in runs[i][name]))
                res[name]["round_p50"] = [pct(run[0], 50) for run in runs[i][name]]
            results.append(res)
        return results
    finally:
        for _, proc in servers:
            stop_server(proc)


def print_report(label: str, res: dict, file=sys.stdout) -> None:
    m = res["memory"]
    print(f"\n{label}: memory after load, {m['processes']} processes: RSS sum {m['rss']:.0f} MB, "
          f"PSS sum {m['pss']:.0f} MB (master first: {' + '.join(map(str, m['pss_each']))}; "
          f"largest process peak RSS {m['peak_rss_max']:.0f} MB)", file=file)
    for name in STREAMS:
        r = res[name]
        rounds = ""
        if len(r.get("round_p50", ())) > 1:
            rounds = " (p50 per round: " + ", ".join(f"{x:.0f}" for x in r["round_p50"]) + ")"
        print(f"  {name:8s}: {r['requests']:6d} req in {r['seconds']:.1f} s = {r['rps']:6.1f}/s, "
              f"errors {r['errors']}; ms p50 {r['p50']:7.1f} p95 {r['p95']:7.1f} "
              f"p99 {r['p99']:7.1f} max {r['max']:7.1f}{rounds}", file=file)
        print(f"            CPU: server {r['server_cpu']:.2f} cores = {r['cpu_ms_per_request']:.1f} ms "
              f"per request; clients {r['client_cpu']:.2f} cores", file=file)
        for e in r["error_samples"]:
            print("     error:", e, file=file)


def compare_slow(setups: list[Setup], counts, modes, seconds: float, clients: int, paths):
    """Each server in turn: for each mode and count, the ordinary queries'
    latencies while that many slow sockets are held."""
    for setup in setups:
        port = free_port()
        proc = start_server(setup, port)
        try:
            wait_until_up(port, proc)
            load_in_process(port, 2, 120, len(paths), paths, "each")  # warm, not measured
            print(f"\n{setup.label()}: ordinary queries ({clients} client(s), a fresh connection "
                  f"each) while N sockets are held", flush=True)
            for mode in modes:
                for n in counts:
                    res = slow_clients.measure(port, paths, n, mode, seconds, clients)
                    print(slow_clients.report("", n, mode, res, pct), flush=True)
                    for e in res["errors"][:3]:
                        print("     error:", e)
        finally:
            stop_server(proc)


def parse_servers(spec: str, cache: int | None = None) -> list[tuple[int, int, int | None]]:
    """"2x4,1x8:0" -> [(2, 4, cache), (1, 8, 0)]: workers x threads [: cache]."""
    out = []
    for part in spec.split(","):
        part, _, c = part.strip().partition(":")
        w, _, t = part.partition("x")
        out.append((int(w), int(t or 4), int(c) if c else cache))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", type=Path, help="an index built by this code (default: built "
                    "from --source)")
    ap.add_argument("--source", type=Path, default=ROOT / "seeds")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--server", default="0x4",
                    help="WORKERSxTHREADS[:CACHE][,...]: configurations to compare in this run "
                         "(0 workers: one per core; CACHE: --cache of vnsearch serve)")
    ap.add_argument("--cache", type=int, help="--cache of vnsearch serve (default: its own)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="measure the configurations in turns, this many times each")
    ap.add_argument("--distinct", type=int, default=4000, help="distinct queries to draw")
    ap.add_argument("--baseline-rev", help="also serve each configuration with the code of this "
                    "git revision, and report new/baseline")
    ap.add_argument("--keep", type=Path, help="build the indexes here and keep them (default: "
                    "a temporary folder)")
    ap.add_argument("--slow", help="slow-client mode: N[,N...] sockets held open")
    ap.add_argument("--slow-mode", default="idle,header,body,noclose",
                    help="comma-separated: idle, header, body, noclose (bench/slow_clients.py)")
    ap.add_argument("--slow-clients", type=int, default=1, help="ordinary clients meanwhile")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    # Absolute paths: a baseline's server runs in its own checkout.
    work = (args.keep or Path(tmp.name)).resolve()
    work.mkdir(parents=True, exist_ok=True)
    source = args.source.resolve()
    index = args.index and args.index.resolve()
    if index is None:
        index = work / f"index-new-{source.name}"
        build_index(ROOT, source, index)
    with checkout(args.baseline_rev, Path(tmp.name)) as (rev, root):
        specs = parse_servers(args.server, args.cache)
        setups = [Setup(index, *spec) for spec in specs]
        if rev:
            base_index = work / f"index-{rev}-{source.name}"
            build_index(root, source, base_index)
            # In turns: the baseline, then the new code, for each configuration.
            setups = [s for new in setups
                      for s in (replace(new, index=base_index, root=root, code=rev), new)]
        repeated = api_paths(QUERIES)
        if args.slow is not None:
            compare_slow(setups, [int(n) for n in args.slow.split(",")],
                         args.slow_mode.split(","), args.seconds, args.slow_clients, repeated)
            return 0
        # The same distinct queries for every server, from this code's index.
        distinct = api_paths(distinct_queries(index, args.distinct))
        print(f"index {index}; {args.clients} keep-alive clients in one process, "
              f"{args.seconds:.0f} s per stream x {args.rounds} rounds, servers measured in "
              f"turns; repeated: {len(repeated)} queries drawn at random; distinct: "
              f"{len(distinct) * 3 // 4} queries never repeated; {os.cpu_count()} cores")
        results = compare(setups, args.clients, args.seconds, repeated, distinct, args.rounds)
    for setup, res in zip(setups, results):
        print_report(setup.label(), res)
    if rev:
        print_ratios([(f"{w or 'auto'}x{t}" + (f" cache {c}" if c is not None else ""),
                       results[2 * i], results[2 * i + 1]) for i, (w, t, c) in enumerate(specs)],
                     STREAMS)
    return 1 if any(r[name]["errors"] for r in results for name in STREAMS) else 0


if __name__ == "__main__":
    raise SystemExit(main())
