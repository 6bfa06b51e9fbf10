"""Autocomplete latency at scale: ``Engine.complete`` and ``/api/suggest``.

    .venv/bin/python bench/suggest.py                    # 100,000 paragraphs (make bench-suggest)
    .venv/bin/python bench/suggest.py --paragraphs 20000

Generates the corpus (bench/make_corpus.py, git-ignored bench/data/) if
missing, builds or updates the index there (``--index`` to use another),
then times what a person typing sends: every prefix of each query of
bench/scale.py's mix, a letter at a time (accented and not), through the
library and through the Flask app (test client: no sockets). Reports the
first call (the completion structure built for the generation) with the
memory it took, then p50/p95/p99 of the rest.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from make_corpus import built_index  # noqa: E402
from scale import QUERIES, percentiles  # noqa: E402

from search import Engine  # noqa: E402
from search.query.complete import Completer  # noqa: E402
from search.query.whoosh_read import open_searcher  # noqa: E402


def prefixes(queries) -> list[str]:
    """What the box holds after each key, for each query typed in full."""
    return [q[:i] for q in queries for i in range(1, len(q) + 1)]


def fmt(p: dict) -> str:
    return " ".join(f"p{k} {v:.2f} ms" for k, v in p.items())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--paragraphs", type=int, default=100_000)
    ap.add_argument("--index", type=Path, help="an index already built (default: bench/data/index-N)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    index = built_index(args.paragraphs, args.index)
    engine = Engine(index)
    print(f"index {index}: {engine.manifest['paragraphs']} paragraphs")

    started = time.perf_counter()
    engine.complete("n")
    built = (time.perf_counter() - started) * 1000
    completer = engine._local.generation.completer(None)  # built: the searcher is not used
    print(f"first call (structure built): {built:.0f} ms, {len(completer.entries.keys):,} words and "
          f"compounds, {len(completer.pairs.keys):,} pairs")
    # Its memory: built once more, traced (slower under tracemalloc).
    searcher = open_searcher(engine.current())
    tracemalloc.start()
    again = Completer(searcher)
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del again
    searcher.close()
    print(f"  memory held {held / 2**20:.1f} MB (peak while built {peak / 2**20:.1f} MB)")

    typed = prefixes(QUERIES)
    times = []
    for _ in range(args.rounds):
        for q in typed:
            start = time.perf_counter()
            engine.complete(q)
            times.append((time.perf_counter() - start) * 1000)
    print(f"Engine.complete, {len(typed)} prefixes x {args.rounds}: {fmt(percentiles(times))}, "
          f"max {max(times):.2f} ms")

    from web import create_app

    client = create_app(engine=engine).test_client()
    times = []
    for _ in range(args.rounds):
        for q in typed:
            start = time.perf_counter()
            resp = client.get("/api/suggest", query_string={"q": q})
            times.append((time.perf_counter() - start) * 1000)
            assert resp.status_code == 200, (q, resp.status_code)
    print(f"/api/suggest (Flask test client), same prefixes: {fmt(percentiles(times))}")
    for q in ("nguy", "nghi quy", "tinh u", "kinh te x", "phat trien b"):
        print(f"  {q!r} -> {engine.complete(q)}")


if __name__ == "__main__":
    main()
