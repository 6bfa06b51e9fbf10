"""A deterministic corpus of real Vietnamese text, for benchmarks.

    .venv/bin/python bench/make_corpus.py --paragraphs 100000 [--out bench/data/corpus-100000]

Sentences from seeds/ and from the UIT-ViQuAD passages in ../shared/eval-data
(read there, never copied into the project) are recombined with a fixed random
seed into paragraphs of 1-6 sentences, spread over documents of 20-80
paragraphs. The same arguments always give the same files.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval-data" / "uit-viquad-1.0" / "dev_ViQuAD.json"
_SENTENCE_END = re.compile(r"(?<=[.!?;…])\s+(?=[A-ZĐÀ-Ỹ0-9“\"(])")


def sentences() -> list[str]:
    texts = []
    for p in sorted((ROOT / "seeds").glob("*.txt")):
        texts.extend(line.strip() for line in p.read_text(encoding="utf-8").splitlines())
    if EVAL.is_file():
        data = json.loads(EVAL.read_text(encoding="utf-8"))
        texts.extend(par["context"] for art in data["data"] for par in art["paragraphs"])
    out = []
    for t in texts:
        out.extend(s.strip() for s in _SENTENCE_END.split(t) if len(s.strip()) > 20)
    return out


def make(paragraphs: int, out: Path, seed: int = 20261123) -> Path:
    rnd = random.Random(seed)
    pool = sentences()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    made, doc = 0, 0
    while made < paragraphs:
        n = min(rnd.randint(20, 80), paragraphs - made)
        title = rnd.choice(pool)[:120]
        body = [" ".join(rnd.choice(pool) for _ in range(rnd.randint(1, 6))) for _ in range(n - 1)]
        (out / f"doc-{doc:05d}.txt").write_text("\n".join([title, *body]) + "\n", encoding="utf-8")
        made += n
        doc += 1
    return out


def built_index(paragraphs: int, index: Path | None = None) -> Path:
    """``index`` when given (built already), else bench/data/index-N over
    bench/data/corpus-N, each made or brought up to date first."""
    if index is not None:
        return index
    import time

    from search import build_index

    data = Path(__file__).resolve().parent / "data"
    corpus, index = data / f"corpus-{paragraphs}", data / f"index-{paragraphs}"
    if not corpus.is_dir():
        make(paragraphs, corpus)
    started = time.perf_counter()
    report = build_index(corpus, index, progress=True)
    print(f"index: {report.paragraphs} paragraphs, built/updated in {time.perf_counter() - started:.1f} s")
    return index


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--paragraphs", type=int, default=10_000)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    out = args.out or ROOT / "bench" / "data" / f"corpus-{args.paragraphs}"
    make(args.paragraphs, out)
    print(f"{args.paragraphs} paragraphs in {len(list(out.glob('*.txt')))} documents at {out}")


if __name__ == "__main__":
    main()
