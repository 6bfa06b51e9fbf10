"""MRR@10 by kind on the hard queries of issue 13, vnsearch against plain
Whoosh and SQLite FTS5, in one run.

    .venv/bin/python bench/hard_queries.py [--verbose]      (make bench-hard)

The queries (tests/hard_queries.py) run exactly as typed, over seeds/: Telex
and VNI leftovers, typos, partial accents, numerals, questions, document
queries and i/y variants. Each engine returns its 10 best paragraphs; a
query's reciprocal rank is 1/rank of the first wanted paragraph (for a
wanted document, the first paragraph of that document), 0 beyond 10. The
baselines are bench/baselines.py's, fed the same paragraphs as the index.
The list is for measuring, not tuning: see its docstring.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from baselines import PlainWhoosh, SqliteFts5  # noqa: E402
from hard_queries import HARD_QUERIES, KINDS  # noqa: E402

from search import Engine, build_index  # noqa: E402
from search.ingest.corpus import read_corpus  # noqa: E402


class Project:
    name = "vnsearch"

    def __init__(self, index_dir: Path):
        self.engine = Engine(index_dir)

    def search(self, query: str, limit: int = 10) -> list[str]:
        return [f"{h['doc_id']}#{h['paragraph']}" for h in self.engine.search(query, limit)["hits"]]


def rank(hits: list[str], wanted) -> int | None:
    """1-based rank of the first hit ``wanted`` accepts, None if none in ``hits``."""
    for i, key in enumerate(hits, 1):
        doc_id, para = key.rsplit("#", 1)
        if any(doc_id.startswith(d) and (n is None or int(para) == n) for d, n in wanted):
            return i
    return None


def seed_paragraphs(seeds: Path, engine: Engine) -> list[tuple[str, str]]:
    """The paragraphs as the index holds them, keyed ``doc_id#n``; the
    baselines get exactly these, so a paragraph number means the same
    thing for every engine."""
    out = []
    for doc in read_corpus(seeds).documents:
        stored = engine.document(doc.doc_id)
        indexed = [(p["n"], p["text"]) for p in stored["paragraphs"]]
        if indexed != list(enumerate(doc.paragraphs, 1)):
            raise SystemExit(f"{doc.doc_id}: the index numbers its paragraphs differently "
                             "from read_corpus; the baselines would be scored on other paragraphs")
        out.extend((f"{doc.doc_id}#{n}", text) for n, text in indexed)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--verbose", action="store_true", help="the rank of every query per engine")
    args = ap.parse_args()
    seeds = ROOT / "seeds"
    with tempfile.TemporaryDirectory(prefix="hard-queries-") as tmp:
        build_index(seeds, Path(tmp) / "index")
        ours = Project(Path(tmp) / "index")
        paragraphs = seed_paragraphs(seeds, ours.engine)
        engines = [ours, PlainWhoosh(paragraphs), SqliteFts5(paragraphs)]
        ranks = {e.name: [rank(e.search(q, 10), w) for _, q, w in HARD_QUERIES] for e in engines}
        ours.engine.close()

    if args.verbose:
        print("| kind | query | " + " | ".join(e.name.split(" (")[0] for e in engines) + " |")
        print("|" + "---|" * (2 + len(engines)))
        for i, (kind, query, _) in enumerate(HARD_QUERIES):
            cells = [str(ranks[e.name][i] or "-") for e in engines]
            print(f"| {kind} | `{query}` | " + " | ".join(cells) + " |")
        print()

    def mrr(name, kind=None):
        rr = [1 / r if r else 0.0 for (k, _, _), r in zip(HARD_QUERIES, ranks[name])
              if kind is None or k == kind]
        return sum(rr) / len(rr)

    print(f"{len(paragraphs)} paragraphs, {len(HARD_QUERIES)} queries as typed; MRR@10\n")
    print("| kind | n | vnsearch | whoosh | fts5 |")
    print("|---|---|---|---|---|")
    for kind in KINDS:
        n = sum(k == kind for k, _, _ in HARD_QUERIES)
        print(f"| {kind} | {n} | " + " | ".join(f"{mrr(e.name, kind):.3f}" for e in engines) + " |")
    print(f"| **all** | {len(HARD_QUERIES)} | "
          + " | ".join(f"**{mrr(e.name):.3f}**" for e in engines) + " |")
    print("\nwhoosh = " + engines[1].name + "; fts5 = " + engines[2].name)


if __name__ == "__main__":
    main()
