"""Performance at scale, project against baselines on the same corpus, one run.

    .venv/bin/python bench/scale.py            # 100,000 paragraphs   (make bench)
    .venv/bin/python bench/scale.py --quick    # 10,000 paragraphs
    .venv/bin/python bench/scale.py --paragraphs 1000000 --no-baselines --fresh   # make bench-million

Generates the corpus (bench/make_corpus.py, git-ignored bench/data/), builds
or updates the project's index there, then reports query latency through the
library and over HTTP (8 keep-alive clients on 127.0.0.1), the same query mix
through plain Whoosh (accent_map) and SQLite FTS5 (unicode61 remove_diacritics
2), index size and the server's memory (RSS and PSS summed over its processes).
Indexing throughput and incremental updates: bench/indexing.py.

--no-baselines leaves out plain Whoosh and SQLite FTS5 (plain Whoosh takes
~0.25 s a query at 100k: hours at a million). --fresh deletes the index
first, so that the build time is a full build's. The build's own line gives
its peak RSS (the builder and its largest worker process) and the figures
per paragraph that the README's "Quy mô / Scale" section scales up.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import load  # noqa: E402
from baselines import PlainWhoosh, SqliteFts5  # noqa: E402
from make_corpus import make  # noqa: E402

from search.ingest.corpus import read_corpus  # noqa: E402
from search import build_index  # noqa: E402
from search import Engine  # noqa: E402

# 1-6 words, with and without accents, phrases, abbreviations, codes, and a
# few that find nothing.
QUERIES = [
    "tỉnh ủy", "tinh uy", "nghị quyết", "nghi quyet", "kinh tế xã hội", "kinh te xa hoi",
    "Hồ Chí Minh", "ho chi minh", "phát triển bền vững", "phat trien ben vung",
    "ủy ban nhân dân tỉnh", "uy ban nhan dan tinh", "UBND", "hdnd tinh", "KT-XH",
    '"Ban Chấp hành"', '"chien tranh the gioi"', "chiến tranh thế giới thứ hai",
    "dân số thành phố", "dan so thanh pho", "nhiệt độ trung bình năm",
    "đại học quốc gia", "dai hoc quoc gia ha noi", "05-CT/TW", "13,4%", "GRDP",
    "lịch sử Việt Nam", "lich su viet nam thoi ky", "sông Mê Kông", "song me kong dong bang",
    "năng lượng", "nang luong mat troi", "xyzzy", "qwertyuiop asdf", "-covid kinh te",
    "Đảng bộ", "dang bo tinh", "vốn đầu tư công", "von dau tu cong", "giáo dục",
]


def percentiles(values):
    s = sorted(values)
    return {p: s[min(len(s) - 1, int(p / 100 * len(s)))] for p in (50, 95, 99)}


def time_queries(search, rounds: int, queries=QUERIES):
    times = []
    for _ in range(rounds):
        for q in queries:
            start = time.perf_counter()
            search(q)
            times.append((time.perf_counter() - start) * 1000)
    return percentiles(times)


def du_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def main():
    began = time.perf_counter()
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--paragraphs", type=int)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--http-seconds", type=float, default=15)
    ap.add_argument("--distinct", type=int, default=200,
                    help="distinct queries timed once each (plain Whoosh takes ~0.25 s each at 100k)")
    ap.add_argument("--no-baselines", action="store_true", help="vnsearch only")
    ap.add_argument("--fresh", action="store_true", help="a full build: the index deleted first")
    args = ap.parse_args()
    n = args.paragraphs or (10_000 if args.quick else 100_000)
    data = ROOT / "bench" / "data"
    corpus = data / f"corpus-{n}"
    if not corpus.is_dir():
        make(n, corpus)
    index = data / f"index-{n}"
    if args.fresh and index.exists():
        shutil.rmtree(index)
    started = time.perf_counter()
    report = build_index(corpus, index, progress=True)
    took = time.perf_counter() - started
    size = du_mb(index / "current")
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"project index: {report.paragraphs} paragraphs in {report.documents} documents, "
          f"{'full build' if report.full else 'updated'} in {took:.1f} s, {size:.0f} MB on disk; "
          f"peak RSS builder {peak_self:.0f} MB, largest worker {peak_child:.0f} MB", flush=True)
    if report.full:
        print(f"per paragraph: {size * 2**20 / report.paragraphs:.0f} bytes of index, "
              f"{took * 1000 / report.paragraphs:.2f} ms of build (wall, {subprocess.getoutput('nproc')} cores)",
              flush=True)

    plain = fts = None
    if not args.no_baselines:
        paragraphs = [(f"{d.doc_id}#{i}", p) for d in read_corpus(corpus).documents
                      for i, p in enumerate(d.paragraphs, 1)]
        started = time.perf_counter()
        plain = PlainWhoosh(paragraphs)
        print(f"plain Whoosh index: {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        fts = SqliteFts5(paragraphs)
        print(f"SQLite FTS5 index: {time.perf_counter() - started:.1f} s")
        del paragraphs

    # First sight: each query once, never seen before, on an engine warmed
    # the way `vnsearch serve` warms it (Engine.warm: frequent terms' postings
    # read at start-up); the baselines get the same distinct queries.
    engine = Engine(index)
    started = time.perf_counter()
    engine.warm()
    print(f"engine warm-up (as the server does it): {time.perf_counter() - started:.1f} s")
    fresh = load.distinct_queries(index, args.distinct, seed=11)
    baselines = [b for b in (plain, fts) if b is not None]
    rows = {"vnsearch (library), distinct queries, first sight": time_queries(engine.search, 1, fresh)}
    rows.update({f"{b.name}, distinct queries": time_queries(b.search, 1, fresh) for b in baselines})
    rows["vnsearch (library), fixed mix, first sight"] = time_queries(engine.search, 1)
    # The fixed mix, every engine warm: ``rounds`` passes after the one above.
    rows["vnsearch (library, with snippets)"] = time_queries(engine.search, args.rounds)
    rows.update({b.name: time_queries(b.search, args.rounds) for b in baselines})
    engine.close()
    for name, p in rows.items():  # now, in case the HTTP part does not end (a long run)
        print(f"{name}: p50 {p[50]:.2f} ms, p99 {p[99]:.2f} ms", flush=True)

    # Over HTTP, 8 keep-alive clients (their own process): one worker process
    # and one per core, both without the result cache, and one per core with
    # it, measured in turns; each on the repeated query mix and on distinct
    # queries never repeated.
    repeated = load.api_paths(QUERIES)
    distinct = load.api_paths(load.distinct_queries(index, 4000))
    configs = {"1 worker x 8 threads, no cache": (1, 8, 0),
               "pre-forked, no cache": (0, 4, 0),
               "pre-forked, cache": (0, 4, None)}
    results = load.compare([load.Setup(Path(index), *c) for c in configs.values()], 8,
                           args.http_seconds / 2, repeated, distinct, rounds=2)
    http = dict(zip(configs, results))
    for label, res in http.items():
        for stream in load.STREAMS:
            r = res[stream]
            rows[f"vnsearch over HTTP, 8 clients, {label}, {stream}"] = {
                50: r["p50"], 95: r["p95"], 99: r["p99"]}

    print(f"\n{n:,} paragraphs, {len(QUERIES)} queries x {args.rounds} rounds; "
          f"{time.strftime('%Y-%m-%d')}, {subprocess.getoutput('nproc')} cores\n")
    print("| engine | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---|---|")
    for name, p in rows.items():
        print(f"| {name} | {p[50]:.2f} | {p[95]:.2f} | {p[99]:.2f} |")
    for label, ours, theirs in [] if plain is None else [
            ("fixed mix, warm", "vnsearch (library, with snippets)", plain.name),
            ("distinct, first sight", "vnsearch (library), distinct queries, first sight",
             f"{plain.name}, distinct queries")]:
        print(f"\nlibrary / plain Whoosh ({label}): p50 {rows[ours][50] / rows[theirs][50]:.3f}, "
              f"p99 {rows[ours][99] / rows[theirs][99]:.3f}")
    for label, res in http.items():
        load.print_report(f"HTTP, {label}", res)
    print(f"\nthis run: {time.perf_counter() - began:.0f} s in all")


if __name__ == "__main__":
    main()
