"""The five analysed fields of a segment's paragraphs, gathered by term id.

``analysis.index_term_lists`` gives each field's terms as strings, and the
segment builder looked each one up in its field's term ids: 350 look-ups a
paragraph of corpus-10000, most of them missing the CPU's caches, and the
biggest single line of a one-process build (6 %, py-spy, 2 Dec 2026). Here a
syllable as written is looked up once, for its ``syl`` and ``fold`` ids and
pyvi's form together, and an ``fbig`` pair is kept as its two ``fold`` ids
(and whether punctuation stands between them) until the segment is written,
when each distinct pair becomes its term (``analysis.terms.pair``) once. The
terms are those of ``index_term_lists``, in the same order: the postings,
and so the segment's bytes, are the same (tests/test_segment_builder.py,
tests/test_indexer.py).
"""

from __future__ import annotations

from array import array

import numpy as np

from ..analysis.terms import _syllable_forms, compounds_and_digits, pair
from ..lang.tokens import syllable_words

# An fbig pair's key: first fold id << _FIRST | second << 1 | across.
_FIRST = 32
_ONE = array("I", (1,)).tobytes()


class AnalysedFields:
    """``postings``: the ``_Postings`` of syl, fold, comp, fcomp and fbig,
    in that order (``analyzers.FIELD_ANALYZERS``'), each in whoosh_write's
    columns (term id, docnum, frequency: one a term's occurrence)."""

    def __init__(self, postings):
        self.syl, self.fold, self.comp, self.fcomp, self.fbig = postings
        self.words: dict[str, tuple[int, int, str]] = {}  # syllable -> (syl id, fold id, pyvi form)
        # fbig's postings, made at finish() from the paragraphs of two
        # syllables or more: their syllables' fold ids and whether
        # punctuation stands before each, every paragraph's docnum and
        # syllable count (numpy once a segment rather than a few calls a
        # paragraph: ~6 us a paragraph).
        self.folds, self.across = array("q"), bytearray()
        self.runs, self.sizes = array("I"), array("I")

    def add(self, docnum: int, text: str) -> tuple[int, int, int, int, int]:
        """Paragraph ``docnum``'s terms, as ``index_term_lists(text)``'s;
        returns each field's count of them."""
        words, befores = syllable_words(text)
        if not words:
            return 0, 0, 0, 0, 0
        try:
            syl, fold, modern = zip(*map(self.words.get, words))
        except TypeError:  # a syllable not seen before in this segment
            syl, fold, modern = zip(*[self.words.get(w) or self._learn(w) for w in words])
        comp, fcomp, digits = compounds_and_digits(words, befores, modern)
        n, doc = len(words) + len(digits), array("I", (docnum,))
        for postings, ids in ((self.syl, syl), (self.fold, fold)):
            postings.terms.fromlist(list(ids))
            if digits:
                postings.terms.fromlist(list(map(postings.ids.__getitem__, digits)))
            postings.freqs.frombytes(_ONE * n)
            postings.docs.extend(doc * n)
        self.comp.add_each(docnum, comp)
        self.fcomp.add_each(docnum, fcomp)
        pairs = len(words) - 1
        if pairs:
            self.folds.fromlist(list(fold))
            self.across.extend(map(bool, befores))
            self.runs.append(docnum)
            self.sizes.append(len(words))
        return n, n, len(comp), len(fcomp), pairs

    def _learn(self, word: str) -> tuple[int, int, str]:
        accent, folded, modern = _syllable_forms(word)
        entry = self.words[word] = (self.syl.ids[accent], self.fold.ids[folded], modern)
        return entry

    def finish(self) -> None:
        """The fbig postings, a paragraph's pairs after another's, each
        distinct pair's term made once."""
        folds = np.frombuffer(self.folds, dtype=np.int64)
        if not len(folds):
            return
        sizes = np.frombuffer(self.sizes, dtype=np.uint32).astype(np.int64)
        keys = folds[:-1] << _FIRST | folds[1:] << 1 | np.frombuffer(self.across, dtype=np.uint8)[1:]
        within = np.ones(len(keys), dtype=bool)
        within[np.cumsum(sizes)[:-1] - 1] = False  # from a paragraph's last syllable to the next's first
        keys = keys[within]
        self.fbig.docs.frombytes(np.repeat(np.frombuffer(self.runs, dtype=np.uint32), sizes - 1).tobytes())
        self.fbig.freqs.frombytes(_ONE * len(keys))
        distinct, which = np.unique(keys, return_inverse=True)
        names = [""] * len(self.fold.ids)
        for term, i in self.fold.ids.items():
            names[i] = term
        ids, mask = self.fbig.ids, (1 << _FIRST - 1) - 1
        terms = np.array([ids[pair(names[k >> _FIRST], names[k >> 1 & mask], k & 1)]
                          for k in distinct.tolist()], dtype=np.uint32)
        self.fbig.terms.frombytes(terms[which.ravel()].tobytes())
        self.folds, self.across, self.runs, self.sizes = array("q"), bytearray(), array("I"), array("I")
