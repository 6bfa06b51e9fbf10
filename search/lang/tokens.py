"""Cutting text into syllables with exact offsets: the one scan every part
of the engine uses (analysis, queries, highlighting, suggestions, the accent
model, abbreviations).

A number keeps its inner separators (``13,4`` and ``1.000.000``); a word is a
run of letters and digits; anything else that is not a space is punctuation,
remembered as what stands ``before`` the next syllable (word segmentation
needs it, and so do the pairs of syllables across punctuation).

    >>> [(w, s, e, b) for w, s, e, b in syllables("Tỉnh ủy: 13,4%")]
    [('Tỉnh', 0, 4, ''), ('ủy', 5, 7, ''), ('13,4', 9, 13, ':')]
"""

from __future__ import annotations

import re

from .text import normal_text, normalize

_TOKEN = re.compile(r"(\d+(?:[.,]\d+)+|[^\W_]+)|(\S)")

# Whoosh runs every field's analyzer over the same paragraph one after the
# other: the scan of the last value serves all but the first. One tuple,
# swapped whole, so threads analysing queries never see half of another's scan.
_last_scan: tuple = (None, ())


def syllables(value: str) -> tuple[tuple[str, int, int, str], ...]:
    """``(word, start, end, before)`` for each syllable of ``value``.

    ``word`` is normalized (NFC); ``start``/``end`` are offsets into ``value``
    itself; ``before`` is the punctuation since the previous syllable.
    """
    global _last_scan
    last_value, scan = _last_scan
    if last_value is value or last_value == value:
        return scan
    scan = tuple(_scan(value))
    _last_scan = (value, scan)
    return scan


# syllable_words' last value and answer, as _last_scan is syllables'.
_last_words: tuple = (None, ((), ()))


def syllable_words(value: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(words, befores)``: ``syllables(value)``'s words and the punctuation
    before each, without offsets, for the indexer. One ``findall`` and no
    match objects: 0.068 -> 0.046 ms a paragraph of corpus-10000 (2 Dec
    2026); tests/test_syllable.py holds it to ``syllables``. The last value's
    answer is kept, as ``syllables`` keeps its scan (the accent model's counts
    read the paragraph just indexed)."""
    global _last_words
    last_value, answer = _last_words
    if last_value is value or last_value == value:
        return answer
    words, befores, before = [], [], ""
    for word, punct in _TOKEN.findall(normal_text(value)):
        if word:  # group 1 never matches empty
            words.append(word)
            befores.append(before)
            before = ""
        else:
            before += punct
    answer = (tuple(words), tuple(befores))
    _last_words = (value, answer)
    return answer


def _scan(value: str):
    text, origin = normalize(value)
    before = []
    for m in _TOKEN.finditer(text):
        word = m.group(1)
        if word is None:
            before.append(m.group(2))
            continue
        s, e = m.span(1)
        if origin is not None:
            s, e = origin[s][0], origin[e - 1][1]
        yield word, s, e, "".join(before)
        before = []
