"""Whoosh filters for Vietnamese, each a small generator over tokens; the
forms they produce come from ``terms.py``, shared with the query side.

    >>> from .tokenizers import SyllableTokenizer
    >>> [t.text for t in (SyllableTokenizer() | ToneFilter())("hoà Uỷ")]
    ['hòa', 'Ủy']
    >>> [t.text for t in (SyllableTokenizer() | FoldFilter())("Đảng ủy")]
    ['dang', 'uy']
    >>> [t.text for t in (SyllableTokenizer() | FoldFilter() | BigramFilter())("05-CT/TW")]
    ['05~ct', 'ct~tw']
"""

from __future__ import annotations

from whoosh.analysis import Filter

from ..lang.numerals import ordinals
from ..lang.segment import compound_spans
from ..lang.text import canonical_tones
from .terms import canonical_spelling, compound, folded, pair


class ToneFilter(Filter):
    """Canonical tone placement and i/y (``terms.accented``), so old and new
    spellings are one word (case is the LowercaseFilter's business); the
    ``modern`` placement is pyvi's, tones only."""

    def __init__(self, modern: bool = False):
        self.modern = modern

    def __eq__(self, other):
        return type(self) is type(other) and self.modern == other.modern

    def __call__(self, tokens):
        for t in tokens:
            t.text = canonical_tones(t.text, True) if self.modern else canonical_spelling(t.text)
            yield t


class NumeralFilter(Filter):
    """After a number written out following an ordinal word ("lần thứ
    tám", "khóa XIX"), one more token: its digits ("8", "19"), so that
    ``lần thứ 8`` and ``khóa 19`` find it (``lang.numerals.ordinals``)."""

    def __call__(self, tokens):
        words = list(tokens)
        extra = {end - 1: value for _start, end, value in ordinals([t.text for t in words])}
        for k, t in enumerate(words):
            yield t
            if k in extra:
                digits = t.copy()
                digits.text = str(extra[k])
                yield digits


class FoldFilter(Filter):
    """Diacritics off, đ to d, lower-case: what a person types without accents."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = folded(t.text)
            yield t


class CompoundFilter(Filter):
    """Joins syllables into pyvi's words and yields only multi-syllable ones.

    ``Ủy ban nhân dân tỉnh`` gives ``Ủy_ban`` and ``nhân_dân``; the compound's
    position is its first syllable's and its chars span all its syllables.
    Single syllables are left out: the syllable fields already hold them.
    """

    def __call__(self, tokens):
        words = list(tokens)
        for s, e in compound_spans([(t.text, t.before) for t in words]):
            first, last = words[s], words[e - 1]
            first.text = compound(t.text for t in words[s:e])
            if hasattr(last, "endchar"):
                first.endchar = last.endchar
            yield first


class BigramFilter(Filter):
    """Each pair of adjacent syllables as one term (``uy ban`` -> ``uy_ban``).

    Word order and proximity evidence for any two words, not only the
    compounds pyvi found: it is what tells ``ban chap hanh`` from a paragraph
    that merely has ``ban`` and ``hanh`` somewhere. A pair across punctuation
    is joined the other way (``ct~tw`` in 05-CT/TW, ``terms.pair``): ranking
    leaves those out, phrase matching takes either, so the index needs no
    positions.
    """

    def __call__(self, tokens):
        prev = None
        for t in tokens:
            if prev is not None:
                joined = prev.copy()
                joined.text = pair(prev.text, t.text, t.before)
                if hasattr(t, "endchar"):
                    joined.endchar = t.endchar
                yield joined
            prev = t
