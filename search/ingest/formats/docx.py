"""Paragraphs of a .docx: the body's paragraphs and table rows, in order."""

from __future__ import annotations

import io
import zipfile

from .common import clean, keep

# A compressed .docx of a few MB can declare gigabytes; no meeting record does.
MAX_UNPACKED_BYTES = 200 * 2**20

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
        yield " | ".join(t for t in map(clean, texts) if t)
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
    paragraphs = keep(_docx_blocks(document.element.body))
    if not paragraphs:
        raise ValueError(".docx has no text")
    return paragraphs
