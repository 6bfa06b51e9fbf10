"""Roman numerals, as terms and meetings are numbered ("khóa XIX", "lần thứ XX")."""

from __future__ import annotations

import re

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
