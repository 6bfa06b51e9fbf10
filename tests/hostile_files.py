"""Hostile source files made on the spot (issue 16): small on disk, huge once read.

Shared by tests/test_hostile_files.py and the measurements in the issue's notes.
"""

from __future__ import annotations

import io
import zipfile
import zlib

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def deflated(content: bytes, spaces: int = 0) -> bytes:
    """zlib data of ``content`` then ``spaces`` spaces, made without holding or
    compressing them all: a full flush resets the compressor, so one
    compressed MB of spaces can be repeated (about 1 KB for each MB)."""
    z = zlib.compressobj(9)
    mb = b" " * 2**20
    head = z.compress(content) + z.flush(zlib.Z_FULL_FLUSH)
    block = z.compress(mb) + z.flush(zlib.Z_FULL_FLUSH)
    tail = z.compress(b" " * (spaces % 2**20)) + z.flush()
    check = zlib.adler32(content)
    for _ in range(spaces // 2**20):
        check = zlib.adler32(mb, check)
    check = zlib.adler32(b" " * (spaces % 2**20), check)
    return head + block * (spaces // 2**20) + tail[:-4] + check.to_bytes(4, "big")


def pdf_bytes(content: bytes, spaces: int = 0) -> bytes:
    """A one-page PDF whose content stream is ``content`` then ``spaces``
    spaces, FlateDecode'd."""
    stream = deflated(content, spaces)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def text_ops(line: str, lines: int = 1) -> bytes:
    """Content-stream operators drawing ``line`` ``lines`` times down the page."""
    draw = b"(%s) Tj 0 -14 Td\n" % line.encode("latin-1")
    return b"BT /F1 12 Tf 72 800 Td\n" + draw * lines + b"ET\n"


def pdf_bomb(inflated: int) -> bytes:
    """A readable line of text, then ``inflated`` bytes of spaces (about
    ``inflated / 1000`` bytes on disk)."""
    return pdf_bytes(text_ops("Hoi nghi Ban Chap hanh"), inflated)


def docx_bytes(body_xml: bytes) -> bytes:
    """A minimal .docx (what Word needs to open it) around ``body_xml``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="rels" ContentType="application/'
                   'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
                   'ContentType="application/xml"/><Override PartName="/word/document.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
                   'document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                   'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                   'officeDocument" Target="word/document.xml"/></Relationships>')
        with z.open("word/document.xml", "w") as f:
            f.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                    b'<w:document xmlns:w="%s"><w:body>' % _W.encode())
            f.write(body_xml)
            f.write(b"</w:body></w:document>")
    return out.getvalue()


def docx_paragraph(text: str) -> bytes:
    return b"<w:p><w:r><w:t>%s</w:t></w:r></w:p>" % text.encode()


def docx_many_paragraphs(count: int) -> bytes:
    """One real paragraph, then ``count`` one-character ones (5.86M made 190 MB of XML)."""
    return docx_bytes(docx_paragraph("Hội nghị Ban Chấp hành Đảng bộ tỉnh") + docx_paragraph("a") * count)
