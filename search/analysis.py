"""Vietnamese analysis as Whoosh tokenizers and filters, composed with ``|``.

    SyllableTokenizer()                     syllables with exact offsets
    | ToneFilter()                          hoà -> hòa, uỷ -> ủy
    | FoldFilter()                          Đảng -> dang
    | CompoundFilter()                      Ủy ban nhân dân -> Ủy_ban, nhân_dân

Offsets (``startchar``/``endchar``) always point into the text given to the
tokenizer, even when that text is NFD or holds zero-width characters.
"""

from __future__ import annotations

import re

from whoosh.analysis import Filter, LowercaseFilter, Token, Tokenizer

from . import segment
from .text import canonical_tones, fold, normalize

# A number keeps its inner separators (13,4 and 1.000.000); a word is a run of
# letters and digits; anything else that is not a space is punctuation.
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


class SyllableTokenizer(Tokenizer):
    """Splits text into syllables (and numbers, codes' parts, foreign words).

    Each token carries ``before``: the punctuation between it and the previous
    syllable (word segmentation needs it; the index does not).
    """

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 mode="", **kwargs):
        # Token() is costly per syllable; copying its attributes is not.
        template = Token(positions, chars, removestops=removestops, mode=mode,
                         **kwargs).__dict__
        template["boost"], template["stopped"] = 1.0, False
        new = Token.__new__
        for pos, (word, s, e, before) in enumerate(syllables(value), start=start_pos):
            t = new(Token)
            t.__dict__.update(template)
            t.text = word
            t.before = before
            if keeporiginal:
                t.original = word
            if positions:
                t.pos = pos
            if chars:
                t.startchar, t.endchar = start_char + s, start_char + e
            yield t


class ToneFilter(Filter):
    """Canonical tone placement, so old and new spellings are one word."""

    def __init__(self, modern: bool = False):
        self.modern = modern

    def __eq__(self, other):
        return type(self) is type(other) and self.modern == other.modern

    def __call__(self, tokens):
        for t in tokens:
            t.text = canonical_tones(t.text, self.modern)
            yield t


class FoldFilter(Filter):
    """Diacritics off, đ to d, lower-case: what a person types without accents."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = fold(t.text)
            yield t


class CompoundFilter(Filter):
    """Joins syllables into pyvi's words and yields only multi-syllable ones.

    ``Ủy ban nhân dân tỉnh`` gives ``Ủy_ban`` and ``nhân_dân``; the compound's
    position is its first syllable's and its chars span all its syllables.
    Single syllables are left out: the syllable fields already hold them.
    """

    def __call__(self, tokens):
        words = list(tokens)
        if not words:
            return
        # The sequence pyvi was trained on: syllables and punctuation, with
        # the newer tone placement its dictionary uses.
        sequence, index_of = [], []
        for t in words:
            sequence.extend(t.before)
            index_of.append(len(sequence))
            sequence.append(canonical_tones(t.text, modern=True))
        joined = segment.joins(tuple(sequence))
        group = [words[0]]
        for k in range(1, len(words)):
            i = index_of[k]
            if joined[i] and index_of[k - 1] == i - 1:
                group.append(words[k])
            else:
                yield from _compound(group)
                group = [words[k]]
        yield from _compound(group)


def _compound(group):
    if len(group) < 2:
        return
    first, last = group[0], group[-1]
    first.text = "_".join(t.text for t in group)
    if hasattr(last, "endchar"):
        first.endchar = last.endchar
    yield first


def syllable_analyzer():
    """Accented syllables: the words exactly as written (canonical tones)."""
    return SyllableTokenizer() | LowercaseFilter() | ToneFilter()


def folded_analyzer():
    """Folded syllables: what an unaccented query matches."""
    return SyllableTokenizer() | FoldFilter()


def compound_analyzer():
    return SyllableTokenizer() | CompoundFilter() | LowercaseFilter() | ToneFilter()


def folded_compound_analyzer():
    return SyllableTokenizer() | CompoundFilter() | FoldFilter()


class BigramFilter(Filter):
    """Each pair of adjacent syllables as one term (``uy ban`` -> ``uy_ban``).

    Word order and proximity evidence for any two words, not only the
    compounds pyvi found: it is what tells ``ban chap hanh`` from a paragraph
    that merely has ``ban`` and ``hanh`` somewhere. A pair across punctuation
    is joined with ``~`` instead (``ct~tw`` in 05-CT/TW): ranking leaves those
    out, phrase matching takes either (ranking.Ranker.phrase_docs), so the
    index needs no positions.
    """

    def __call__(self, tokens):
        prev = None
        for t in tokens:
            if prev is not None:
                pair = prev.copy()
                pair.text = f"{prev.text}{'~' if t.before else '_'}{t.text}"
                if hasattr(t, "endchar"):
                    pair.endchar = t.endchar
                yield pair
            prev = t


def folded_bigram_analyzer():
    return SyllableTokenizer() | FoldFilter() | BigramFilter()
