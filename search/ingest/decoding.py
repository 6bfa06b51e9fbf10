"""Turning a source file's bytes into text, or saying clearly why not.

Tried in order: UTF-8 (with or without BOM), UTF-16 with a BOM (refused when
its letters are mostly of another script: 8-bit text after a stray mark reads
as CJK, see ``foreign_script``), then the legacy Vietnamese encodings (TCVN3,
VNI-Windows, Windows-1258), accepted only when the text reads as Vietnamese
syllables (legacy.py). A decoding is only accepted if the result reads as
text: control characters or a high share of symbols mean the guess was
wrong, and the file is reported rather than indexed as mojibake.
"""

from __future__ import annotations

import codecs
import unicodedata

from ..lang.text import CharTable, char_counts
from .legacy import detect_and_convert

_TEXT_CONTROLS = {"\t", "\n", "\r", "\f", "\v"}
_ODD_CATEGORIES = {"Cc", "Co", "Cn", "Cs", "So", "Sk"}


class NotText(ValueError):
    """The bytes are not text we can read; the message says why."""


def _unusual(c: str) -> str | None:
    return c if c not in _TEXT_CONTROLS and unicodedata.category(c) in _ODD_CATEGORIES else None


# Deletes the characters that are plainly text, so only the rest is counted.
_UNUSUAL = CharTable(_unusual)


def _looks_like_text(text: str) -> bool:
    if not text:
        return True
    # Counted by distinct character: translating a whole file through the
    # table (a dict look-up a character) cost 0.57 ms a file of corpus-10000,
    # the set and the look-ups 0.31, char_counts 0.07 (same count: an entry
    # is the character itself or None).
    table = _UNUSUAL
    odd = sum(n for c, n in char_counts(text).items() if table[ord(c)] is not None)
    return odd <= max(2, len(text) // 100)


def _letter(c: str) -> str | None:
    return c if c.isalpha() else None


def _foreign_letter(c: str) -> str | None:
    return c if c.isalpha() and not unicodedata.name(c, "").startswith("LATIN") else None


_LETTERS = CharTable(_letter)
_FOREIGN_LETTERS = CharTable(_foreign_letter)


def foreign_script(text: str) -> bool:
    """Whether most letters are outside the Latin script Vietnamese is written in.

    Bytes read in the wrong encoding come out as letters of another script:
    an ASCII page read as UTF-16 is all CJK ("<html>" reads "格浴㹬"), a
    Vietnamese legacy page read as Windows-1251 is Cyrillic. A Vietnamese
    index has no use for such text even when the label was right.
    """
    foreign = len(text.translate(_FOREIGN_LETTERS))
    return foreign > 0 and foreign * 2 > len(text.translate(_LETTERS))


def decode(raw: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise ``NotText`` with a reason."""
    if raw.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif b"\x00" in raw:
        raise NotText("không phải tệp văn bản (có byte NUL)")
    else:
        candidates = ["utf-8"]
    for encoding in candidates:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _looks_like_text(text):
            raise NotText(f"đọc được theo bảng mã {encoding} nhưng có ký tự điều khiển "
                          "hoặc ký tự không in được")
        if encoding == "utf-16" and foreign_script(text):
            # A UTF-16 mark before 8-bit text (a stray mark, a hostile file)
            # pairs the bytes up into CJK characters.
            raise NotText("mở đầu bằng dấu nhận dạng UTF-16 nhưng đọc ra chữ viết khác, "
                          "không phải tiếng Việt: không phải UTF-16")
        return text, encoding
    legacy = detect_and_convert(raw)
    if legacy is not None and _looks_like_text(legacy[0]):
        return legacy
    raise NotText("không phải văn bản UTF-8 hay UTF-16, cũng không nhận ra chắc chắn là "
                  "bảng mã tiếng Việt cũ nào (TCVN3, VNI, Windows-1258)")
