"""Paragraphs out of .docx, .pdf and .html sources.

Each ``read_X(raw)`` returns the document's paragraphs in reading order
(non-empty, whitespace-trimmed) or raises ``ValueError`` with a short reason.

PDF: pdfminer.six 20260107, chosen over pypdf 7.1.0.  Measured on PDFs that
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

HTML: our own lxml pass, chosen over trafilatura 2.3.1 (readability-lxml 0.9
also tried) on two pages made from seed 001, a 15-paragraph article (title,
byline, lead, two photo captions, body) amid a menu, breadcrumb, sidebar of
related links, "more stories" teasers with long summaries, an inline
"related" box, comments, share links and a footer:

- header/nav/article/aside/footer page: trafilatura 12/15 (byline and both
  captions dropped), readability 11/15 (title, byline, lead, a caption),
  ours 15/15; none let boilerplate in.
- table-layout page with no semantic tags, as on older provincial portals:
  trafilatura with ``include_tables=True`` 0/15 (it returned the two photo
  tables only), 11/15 without tables; readability 12/15 plus "Tin khác";
  ours 15/15, nothing else.

Ours also spares trafilatura's dozen dependencies (dateparser, htmldate,
courlan, justext, ...).  It is readability's idea cut down: the element
whose paragraphs hold the most non-link text is the article; keep the blocks
from the page title (the last h1, or block quoted in <title>, before it) to
that element's end, less link-heavy blocks and elements named like menus,
sidebars, comments or related links.  trafilatura was tuned on thousands of
real pages and ours on these two: see the tests for what it is sure of.
"""

from __future__ import annotations

import codecs
import io
import math
import re
import unicodedata
import warnings
import zipfile
from collections import Counter
from dataclasses import dataclass

from .decoding import NotText, decode
from ..lang.text import fold, normal_text

# A compressed .docx of a few MB can declare gigabytes; no meeting record does.
MAX_UNPACKED_BYTES = 200 * 2**20
_SPACES = re.compile(r"[ \t\n\r\f\v]+")  # ASCII only: a no-break space is text


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _keep(paragraphs) -> list[str]:
    out = []
    for p in paragraphs:
        p = _clean(p)
        if p and normal_text(p).strip():  # not only invisible characters
            out.append(p)
    return out


# --- .docx -------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Runs anywhere in the paragraph (hyperlinks, tracked insertions, content
# controls, fields), except deleted text and text boxes floating over it.
_RUNS = ".//w:r[not(ancestor::w:del) and not(ancestor::w:moveFrom) and not(ancestor::w:txbxContent)]"


def _docx_text(p) -> str:
    return "".join(r.text for r in p.xpath(_RUNS))


def _docx_rows(tbl):
    for tr in tbl.xpath("./w:tr"):
        cells = tr.xpath("./w:tc | ./w:sdt/w:sdtContent/w:tc")
        texts = (" ".join(_docx_text(p) for p in tc.xpath("./w:p | ./w:sdt/w:sdtContent/w:p")) for tc in cells)
        # Empty cells (and the continuations of vertically merged ones) add nothing.
        yield " | ".join(t for t in map(_clean, texts) if t)
        for tc in cells:
            for inner in tc.xpath("./w:tbl"):
                yield from _docx_rows(inner)


def _docx_blocks(parent):
    for el in parent.iterchildren():
        if el.tag == _W + "p":
            yield _docx_text(el)
        elif el.tag == _W + "tbl":
            yield from _docx_rows(el)
        elif el.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml"):
            yield from _docx_blocks(el)


def read_docx(raw: bytes) -> list[str]:
    import docx

    if raw.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE container, not a zip
        raise ValueError("is an old Word .doc or a password-protected file, not .docx")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile as e:
        raise ValueError("not a valid .docx file (not a zip archive)") from e
    if unpacked > MAX_UNPACKED_BYTES:  # zipfile stops reading at the sizes declared
        raise ValueError(f".docx unpacks to {unpacked / 2**20:,.0f} MB "
                         f"(the limit is {MAX_UNPACKED_BYTES // 2**20} MB)")
    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as e:  # zipfile, lxml and python-docx each raise their own
        raise ValueError("not a valid .docx file") from e
    # Headers and footers live in their own parts, so the body walk skips them.
    paragraphs = _keep(_docx_blocks(document.element.body))
    if not paragraphs:
        raise ValueError(".docx has no text")
    return paragraphs


# --- .pdf --------------------------------------------------------------------


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


_PAGE_NUMBER = re.compile(r"(trang|page)?\s*[-–—(]?\s*\d{1,4}\s*[-–—)]?(\s*/\s*\d{1,4})?", re.I)


def _pdf_pages(raw: bytes) -> tuple[list[_Page], float]:
    """The text lines of each page, and the share of glyphs with no Unicode meaning."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams, LTChar, LTTextBoxHorizontal, LTTextLineHorizontal
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    class Aggregator(PDFPageAggregator):
        undefined = 0

        def render_char(self, *args, **kwargs):
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
                text = unicodedata.normalize("NFC", _clean(line.get_text()))
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
        pages.append(_Page(lines))
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


_SYLLABLE = re.compile(
    r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(ch|ng|nh|[cmnpt])?")


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
            and not (_SYLLABLE.fullmatch(fold(a)) and _SYLLABLE.fullmatch(fold(b))))


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
        raise ValueError("not a PDF file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pdfminer warns on every quirk it survives
            pages, undefined = _pdf_pages(raw)
    except PDFEncryptionError as e:
        raise ValueError("PDF is encrypted") from e
    except Exception as e:  # a damaged file can fail anywhere in the parser
        raise ValueError("not a valid PDF file (damaged or truncated?)") from e
    if not pages:
        raise ValueError("not a valid PDF file (no pages)")
    if not any(p.lines for p in pages):
        raise ValueError("PDF has no text layer (scanned image?)")
    if undefined > 0.1:
        raise ValueError("PDF fonts have no Unicode map: its text cannot be read")
    _drop_running_heads(pages)
    paragraphs = _keep(_pdf_paragraphs(pages))
    if not paragraphs:
        raise ValueError("PDF has no text besides headers and footers")
    return paragraphs


# --- .html -------------------------------------------------------------------

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([a-z0-9_.:-]+)""", re.I)
_SKIP = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
         "form", "button", "select", "textarea", "nav", "aside", "footer", "head", "map"}
_BLOCK = {"address", "article", "blockquote", "body", "caption", "center", "dd", "details", "div",
          "dl", "dt", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
          "li", "main", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot",
          "th", "thead", "tr", "ul", "br"}
_BOILERPLATE = re.compile(
    r"\b(menu|nav|sidebar|footer|breadcrumbs?|comments?|share|social|related|banner|ads?|advert\w*)\b", re.I)


def _decode_html(raw: bytes) -> str:
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                raise ValueError(f"HTML page starts with a {encoding[:6].upper()} mark "
                                 "but is not in that encoding") from None
    found = _META_CHARSET.search(raw[:4096])
    if found:
        label = (found.group(1) or found.group(2)).decode("ascii").lower()
        try:
            encoding = codecs.lookup(label).name
        except LookupError:
            encoding = None
        if encoding and encoding != "utf-8":
            try:
                raw.decode("utf-8")
                # Valid UTF-8 with non-ASCII bytes is UTF-8 whatever the page
                # says: a mislabelled page would otherwise index as mojibake.
                if not raw.isascii():
                    encoding = "utf-8"
            except UnicodeDecodeError:
                pass
        if encoding:
            try:
                return unicodedata.normalize("NFC", raw.decode(encoding)) if "1258" in encoding \
                    else raw.decode(encoding)
            except UnicodeDecodeError:
                pass
    try:
        return decode(raw)[0]
    except NotText as e:
        raise ValueError(f"HTML page {e}") from None


@dataclass
class _Block:
    text: str
    links: int  # characters inside <a>
    element: object


def _html_blocks(root) -> list[_Block]:
    blocks: list[_Block] = []
    parts: list[str] = []
    links = [0]

    def flush(element):
        text = _clean("".join(parts))
        if text:
            blocks.append(_Block(text, links[0], element))
        parts.clear()
        links[0] = 0

    def inline(el, in_link):
        for child in el:
            if isinstance(child.tag, str) and child.tag not in _SKIP:
                walk(child, in_link)
            if child.tail:
                parts.append(child.tail)
                links[0] += len(child.tail.strip()) if in_link else 0

    def walk(el, in_link=False):
        tag = el.tag
        if tag == "header" and el.find(".//h1") is None:
            return  # a site header; an article's own header holds its title
        if tag == "tr" and not el.xpath(".//table|.//td/div|.//td/p[2]"):
            flush(el)  # a data row: one paragraph, cells joined
            cells = [_clean(c.text_content()) for c in el if c.tag in ("td", "th")]
            link = sum(len(a.text_content().strip()) for a in el.iter("a"))
            blocks.append(_Block(" | ".join(c for c in cells if c), link, el)) if any(cells) else None
            return
        block = tag in _BLOCK
        in_link = in_link or tag == "a"
        if block:
            flush(el.getparent() if el.getparent() is not None else el)
        if el.text:
            parts.append(el.text)
            links[0] += len(el.text.strip()) if in_link else 0
        inline(el, in_link)
        if block:
            flush(el)

    walk(root)
    flush(root)
    return blocks


def _is_boilerplate(el) -> bool:
    return bool(_BOILERPLATE.search(" ".join((el.get("class", ""), el.get("id", "")))))


def read_html(raw: bytes) -> list[str]:
    import lxml.html
    from lxml import etree

    text = _decode_html(raw)
    # lxml refuses a str that still declares its encoding.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        tree = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as e:
        raise ValueError("not a valid HTML page") from e
    total = len(tree.text_content())
    for el in list(tree.iter()):
        # A wrapper named "with-sidebar" still holds the article: keep big ones.
        if (isinstance(el.tag, str) and el.tag != "body" and el.getparent() is not None
                and _is_boilerplate(el) and el.find(".//h1") is None
                and len(el.text_content()) < total / 3):
            el.drop_tree()
    title = _clean(tree.findtext(".//title") or "")
    body = tree.find("body")
    blocks = _html_blocks(body if body is not None else tree)
    if not blocks:
        raise ValueError("HTML page has no text")

    score: Counter = Counter()
    for b in blocks:
        own = len(b.text) - b.links
        if own >= 25:
            parent = b.element.getparent()
            if parent is not None:
                score[parent] += own
                if parent.getparent() is not None:
                    score[parent.getparent()] += own / 2
    if score:
        best = score.most_common(1)[0][0]
        inside = [i for i, b in enumerate(blocks)
                  if b.element is best or best in b.element.iterancestors()]
        start, end = inside[0], inside[-1]
        for i in range(start):
            b = blocks[i]
            if b.element.tag == "h1" or (len(b.text) >= 10 and b.text in title):
                start = i  # the page title, then byline, lead, photo captions
        blocks = blocks[start:end + 1]
    paragraphs = _keep(b.text for b in blocks if b.links <= len(b.text) / 2)
    if not paragraphs:
        raise ValueError("HTML page has no article text")
    return paragraphs


# --- dispatch ----------------------------------------------------------------

READERS = {".docx": read_docx, ".pdf": read_pdf, ".html": read_html, ".htm": read_html}


def read_paragraphs(path_suffix: str, raw: bytes) -> list[str]:
    reader = READERS.get(path_suffix.lower())
    if reader is None:
        raise ValueError(f"unsupported format {path_suffix or '(none)'}")
    return reader(raw)
