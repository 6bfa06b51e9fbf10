"""Numbers as meetings, terms and quarters are numbered: Roman numerals
("khóa XIX", "lần thứ XX", "quý IV") and Vietnamese number words ("lần thứ
tám", "thứ ba mươi mốt") after an ordinal word stand for the digits.

    >>> roman("XIX"), ordinals(["Hội", "nghị", "lần", "thứ", "tám", "khóa", "XX"])
    (19, [(4, 5, 8), (6, 7, 20)])
"""

from __future__ import annotations

import re

from .text import fold, has_diacritics

_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
# The usual spelling only: "iiii", "ic" and "vv" are not numerals.
_ROMAN = re.compile(r"(?=[mdclxvi])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})")


def roman(word: str) -> int | None:
    """The value of ``word`` as a Roman numeral (any case, 1 to 3999), or None."""
    s = word.lower()
    if not _ROMAN.fullmatch(s):
        return None
    total = 0
    for a, b in zip(s, s[1:] + " "):
        v = _VALUES[a]
        total += -v if b != " " and _VALUES[b] > v else v
    return total


# Number words, as written (lower-case, either tone placement folds the same
# here: the accented forms are compared after canonical lower-casing).
_UNITS = {"một": 1, "nhất": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6,
          "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9}
# After "mươi"/"mười": mốt is 1, lăm/nhăm 5, tư 4.
_AFTER_TENS = {**_UNITS, "mốt": 1, "lăm": 5, "nhăm": 5}
_FOLDED_UNITS = {fold(w): v for w, v in _UNITS.items()}
_FOLDED_AFTER = {fold(w): v for w, v in _AFTER_TENS.items()}
# Words after which a number is an ordinal or a term's number. "thứ" alone is
# trusted only with its accent: unaccented "thu hai" is as likely "thu hái".
_TRIGGERS = {"thứ", "khóa", "khoá", "quý", "quí"}
_FOLDED_TRIGGERS = {"khoa", "quy"}
_ANY_TRIGGER = frozenset(_TRIGGERS | _FOLDED_TRIGGERS | {"thu"})


def _unit(word: str, after_tens: bool = False) -> int | None:
    table, folded_table = (_AFTER_TENS, _FOLDED_AFTER) if after_tens else (_UNITS, _FOLDED_UNITS)
    w = word.lower()
    return table.get(w) if has_diacritics(w) else folded_table.get(w)


def _ten(word: str, alone: bool) -> bool:
    """Whether ``word`` is "mười" (ten, ``alone``) or "mươi" (tens, after a
    unit: ba mươi); unaccented "muoi" may be either."""
    w = word.lower()
    if not has_diacritics(w):
        return w == "muoi"
    return w == ("mười" if alone else "mươi")


def number_at(words: list[str], i: int) -> tuple[int, int] | None:
    """``(value, end)`` of the number written from ``words[i]``: digits, a
    Roman numeral, or number words up to 99 ("ba mươi mốt"); None if none."""
    w = words[i]
    if w.isdigit():
        return (int(w), i + 1) if len(w) <= 4 else None
    r = roman(w) if w.isascii() and w.isalpha() else None
    if r is not None and r <= 100 and (w.isupper() or len(w) > 1):
        return r, i + 1
    nxt = words[i + 1] if i + 1 < len(words) else ""
    if _ten(w, alone=True):  # mười, mười một, mười lăm
        u = _unit(nxt, after_tens=True) if nxt else None
        return (10 + u, i + 2) if u else (10, i + 1)
    u = _unit(w)
    if u is None:
        return None
    if nxt and u > 1 and _ten(nxt, alone=False):  # ba mươi mốt
        after = words[i + 2] if i + 2 < len(words) else ""
        u2 = _unit(after, after_tens=True) if after else None
        return (u * 10 + u2, i + 3) if u2 else (u * 10, i + 2)
    return u, i + 1


def _trigger(words: list[str], i: int) -> bool:
    w = words[i].lower()
    if w in _TRIGGERS:
        return True
    if has_diacritics(w):
        return False
    if w in _FOLDED_TRIGGERS:
        return True
    return w == "thu" and i > 0 and fold(words[i - 1]) == "lan"  # "lan thu 9"


def ordinals(words: list[str]) -> list[tuple[int, int, int]]:
    """``(start, end, value)`` of each number written after an ordinal word
    (thứ, khóa, quý) in ``words``, a text's syllables, when it is not
    already written in digits: "lần thứ tám" -> 8, "khóa XIX" -> 19."""
    out = []
    # Only a word that lower-cases to a trigger can be one: one set test over
    # the text instead of a Python call a word (most paragraphs have none).
    last = len(words) - 1
    if last < 1 or _ANY_TRIGGER.isdisjoint(map(str.lower, words[:last])):
        return out
    for i in [k for k, w in enumerate(words[:last]) if w.lower() in _ANY_TRIGGER]:
        if _trigger(words, i) and not words[i + 1].isdigit():
            found = number_at(words, i + 1)
            if found is not None:
                out.append((i + 1, found[1], found[0]))
    return out
