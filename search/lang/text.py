"""The Vietnamese text rules, one function per rule.

- ``normalize``: NFC, odd spaces to a space, zero-width characters removed,
  with a map back to the caller's original character offsets.
- ``canonical_tones``: one tone placement per syllable (``hoà`` -> ``hòa``).
- ``canonical_iy``: one spelling of the syllables written with i or y alike
  (``sĩ`` -> ``sỹ``, ``lí`` -> ``lý``, ``quí`` -> ``quý``).
- ``fold``: diacritics removed, ``đ`` -> ``d``, lower-case.
- ``has_diacritics``: whether a word was typed with Vietnamese marks.

Where a syllable's tone mark goes, and what a syllable may be spelled like,
is the syllable grammar of ``syllable.py``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from unidecode import unidecode

from .syllable import place_tone

# Non-breaking, typographic and ideographic spaces, and tabs: a space to us.
_ODD_SPACES = "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
# Invisible characters that editors and web pages leave inside words.
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_NEEDS_WORK = re.compile("[%s%s]" % (_ODD_SPACES, _ZERO_WIDTH))


_SPACES = {**{ord(c): " " for c in _ODD_SPACES}, **{ord(c): None for c in _ZERO_WIDTH}}


@lru_cache(maxsize=256)
def _already_normal(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text) and not _NEEDS_WORK.search(text)


def normal_text(text: str) -> str:
    """``normalize(text)[0]`` without the offset map, which costs a Python
    loop a character; NFC text with odd spaces (the usual &nbsp;) is one
    translate.

    Parsing asks it of each paragraph about nine times (boilerplate, junk
    lines, titles, metadata), 3.5 us each for ~430 characters: whether a text
    is already normal is kept for the last texts (79,242 of 89,655 calls on
    corpus-10000). Only that answer: a kept string would be one object
    wherever equal texts meet, and pickle writes a repeated object as a
    reference, so the stored fields' bytes would depend on what the process
    had parsed before (test_incremental caught it)."""
    if _already_normal(text):
        return text
    if unicodedata.is_normalized("NFC", text):
        # str.translate is a Python-level call a character: only when needed.
        return text.translate(_SPACES) if _NEEDS_WORK.search(text) else text
    return normalize(text)[0]


def normalize(text: str) -> tuple[str, list[tuple[int, int]] | None]:
    """Return ``(normalized, origin)``.

    ``origin[i]`` is the ``(start, end)`` span of ``text`` that
    ``normalized[i]`` came from, so ``normalized[a:b]`` came from
    ``text[origin[a][0]:origin[b - 1][1]]``. ``origin`` is ``None`` when the
    text was already normal and offsets are the same (the common case, and the
    fast one).
    """
    if unicodedata.is_normalized("NFC", text) and not _NEEDS_WORK.search(text):
        return text, None
    out: list[str] = []
    origin: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        # A cluster is a starter and the combining marks after it: NFC never
        # composes across clusters, so each one normalizes on its own.
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        cluster = text[i:j]
        if cluster[0] in _ZERO_WIDTH:
            cluster = cluster[1:]
        elif cluster[0] in _ODD_SPACES:
            cluster = " " + cluster[1:]
        for ch in unicodedata.normalize("NFC", cluster):
            out.append(ch)
            origin.append((i, j))
        i = j
    return "".join(out), origin


# --- tone placement -------------------------------------------------------

# A run of letters (no digits, no underscore): a word as the ingesters and
# tone placement see it.
LETTER_RUN = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=65536)  # indexing asks for the same few thousand syllables again and again
def canonical_tones(text: str, modern: bool = False) -> str:
    """Put every syllable's tone mark in one agreed place, keeping case.

    The default is the placement the issue tracker and most official texts use
    (``hòa``, ``ủy``, ``thúy``); ``modern=True`` gives the newer placement
    (``hoà``, ``uỷ``, ``thuý``) that pyvi's dictionary was built with.
    Either way ``hoà`` and ``hòa`` come out the same.
    """
    return LETTER_RUN.sub(lambda m: place_tone(m.group(), modern), text)


# --- i or y ----------------------------------------------------------------

# Vietnamese spelling allows a final i or y, with any tone, after these
# initials in an open syllable whose whole vowel is that one letter: sĩ/sỹ,
# kĩ/kỹ, lí/lý, mĩ/mỹ, hi/hy (hi sinh), ti/ty (công ti), quí/quý (qu is the
# initial there). Not where the letter is part of a longer vowel or has a
# final after it: thủy is not thủi, tui/tuy, tai/tay, kính/kýnh, mình/mỳnh are
# other words or no word. Not after the initials whose syllables are written
# with i only (gì, chi, khi, thi, nghi, phi, tri, nhi, đi, bi, vi, xi, ri): a
# y there is a name (Thy, Vy) rather than the same word.
_IY_SYLLABLE = re.compile("(?i)(h|k|l|m|s|t|qu)([iìíỉĩị])")
_I_TO_Y = str.maketrans("iìíỉĩịIÌÍỈĨỊ", "yỳýỷỹỵYỲÝỶỸỴ")


def _iy(m: re.Match) -> str:
    found = _IY_SYLLABLE.fullmatch(m.group())
    return found.group(1) + found.group(2).translate(_I_TO_Y) if found else m.group()


@lru_cache(maxsize=65536)
def canonical_iy(text: str) -> str:
    """Every syllable that may be spelled with i or y alike (above) with y,
    keeping case: ``sĩ`` and ``sỹ`` are one word, as ``hoà`` and ``hòa``
    are. The y form because official texts write it most (kỹ, lý, Mỹ, quý,
    tỷ); the choice only names the term. Expects NFC text (``normalize``)."""
    return LETTER_RUN.sub(_iy, text)


_Y_TO_I = str.maketrans("yỳýỷỹỵYỲÝỶỸỴ", "iìíỉĩịIÌÍỈĨỊ")


def iy_spellings(syllable: str) -> tuple[str, ...]:
    """The spellings of one syllable that ``canonical_iy`` makes one word
    (``ky`` -> ``("ky", "ki")``), or just the syllable: a phrase's folded
    pairs are looked up in either spelling."""
    i = syllable[:-1] + syllable[-1:].translate(_Y_TO_I)
    y = canonical_iy(i)
    return (syllable,) if y == i else (y, i)


# --- folding ----------------------------------------------------------------


class CharTable(dict):
    """A ``str.translate`` table whose entry for a character is
    ``entry(char)`` (a string, or None to delete it), worked out the first
    time a text holds that character: no table of every code point."""

    def __init__(self, entry):
        super().__init__()
        self.entry = entry

    def __missing__(self, code: int):
        self[code] = self.entry(chr(code))
        return self[code]


class OneCharTable(CharTable):
    """A ``CharTable`` whose every entry is one character, with ``apply``:
    ``text.translate(self)`` through a numpy gather over the text's UTF-32
    code units (one character for one, so positions hold). ``str.translate``
    looks every character up in the dict: 29 us for a paragraph of ~430
    characters against ~6 (metadata.py folds each paragraph so, 0.023 ms of
    a build's 1.2 a paragraph). Characters past the BMP, or a text that is
    not valid UTF-32 (a lone surrogate), go through ``str.translate``.

        >>> OneCharTable(str.upper).apply("Hà Nội")
        'HÀ NỘI'
    """

    def __init__(self, entry):
        super().__init__(entry)
        self._codes = None  # code point -> its entry's, 0 until worked out

    def apply(self, text: str) -> str:
        import numpy as np  # (the one use in lang/; text.py is imported by every process)

        try:
            codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        except UnicodeEncodeError:
            return text.translate(self)
        if not len(codes):
            return text
        if self._codes is None:
            self._codes = np.zeros(0x10000, dtype=np.uint32)
        if codes.max() > 0xFFFF:
            return text.translate(self)
        out = self._codes[codes]
        missing = out == 0
        if missing.any():
            for code in np.unique(codes[missing]).tolist():
                (entry,) = self[code]
                self._codes[code] = ord(entry)
            out = self._codes[codes]
        try:
            return out.tobytes().decode("utf-32-le")
        except UnicodeDecodeError:  # an entry that is a lone surrogate
            return text.translate(self)


def char_counts(text: str) -> dict[str, int]:
    """How often each character occurs in ``text`` (``Counter(text)``'s
    counts, in code point order), counted by numpy over its UTF-32 code
    units: iterating a text makes a string object of every character not in
    Latin-1, and ``set(text)`` of a file of corpus-10000 cost 0.3 ms, this
    0.07 (decoding and metadata each ask it of whole files and articles).
    Characters past the BMP, or a lone surrogate, go through ``Counter``."""
    import numpy as np  # (as OneCharTable.apply)

    try:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:
        return dict(Counter(text))
    if not len(codes) or codes.max() > 0xFFFF:
        return dict(Counter(text))
    counts = np.bincount(codes)
    present = np.flatnonzero(counts)
    return dict(zip(map(chr, present.tolist()), counts[present].tolist()))


def _fold(word: str) -> str:
    stripped = "".join(
        c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c)
    )
    stripped = stripped.replace("đ", "d").replace("Đ", "D").lower()
    if stripped.isascii():
        return stripped
    out = []
    for c in stripped:
        if c.isascii():
            out.append(c)
        else:
            # unidecode may answer with spaces or punctuation ("Ⅻ" -> "XII",
            # "北" -> "Bei "); keep only what stays inside one token.
            roman = "".join(ch for ch in unidecode(c) if ch.isalnum()).lower()
            out.append(roman or c)
    return "".join(out)


_CHAR_FOLD = CharTable(_fold)


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Remove diacritics, map đ to d, lower-case; romanize other scripts."""
    # Character by character gives the same answer (NFD works per character
    # and every mark is dropped), in C: paragraphs are folded too.
    return word.translate(_CHAR_FOLD)


def has_diacritics(word: str) -> bool:
    return fold(word) != word.lower()
