"""What the number of segments a build writes (chunks.CHUNKS) costs a query.

    .venv/bin/python bench/segment_count.py --corpus bench/data/corpus-10000 [--counts 1,2,4,8]
        [--queries 400] [--rounds 2]

Builds the corpus once per count (2 workers; the segments are those of a
one-process build), then asks each index the same distinct queries (cut from
the paragraphs, half folded: bench/load.py's) in turns, ROUNDS times, and
reports the CPU per query (time.process_time, this process only) and the
build's index size. The ranker reads every segment, so more segments cost
each query a fixed amount per segment; fewer runs cost the build balance
between workers (a run is one worker's job).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import search.index.chunks as chunks  # noqa: E402
from search import Engine, build_index  # noqa: E402
from search.index.store import current_generation  # noqa: E402
from search.index.whoosh_write import segments  # noqa: E402

from load import distinct_queries  # noqa: E402  (bench/ is the script's folder)


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the workers)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--counts", default="1,2,4,8")
    ap.add_argument("--queries", type=int, default=400)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        indexes, built = {}, {}
        for k in counts:
            chunks.CHUNKS = k
            index = Path(tmp) / f"k{k}"
            started = _cpu()
            report = build_index(args.corpus, index, full=True, workers=2)
            gen = current_generation(index)
            size = sum(p.stat().st_size for p in gen.iterdir() if p.is_file())
            built[k] = (len(segments(gen)), size, (_cpu() - started) / report.paragraphs * 1e3)
            indexes[k] = Engine(index)
        queries = distinct_queries(index, args.queries)
        cpu = {k: [] for k in counts}
        for k in counts:  # warm: open, caches of the reader
            for q in queries[:50]:
                indexes[k].search(q)
        for r in range(args.rounds):
            for k in counts:
                engine = indexes[k]
                qs = queries
                started = time.process_time()
                for q in qs:
                    engine.search(q, limit=10, offset=r)  # another page each round: no cached answer
                cpu[k].append((time.process_time() - started) / len(qs) * 1e3)
        print(f"corpus {args.corpus}: {len(queries)} distinct queries, {args.rounds} rounds in turns")
        print("| CHUNKS | segments | index MiB | build CPU ms a paragraph | CPU ms a query (each round) "
              "| vs the first |")
        print("| --- | --- | --- | --- | --- | --- |")
        base = min(cpu[counts[0]])
        for k in counts:
            n, size, build = built[k]
            print(f"| {k} | {n} | {size / 2**20:.1f} | {build:.2f} | {' / '.join(f'{c:.2f}' for c in cpu[k])} "
                  f"| {min(cpu[k]) / base:.2f}x |")


if __name__ == "__main__":
    main()
