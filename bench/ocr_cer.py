"""Character error rate and seconds per page of the OCR (search/ingest/formats/ocr.py).

Pages are drawn from the seeds' text (tests/scans.py: DejaVu Sans 11 pt, A4)
at 200 and 300 dpi, clean and dirtied (specks, blur, a 1.5 degree skew), and
read back through the same path the indexer takes (``ocr.read_tsv`` on
Tesseract's TSV). CER = edit distance / reference length, both NFC with the
project's tone placement and whitespace collapsed; the reference is the text
drawn on the page. ``--pages N`` bounds the pages (the first page of each
seed first); ``--psm`` tries another page segmentation mode.

    make bench-ocr            # or: python bench/ocr_cer.py --pages 5
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from scans import cer, dirty, normal, render_pages, wrap  # noqa: E402

from search.ingest.formats import ocr  # noqa: E402


def page_texts(paragraphs: list[str], dpi: int) -> list[str]:
    """The text drawn on each page render_pages makes (same wrapping and breaks)."""
    from PIL import ImageFont

    from scans import A4_INCHES, FONT

    w, h = int(A4_INCHES[0] * dpi), int(A4_INCHES[1] * dpi)
    margin = int(dpi / 2.54 * 2.5)
    font = ImageFont.truetype(FONT, round(11 * dpi / 72))
    step = round(11 * dpi / 72 * 1.5)
    pages, y = [], h
    for para in paragraphs:
        for line in wrap(para, font, w - 2 * margin):
            if y + step > h - margin:
                pages.append([])
                y = margin
            pages[-1].append(line)
            y += step
        y += step // 2
    return [" ".join(p) for p in pages]


def seed_pages(limit: int) -> list[tuple[str, int, list[str]]]:
    out = []
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        paras = [line.strip() for line in seed.read_text("utf-8").splitlines() if line.strip()]
        out.append((seed.stem[:3], paras))
    picked, k = [], 0
    while len(picked) < limit and k < 10:
        picked += [(name, k, paras) for name, paras in out if len(page_texts(paras, 300)) > k]
        k += 1
    return picked[:limit]


def run(pages: int, psm: str) -> None:
    cases = [(dpi, noisy) for dpi in (200, 300) for noisy in (False, True)]
    print(f"{'dpi':>4} {'noise':>6} {'pages':>5} {'CER %':>7} {'s/page':>7} {'conf':>5}")
    with tempfile.TemporaryDirectory() as tmp:
        for dpi, noisy in cases:
            errors = chars = seconds = 0.0
            confs = []
            n = 0
            for name, k, paras in seed_pages(pages):
                image = render_pages(paras, dpi)[k]
                if noisy:
                    image = dirty(image, seed=k)
                path = Path(tmp) / f"{name}-{k}.png"
                image.save(path, dpi=(dpi, dpi))
                ref = page_texts(paras, dpi)[k]
                started = time.perf_counter()
                tsv = ocr._tesseract(path, psm=psm)
                seconds += time.perf_counter() - started
                page = ocr.read_tsv(tsv)[0]
                got = " ".join(page.paragraphs)
                errors += cer(ref, got) * len(normal(ref))
                chars += len(normal(ref))
                confs.append(page.confidence or 0)
                n += 1
            print(f"{dpi:>4} {'yes' if noisy else 'no':>6} {n:>5} {100 * errors / chars:>7.2f} "
                  f"{seconds / n:>7.2f} {sum(confs) / n:>5.1f}", flush=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=5, help="pages per case (default 5)")
    ap.add_argument("--psm", default="3", help="Tesseract page segmentation mode (default 3)")
    args = ap.parse_args()
    run(args.pages, args.psm)
