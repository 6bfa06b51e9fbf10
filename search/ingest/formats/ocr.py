"""Text of scanned pages and images, by Tesseract 5 with its Vietnamese model.

The ``tesseract`` command is called directly (TSV output: every word with
its block, paragraph, line and confidence), chosen over ocrmypdf and
pytesseract by measurement on an A4 page of seed 000 drawn at 300 dpi
(tests/scans.py; 2 shared cores, OMP_THREAD_LIMIT=1):

- ``tesseract page.png out -l vie tsv``: 3.3-4.0 s a page, the same text as
  ocrmypdf's sidecar, word by word.
- ``ocrmypdf -l vie --sidecar`` on the one-page scanned PDF: 11.2 s (it
  rasterises, runs the same Tesseract, then writes a new PDF we do not need),
  and its sidecar is plain text: no confidences, no layout.
- pytesseract runs the same command through a temporary file: nothing to gain
  for one more dependency.
- Pages of a PDF are rendered with ``pdftoppm -r 300 -gray -tiff``: 0.34 s a
  page; ``-png`` took 3.7 s (its zlib encoder), as long as the OCR itself.

CER and speed by dpi and noise, ``bench/ocr_cer.py --pages 5`` (the first
page of each seed, DejaVu Sans 11 pt; noise = specks, 0.6 px blur, 1.5 degree
skew; CPU seconds of the tesseract command, wall time being the machine's load):

    dpi  noise  CER %  CPU s/page  mean confidence
    200  no      0.11        1.55             96.2
    200  yes     0.17        1.50             96.3
    300  no      0.08        1.76             96.2
    300  yes     0.14        1.87             96.3

300 dpi costs 15-20 % more CPU (Tesseract rescales each line to one height:
recognition barely depends on dpi) for the lower CER: PDF pages are rendered
at 300 dpi. The post-corrections in ``_word`` took 300 dpi clean from 0.10 %
to 0.08 % and 200 dpi noisy from 0.19 % to 0.17 %; what is left is mostly
typography ("–" read "-", "…" read "...") and tones under noise.

The text is NFC with the project's tone placement (``canonical_tones``);
Tesseract's paragraphs (block, paragraph) are kept, its lines rejoined as
``pdf._join`` does (a hyphen glued to a word at a line end stays unless it is
a typesetter's cut). Words below ``LOW_WORD`` are kept in the text and listed
in ``meta["ocr"]["uncertain"]``; a page whose mean word confidence is below
``FLOOR`` is listed in ``meta["ocr"]["low_pages"]`` and reported by the build.

Each file's Tesseract output is cached by the file's sha256 in the index
folder (``ocr-cache/<sha256>.json``, written atomically) while a build runs
(``session``): a rebuild never runs Tesseract on the same file again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import re
import resource
import subprocess
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ...lang.text import canonical_tones, normal_text
from .common import keep
from .pdf import _PAGE_NUMBER, _join

DPI = 300
LANG = "vie"
# The mean word confidence (0-100) of a page under which it is reported.
# Measured on seed 000 (bench/ocr_cer.py): clean and specked-and-skewed renders
# at 200 and 300 dpi score 95-96 with a CER under 1 %; the same page blurred
# (Gaussian 2.5 px at 150 dpi) scored 72 with a third of its words wrong.
FLOOR = 80
# A word under this confidence is listed as uncertain: 0 of 607 words of the
# clean page, 2 of the specked one.
LOW_WORD = 60
MAX_UNCERTAIN = 200  # words listed in meta, at most
PAGE_TIMEOUT = 300  # seconds for one page, at most: a bomb of an image ends here
# What one tesseract or pdftoppm may take: an A4 page at 300 dpi is a 9 MB
# grey image and tesseract peaks under 400 MB on it; a PNG that says it is
# 60,000 pixels square, or a PDF page 200 inches wide (3.6 GB rendered at 300
# dpi), stops here with an error instead of taking the machine's memory or disk.
MAX_MEMORY = 2 * 2**30
MAX_FILE = 512 * 2**20
SAVE_EVERY = 60  # seconds: how often a long PDF's cache entry is written while OCR goes on
CACHE_ENV, PROGRESS_ENV = "VNSEARCH_OCR_CACHE", "VNSEARCH_OCR_PROGRESS"
# Part of every cache entry: another engine or setting means OCR again.
SETTINGS = f"tesseract5 {LANG} {DPI}dpi psm3 v1"
# Letters the Vietnamese model gives that Vietnamese never writes, seen in its
# output for the seeds' text: "Tỉnh uÿ" for "Tỉnh uỷ", "QĐÐ/TW" (an Icelandic
# eth after the Đ, or for it) for "QĐ/TW", "Ï" (a speck over it) for "I".
_FIXES = str.maketrans({"ÿ": "ỷ", "Ÿ": "Ỷ", "Ð": "Đ", "Ï": "I", "ï": "i"})
# A Roman numeral (khóa XX, quý II) read with a lower-case x or an l: "xX", "lI", "l".
_ROMAN = re.compile(r"(?<!\w)(?=[IVXLxl]*[IVX])[IVXLxl]+(?!\w)|(?<!\w)l(?!\w)")
TSV_COLUMNS = 12
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
# Tesseract reads a file that is no image as a list of image paths, one a
# line: a ".png" holding "/home/x/secret.png" would put that image's text in
# the index. So the bytes must start as one of these, whatever the name says.
_MAGIC = {b"\x89PNG\r\n\x1a\n": ".png", b"\xff\xd8\xff": ".jpg", b"II*\x00": ".tif", b"MM\x00*": ".tif"}


class OcrParagraphs(list):
    """Paragraphs that came from OCR, with what ``meta["ocr"]`` shows."""

    def __init__(self, paragraphs, ocr: dict):
        super().__init__(paragraphs)
        self.ocr = ocr


@dataclass
class Page:
    number: int  # 1-based, in the file
    paragraphs: list[str] = field(default_factory=list)
    confidence: float | None = None  # mean over words; None: no word found
    uncertain: list[str] = field(default_factory=list)


@contextlib.contextmanager
def session(index_dir: Path | None, progress: bool = False):
    """While a build runs: cache OCR output in ``index_dir/ocr-cache`` and show
    a bar a page if ``progress``. Set in the environment, so the worker
    processes the build spawns meanwhile inherit it."""
    saved = {k: os.environ.get(k) for k in (CACHE_ENV, PROGRESS_ENV)}
    if index_dir is not None:
        os.environ[CACHE_ENV] = str(Path(index_dir).resolve() / "ocr-cache")
    os.environ[PROGRESS_ENV] = "1" if progress else ""
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _limits() -> None:
    """In the child, before exec: its memory and the files it writes, bounded."""
    resource.setrlimit(resource.RLIMIT_AS, (MAX_MEMORY, MAX_MEMORY))
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_FILE, MAX_FILE))


def _tesseract(image: Path, psm: str = "3") -> str:
    """Tesseract's TSV for an image file (every frame of a TIFF)."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")  # one core each: the workers are the parallelism
    try:
        run = subprocess.run(["tesseract", str(image), "stdout", "-l", LANG, "--psm", psm, "tsv"],
                             capture_output=True, timeout=PAGE_TIMEOUT, env=env, preexec_fn=_limits)
    except FileNotFoundError:
        raise ValueError("cần Tesseract để nhận dạng chữ (OCR): hãy cài tesseract-ocr và "
                         "tesseract-ocr-vie") from None
    except subprocess.TimeoutExpired:
        raise ValueError(f"nhận dạng chữ (OCR) một trang quá {PAGE_TIMEOUT} giây") from None
    if run.returncode != 0:
        err = run.stderr.decode("utf-8", "replace")
        if "Failed loading language" in err:
            raise ValueError("thiếu mô hình tiếng Việt của Tesseract: hãy cài tesseract-ocr-vie")
        raise ValueError("không đọc được ảnh (tệp hỏng hoặc định dạng ảnh không hỗ trợ)")
    return run.stdout.decode("utf-8", "replace")


def _render(pdf: Path, number: int, folder: Path) -> Path:
    """Page ``number`` of ``pdf`` as a grey TIFF at ``DPI``."""
    out = folder / f"p{number}"
    try:
        run = subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-tiff", "-f", str(number),
                              "-l", str(number), "-singlefile", str(pdf), str(out)],
                             capture_output=True, timeout=PAGE_TIMEOUT, preexec_fn=_limits)
    except FileNotFoundError:
        raise ValueError("cần pdftoppm (gói poppler-utils) để nhận dạng chữ của PDF quét") from None
    except subprocess.TimeoutExpired:
        raise ValueError(f"vẽ trang {number} của PDF quá {PAGE_TIMEOUT} giây") from None
    image = out.with_suffix(".tif")
    if run.returncode != 0 or not image.exists():
        raise ValueError(f"không vẽ được trang {number} của PDF để nhận dạng chữ")
    return image


def _word(text: str) -> str:
    text = unicodedata.normalize("NFC", normal_text(text)).replace("ĐÐ", "Đ").translate(_FIXES)
    return canonical_tones(_ROMAN.sub(lambda m: m.group().replace("l", "I").upper(), text))


def read_tsv(tsv: str, first: int = 1) -> list[Page]:
    """Pages from Tesseract's TSV (its page_num counted from ``first``):
    a paragraph a (block, paragraph), its lines rejoined."""
    pages: dict[int, Page] = {}
    lines: dict[tuple, list[str]] = {}  # (page, block, par, line) -> words, in order
    confs: dict[int, list[float]] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) != TSV_COLUMNS or not cols[0].isdigit():
            continue
        number = int(cols[1]) + first - 1
        pages.setdefault(number, Page(number))
        text = _word(cols[11]).strip()
        if cols[0] != "5" or not text:
            continue
        conf = float(cols[10])
        confs.setdefault(number, []).append(conf)
        if conf < LOW_WORD:
            pages[number].uncertain.append(text)
        lines.setdefault((number, int(cols[2]), int(cols[3]), int(cols[4])), []).append(text)
    paragraphs: dict[tuple, list[str]] = {}
    for (number, block, par, _), words in lines.items():
        paragraphs.setdefault((number, block, par), []).append(" ".join(words))
    for (number, _, _), ls in paragraphs.items():
        pages[number].paragraphs.append(_join(ls))
    for number, c in confs.items():
        pages[number].confidence = sum(c) / len(c)
    for page in pages.values():  # a page number ("Trang 2", "- 3 -") above or below the text
        ps = page.paragraphs
        while ps and _PAGE_NUMBER.fullmatch(ps[-1]):
            ps.pop()
        while ps and _PAGE_NUMBER.fullmatch(ps[0]):
            ps.pop(0)
    return [pages[n] for n in sorted(pages)]


def _cache_file(raw: bytes) -> Path | None:
    folder = os.environ.get(CACHE_ENV)
    return Path(folder) / f"{hashlib.sha256(raw).hexdigest()}.json" if folder else None


def _load(path: Path | None) -> dict[str, str]:
    """The cached TSV of each page number (as text) of a file."""
    try:
        entry = json.loads(path.read_text("utf-8")) if path else {}
    except (OSError, ValueError):
        return {}
    return entry.get("pages", {}) if isinstance(entry, dict) and entry.get("settings") == SETTINGS else {}


def _save(path: Path | None, pages: dict[str, str]) -> None:
    """Write the cache entry atomically: a killed build leaves the old one or none."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"settings": SETTINGS, "pages": pages}, f, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError:
        pass  # a cache that cannot be written costs time, not text


def _bar(total: int | None):
    from tqdm import tqdm

    in_worker = multiprocessing.parent_process() is not None
    return tqdm(total=total, desc="Nhận dạng chữ (OCR)", unit="trang", leave=False,
                position=1 if in_worker else 0, disable=not os.environ.get(PROGRESS_ENV))


def ocr_pdf_pages(raw: bytes, numbers: list[int]) -> list[Page]:
    """OCR of the pages ``numbers`` (1-based) of a PDF, cached by its sha256."""
    cache = _cache_file(raw)
    done = _load(cache)
    todo = [n for n in numbers if str(n) not in done]
    if todo:
        saved = time.monotonic()
        try:
            with tempfile.TemporaryDirectory(prefix="vnsearch-ocr-") as tmp, _bar(len(todo)) as bar:
                pdf = Path(tmp) / "in.pdf"
                pdf.write_bytes(raw)
                for n in todo:
                    image = _render(pdf, n, Path(tmp))
                    done[str(n)] = _tesseract(image)
                    image.unlink()
                    bar.update(1)
                    if time.monotonic() - saved > SAVE_EVERY:  # a long scan survives a killed build
                        _save(cache, done)
                        saved = time.monotonic()
        finally:  # the pages read are kept even when a later one fails
            _save(cache, done)
    return [page for n in numbers for page in read_tsv(done[str(n)], first=n)[:1]]


def ocr_image(raw: bytes, suffix: str) -> list[Page]:
    """OCR of an image file (every page of a TIFF), cached by its sha256."""
    kind = next((k for magic, k in _MAGIC.items() if raw.startswith(magic)), None)
    if kind is None:
        raise ValueError(f"không phải tệp ảnh {suffix.lstrip('.').upper()} "
                         "(chỉ đọc ảnh PNG, JPEG, TIFF)")
    cache = _cache_file(raw)
    done = _load(cache)
    if "all" not in done:
        with tempfile.TemporaryDirectory(prefix="vnsearch-ocr-") as tmp, _bar(None) as bar:
            image = Path(tmp) / f"in{kind}"
            image.write_bytes(raw)
            done["all"] = _tesseract(image)
            bar.update(1)
        _save(cache, done)
    return read_tsv(done["all"])


def summary(pages: list[Page]) -> dict:
    """``meta["ocr"]``: pages read by OCR, their mean confidence, those under the floor."""
    scored = [p.confidence for p in pages if p.confidence is not None]
    uncertain = [w for p in pages for w in p.uncertain][:MAX_UNCERTAIN]
    return {"pages": len(pages), "confidence": round(sum(scored) / len(scored), 1) if scored else 0.0,
            "low_pages": [p.number for p in pages if p.confidence is not None and p.confidence < FLOOR],
            "uncertain": uncertain}


def read_image(raw: bytes, suffix: str) -> OcrParagraphs:
    pages = ocr_image(raw, suffix)
    paragraphs = [p for page in pages for p in page.paragraphs]
    if not paragraphs:
        raise ValueError("không nhận dạng được chữ nào trong ảnh (OCR)")
    return OcrParagraphs(paragraphs, summary(pages))


def low_page_warnings(meta: dict) -> list[str]:
    """What the build says of a document's pages under the floor."""
    ocr = meta.get("ocr") or {}
    return [f"trang {n}: nhận dạng chữ (OCR) kém tin cậy (dưới {FLOOR}%), văn bản có thể sai nhiều"
            for n in ocr.get("low_pages", [])]


def read_scanned_pdf(raw: bytes, pages: list, scanned: list[int], text_paragraphs) -> OcrParagraphs:
    """A PDF's paragraphs where pages ``scanned`` (1-based) are read by OCR and
    each run of the others by ``text_paragraphs`` (pdf.py's layout rules)."""
    read = {p.number: p for p in ocr_pdf_pages(raw, scanned)}
    out, run = [], []
    for n, page in enumerate(pages, 1):
        if n in read:
            out += text_paragraphs(run) if run else []
            out += read[n].paragraphs
            run = []
        else:
            run.append(page)
    out = keep(out + (text_paragraphs(run) if run else []))
    if not out:
        raise ValueError("PDF quét: không nhận dạng được chữ nào (OCR)")
    return OcrParagraphs(out, summary(list(read.values())))
