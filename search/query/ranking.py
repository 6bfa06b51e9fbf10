"""Ranking paragraphs for a parsed query, vectorized with numpy.

Whoosh holds the index (lexicon, postings, stored fields); this
module scores. Whoosh's matchers walk postings one document at a time in
Python, which costs tens of milliseconds per common word on 10,000 paragraphs;
here each term's postings are read once into arrays (and cached), and a query
is a few array additions over every paragraph at once.

Above it all, for any query, NUMBER_TIER: one paragraph of each document
whose own number the query names ("05-NQ/TU", "NQ 05"; query/numbers.py).

The ladder, for queries of up to STRICT_MAX_WORDS words each rung worth more
than everything below it can add up to (question words and fillers,
``parse.QUESTION_WORDS``, count neither in the length nor on any rung; nor,
in the length, words a document's fields hold as typed, rung 2):

0. whether every word it matches has the accents as typed       EXACT_TIER
   (always, for a query typed without diacritics; another spelling such
   as UBND or a number's digits counts as exact; not a tier for a query
   with some words typed bare, whose accents are hints: see ``tiered``)
1. how many of the typed words (or phrases) a paragraph has, in its
   text or in its document's fields (title, province, meeting, term,
   dates: index.schema); a word the index does not know, searched
   as its closest known word, counts FUZZY_WEIGHT of one        COVER each
2. how many pairs of words typed in a row its document's fields
   hold in a row: a fact named ("khóa 19", "lần thứ tám" = 8,
   "Lạng Sơn") puts that document's paragraphs before one that has the
   words apart ("khóa XV" and "Covid-19")                       NAMED each
3. how many of them it has in its own text                      TEXT_COVER each
4. how many of them its document's fields have                  DOC_COVER each
5. how many of them it has with the accents as typed            EXACT each
6. BM25F over accented and folded syllables, the query's compounds
   (``uy ban`` -> ``uy_ban``) found in the index's lexicon, and its pairs of
   adjacent syllables
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..analysis.terms import folded, pair, pair_forms, query_terms
from ..lang.text import iy_spellings
from .facets import Filters
from .generation import Generation
from .ladder import Finals, Ladder, Sums
from .numbers import NUMBER_TIER, carriers, leads, named_documents
from .parse import Group, ParsedQuery
from .postings import TermPostings
from .whoosh_read import EMPTY

# Short queries are keywords, each one meant: the ladder is strict. Long ones
# are sentences or questions whose small words ("của", "là", "gì") must not
# outvote the rare ones: there the rungs are only nudges on BM25 (measured on
# UIT-ViQuAD with bench/relevance.py).
STRICT_MAX_WORDS = 4
COVER, NAMED, TEXT_COVER, DOC_COVER, EXACT = 10_000_000.0, 1_000_000.0, 100_000.0, 10_000.0, 1_000.0
SOFT_COVER, SOFT_TEXT_COVER, SOFT_DOC_COVER, SOFT_EXACT = 2.0, 0.0, 0.0, 1.0
# Keywords: paragraphs whose every matched word has the accents as typed
# come before any other (a tier above the ladder): "chè" before every "chế".
# Not for sentences: a question's small words often appear only with other
# accents in the very passage that answers it ("đâu"/"đầu", "nào"/"nao"); a
# tier there took UIT-ViQuAD's MRR@10 (accented questions) from 0.806 to
# 0.514 (bench/relevance.py). They keep the nudge of SOFT_EXACT.
EXACT_TIER = 1e9
# A question word's or filler's BM25, scaled (parse.QUESTION_WORDS).
OPTIONAL_WEIGHT = 0.25
# A word the index does not know is searched as its closest known word
# (query.suggest.corrections): having it counts half of having a typed word,
# on the cover rung and in BM25, so "che thai nguyn" ranks a paragraph with
# chè and Thái (two typed words) before one with chè and nguyên.
FUZZY_WEIGHT = 0.5
EXACT_BOOST = 4.0
COMPOUND_BOOST = 1.0
BIGRAM_BOOST = 2.0
MAX_COMPOUND = 4


@dataclass
class Ranked:
    docnums: list[int]
    scores: list[float]
    total: int      # paragraphs with at least one query word
    with_all: int   # paragraphs with every query word
    facets: dict    # counts per province, term and year over those paragraphs
    # Grouping by document (engine.py, group="doc") reads the whole ranking:
    # every matching paragraph, the scores of those it asks for
    # (``finals.at``), and ``order(k)``: the indices into ``candidates`` of
    # the k first in rank order.
    candidates: np.ndarray | None = None
    finals: Finals | None = None
    order: Callable[[int], np.ndarray] | None = None
    exact: list[bool] = field(default_factory=list)  # per docnum: every matched word as typed
    # per candidate: some accented word matched another way (made when asked for)
    late: Callable[[], np.ndarray] = lambda: np.zeros(0, dtype=bool)
    exact_total: int = 0      # paragraphs matched with the accents as typed
    documents: int = 0        # distinct documents of the ``total`` paragraphs
    # distinct documents of the exact ones, counted when asked for (grouped
    # by document only: a count over every paragraph, ~3 % of a request)
    exact_documents: Callable[[], int] = lambda: 0


class Ranker(TermPostings):
    """Scores queries against one searcher (one thread) of a generation."""

    def __init__(self, searcher, generation: Generation):
        super().__init__(searcher, generation)
        self.alive, self.facets = generation.alive, generation.facets
        self.doc_of, self.documents = generation.doc_of, generation.document_count
        self.runs = generation.runs

    def phrase_docs(self, fieldname: str, words: tuple[str, ...]) -> np.ndarray:
        """Paragraphs with ``words`` adjacent: those holding every adjacent pair
        (fbig, with or without punctuation between), and for accented words
        every word as typed. Exact for two syllables; for more, a paragraph
        with each pair but never the whole run would also count, which
        sentences of real text almost never do."""
        def load():
            ids = None
            # Accented words in either spelling of i/y ("kỹ năng" is "kĩ năng").
            syllables = [iy_spellings(folded(w)) if fieldname == "syl" else (folded(w),)
                         for w in words]
            sets = [np.unique(np.concatenate([self.postings("fbig", term)[0]
                                              for x in a for y in b for term in pair_forms(x, y)]))
                    for a, b in zip(syllables, syllables[1:])]
            if fieldname == "syl":
                sets += [self.postings("syl", w)[0] for w in words]
            for docs in sorted(sets, key=len):
                ids = docs if ids is None else np.intersect1d(ids, docs, assume_unique=True)
                if not len(ids):
                    break
            return ids, EMPTY[1]

        return self.cache.get(("phrase", fieldname, words), load)[0]

    def group(self, g: Group):
        """Per paragraph having the group in its text: (docnums, BM25, exact
        docnums, exact BM25, docnums matched by another spelling, the
        docnums as a fresh mask over every paragraph)."""
        ids, score, eids, escore, has = self._spelling(g)
        if g.fuzzy and g.exact is not None:
            # A correction keeps the typed tone mark: only that form counts
            # ("chóo" may become chó, never chò).
            ids, score, has = eids, escore, None
        alt_ids = EMPTY[0]
        if g.alternatives:
            # UBND for ủy ban nhân dân: a paragraph has the group if it has any
            # spelling, scored by its best.
            best = np.zeros(self.n, dtype=np.float32)
            has = np.zeros(self.n, dtype=bool)
            alt = np.zeros(self.n, dtype=bool)
            best[ids] = score
            has[ids] = True
            for spelling in g.alternatives:
                a_ids, a_score, *_ = self._spelling(Group(spelling, None))
                best[a_ids] = np.maximum(best[a_ids], a_score)
                has[a_ids] = alt[a_ids] = True
            ids = np.flatnonzero(has)
            score = best[ids]
            alt_ids = np.flatnonzero(alt)
        if has is None:
            has = np.zeros(self.n, dtype=bool)
            has[ids] = True
        return ids, score, eids, escore, alt_ids, has

    def doc_group(self, g: Group) -> tuple[np.ndarray | None, np.ndarray | None]:
        """(documents whose fields have the group, those having it with the
        accents as typed), as masks over document numbers
        (``Generation.doc_of``); None for none. Another spelling (UBND, a
        number's digits) counts as exact."""
        alts = [self._doc_codes("dfold", a) for a in g.alternatives]
        codes = self._doc_codes("dfold", g.folded)
        exact = codes if g.exact is None else self._doc_codes("dsyl", g.exact)
        # "sĩ" names a title's "sỹ" (_spelling); a correction only as typed.
        found = (exact,) if g.fuzzy else (codes, exact)
        return self._doc_mask(*found, *alts), self._doc_mask(exact, *alts)

    def _doc_mask(self, *codes: np.ndarray) -> np.ndarray | None:
        """Documents in any of ``codes``, as a mask; None for none."""
        if not any(len(c) for c in codes):
            return None
        docs = np.zeros(self.documents, dtype=bool)
        for c in codes:
            docs[c] = True
        return docs

    def _named(self, words) -> tuple[np.ndarray | None, set[int]]:
        """Per paragraph, how many pairs of ``words`` typed in a row its
        document's fields hold in a row (``dbig``: "khoa_19"; None when no
        document holds any); and the indices of the words in a pair some
        document holds. Counted per document, then spread once (a byte a
        paragraph)."""
        per_doc = None
        naming: set[int] = set()
        for k, (a, b) in enumerate(zip(words, words[1:])):
            if a.optional or b.optional:
                continue
            codes = self._doc_codes("dbig", (pair(a.folded[-1], b.folded[0]),))
            if len(codes):
                if per_doc is None:
                    per_doc = np.zeros(self.documents, dtype=np.uint8)
                per_doc[codes] += 1
                naming |= {k, k + 1}
        return (None if per_doc is None else self.runs.spread(per_doc)), naming

    def _doc_codes(self, fieldname: str, words: tuple[str, ...]) -> np.ndarray:
        """Documents whose fields hold every one of ``words``."""
        def load():
            codes = None
            for w in words:
                # A mask over documents: sorting to make them unique cost
                # more than the lookups (py-spy, distinct queries at 100k).
                found = np.zeros(self.documents, dtype=bool)
                found[np.take(self.doc_of, self._field_ids(fieldname, w))] = True
                codes = found if codes is None else codes & found
                if not codes.any():
                    break
            return np.flatnonzero(codes).astype(np.int32)

        return self.generation.doc_codes.get((fieldname, words), load)

    def _spelling(self, g: Group):
        ids, score = self._match("fold", g.folded)
        if g.exact is None:
            return ids, score, None, None, None
        eids, escore = self._match("syl", g.exact, EXACT_BOOST)
        # The exact form can match where the folded one does not: "sĩ" finds
        # "sỹ" (one term in syl, analysis.terms.accented), folded "si" and "sy".
        # (Masks over every paragraph, not setdiff1d/isin: those sort.)
        folded_has = np.zeros(self.n, dtype=bool)
        folded_has[ids] = True
        outside = ~folded_has[eids]
        if outside.any():
            dense = np.zeros(self.n, dtype=np.float32)
            dense[ids] = score
            dense[eids[outside]] = escore[outside] / np.float32(EXACT_BOOST)
            folded_has[eids] = True
            ids = np.flatnonzero(folded_has)
            score = dense[ids]
        return ids, score, eids, escore, folded_has

    def _docs(self, fieldname: str, words: tuple[str, ...]) -> np.ndarray:
        """Paragraphs having ``words`` (adjacent, when several)."""
        if len(words) > 1:
            return self.phrase_docs(fieldname, words)
        return self.postings(fieldname, words[0])[0]

    def _match(self, fieldname: str, words: tuple[str, ...], boost: float = 1.0):
        """(docnums, BM25) of a word, or of a phrase scored by its words."""
        if len(words) == 1:
            return self.term(fieldname, words[0], boost)
        ids = self._docs(fieldname, words)
        return ids, self._sum_over(ids, [self.term(fieldname, w, boost) for w in words])

    def _sum_over(self, ids: np.ndarray, terms) -> np.ndarray:
        dense = np.zeros(self.n, dtype=np.float32)
        for tids, tscore in terms:
            dense[tids] += tscore
        return dense[ids]

    def rank(self, parsed: ParsedQuery, limit: int, offset: int = 0,
             filters: Filters = Filters()) -> Ranked:
        # Question words and fillers (parse.QUESTION_WORDS) count for nothing
        # on the ladder: not in the query's length, not in any rung. Nor do
        # the words a document's fields hold as typed (NAMED: "hội nghị lần
        # thứ 9", "Lạng Sơn"): what is left says how long the query is. "ai
        # chủ trì hội nghị lần thứ 9" is "chủ trì" asked of meeting 9's
        # document, a keyword query.
        content = [g for g in parsed.positive if not g.optional]
        named, naming = self._named(parsed.words)
        strict = len(content) - len(naming) <= STRICT_MAX_WORDS
        cover_bonus, text_bonus, doc_bonus, exact_bonus = (
            (COVER, TEXT_COVER, DOC_COVER, EXACT) if strict
            else (SOFT_COVER, SOFT_TEXT_COVER, SOFT_DOC_COVER, SOFT_EXACT))
        sums = Sums(self.n)  # the BM25, and the bonuses added with it
        # Counts of the query's groups, one byte each while they fit: a pass
        # over 100,000 of them costs 5 us against int32's 27 (timeit), and
        # the loop below makes three a group.
        counts = np.uint8 if len(parsed.positive) < 256 else np.int32
        cover = np.zeros(self.n, dtype=counts)       # in the paragraph or its document's fields
        fixed = np.zeros(self.n, dtype=counts)       # the same, for corrected words
        in_text = np.zeros(self.n, dtype=counts)     # in the paragraph itself
        in_doc = np.zeros(self.n, dtype=counts)      # in its document's fields
        inexact = np.zeros(self.n, dtype=bool)         # a word matched only with other accents
        exact_hits = np.zeros(self.n, dtype=counts)  # groups found with the accents as typed
        keep = self.alive.copy()
        allowed = self.facets.mask(filters)
        if allowed is not None:
            keep &= allowed
        open_ = keep.copy()  # where a document named by its number may stand (numbers.leads)
        in_fields = False  # some group is in some document's fields
        for i, g in enumerate(parsed.positive):  # quoted phrases first
            ids, s, eids, es, alt_ids, has = self.group(g)
            ids = ids.astype(np.intp, copy=False)  # (a phrase's are not yet: ``term``)
            if g.optional:
                sums.add(ids, s * OPTIONAL_WEIGHT)
                continue
            if i < len(parsed.phrases):  # required, and in the paragraph itself
                keep &= has
            in_text += has  # the ids are distinct: one pass, not a scatter
            sums.add(ids, s * FUZZY_WEIGHT if g.fuzzy else s)
            exact = None
            if g.exact is not None:
                eids = eids.astype(np.intp, copy=False)
                exact = np.zeros(self.n, dtype=bool)
                exact[eids] = True
                if len(eids):
                    exact_hits += exact
                    sums.add(eids, es + exact_bonus, exact_bonus)
                exact[alt_ids] = True
            docs, exact_docs = self.doc_group(g)
            if docs is not None:
                in_fields = True
                doc_has = self.runs.spread(docs)
                in_doc += doc_has
                has |= doc_has
                if exact is not None and exact_docs is not None:
                    exact |= self.runs.spread(exact_docs)
            if g.fuzzy:
                fixed += has
            else:
                cover += has
            if exact is not None and not g.bare:
                inexact |= has > exact  # has, and not exactly (one pass)
        pairs, compounds = query_terms(parsed.runs, parsed.accented, MAX_COMPOUND)
        # Runs of 2-4 query syllables that the index knows as a compound.
        for fieldname, term in compounds:
            if self.has(fieldname, term):
                sums.add(*self.term(fieldname, term, COMPOUND_BOOST))
        for term in dict.fromkeys(pairs):
            sums.add(*self.term("fbig", term, BIGRAM_BOOST))
        for g in parsed.excluded:
            out = self._docs("syl", g.exact) if g.exact is not None else self._docs("fold", g.folded)
            keep[out] = open_[out] = False
        fuzzy = any(g.fuzzy for g in content)
        found = cover + fixed if fuzzy else cover  # how many typed words each has
        keep &= found > 0
        if strict and naming:  # (named is all 0 otherwise)
            sums.add_whole(named, NAMED)
        if filters.accents == "exact":
            keep &= ~inexact
        named_docs = named_documents(self.generation, self.searcher, parsed.numbers)
        if len(named_docs):
            keep[leads(named_docs, self.doc_of, keep, open_, self.documents)] = True
        candidates = np.flatnonzero(keep)
        # The tier is for keywords typed with their accents. A query with
        # some words bare ("tinh giản bien chế", "Đai hội" for Đại hội) was
        # typed half-accented: its accents are hints (EXACT), so that it is
        # never ranked worse than the same query typed without any.
        tiered = strict and not any(g.bare for g in parsed.positive if not g.optional)
        # The rungs are whole numbers, their sum exact in float64 in any
        # order: a rung that is 0 everywhere is left out, and the one
        # rounding is adding the BM25 (the same floats as summing them all).
        most = len(parsed.positive)  # the most any count can be
        rungs = [(cover, cover_bonus, most)]
        if tiered:
            rungs.append((~inexact, EXACT_TIER, 1))
        if fuzzy:
            rungs.append((fixed, cover_bonus * FUZZY_WEIGHT, most))
        if text_bonus:
            rungs.append((in_text, text_bonus, most))
        if doc_bonus and in_fields:
            rungs.append((in_doc, doc_bonus, most))
        # The BM25's additions carry whole numbers too (EXACT, NAMED): with
        # them as rungs, the tiers (Finals) of a keyword query, whose every
        # bonus is a multiple of EXACT.
        bonuses = [bonus for _, bonus, _ in rungs]
        if strict:
            rungs.append((exact_hits, exact_bonus, most))
            if naming:
                rungs.append((named, NAMED, len(parsed.words) - 1))
        finals = Finals(Ladder(rungs), bonuses + [0.0] * (len(rungs) - len(bonuses)),
                        [bonus for _, bonus, _ in rungs], sums, candidates,
                        EXACT if strict and not named_docs.size and filters.sort != "date" else None,
                        keep)
        best = EMPTY[0]
        if len(named_docs):  # the document that bears the number named, first
            best = carriers(named_docs, self.doc_of, candidates, finals.all(), self.documents)
            finals.all()[best] += NUMBER_TIER

        def lateness() -> np.ndarray:
            """Per candidate, some accented word matched another way; never
            the numbered document's paragraph. (Masks, not this gather over
            every candidate, give the counts: ~2 % of a request.)"""
            late = inexact[candidates]
            late[best] = False
            return late

        def order(want: int) -> np.ndarray:
            """Indices into ``candidates`` of the ``want`` first, in order."""
            if filters.sort == "date":
                # The document a number named, then exact, then newest first,
                # the score ordering paragraphs of the same date.
                final = finals.all()
                tier = lateness() if tiered else np.zeros(len(candidates), dtype=bool)
                dates = self.facets.date[candidates]
                return np.lexsort((candidates, -final, -dates, tier, final < NUMBER_TIER))[:want]
            return finals.leading(want)

        top = order(offset + limit)[offset:offset + limit]
        late_top = inexact[candidates[top]]
        late_top[np.isin(top, best)] = False
        ascending = np.argsort(top)  # (Finals.at takes the indices in order)
        top_scores = np.empty(len(top))
        top_scores[ascending] = finals.at(top[ascending])
        # Counted per run of a document's paragraphs (query/runs.py), from
        # masks, not from the candidates' document codes.
        per_run = self.runs.count(keep)

        def exact_documents() -> int:
            exact_mask = keep & ~inexact
            exact_mask[candidates[best]] = True  # the numbered document's paragraph is exact
            return self.runs.documents(self.runs.count(exact_mask), self.documents)
        return Ranked(
            docnums=[int(d) for d in candidates[top]],
            scores=[float(x) for x in top_scores],
            total=len(candidates),
            with_all=int(np.count_nonzero((found == len(content)) & keep)),
            facets=self.facets.counts_by_run(self.runs, per_run),
            candidates=candidates, finals=finals, order=order, late=lateness,
            exact=[not bool(x) for x in late_top],
            exact_total=int(np.count_nonzero(keep & ~inexact)) + int(np.count_nonzero(inexact[candidates[best]])),
            documents=self.runs.documents(per_run, self.documents),
            exact_documents=exact_documents,
        )
