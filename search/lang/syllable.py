"""The Vietnamese syllable: an initial consonant, a vowel group, a final
consonant, and one tone mark; one grammar, read as strictly as each use needs.

- ``place_tone``: where a syllable's tone mark goes (``canonical_tones``).
  Loose about what comes before the vowels (any run of consonants, f, j, w
  and z too), so names and loan words with Vietnamese marks get one
  placement as well.
- ``is_syllable``: spelled like a Vietnamese syllable, initial, rhyme and
  tone going together: the evidence that a legacy decoding is right.
  Spelling rules, not a dictionary, so rare words pass; what fails is what
  no Vietnamese word is spelled like.
- ``unmarked_syllable``: the shape of a syllable typed without marks (an
  initial, one to three vowels, a final), for words that carry no marks to
  check: a PDF line-end hyphen between two such halves is written text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# grave, acute, hook above, tilde, dot below
_TONE_MARKS = frozenset("\u0300\u0301\u0309\u0303\u0323")
_VOWELS = frozenset("aăâeêioôơuưy")
_HATTED = frozenset("ăâêôơư")
_INITIALS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
             "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "")
_FINALS = ("ng", "nh", "ch", "c", "m", "n", "p", "t", "")
# In "qu" and "gi" before a vowel, u and i belong to the initial consonant.
_VOWEL_INITIALS = tuple(i for i in _INITIALS if i and i[-1] in _VOWELS)
# The letters of Vietnamese words, and f, j, w, z of names and loan words.
_LETTERS = _VOWELS | set("".join(_INITIALS)) | set("fjwz")

# Vowel groups by what may follow them.
_OPEN_ONLY = {"ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oi", "ôi",
              "ơi", "ua", "ui", "ưa", "ưi", "ưu", "iêu", "yêu", "oai", "oay", "oao",
              "oeo", "uây", "uôi", "uya", "ươi", "ươu", "uyu", "uơ"}
_CLOSED_ONLY = {"ă", "â", "iê", "yê", "uô", "ươ", "uyê", "oă", "uâ", "oo"}
_EITHER = {"a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "oa", "oe", "uê", "uy"}
_STOP_FINALS = {"c", "ch", "p", "t"}  # only acute or dot-below tones end in these

_UNMARKED = re.compile("(?:%s)?[%s]{1,3}(?:%s)?" % (
    "|".join(i for i in _INITIALS if i and i.isascii()),
    "".join(sorted(v for v in _VOWELS if v.isascii())),
    "|".join(f for f in _FINALS if f)))


def split_tones(text: str) -> tuple[str, str]:
    """``(base, tones)``: the text in NFC with its tone marks taken off (hats
    and horns kept: ``ệ`` -> ``ê``), and those marks in order."""
    decomposed = unicodedata.normalize("NFD", text)
    tones = "".join(c for c in decomposed if c in _TONE_MARKS)
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    return base, tones


@lru_cache(maxsize=65536)
def place_tone(syllable: str, modern: bool = False) -> str:
    """``syllable`` with its one tone mark where ``canonical_tones`` puts it;
    unchanged when it is not one syllable with one tone."""
    base, tones = split_tones(syllable)
    if len(tones) != 1:
        return syllable
    lower = base.lower()
    if len(lower) != len(base) or not set(lower) <= _LETTERS:
        return syllable  # not a Vietnamese syllable: leave its marks alone
    start = 0
    if len(lower) > 2 and lower[:2] in _VOWEL_INITIALS and lower[2] in _VOWELS:
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
        modern_pair = modern and lower[start:end] in ("oa", "oe", "uy")
        at = nucleus[1] if closed or modern_pair else nucleus[0]
    else:
        return syllable
    return unicodedata.normalize("NFC", base[: at + 1] + tones[0] + base[at + 1 :])


def _rhyme_ok(nucleus: str, final: str, tone: str) -> bool:
    if final:
        if nucleus not in _EITHER and nucleus not in _CLOSED_ONLY:
            return False
        if final in ("ch", "nh") and nucleus[-1] not in "aêiy":
            return False
        if final in ("ng", "c") and nucleus in ("ê", "i", "y", "ơ", "uy", "uê"):
            return False
        if final in _STOP_FINALS and tone not in ("", "\u0301", "\u0323"):
            return False
        return True
    return nucleus in _EITHER or nucleus in _OPEN_ONLY


@lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """Whether ``word`` is spelled like one Vietnamese syllable (any case)."""
    base, tone = split_tones(word.lower())
    if len(tone) > 1:
        return False
    # Every way of cutting it: "giêng" is g + iê + ng, not gi + ê + ng.
    for initial in _INITIALS:
        if not base.startswith(initial):
            continue
        rest = base[len(initial):]
        for final in _FINALS:
            if final and not rest.endswith(final):
                continue
            nucleus = rest[: len(rest) - len(final)]
            if nucleus and _rhyme_ok(nucleus, final, tone):
                return True
    return False


def unmarked_syllable(word: str) -> bool:
    """Whether a lower-case ASCII ``word`` is shaped like a syllable typed
    without marks: an initial, one to three vowels, a final."""
    return _UNMARKED.fullmatch(word) is not None
