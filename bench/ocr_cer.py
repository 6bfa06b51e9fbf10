"""Character error rate and seconds per page of the OCR (search/ingest/formats/ocr.py).

Pages are drawn from the seeds' text (tests/scans.py: A4, DejaVu Sans 11 pt
by default) at 200 and 300 dpi, clean and dirtied (specks, blur, a 1.5
degree skew), and read back through the path the indexer takes
(``ocr._tesseract``, then ``ocr.read_tsv`` on its TSV). CER = edit distance /
reference length, both NFC with the project's tone placement and whitespace
collapsed; the reference is the text drawn on the page. Seconds are the
tesseract command's wall time (one thread: OMP_THREAD_LIMIT=1) and its CPU
time (user + system), which a loaded machine disturbs far less.

    make bench-ocr                       # PAGES=N for more or fewer pages
    python bench/ocr_cer.py --font serif --points 13 --show
"""

from __future__ import annotations

import argparse
import difflib
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from scans import FONT, SERIF, cer, dirty, layout, normal, render_pages  # noqa: E402

from search.ingest.formats import ocr  # noqa: E402


def seed_pages(limit: int) -> list[tuple[str, int, list[str]]]:
    """(seed, page index, its paragraphs): the first page of each seed, then the second..."""
    seeds = []
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        paras = [line.strip() for line in seed.read_text("utf-8").splitlines() if line.strip()]
        seeds.append((seed.stem[:3], paras, len(layout(paras))))
    picked = [(name, k, paras) for k in range(10) for name, paras, n in seeds if k < n]
    return picked[:limit]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def words_wrong(ref: str, got: str) -> list[str]:
    a, b = normal(ref).split(), normal(got).split()
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            out.append(f"{' '.join(a[i1:i2])!r} -> {' '.join(b[j1:j2])!r}")
    return out


def run(pages: int, psm: str, font: str, points: float, show: bool, dpis: list[int]) -> None:
    print(f"font {Path(font).stem} {points} pt, psm {psm}, {pages} pages a case")
    print(f"{'dpi':>4} {'noise':>6} {'pages':>5} {'CER %':>7} {'s/page':>7} {'CPU s':>6} {'conf':>5}")
    picked = seed_pages(pages)
    with tempfile.TemporaryDirectory() as tmp:
        for dpi in dpis:
            for noisy in (False, True):
                errors = chars = seconds = cpu = conf = 0.0
                wrong = []
                for name, k, paras in picked:
                    image = render_pages(paras, dpi, points, font)[k]
                    image = dirty(image, seed=k) if noisy else image
                    path = Path(tmp) / f"{name}-{k}.png"
                    image.save(path, dpi=(dpi, dpi))
                    ref = " ".join(line for _, line in layout(paras, dpi, points, font)[k])
                    started, used = time.perf_counter(), _children_cpu()
                    tsv = ocr._tesseract(path, psm=psm)
                    seconds += time.perf_counter() - started
                    cpu += _children_cpu() - used
                    page = ocr.read_tsv(tsv)[0]
                    got = " ".join(page.paragraphs)
                    errors += cer(ref, got) * len(normal(ref))
                    chars += len(normal(ref))
                    conf += page.confidence or 0
                    wrong += words_wrong(ref, got)
                n = len(picked)
                print(f"{dpi:>4} {'yes' if noisy else 'no':>6} {n:>5} {100 * errors / chars:>7.2f} "
                      f"{seconds / n:>7.2f} {cpu / n:>6.2f} {conf / n:>5.1f}", flush=True)
                if show:
                    print("      " + "; ".join(wrong), flush=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=5, help="pages per case (default 5)")
    ap.add_argument("--psm", default="3", help="Tesseract page segmentation mode (default 3)")
    ap.add_argument("--font", choices=["sans", "serif"], default="sans")
    ap.add_argument("--points", type=float, default=11, help="font size (default 11)")
    ap.add_argument("--dpi", type=int, action="append", help="render at (default 200 and 300)")
    ap.add_argument("--show", action="store_true", help="list the words read wrong")
    args = ap.parse_args()
    run(args.pages, args.psm, SERIF if args.font == "serif" else FONT, args.points, args.show,
        args.dpi or [200, 300])
