"""Paragraphs of a .pdf, rebuilt from its text lines.

pdfminer.six 20260107, chosen over pypdf 7.1.0.  Measured on PDFs that
reportlab made from the seed reports (DejaVu Sans 11 pt, A4, 10 paragraphs
over two pages, header and "Trang N" footer on each page):

- Diacritics, precomposed glyphs: both return NFC text with every seed word,
  in order, justified or ragged.
- Diacritics, base letter + combining marks (how a printer that does not
  compose draws "ộ"): pypdf is right (NFC-equal after normalizing); pdfminer
  broke 129 words, because two zero-width marks in a row end its text line
  and the pieces reorder ("Họ" / "̂i nghị").  Fixed below by gluing a mark to
  the character before it before layout analysis.
- Word spacing: on justified lines (``Tw`` word spacing) pdfminer doubled
  the spaces on 15 lines, pypdf none (collapsing whitespace fixes it).  With
  each word placed on its own and no space glyph, as many PDF printers do,
  pdfminer rebuilt every line; pypdf's default mode put each word on its own
  line and its layout mode glued neighbours ("liệtcác", "thiđua", "sôinổi"),
  which nothing downstream can undo.
- Paragraph breaks: neither gives them (pypdf only lines; pdfminer's boxes
  group lines by alignment, so an indented first line or short last line
  leaves the box).  pdfminer gives each line's box and each glyph's, which
  the rules of ``_ends_paragraph`` need; pypdf's visitor gives positions but
  no widths.
- Speed: a 19-page report took pypdf 0.6 s, pdfminer 2.5 s: fine for indexing.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
import warnings
from collections import Counter
from dataclasses import dataclass

from ...lang.syllable import unmarked_syllable
from . import common
from .common import clean, keep
from .pdfstreams import TooBig, bounded, install

# pdfminer keeps every glyph of a page (about 600 bytes each) until the page
# ends: 100,000 glyphs took 60 MB and 6 s, a dense A4 page holds under 8,000.
# The whole file's text is bounded by common.MAX_TEXT_CHARS.
MAX_PAGE_GLYPHS = 100_000


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    size: float
    first_word: float  # width of the first word, to ask "would it have fitted above?"


@dataclass
class _Page:
    lines: list[_Line]  # top to bottom
    left: float = 0.0  # where most lines start
    right: float = 0.0  # where the longest lines end
    justified: bool = False
    image: bool = False  # holds a picture: with no text, a scan to OCR


_PAGE_NUMBER = re.compile(r"(trang|page)?\s*[-–—(]?\s*\d{1,4}\s*[-–—)]?(\s*/\s*\d{1,4})?", re.I)


def _pdf_pages(raw: bytes) -> tuple[list[_Page], float]:
    """The text lines of each page, and the share of glyphs with no Unicode meaning."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams, LTChar, LTFigure, LTImage, LTTextBoxHorizontal, LTTextLineHorizontal
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    class Aggregator(PDFPageAggregator):
        undefined = 0
        glyphs = 0  # on this page
        text = 0  # in the whole file

        def begin_page(self, *args, **kwargs):
            self.glyphs = 0
            super().begin_page(*args, **kwargs)

        def render_char(self, *args, **kwargs):
            self.glyphs += 1
            self.text += 1
            if self.glyphs > MAX_PAGE_GLYPHS:
                raise TooBig(f"trang {len(pages) + 1} của PDF có hơn {common.number(MAX_PAGE_GLYPHS)} "
                             f"ký tự (giới hạn cho một trang)")
            if self.text > common.MAX_TEXT_CHARS:
                raise TooBig(f"có hơn {common.number(common.MAX_TEXT_CHARS)} ký tự "
                             f"(giới hạn cho một tệp)")
            adv = super().render_char(*args, **kwargs)
            objs = self.cur_item._objs
            # A zero-width mark ends pdfminer's text line when two come in a row.
            if len(objs) > 1 and isinstance(objs[-2], LTChar) and objs[-1].get_text() and all(
                    unicodedata.combining(c) for c in objs[-1].get_text()):
                objs[-2]._text += objs.pop().get_text()
            return adv

        def handle_undefined_char(self, font, cid):
            self.undefined += 1
            return "\ufffd"

    # Only pdfminer's lines are used: its boxes group lines by alignment, so
    # they split a paragraph at an indented first line or a short last one.
    device = Aggregator(PDFResourceManager(), laparams=LAParams(boxes_flow=None))
    interpreter = PDFPageInterpreter(device.rsrcmgr, device)
    pages, chars = [], 0
    for page in PDFPage.get_pages(io.BytesIO(raw)):
        interpreter.process_page(page)
        lines = []
        for box in device.get_result():
            for line in box if isinstance(box, LTTextBoxHorizontal) else ():
                glyphs = [c for c in line if isinstance(c, LTChar)] \
                    if isinstance(line, LTTextLineHorizontal) else []
                text = unicodedata.normalize("NFC", clean(line.get_text()))
                if not text or not glyphs:
                    continue
                chars += len(glyphs)
                word_end = glyphs[0].x1
                for c in line:  # pdfminer's own spaces (LTAnno) end a word too
                    if c.get_text().isspace():
                        break
                    word_end = c.x1 if isinstance(c, LTChar) else word_end
                size = Counter(round(c.size, 1) for c in glyphs).most_common(1)[0][0]
                lines.append(_Line(text, line.x0, line.x1, line.y1, size, word_end - line.x0))
        # One column: top to bottom, and left to right on the same baseline.
        lines.sort(key=lambda l: (-round(l.top / 2), l.x0))
        pages.append(_Page(lines, image=any(isinstance(o, (LTFigure, LTImage)) for o in device.get_result())))
    return pages, device.undefined / max(chars, 1)


def _drop_running_heads(pages: list[_Page]) -> None:
    """Remove header/footer lines: the same text (digits aside) at the top or
    bottom of at least half the pages, and bare page numbers there."""

    def signature(line):
        return re.sub(r"\d+", "#", line.text.lower())

    edges = [{id(l) for l in p.lines[:2] + p.lines[-2:]} for p in pages]
    seen = Counter()
    for page, edge in zip(pages, edges):
        seen.update({signature(l) for l in page.lines if id(l) in edge})
    enough = max(2, math.ceil(len(pages) / 2))
    for page, edge in zip(pages, edges):
        page.lines = [l for l in page.lines if not (id(l) in edge and (
            seen[signature(l)] >= enough or _PAGE_NUMBER.fullmatch(l.text)))]


def _measure(page: _Page) -> None:
    if page.lines:
        page.left = Counter(round(l.x0) for l in page.lines).most_common(1)[0][0]
        page.right = max(l.x1 for l in page.lines)
        flush = sum(1 for l in page.lines if l.x1 > page.right - 1)
        page.justified = flush >= max(3, len(page.lines) / 2)


def _centred(line: _Line, page: _Page) -> bool:
    return line.x0 > page.left + 1 and abs((line.x0 - page.left) - (page.right - line.x1)) < line.size


def _ends_paragraph(prev: _Line, line: _Line, before: _Page, page: _Page, pitch: float | None) -> bool:
    """Whether ``prev`` (on page ``before``) ends a paragraph and ``line`` (on
    ``page``) starts one; ``pitch`` is the usual line distance, or None
    across a page break."""
    if abs(prev.size - line.size) > 0.5:
        return True
    if pitch is not None and prev.top - line.top > pitch + line.size / 4:
        return True  # space between paragraphs
    if before.justified and prev.x1 < before.right - 2 and not _centred(prev, before):
        return True  # justified text leaves only a paragraph's last line short
    # A wrapping typesetter only starts a new line when the next word does not fit.
    if prev.x1 + 0.25 * line.size + line.first_word < before.right - 1:
        return True
    indent = line.size / 2
    return line.x0 > page.left + indent and prev.x0 <= before.left + indent and not _centred(line, page)


def _typesetter_cut(before: str, after: str) -> bool:
    """Whether "before-" + "after" is one word cut at a line end.  Vietnamese
    never cuts a syllable, so a hyphen after accented or syllable-shaped
    halves is written text ("Mát-xcơ-va", "Ma-lai-xi-a"), as is one next to a
    digit or capital ("2020-2025", "05-CT/TW", "CBNV-NLĐ")."""
    a = re.search(r"(\w+)$", before)
    b = re.match(r"\w+", after)
    if not (a and b):
        return False
    a, b = a.group(), b.group()
    return (a[-1].islower() and b[0].islower() and a.isascii() and b.isascii()
            and not (unmarked_syllable(a.lower()) and unmarked_syllable(b.lower())))


def _join(lines: list[str]) -> str:
    """Rejoin a paragraph's lines with spaces, except after a hyphen or dash
    glued to the word before it, which stays (unless a typesetter's cut)."""
    out = lines[0]
    for line in lines[1:]:
        if out.endswith("\u00ad"):  # a soft hyphen only marks a cut
            out = out[:-1] + line
        elif out[-1] in "-\u2010\u2011\u2013" and len(out) > 1 and not out[-2].isspace():
            cut = out[-1] in "-\u2010" and _typesetter_cut(out[:-1], line)
            out = (out[:-1] if cut else out) + line
        else:
            out += " " + line
    return out


def _pdf_paragraphs(pages: list[_Page]) -> list[str]:
    for page in pages:
        _measure(page)
    steps: dict[float, list[float]] = {}
    for p in pages:
        for a, b in zip(p.lines, p.lines[1:]):
            if a.size == b.size and a.top > b.top:
                steps.setdefault(a.size, []).append(a.top - b.top)
    # The usual distance between lines of each size: its leading.
    pitch = {size: sorted(d)[len(d) // 2] for size, d in steps.items()}
    paragraphs: list[list[_Line]] = []
    before = None
    for page in (p for p in pages if p.lines):
        for k, line in enumerate(page.lines):
            if k:
                new = _ends_paragraph(page.lines[k - 1], line, page, page, pitch.get(line.size))
            else:
                new = before is None or _ends_paragraph(before.lines[-1], line, before, page, None)
            if new:
                paragraphs.append([line])
            else:
                paragraphs[-1].append(line)
        before = page
    return [_join([l.text for l in p]) for p in paragraphs]


def read_pdf(raw: bytes) -> list[str]:
    from pdfminer.pdfdocument import PDFEncryptionError

    if b"%PDF-" not in raw[:1024]:
        raise ValueError("không phải tệp PDF")
    install()
    try:
        with warnings.catch_warnings(), bounded():
            warnings.simplefilter("ignore")  # pdfminer warns on every quirk it survives
            pages, undefined = _pdf_pages(raw)
    except TooBig as e:
        raise ValueError(str(e)) from None
    except PDFEncryptionError as e:
        raise ValueError("PDF bị mã hóa") from e
    except Exception as e:  # a damaged file can fail anywhere in the parser
        raise ValueError("không phải tệp PDF hợp lệ (tệp hỏng hoặc bị cắt cụt?)") from e
    if not pages:
        raise ValueError("không phải tệp PDF hợp lệ (không có trang nào)")
    scanned = [n for n, p in enumerate(pages, 1) if p.image and not p.lines]
    if not any(p.lines for p in pages) and not scanned:
        raise ValueError("PDF không có lớp chữ (bản quét?)")
    if undefined > 0.1:
        raise ValueError("phông chữ của PDF không có bảng mã Unicode: không đọc được chữ")
    _drop_running_heads(pages)
    if scanned:  # pages without a text layer go through OCR (ocr.py)
        from .ocr import read_scanned_pdf
        return read_scanned_pdf(raw, pages, scanned, _pdf_paragraphs)
    paragraphs = keep(_pdf_paragraphs(pages))
    if not paragraphs:
        raise ValueError("PDF không có chữ nào ngoài phần đầu trang và chân trang")
    return paragraphs
