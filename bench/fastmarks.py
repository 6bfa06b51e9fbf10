"""The fast marks (search/query/fastmarks.py) against the reference scan over
an index's paragraphs: every paragraph's marks and snippet compared for
queries cut from it and bent the ways people type (folded, half accented, i/y
swapped, tone moved, a word twice, quoted, upper case), plus fixed queries;
then the CPU of each way over the same calls.

    .venv/bin/python bench/fastmarks.py --index bench/data/index-100000 [--paragraphs 100000]
        [--queries-per-paragraph 3] [--seed 1]

Exits 1 on the first difference (printed).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from search.lang.text import fold  # noqa: E402
from search.query import fastmarks, highlight  # noqa: E402
from search.query.parse import parse_query  # noqa: E402

FIXED = ["UBND", "ủy ban nhân dân", "Tỉnh ủy", "tinh uy", "13,4%", "05-CT/TW", "sĩ quan", "sỹ quan",
         "ủy ban", "uỷ ban", "kỹ thuật", "kĩ thuật", "quý", "quí", "2020", "năm 2020", "nghị quyết nghị quyết",
         '"ban chấp hành"', "hòa bình", "hoà bình", "1.000", "12,8", "thứ tám", "lần thứ 8", "NQ/TW",
         "Hà Nội", "ha noi", "thành phố Hồ Chí Minh", "ki-tô", "Paris", "2.000 binh sĩ", "a", "y", "i"]
_IY = str.maketrans("iy", "yi")
_TONES_MOVED = [("òa", "oà"), ("óa", "oá"), ("ủy", "uỷ"), ("úy", "uý"), ("ùy", "uỳ"), ("ũy", "uỹ"),
                ("ụy", "uỵ"), ("oà", "òa"), ("uỷ", "ủy")]


def variants(words: list[str], rnd: random.Random) -> list[str]:
    q = " ".join(words)
    out = [q, fold(q)]
    half = " ".join(w if rnd.random() < 0.5 else fold(w) for w in words)
    out.append(half)
    moved = q
    for a, b in _TONES_MOVED:
        moved = moved.replace(a, b)
    out += [moved, q.translate(_IY), q.upper(), f'"{q}"', f"{q} {words[0]}", f"{words[-1]} {q}"]
    return out


def paragraphs(index: Path, limit: int) -> list[str]:
    from whoosh.filedb.filestore import FileStorage

    from search.index.store import current_generation

    with FileStorage(str(current_generation(index)), supports_mmap=False).open_index().searcher() as s:
        return [s.stored_fields(d)["text"] for d in range(min(limit, s.doc_count_all()))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--paragraphs", type=int, default=100_000)
    ap.add_argument("--queries-per-paragraph", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    texts = paragraphs(args.index, args.paragraphs)
    calls = []
    for text in texts:
        words = re.findall(r"\S+", text)
        queries = [rnd.choice(FIXED)]
        for _ in range(args.queries_per_paragraph):
            if not words:
                break
            k = rnd.randint(1, 4)
            at = rnd.randrange(max(1, len(words) - k + 1))
            queries.append(rnd.choice(variants(words[at:at + k], rnd)))
        for q in queries:
            parsed = parse_query(q)
            if parsed.positive:
                calls.append((text, parsed.positive, parsed.runs))
    fell_back = 0
    for text, groups, runs in calls:
        fast = fastmarks.marks(text, groups, runs)
        fell_back += fast is None
        ref = highlight.reference_marks(text, groups, runs)
        if fast is not None and fast != ref:
            print("DIFFERENT", repr(text[:300]), groups, runs, fast, ref, sep="\n")
            return 1
    print(f"{len(calls)} (paragraph, query) pairs over {len(texts)} paragraphs: identical; "
          f"{fell_back} ({100 * fell_back / max(1, len(calls)):.2f} %) left to the reference")
    # CPU: each way over the same calls, the reference without its paragraph cache.
    # (The tokenizer keeps its last scan: a call for another text drops it.)
    for name, run in [("reference", highlight.reference_marks), ("marks", highlight.marks)]:
        highlight._scans.clear()
        cpu = time.process_time()
        for text, groups, runs in calls:
            if name == "reference":
                highlight._scans.clear()
                highlight.syllables("")
            run(text, groups, runs)
        cpu = time.process_time() - cpu
        print(f"{name}: {cpu * 1e6 / len(calls):.1f} us CPU a call")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
