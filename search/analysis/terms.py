"""The terms of a text: one definition for what the index holds and what a
query asks for.

Five fields hold each paragraph (``index.schema.ANALYZED_FIELDS``):

    syl    accented syllables, lower-case, canonical tones    ủy, ban
    fold   folded syllables                                    uy, ban
           (both also a number after an ordinal word as digits: lần thứ tám -> 8)
    comp   pyvi's multi-syllable words, accented               ủy_ban
    fcomp  the same, folded                                    uy_ban
    fbig   adjacent folded syllables                           uy_ban, ct~tw

Every form below is made here and nowhere else: the Whoosh filters
(``filters.py``) call these functions, ``index_terms`` derives all five fields
in one pass for the indexer, and the query side (``query.parse``,
``query.ranking``) asks for terms built by the same functions. Change a rule
here and both sides follow; ``analysis_version`` changes with the output, so
an index built the old way is rebuilt.

    >>> accented("Uỷ"), folded("Đảng"), compound(["ủy", "ban"]), pair("ct", "tw", "/")
    ('ủy', 'dang', 'ủy_ban', 'ct~tw')
"""

from __future__ import annotations

import hashlib
from collections import Counter
from functools import lru_cache
from pathlib import Path

from ..lang.numerals import ordinals
from ..lang.segment import compound_spans
from ..lang.text import canonical_iy, canonical_tones, fold
from ..lang.tokens import syllable_words

JOIN = "_"     # between the syllables of a compound, and of an adjacent pair
ACROSS = "~"   # between two syllables with punctuation between them (05-CT/TW)
PROBE = Path(__file__).with_name("probe.txt")


@lru_cache(maxsize=65536)  # the snippets ask it of every syllable of a hit (issue 15)
def accented(word: str) -> str:
    """A syllable as the ``syl`` field holds it: lower-case, canonical tones,
    and i or y as one letter where the spelling allows both (``sĩ`` = ``sỹ``:
    ``lang.text.canonical_iy``)."""
    return canonical_spelling(word.lower())


def canonical_spelling(text: str) -> str:
    """``accented`` keeping case: what the Whoosh ToneFilter makes."""
    return canonical_iy(canonical_tones(text))


# A syllable as the ``fold`` field holds it: ``fold`` itself (memoized), not
# a wrapper around it: the snippets ask it of every syllable of a hit, and
# the wrapper's call was 4 % of a distinct request's time (issue 15).
folded = fold


def compound(parts) -> str:
    """The term of a word of several syllables, each already ``accented`` or
    ``folded`` (both rules work syllable by syllable, so the joined term is
    the same either way round)."""
    return JOIN.join(parts)


def pair(first: str, second: str, before: str = "") -> str:
    """The ``fbig`` term of two adjacent folded syllables; ``before`` is the
    punctuation between them (``ct~tw``), none for words in a row (``uy_ban``).
    Ranking scores only the first kind; a phrase matches either."""
    return f"{first}{ACROSS if before else JOIN}{second}"


def pair_forms(first: str, second: str) -> tuple[str, str]:
    """Both ``fbig`` terms two adjacent syllables can have: a phrase typed as
    ``a b`` matches ``a b`` and ``a-b`` in the text alike."""
    return f"{first}{JOIN}{second}", f"{first}{ACROSS}{second}"


def adjacent_pairs(forms, befores) -> list[str]:
    """The ``fbig`` terms of a run of folded syllables, ``befores[k]`` the
    punctuation before ``forms[k]``: of a paragraph, or of a query as typed."""
    # pair()'s rule, inlined: a Python call per syllable of every paragraph
    return [f"{a}{ACROSS if b else JOIN}{c}" for a, c, b in zip(forms, forms[1:], befores[1:])]


def query_terms(runs, with_accents: bool, max_compound: int):
    """What a query typed as ``runs`` (each a sequence of ``(syllable,
    punctuation before it)``) asks of the pair and compound fields:
    ``(fbig terms, [(field, candidate compound)])``. Compounds are only
    candidates (the ranker keeps those the lexicon holds); like pyvi's words
    (``compound_spans``), none crosses punctuation."""
    pairs, compounds = [], []
    for run in runs:
        fold_forms = [folded(w) for w, _ in run]
        befores = [b for _, b in run]
        pairs += adjacent_pairs(fold_forms, befores)
        sequences = [("fcomp", fold_forms)]
        if with_accents:
            sequences.append(("comp", [accented(w) for w, _ in run]))
        for fieldname, forms in sequences:
            for n in range(2, max_compound + 1):
                for i in range(len(forms) - n + 1):
                    if not any(befores[i + 1:i + n]):
                        compounds.append((fieldname, compound(forms[i:i + n])))
    return pairs, compounds


# --- every field of a paragraph in one pass ------------------------------------
#
# The Whoosh analyzers (analyzers.py) run one field at a time, a Token object
# per syllable per field, and would ask pyvi about the same paragraph twice
# (comp and fcomp). Indexing needs only each field's terms and their counts:
# ``index_terms`` derives all five from one scan and one pyvi call, each
# distinct syllable's forms computed once. The indexer uses it while the
# schema's analyzers are analyzers.FIELD_ANALYZERS; tests/test_analysis.py
# holds the two to the same terms.


@lru_cache(maxsize=500_000)
def _syllable_forms(word: str) -> tuple[str, str, str]:
    """(accented, folded, pyvi's tone placement) of one syllable."""
    return accented(word), folded(word), canonical_tones(word, modern=True)


@lru_cache(maxsize=500_000)
def _compound_forms(raw: str) -> tuple[str, str]:
    """(comp term, fcomp term) of syllables joined as written."""
    return accented(raw), folded(raw)


def index_terms(value: str) -> tuple[Counter, Counter, Counter, Counter, Counter]:
    """Term counts of ``value`` for the fields syl, fold, comp, fcomp, fbig."""
    return tuple(map(Counter, index_term_lists(value)))


def index_term_lists(value: str) -> tuple[tuple, tuple, tuple, tuple, list]:
    """``index_terms`` before counting: each field's terms, a term as often
    as it occurs (the indexer counts them for a whole segment at once)."""
    words, befores = syllable_words(value)  # syllables' words, without offsets
    if not words:
        return (), (), (), (), []
    accent, fold_terms, modern = zip(*map(_syllable_forms, words))
    fbig = adjacent_pairs(fold_terms, befores)
    comp, fcomp, digits = compounds_and_digits(words, befores, modern)
    return accent + digits, fold_terms + digits, comp, fcomp, fbig


def compounds_and_digits(words, befores, modern) -> tuple[tuple, tuple, tuple]:
    """``(comp terms, fcomp terms, digits)`` of a paragraph's syllables
    (``syllable_words``'s, ``modern`` their pyvi forms: ``_syllable_forms``);
    the digits go to both syllable fields (``index_term_lists``)."""
    spans = compound_spans(list(zip(words, befores)), modern)
    compounds = [_compound_forms(compound(words[s:e])) for s, e in spans]
    # Numbers after an ordinal word also as digits (lần thứ tám: 8), in the
    # syllable fields only: pairs and compounds stay as written.
    digits = tuple(str(v) for _s, _e, v in ordinals(words))
    comp, fcomp = zip(*compounds) if compounds else ((), ())
    return comp, fcomp, digits


@lru_cache(maxsize=1)
def analysis_version() -> str:
    """A digest of what the analysis makes of a probe text (``probe.txt``:
    old and new tone placement, NFD, codes, numbers, compounds, punctuation),
    through ``index_terms`` and through every field's Whoosh analyzer.

    Derived, not bumped by hand: an index whose manifest records another
    version was analysed by other rules (or another pyvi) and is rebuilt.
    """
    from .analyzers import FIELD_ANALYZERS

    digest = hashlib.sha256()
    for line in PROBE.read_text(encoding="utf-8").splitlines():
        for counts in index_terms(line):
            digest.update(repr(sorted(counts.items())).encode())
        for name, make in FIELD_ANALYZERS.items():
            digest.update(repr((name, [t.text for t in make()(line)])).encode())
    return digest.hexdigest()[:16]
