"""Seed corpus: latency and top-1 of our queries, project against baselines.

    .venv/bin/python bench/seed_queries.py [--repeat 5]

Every query of tests/seed_queries.py runs as written and folded. Same run,
same machine: the figures that matter are the ratios.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from baselines import PlainWhoosh, SqliteFts5  # noqa: E402
from seed_queries import SEED_QUERIES  # noqa: E402

from search.ingest.corpus import read_corpus  # noqa: E402
from search import build_index  # noqa: E402
from search import Engine  # noqa: E402
from search.lang.text import fold  # noqa: E402


class Project:
    name = "vnsearch"

    def __init__(self, index_dir):
        self.engine = Engine(index_dir)

    def search(self, query, limit=10):
        return [f"{h['doc_id']}#{h['paragraph']}" for h in self.engine.search(query, limit)["hits"]]


def _wanted(key: str, wanted) -> bool:
    doc_id, para = key.rsplit("#", 1)
    return any(doc_id.startswith(d) and int(para) == n for d, n in wanted)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    seeds = ROOT / "seeds"
    tmp = tempfile.TemporaryDirectory()
    t = time.perf_counter()
    report = build_index(seeds, Path(tmp.name) / "index")
    print(f"indexed {report.documents} documents, {report.paragraphs} paragraphs "
          f"in {time.perf_counter() - t:.2f} s (pyvi load included)")
    paragraphs = [(f"{d.doc_id}#{n}", p) for d in read_corpus(seeds).documents
                  for n, p in enumerate(d.paragraphs, 1)]
    engines = [Project(Path(tmp.name) / "index"), PlainWhoosh(paragraphs), SqliteFts5(paragraphs)]
    print(f"{'engine':48} {'form':9} {'top-1':>7} {'median ms':>10} {'p95 ms':>8}")
    medians = {}
    for engine in engines:
        for form, transform in (("accented", lambda q: q), ("folded", fold)):
            times, good = [], 0
            for query, wanted in SEED_QUERIES:
                q = transform(query)
                hits = engine.search(q)
                good += bool(hits) and _wanted(hits[0], wanted)
                for _ in range(args.repeat):
                    s = time.perf_counter()
                    engine.search(q)
                    times.append((time.perf_counter() - s) * 1000)
            med = statistics.median(times)
            medians[(engine.name, form)] = med
            p95 = sorted(times)[int(0.95 * len(times))]
            print(f"{engine.name:48} {form:9} {good:>3}/{len(SEED_QUERIES):<3} {med:>10.2f} {p95:>8.2f}")
    base = medians[("plain Whoosh (accent_map)", "folded")]
    print(f"\nlatency ratio vnsearch/plain Whoosh (folded queries): "
          f"{medians[('vnsearch', 'folded')] / base:.2f}")


if __name__ == "__main__":
    main()
