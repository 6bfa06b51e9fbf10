"""Word text typed in the legacy Vietnamese fonts, converted whole.

Before Unicode, offices typed in TCVN3 (".VnTime", ".VnArial", ".VnTimeH")
or VNI ("VNI-Times") fonts, and Word keeps such text as the font's bytes read
as Windows-1252 characters: "Thường" typed in .VnTime is stored "Th\\u00adêng",
since ư is byte 0xAD, which is U+00AD SOFT HYPHEN (a .docx writes it as
``<w:softHyphen/>``, which ``docx.py`` reads back as U+00AD). ``convert``
turns such paragraphs back into bytes and reads them with ``legacy.py``'s
tables, ư included, when the font names say so (``font_encoding``) or the
text as a whole reads as Vietnamese in one of those encodings
(``legacy.detect_and_convert``); a paragraph is changed only when its
converted reading has more Vietnamese syllables than the text as stored, so
a Unicode heading in a TCVN3 document ("Báo cáo", which TCVN3 would read
"Bỏo cỏo") stays as it is.
"""

from __future__ import annotations

import re

from ..legacy import decode_as, detect_and_convert, syllable_score

# Font names -> encoding. ".VnTime", ".VnTimeH", ".VnArial"...: TCVN3 (ABC);
# "VNI-Times", "VNI-Helve"...: VNI-Windows.
_FONTS = [(re.compile(r"^\.?Vn[A-Z]"), "tcvn3"), (re.compile(r"^VNI[- ]", re.IGNORECASE), "vni")]

# Windows-1252's characters for bytes 0x80-0x9F (the fonts kept those
# glyphs, legacy._byte_char reads them so): back to the byte.
_CP1252 = {}
for _b in range(0x80, 0xA0):
    try:
        _CP1252[ord(bytes([_b]).decode("cp1252"))] = chr(_b)
    except UnicodeDecodeError:
        pass
_NOT_BYTES = re.compile("[^\x00-\xff%s]" % "".join(chr(c) for c in _CP1252))
_HIGH = re.compile("[\x80-\xff%s]" % "".join(chr(c) for c in _CP1252))


def font_encoding(names) -> str | None:
    """``tcvn3`` or ``vni`` when one of the font ``names`` is a legacy font."""
    for name in names:
        for pattern, encoding in _FONTS:
            if pattern.match(name or ""):
                return encoding
    return None


def as_bytes(text: str) -> bytes | None:
    """The font bytes ``text`` was typed as, or None when it holds a
    character no 8-bit font stores (it is Unicode already)."""
    if _NOT_BYTES.search(text):
        return None
    return text.translate(_CP1252).encode("latin-1")


def convert(paragraphs: list[str], hint: str | None = None) -> list[str]:
    """``paragraphs`` with those typed in a legacy font as Unicode NFC.
    ``hint``: the encoding the document's fonts name, if any."""
    candidates = {i: b for i, p in enumerate(paragraphs)
                  if _HIGH.search(p) and (b := as_bytes(p)) is not None}
    if not candidates:
        return paragraphs
    encoding = hint
    if encoding is None:
        found = detect_and_convert(b"\n".join(candidates.values()))
        # Windows-1258 is a code page Word reads as Unicode: never stored so.
        encoding = found[1] if found and found[1] != "cp1258" else None
    if encoding is None:
        return paragraphs
    out = list(paragraphs)
    for i, raw in candidates.items():
        text = decode_as(raw, encoding)
        if syllable_score(text) > syllable_score(paragraphs[i]):
            out[i] = text
    return out


def looks_legacy(paragraphs: list[str]) -> bool:
    """Whether ``convert`` would change any paragraph."""
    return convert(paragraphs) != paragraphs
