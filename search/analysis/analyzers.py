"""The analysis of each indexed field, as Whoosh chains: the ``|`` chain is
the analysis. ``terms.index_terms`` derives the same terms in one pass.

    SyllableTokenizer()                     syllables with exact offsets
    | NumeralFilter()                       lần thứ tám -> + 8, khóa XIX -> + 19
    | ToneFilter()                          hoà -> hòa, uỷ -> ủy
    | FoldFilter()                          Đảng -> dang
    | CompoundFilter()                      Ủy ban nhân dân -> Ủy_ban, nhân_dân
    | BigramFilter()                        uy ban -> uy_ban
"""

from __future__ import annotations

from whoosh.analysis import LowercaseFilter

from .filters import BigramFilter, CompoundFilter, FoldFilter, NumeralFilter, ToneFilter
from .tokenizers import SyllableTokenizer


def syllable_analyzer():
    """Accented syllables: the words exactly as written (canonical tones)."""
    return SyllableTokenizer() | NumeralFilter() | LowercaseFilter() | ToneFilter()


def folded_analyzer():
    """Folded syllables: what an unaccented query matches."""
    return SyllableTokenizer() | NumeralFilter() | FoldFilter()


def compound_analyzer():
    return SyllableTokenizer() | CompoundFilter() | LowercaseFilter() | ToneFilter()


def folded_compound_analyzer():
    return SyllableTokenizer() | CompoundFilter() | FoldFilter()


def folded_bigram_analyzer():
    return SyllableTokenizer() | FoldFilter() | BigramFilter()


# Field name -> analyzer, in the order of terms.index_terms' counters.
FIELD_ANALYZERS = {
    "syl": syllable_analyzer,
    "fold": folded_analyzer,
    "comp": compound_analyzer,
    "fcomp": folded_compound_analyzer,
    "fbig": folded_bigram_analyzer,
}
