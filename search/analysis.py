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
from collections import Counter

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
        for s, e in compound_spans([(t.text, t.before) for t in words]):
            first, last = words[s], words[e - 1]
            first.text = "_".join(t.text for t in words[s:e])
            if hasattr(last, "endchar"):
                first.endchar = last.endchar
            yield first


def compound_spans(words, modern=None) -> list[tuple[int, int]]:
    """``(start, end)`` index ranges of the multi-syllable words pyvi finds
    in ``words``, a sequence of ``(syllable, before)`` as the tokenizer gives.

    pyvi sees the sequence it was trained on: syllables and punctuation, with
    the newer tone placement its dictionary uses (``modern``, when given,
    holds each syllable's already). Words never cross punctuation.
    """
    if not words:
        return []
    sequence, index_of = [], []
    for k, (word, before) in enumerate(words):
        sequence.extend(before)
        index_of.append(len(sequence))
        sequence.append(modern[k] if modern is not None else canonical_tones(word, modern=True))
    joined = segment.joins(tuple(sequence))
    spans, start = [], 0
    for k in range(1, len(words)):
        i = index_of[k]
        if not (joined[i] and index_of[k - 1] == i - 1):
            if k - start > 1:
                spans.append((start, k))
            start = k
    if len(words) - start > 1:
        spans.append((start, len(words)))
    return spans


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
                pair.text = bigram(prev.text, t.text, t.before)
                if hasattr(t, "endchar"):
                    pair.endchar = t.endchar
                yield pair
            prev = t


def folded_bigram_analyzer():
    return SyllableTokenizer() | FoldFilter() | BigramFilter()


def bigram(first: str, second: str, before: str) -> str:
    """The term for two adjacent syllables, ``before`` the punctuation between."""
    return f"{first}{'~' if before else '_'}{second}"


# --- indexing fast path -------------------------------------------------------
#
# The analyzers above run one field at a time, a Token object per syllable per
# field, and would ask pyvi about the same paragraph twice (comp and fcomp).
# Indexing needs only each field's terms and their counts: ``index_terms``
# derives all five from one scan and one pyvi call, with each distinct
# syllable's forms computed once. It applies the same rules through the same
# functions (canonical_tones, fold, compound_spans, bigram); the indexer uses
# it only while the schema's analyzers are the ones below, and
# tests/test_analysis.py holds it to them term for term.

FAST_ANALYZERS = (
    syllable_analyzer, folded_analyzer, compound_analyzer, folded_compound_analyzer,
    folded_bigram_analyzer,
)
_forms: dict[str, tuple[str, str, str]] = {}
_compounds: dict[str, tuple[str, str]] = {}
_CACHE_MAX = 500_000


def _syllable_forms(word: str) -> tuple[str, str, str]:
    """(accented as syllable_analyzer, folded, pyvi's tone placement)."""
    forms = _forms[word] = (canonical_tones(word.lower()), fold(word),
                            canonical_tones(word, modern=True))
    return forms


def _compound_forms(raw: str) -> tuple[str, str]:
    """(as compound_analyzer, as folded_compound_analyzer) for joined syllables."""
    forms = _compounds[raw] = (canonical_tones(raw.lower()), fold(raw))
    return forms


def index_terms(value: str) -> tuple[Counter, Counter, Counter, Counter, Counter]:
    """Term counts of ``value`` for each of ``FAST_ANALYZERS``, in that order."""
    scan = syllables(value)
    if len(_forms) > _CACHE_MAX:
        _forms.clear()
    if len(_compounds) > _CACHE_MAX:
        _compounds.clear()
    get = _forms.get
    forms = [get(w) or _syllable_forms(w) for w, _s, _e, _b in scan]
    folded = [f[1] for f in forms]
    pairs = [bigram(folded[k - 1], folded[k], scan[k][3]) for k in range(1, len(scan))]
    spans = compound_spans([(w, b) for w, _s, _e, b in scan], [f[2] for f in forms])
    cget = _compounds.get
    compounds = []
    for s, e in spans:
        raw = "_".join([t[0] for t in scan[s:e]])
        compounds.append(cget(raw) or _compound_forms(raw))
    return (Counter([f[0] for f in forms]), Counter(folded),
            Counter([c[0] for c in compounds]), Counter([c[1] for c in compounds]),
            Counter(pairs))
