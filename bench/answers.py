"""Whether this code answers exactly as another revision does: the same
distinct queries (bench/load.py's), each as paragraphs, grouped by document,
sorted by date and with exact accents only, searched by both codes on the
same index; every answer compared whole (hits, spans, scores, totals, facets
in their order, suggestions), ``took_ms`` aside.

    .venv/bin/python bench/answers.py --index bench/data/index-new-corpus-100000 \
        --baseline-rev 0e7f6c3 [--queries 400]

The same index for both: two builds of one source number their paragraphs
differently (a parallel build hands files to its workers as they come), and
ties are ordered by paragraph number. An older revision reads an index of a
newer format the slow way where it must (index/hot.py), with the same answers.

A speed-up of the ranking, the postings or the snippets must print
"identical"; the first answers that differ are printed otherwise (exit 1).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from revision import checkout, run_with  # noqa: E402

# Queries that exercise what distinct queries rarely do: numbers, phrases,
# exclusions, abbreviations, i/y spellings, meetings named, typos.
EXTRA = ["05-NQ/TU", "05 NQ TU", "nghị quyết 05-NQ/TU", "tỉnh ủy thái nguyên", "Tinh uy Thai Nguyen",
         "sĩ quan", '"ban chấp hành" -covid', "UBND tỉnh", "13,4%", "hội nghị lần thứ 9",
         # typed wrong: corrected words (fuzzy groups), Telex and VNI keys left in
         "uy ban nhn dan", "thàành phố", "phát trển kinh tế", "tinhr uyr thais nguyeen", "tinh3 uy3"]


def dump(index: Path, count: int, out: Path) -> None:
    """Every answer of this process's code, one JSON line each."""
    from load import distinct_queries
    from search import Engine
    from search.query.facets import Filters

    engine = Engine(index)
    queries = EXTRA + distinct_queries(index, count)
    variants = [{}, {"group": "doc"}, {"filters": Filters(sort="date")}, {"filters": Filters(accents="exact")}]
    with out.open("w", encoding="utf-8") as f:
        for i, q in enumerate(queries):
            for k, kw in enumerate(variants):
                if k and i >= len(EXTRA) and i % 5:  # every variant for one query in five
                    continue
                answer = engine.search(q, **kw)
                answer.pop("took_ms")
                f.write(json.dumps([q, k, answer], ensure_ascii=False, default=str) + "\n")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--baseline-rev", required=True)
    ap.add_argument("--queries", type=int, default=400)
    ap.add_argument("--dump", type=Path, help=argparse.SUPPRESS)  # the child's part
    args = ap.parse_args()
    if args.dump:
        dump(args.index, args.queries, args.dump)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with checkout(args.baseline_rev, tmp) as (rev, root):
            outs = []
            for code, name in ((ROOT, "new"), (root, rev)):
                out = tmp / f"{name}.jsonl"
                subprocess.run([sys.executable, str(ROOT / "bench" / "answers.py"), "--index",
                                str(args.index.resolve()), "--baseline-rev", "-",
                                "--queries", str(args.queries), "--dump", str(out)],
                               check=True, **run_with(code))
                outs.append(out.read_text(encoding="utf-8").splitlines())
        new, old = outs
        differ = [(a, b) for a, b in zip(new, old) if a != b]
        print(f"{len(new)} answers of this code and {len(old)} of {rev}: "
              f"{'identical' if not differ and len(new) == len(old) else f'{len(differ)} differ'}")
        for a, b in differ[:3]:
            print("new:", a[:600], "\nold:", b[:600])
        return 1 if differ or len(new) != len(old) else 0


if __name__ == "__main__":
    raise SystemExit(main())
