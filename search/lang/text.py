"""The Vietnamese text rules, one function per rule.

- ``normalize``: NFC, odd spaces to a space, zero-width characters removed,
  with a map back to the caller's original character offsets.
- ``canonical_tones``: one tone placement per syllable (``hoà`` -> ``hòa``).
- ``fold``: diacritics removed, ``đ`` -> ``d``, lower-case.
- ``has_diacritics``: whether a word was typed with Vietnamese marks.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from unidecode import unidecode

# Non-breaking, typographic and ideographic spaces, and tabs: a space to us.
_ODD_SPACES = "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
# Invisible characters that editors and web pages leave inside words.
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_NEEDS_WORK = re.compile("[%s%s]" % (_ODD_SPACES, _ZERO_WIDTH))


_SPACES = {**{ord(c): " " for c in _ODD_SPACES}, **{ord(c): None for c in _ZERO_WIDTH}}


def normal_text(text: str) -> str:
    """``normalize(text)[0]`` without the offset map, which costs a Python
    loop a character; NFC text with odd spaces (the usual &nbsp;) is one
    translate."""
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

# grave, acute, hook above, tilde, dot below
TONE_MARKS = frozenset("\u0300\u0301\u0309\u0303\u0323")
_VOWELS = set("aăâeêioôơuưy")
_HATTED = set("ăâêôơư")
_VIET_LETTERS = _VOWELS | set("bcdđghklmnpqrstvx") | set("fjwz")
_FINALS = {"", "c", "ch", "m", "n", "ng", "nh", "p", "t"}
_LETTER_RUN = re.compile(r"[^\W\d_]+")


def split_tones(text: str) -> tuple[str, str]:
    """``(base, tones)``: the text in NFC with its tone marks taken off (hats
    and horns kept: ``ệ`` -> ``ê``), and those marks in order."""
    decomposed = unicodedata.normalize("NFD", text)
    tones = "".join(c for c in decomposed if c in TONE_MARKS)
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
    return base, tones


@lru_cache(maxsize=65536)
def _place_tone(syllable: str, modern: bool) -> str:
    base, tones = split_tones(syllable)
    if len(tones) != 1:
        return syllable
    lower = base.lower()
    if len(lower) != len(base) or not set(lower) <= _VIET_LETTERS:
        return syllable  # not a Vietnamese syllable: leave its marks alone
    start = 0
    # In "qu" and "gi" before a vowel, u and i belong to the initial consonant.
    if len(lower) > 2 and lower[:2] in ("qu", "gi") and lower[2] in _VOWELS:
        start = 2
    while start < len(lower) and lower[start] not in _VOWELS:
        start += 1
    end = start
    while end < len(lower) and lower[end] in _VOWELS:
        end += 1
    nucleus = list(range(start, end))
    if not nucleus or lower[end:] not in _FINALS:
        return syllable  # "café": two vowel groups, not one syllable
    hatted = [k for k in nucleus if lower[k] in _HATTED]
    if hatted:
        at = hatted[-1]
    elif len(nucleus) == 1:
        at = nucleus[0]
    elif len(nucleus) == 3:
        at = nucleus[1]
    elif len(nucleus) == 2:
        closed = end < len(lower)
        modern_pair = modern and lower[start : end] in ("oa", "oe", "uy")
        at = nucleus[1] if closed or modern_pair else nucleus[0]
    else:
        return syllable
    return unicodedata.normalize("NFC", base[: at + 1] + tones[0] + base[at + 1 :])


@lru_cache(maxsize=65536)  # indexing asks for the same few thousand syllables again and again
def canonical_tones(text: str, modern: bool = False) -> str:
    """Put every syllable's tone mark in one agreed place, keeping case.

    The default is the placement the issue tracker and most official texts use
    (``hòa``, ``ủy``, ``thúy``); ``modern=True`` gives the newer placement
    (``hoà``, ``uỷ``, ``thuý``) that pyvi's dictionary was built with.
    Either way ``hoà`` and ``hòa`` come out the same.
    """
    return _LETTER_RUN.sub(lambda m: _place_tone(m.group(), modern), text)


# --- folding ----------------------------------------------------------------


class _CharFold(dict):
    """``str.translate`` table: each character to its fold, filled on first sight."""

    def __missing__(self, code: int) -> str:
        self[code] = _fold(chr(code))
        return self[code]


_CHAR_FOLD = _CharFold()


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Remove diacritics, map đ to d, lower-case; romanize other scripts."""
    # Character by character gives the same answer (NFD works per character
    # and every mark is dropped), in C: paragraphs are folded too.
    return word.translate(_CHAR_FOLD)


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


def has_diacritics(word: str) -> bool:
    return fold(word) != word.lower()
