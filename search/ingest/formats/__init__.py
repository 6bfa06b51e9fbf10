"""Paragraphs out of .doc, .docx, .pdf and .html sources, one module a format.

Scanned pages and images are read by Tesseract (``ocr.py``).
Each ``read_X(raw)`` returns the document's paragraphs in reading order
(non-empty, whitespace-trimmed) or raises ``ValueError`` with a short reason,
among them a file past its budget (``common.Budget``: paragraphs and
characters, counted while reading; ``pdfstreams``: a PDF's decoded bytes).
Why pdfminer reads PDFs and our own lxml pass reads HTML, measured against
pypdf and trafilatura, is in ``pdf.py`` and ``html.py``.
"""

from __future__ import annotations

from .doc import read_doc
from .docx import read_docx
from .html import read_html
from .ocr import IMAGE_SUFFIXES, read_image
from .pdf import read_pdf

READERS = {".doc": read_doc, ".docx": read_docx, ".pdf": read_pdf, ".html": read_html, ".htm": read_html,
           **{s: lambda raw, s=s: read_image(raw, s) for s in IMAGE_SUFFIXES}}

# What to do with the formats people most often have instead.
_RESAVE = {".rtf": "hãy lưu lại thành .docx",
           ".odt": "hãy lưu lại thành .docx"}


def unsupported(suffix: str) -> str:
    """The reason a file of this extension (as shown) is skipped."""
    if not suffix:
        return "định dạng không hỗ trợ (tệp không có đuôi)"
    hint = _RESAVE.get(suffix.lower())
    return f"định dạng không hỗ trợ: {suffix}" + (f" ({hint})" if hint else "")


def read_paragraphs(path_suffix: str, raw: bytes) -> list[str]:
    reader = READERS.get(path_suffix.lower())
    if reader is None:
        raise ValueError(unsupported(path_suffix))
    return reader(raw)
