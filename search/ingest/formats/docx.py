"""Paragraphs of a .docx: the body's paragraphs and table rows, in order.

The main part is read as a stream (lxml's iterparse straight from the zip
member), each block of the body dropped once read, and every paragraph and
character counted against the file's budget (common.Budget) as it ends: a
.docx of 5.86M one-character paragraphs (616 KB, 190 MB unpacked) took
python-docx's whole-tree parse > 300 s and 3.4 GB; it now stops at the
50,001st paragraph. Only the main part is read (python-docx loaded every
part, pictures included).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile

from lxml import etree

from ..official import is_layout_table
from .common import Budget, clean, keep, number
from .legacy_fonts import convert, font_encoding

# A compressed .docx of a few MB can declare gigabytes; no meeting record
# does. zipfile never inflates a member past its declared size.
MAX_UNPACKED_BYTES = 200 * 2**20

# What one block (a paragraph, or a table with all its rows) may hold
# before it ends: lxml keeps ~150 bytes an element, so 1M is 150 MB. A
# formatted paragraph is 10-100 elements; empty table cells or runs by the
# million (within the 200 MB) are not a document.
MAX_BLOCK_ELEMENTS = 1_000_000

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Runs anywhere in the paragraph (hyperlinks, tracked insertions, content
# controls, fields), except deleted text and text boxes floating over it.
_RUNS = ".//w:r[not(ancestor::w:del) and not(ancestor::w:moveFrom) and not(ancestor::w:txbxContent)]"
_NS = {"w": _W[1:-1]}
# Containers whose paragraphs and tables are still blocks of the body.
_WRAPPERS = {_W + "sdt", _W + "sdtContent", _W + "customXml"}


# A run's text as python-docx's Run.text gives it: tabs, line breaks (not
# page or column breaks) and non-breaking hyphens included; and the soft
# hyphen, which is the letter ư in a TCVN3 font (legacy_fonts.py).
_INNER = {_W + "tab": "\t", _W + "ptab": "\t", _W + "cr": "\n", _W + "noBreakHyphen": "-",
          _W + "softHyphen": "\u00ad"}
_RFONTS = _W + "rFonts"
# Where the styles name their fonts (a document typed in .VnTime through its
# Normal style has no font on its runs).
_STYLE_FONTS = re.compile(rb'w:(?:ascii|hAnsi)="([^"]{1,64})"')
MAX_STYLES_BYTES = 4 * 2**20


def _run_text(r) -> str:
    out = []
    for el in r.iterchildren():
        if el.tag == _W + "t":
            out.append(el.text or "")
        elif el.tag == _W + "br":
            out.append("\n" if el.get(_W + "type", "textWrapping") == "textWrapping" else "")
        else:
            out.append(_INNER.get(el.tag, ""))
    return "".join(out)


def _docx_text(p) -> str:
    return "".join(_run_text(r) for r in p.xpath(_RUNS, namespaces=_NS))


def _cell_paragraphs(tc) -> list[str]:
    return [_docx_text(p) for p in tc.xpath("./w:p | ./w:sdt/w:sdtContent/w:p", namespaces=_NS)]


def _docx_rows(tbl):
    rows = [tr.xpath("./w:tc | ./w:sdt/w:sdtContent/w:tc", namespaces=_NS)
            for tr in tbl.xpath("./w:tr", namespaces=_NS)]
    # An official header or signature laid out in a borderless table: each
    # cell's lines in reading order, left cell then right (ingest/official.py).
    if is_layout_table([_cell_paragraphs(tc) for cells in rows for tc in cells]):
        for cells in rows:
            for tc in cells:  # a line break inside a cell's paragraph ends a line too
                yield from (line for p in _cell_paragraphs(tc) for line in p.split("\n"))
        return
    for cells in rows:
        texts = (" ".join(_cell_paragraphs(tc)) for tc in cells)
        # Empty cells (and the continuations of vertically merged ones) add nothing.
        yield " | ".join(t for t in map(clean, texts) if t)
        for tc in cells:
            for inner in tc.xpath("./w:tbl", namespaces=_NS):
                yield from _docx_rows(inner)


def _is_block(el) -> bool:
    """Whether ``el`` is a paragraph or table of the body (not one in a table cell)."""
    parent = el.getparent()
    while parent is not None and parent.tag in _WRAPPERS:
        parent = parent.getparent()
    return parent is not None and parent.tag == _W + "body"


def _main_part(z: zipfile.ZipFile) -> str:
    """The main document part's name, as the package's relationships give it."""
    try:
        rels = etree.fromstring(z.read("_rels/.rels"))
        for rel in rels.iter(_REL + "Relationship"):
            if rel.get("Type", "").endswith("/officeDocument"):
                return posixpath.normpath(rel.get("Target", "").lstrip("/"))
    except (KeyError, etree.XMLSyntaxError):
        pass
    return "word/document.xml"


def _docx_blocks(f, budget: Budget, fonts: set):
    """The text of each block of the body, read from the stream ``f``; the
    run fonts met go into ``fonts``."""
    parse = etree.iterparse(f, events=("end",), resolve_entities=False, no_network=True)
    held = 0  # elements in memory since the last block was freed
    for _, el in parse:
        held += 1
        if held > MAX_BLOCK_ELEMENTS:
            raise ValueError(f"có một đoạn hoặc bảng gồm hơn {number(MAX_BLOCK_ELEMENTS)} "
                             f"phần tử XML (quá giới hạn)")
        if el.tag == _W + "t":
            budget.count(0, len(el.text or ""))
            continue
        if el.tag == _RFONTS:
            fonts.update(el.attrib.values())
            continue
        if el.tag == _W + "p":
            budget.count(1)  # every paragraph, in a table cell or not
        elif el.tag != _W + "tbl":
            continue
        if not _is_block(el):
            continue  # read with its table
        if el.tag == _W + "p":
            yield _docx_text(el)
        else:
            yield from _docx_rows(el)
        # Done with it: free it and whatever came before it (section marks...).
        el.clear()
        while el.getprevious() is not None:
            del el.getparent()[0]
        held = 0
    if parse.root is None or parse.root.tag != _W + "document":
        raise ValueError("không phải tệp .docx hợp lệ (không có phần nội dung)")


def read_docx(raw: bytes) -> list[str]:
    if raw.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE container, not a zip
        raise ValueError("là tệp Word .doc cũ (Word 97–2003) hoặc tệp có mật khẩu, không phải .docx")
    budget = Budget()
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            unpacked = sum(i.file_size for i in z.infolist())
            if unpacked > MAX_UNPACKED_BYTES:
                raise ValueError(f"tệp .docx giải nén ra {number(unpacked / 2**20)} MB "
                                 f"(giới hạn {number(MAX_UNPACKED_BYTES // 2**20)} MB)")
            fonts = _style_fonts(z)
            with z.open(_main_part(z)) as f:
                paragraphs = keep(_docx_blocks(f, budget, fonts))
    except zipfile.BadZipFile as e:
        raise ValueError("không phải tệp .docx hợp lệ (không phải tệp nén zip)") from e
    except ValueError:
        raise
    except Exception as e:  # a missing part, bad XML, a damaged member: each raises its own
        raise ValueError("không phải tệp .docx hợp lệ") from e
    # Headers and footers live in their own parts, so the body walk skips them.
    if not paragraphs:
        raise ValueError("tệp .docx không có chữ")
    return convert(paragraphs, font_encoding(sorted(fonts)))


def _style_fonts(z: zipfile.ZipFile) -> set:
    try:
        info = z.getinfo("word/styles.xml")
    except KeyError:
        return set()
    if info.file_size > MAX_STYLES_BYTES:
        return set()
    return {m.decode("utf-8", "replace") for m in _STYLE_FONTS.findall(z.read(info))}
