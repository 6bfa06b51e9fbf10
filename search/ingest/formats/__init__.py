"""Paragraphs out of .docx, .pdf and .html sources, one module a format.

Each ``read_X(raw)`` returns the document's paragraphs in reading order
(non-empty, whitespace-trimmed) or raises ``ValueError`` with a short reason,
among them a file past its budget (``common.Budget``: paragraphs and
characters, counted while reading; ``pdfstreams``: a PDF's decoded bytes).
Why pdfminer reads PDFs and our own lxml pass reads HTML, measured against
pypdf and trafilatura, is in ``pdf.py`` and ``html.py``.
"""

from __future__ import annotations

from .docx import read_docx
from .html import read_html
from .pdf import read_pdf

READERS = {".docx": read_docx, ".pdf": read_pdf, ".html": read_html, ".htm": read_html}


def read_paragraphs(path_suffix: str, raw: bytes) -> list[str]:
    reader = READERS.get(path_suffix.lower())
    if reader is None:
        raise ValueError(f"unsupported format {path_suffix or '(none)'}")
    return reader(raw)
