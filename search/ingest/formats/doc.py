"""Paragraphs of a Word 97–2003 .doc: antiword first, LibreOffice when it fails.

Measured on fixtures made by the tests (python-docx, then ``soffice
--convert-to doc``): a 5-paragraph resolution, the same with its 2x2 header
table, a 200-paragraph report with a table, the resolution typed in TCVN3
(.VnTime) and in VNI. Milliseconds a file, mean of 20 calls; the machine (2
cores) at load average 15, shared with other builds:

=========================  ==========  ==========================================
tool                       ms / file   what it gives
=========================  ==========  ==========================================
``antiword -x db``         9-13        paragraphs and table rows (DocBook XML:
                                       one ``<entry>`` a cell): every Unicode
                                       fixture right, rows as ``cell | cell``
``antiword -w 0`` (text)   8-11        cells wrapped inside their column, mid-
                                       word ("Ô trái" / "dài"): rows unusable
``catdoc -d utf-8 -w``     9-11        cells split by tabs, but a cell's own
                                       paragraphs by newlines: rows cannot be
                                       rebuilt
``soffice`` -> .docx       4,800       everything: rows, the soft hyphen (kept
                           (1,800-      as ``<w:softHyphen/>``), font names
                           2,700 on a
                           quieter run)
``soffice`` -> txt:Text    4,100       U+00AD kept, but each table cell on a
                                       line of its own
=========================  ==========  ==========================================

TCVN3 text is where the fast tools fail: ư is byte 0xAD, which Word stores
as U+00AD (soft hyphen), and both antiword and catdoc drop it ("Thường" ->
"Thêng"). So a file whose font table names a legacy font (``.VnTime``,
``VNI-Times``), or whose antiword text reads as TCVN3/VNI
(``legacy_fonts.looks_legacy``), goes to LibreOffice, converted to .docx and
read by ``docx.py``, which turns the soft hyphen back into U+00AD and the
legacy text into Unicode (``legacy_fonts.convert``). LibreOffice is also the
fallback when antiword refuses a file (Word 6/95, damaged) or gives broken
text, and reads an RTF saved as .doc. Its .txt export keeps U+00AD too, but
loses table rows; the .docx route costs the same.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path

from lxml import etree

from . import soffice
from .common import clean, keep
from .docx import read_docx
from .legacy_fonts import looks_legacy

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An OLE file is a .doc only with this stream (an .xls or .msg is not).
_WORD_STREAM = "WordDocument".encode("utf-16-le")
# Legacy font names as Word 97+ stores them in the font table (UTF-16), and
# as Word 6/95 did (8-bit).
_LEGACY_FONTS = [name.encode(enc) for name in (".Vn", "VNI-", "VNI ") for enc in ("utf-16-le", "latin-1")]
FAST_TIMEOUT = 30  # antiword reads a 20 MB file in well under a second
_MISSING = "cần antiword hoặc LibreOffice để đọc tệp Word .doc (chưa cài; xem make system-deps)"


def read_doc(raw: bytes) -> list[str]:
    if raw.startswith(b"PK\x03\x04"):  # a .docx named .doc
        return read_docx(raw)
    rtf = raw.lstrip()[:5] == b"{\\rtf"
    if not rtf and not (raw.startswith(OLE) and _WORD_STREAM in raw):
        raise ValueError("không phải tệp Word .doc hợp lệ")
    why = "là tệp RTF" if rtf else None
    if why is None and any(name in raw for name in _LEGACY_FONTS):
        why = "gõ bằng phông chữ cũ (TCVN3/VNI)"
    with tempfile.TemporaryDirectory(prefix="vnsearch-doc-") as tmp:
        path = Path(tmp) / "vanban.doc"
        path.write_bytes(raw)
        if why is None:
            paragraphs, why = _fast(path)
            if paragraphs is not None:
                return paragraphs
        return _libreoffice(path, why)


def _fast(path: Path) -> tuple[list[str] | None, str]:
    """antiword's paragraphs, or None and why LibreOffice must read the file."""
    if shutil.which("antiword") is None:
        return None, "chưa cài antiword"
    try:
        run = subprocess.run(["antiword", "-x", "db", str(path)], capture_output=True,
                             timeout=FAST_TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None, f"antiword chưa đọc xong sau {FAST_TIMEOUT} giây"
    if run.returncode != 0 or not run.stdout.strip():
        return None, "antiword không đọc được"
    try:
        paragraphs = keep(_docbook_blocks(run.stdout))
    except etree.XMLSyntaxError:
        return None, "antiword trả về văn bản hỏng"
    if not paragraphs or _broken(paragraphs):
        return None, "antiword trả về văn bản hỏng"
    if looks_legacy(paragraphs):  # and antiword dropped its ư
        return None, "gõ bằng bảng mã cũ (TCVN3/VNI)"
    return paragraphs, ""


def _libreoffice(path: Path, why: str) -> list[str]:
    if soffice.available() is None:
        raise ValueError(_MISSING if why == "chưa cài antiword" else f"{why}: cần LibreOffice để đọc "
                         "tệp này (chưa cài; xem make system-deps)")
    out = path.parent / "out"
    out.mkdir()
    try:
        converted = soffice.convert(path, "docx:MS Word 2007 XML", out)
    except soffice.ConversionFailed as e:
        raise ValueError(f"không đọc được tệp Word .doc ({e})") from None
    return read_docx(converted.read_bytes())


def _text(el) -> str:
    return clean(" ".join(el.itertext()))


def _docbook_blocks(xml: bytes):
    """Paragraphs and table rows (``cell | cell``, as ``docx.py`` writes
    them) of antiword's DocBook output, in order."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    root = etree.fromstring(xml, parser)
    yield from _blocks(root)


def _blocks(el):
    for child in el:
        if not isinstance(child.tag, str) or child.tag == "bookinfo":
            continue
        if child.tag == "row":
            yield " | ".join(t for t in (_text(entry) for entry in child.iter("entry")) if t)
        elif child.tag in ("para", "title") and not any(True for _ in child.iter("row")):
            yield _text(child)
        else:  # a paragraph holding a table: its own text around it, and its rows
            if child.text and child.text.strip():
                yield clean(child.text)
            yield from _blocks(child)
        if child.tail and child.tail.strip() and el.tag in ("para", "title"):
            yield clean(child.tail)


def _broken(paragraphs: list[str]) -> bool:
    """Replacement characters or controls: the text of a file antiword misread."""
    text = "".join(paragraphs)
    bad = sum(1 for c in text if c == "\ufffd" or unicodedata.category(c) in ("Cc", "Co", "Cs"))
    return bad > len(text) // 200
