"""Ranking quality on UIT-ViQuAD 1.0 dev, project against baselines, one run.

    .venv/bin/python bench/relevance.py [--limit-questions N]     (make eval)

Every passage of ../shared/eval-data/uit-viquad-1.0/dev_ViQuAD.json is indexed
as one paragraph (read from shared/, never copied into the project; research
use only); a question's relevant paragraph is its own passage. Each question
runs as written and folded (no diacritics, đ -> d) through each engine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from baselines import PlainWhoosh, SqliteFts5  # noqa: E402

from search import build_index  # noqa: E402
from search import Engine  # noqa: E402
from search.lang.text import fold  # noqa: E402

DATASET = ROOT.parent / "shared" / "eval-data" / "uit-viquad-1.0" / "dev_ViQuAD.json"


def load(path: Path = DATASET):
    data = json.loads(path.read_text(encoding="utf-8"))
    passages, questions = [], []
    for article in data["data"]:
        for par in article["paragraphs"]:
            key = f"p{len(passages):04d}"
            passages.append((key, par["context"]))
            questions.extend((qa["question"], key) for qa in par["qas"])
    return passages, questions


class Project:
    name = "vnsearch"

    def __init__(self, passages, workdir: Path):
        source = workdir / "passages"
        source.mkdir()
        for key, text in passages:
            # A title line first: the passage is then the document's paragraph 2.
            (source / f"{key}.txt").write_text(f"{key}\n{' '.join(text.split())}\n", encoding="utf-8")
        build_index(source, workdir / "index")
        self.engine = Engine(workdir / "index")

    def search(self, query, limit=10):
        return [h["doc_id"] for h in self.engine.search(query, limit)["hits"] if h["paragraph"] == 2]


def evaluate(engine, questions, transform):
    rr, r1, r5, r10, times = [], 0, 0, 0, []
    for question, key in questions:
        q = transform(question)
        start = time.perf_counter()
        hits = engine.search(q, 10)
        times.append((time.perf_counter() - start) * 1000)
        rank = hits.index(key) + 1 if key in hits else None
        rr.append(1 / rank if rank else 0.0)
        r1 += rank == 1
        r5 += bool(rank and rank <= 5)
        r10 += bool(rank and rank <= 10)
    n = len(questions)
    return {"mrr10": sum(rr) / n, "r1": r1 / n, "r5": r5 / n, "r10": r10 / n,
            "median_ms": statistics.median(times)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit-questions", type=int)
    args = ap.parse_args()
    if not DATASET.is_file():
        raise SystemExit(f"{DATASET} not found: the eval data lives in ../shared/")
    passages, questions = load()
    questions = questions[: args.limit_questions]
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        engines = [Project(passages, Path(tmp)), PlainWhoosh(passages), SqliteFts5(passages)]
        print(f"{len(passages)} passages, {len(questions)} questions "
              f"(indexing {time.perf_counter() - started:.1f} s)\n")
        header = "| engine | questions | MRR@10 | R@1 | R@5 | R@10 | median ms |"
        print(header)
        print("|" + "---|" * 7)
        results = {}
        for engine in engines:
            for form, transform in (("with diacritics", lambda q: q), ("folded", fold)):
                m = evaluate(engine, questions, transform)
                results[(engine.name, form)] = m
                print(f"| {engine.name} | {form} | {m['mrr10']:.3f} | {m['r1']:.3f} | "
                      f"{m['r5']:.3f} | {m['r10']:.3f} | {m['median_ms']:.2f} |")
    ours_acc = results[("vnsearch", "with diacritics")]["mrr10"]
    ours_fold = results[("vnsearch", "folded")]["mrr10"]
    best_base = max(results[(e.name, "with diacritics")]["mrr10"] for e in engines[1:])
    print(f"\nfolded/accented MRR: {ours_fold / ours_acc:.3f} (target >= 0.97)")
    print(f"accented MRR minus better baseline: {ours_acc - best_base:+.3f} (target >= +0.05)")


if __name__ == "__main__":
    main()
