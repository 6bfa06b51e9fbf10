"""Bounded decoding of a PDF's streams: the one place pdfminer is changed.

pdfminer.six 20260107 inflates every stream whole (``PDFStream.decode``:
``zlib.decompress``, ``lzwdecode``, ``rldecode``, ``ascii85decode``) and keeps
the result for as long as the document is open: a 3 MB PDF whose one
FlateDecode stream inflates to gigabytes peaked at 6.4 GB RSS (issue 16;
a 0.97 MB one inflating to 1 GB: 2.0 GB and 27 s, then indexed). Rather than
copy ``decode`` (filters, predictors, its repair of damaged zlib data), the
names it calls are replaced, once, in ``pdfminer.pdftypes`` by versions that
count what they produce against the budget of the PDF being read (a context
variable set by ``bounded``) and stop at it: decompression is told the most
it may produce, so a bomb costs the budget, never more. Outside ``bounded``
they do exactly what pdfminer's do.

The budget is for all of a file's decoded streams together, as pdfminer
keeps them all: the two-page report of tests/test_formats.py, its font
subset included, decodes to 21 KB; a whole embedded font is 0.1-20 MB;
pictures are not decoded to read text. With the 1 GB bomb the build peaked
at 0.33 GB (the budget's 128 MB, once) and took 4.6 s.
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import zlib

MAX_DECODED_BYTES = 128 * 2**20


_REASON = (f"PDF giải nén ra hơn {MAX_DECODED_BYTES // 2**20} MB dữ liệu "
           f"(quá giới hạn; có thể là tệp cố ý gây quá tải)")


class TooBig(ValueError):
    """The PDF's streams decode past the budget: the reason to skip it."""


class _Budget:
    def __init__(self, limit: int) -> None:
        self.left = limit
        self.exceeded = False

    def take(self, n: int) -> None:
        self.left -= n
        if self.left < 0 or self.exceeded:
            self.exceeded = True  # sticky: pdfminer swallows some errors and goes on
            raise TooBig(_REASON)


_budget: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("pdf_budget", default=None)


@contextlib.contextmanager
def bounded():
    """Decode the streams of one PDF, within ``MAX_DECODED_BYTES`` in all.
    Raises ``TooBig`` when they would go past it, even if pdfminer caught it."""
    budget = _Budget(MAX_DECODED_BYTES)
    token = _budget.set(budget)
    try:
        yield
    except Exception:
        if budget.exceeded:  # whatever pdfminer made of it
            raise TooBig(_REASON) from None
        raise
    finally:
        _budget.reset(token)
    if budget.exceeded:
        raise TooBig(_REASON)


class _Decompressor:
    """``zlib.decompressobj()`` whose output is counted (pdfminer's repair of
    damaged data feeds it one byte at a time)."""

    def __init__(self, budget: _Budget) -> None:
        self._d, self._budget = zlib.decompressobj(), budget

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        out = self._d.decompress(data, max(self._budget.left, 0) + 1)
        self._budget.take(len(out))
        return out

    def __getattr__(self, name):
        return getattr(self._d, name)


class _Zlib:
    """The ``zlib`` module as ``pdfminer.pdftypes`` sees it."""

    error = zlib.error

    @staticmethod
    def decompress(data: bytes) -> bytes:
        budget = _budget.get()
        if budget is None:
            return zlib.decompress(data)
        d = zlib.decompressobj()
        out = d.decompress(data, max(budget.left, 0) + 1)
        budget.take(len(out))
        if not d.eof:  # as zlib.decompress does: pdfminer then repairs what it can
            raise zlib.error("incomplete or truncated stream")
        return out

    @staticmethod
    def decompressobj(*args, **kwargs):
        budget = _budget.get()
        return zlib.decompressobj(*args, **kwargs) if budget is None or args or kwargs \
            else _Decompressor(budget)

    def __getattr__(self, name):
        return getattr(zlib, name)


def _lzwdecode(data: bytes) -> bytes:
    from pdfminer.lzw import LZWDecoder

    budget = _budget.get()
    out = []
    for chunk in LZWDecoder(io.BytesIO(data)).run():
        if budget is not None:
            budget.take(len(chunk))
        out.append(chunk)
    return b"".join(out)


def _rldecode(data: bytes) -> bytes:
    """RunLengthDecode (PDF 1.7, 7.4.5), counted as it goes: a 2-byte run gives 128."""
    budget = _budget.get()
    out = bytearray()
    i = 0
    while i < len(data) and data[i] != 128:
        length = data[i]
        if length < 128:
            piece = data[i + 1:i + 2 + length]
            i += 2 + length
        else:
            piece = data[i + 1:i + 2] * (257 - length)
            i += 2
        if budget is not None:
            budget.take(len(piece))
        out += piece
    return bytes(out)


def _ascii85decode(data: bytes) -> bytes:
    from pdfminer.ascii85 import ascii85decode

    budget = _budget.get()
    if budget is not None:  # "z" is four zero bytes: the only way it grows
        budget.take(len(data) + 4 * data.count(b"z"))
    return ascii85decode(data)


def install() -> None:
    """Put the bounded names in ``pdfminer.pdftypes`` (once; idempotent)."""
    from pdfminer import pdftypes

    if not isinstance(pdftypes.zlib, _Zlib):
        pdftypes.zlib = _Zlib()
        pdftypes.lzwdecode = _lzwdecode
        pdftypes.rldecode = _rldecode
        pdftypes.ascii85decode = _ascii85decode
