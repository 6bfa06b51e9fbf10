"""Ranking paragraphs for a parsed query, vectorized with numpy.

Whoosh holds the index (lexicon, postings, stored fields); this
module scores. Whoosh's matchers walk postings one document at a time in
Python, which costs tens of milliseconds per common word on 10,000 paragraphs;
here each term's postings are read once into arrays (and cached), and a query
is a few array additions over every paragraph at once.

The ladder, for queries of up to STRICT_MAX_WORDS words each rung worth more
than everything below it can add up to:

1. how many of the typed words (or phrases) a paragraph has     COVER each
2. how many of them it has with the accents as typed            EXACT each
3. BM25F over accented and folded syllables, the query's compounds
   (``uy ban`` -> ``uy_ban``) found in the index's lexicon, and its pairs of
   adjacent syllables
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length

from .facets import FacetColumns, Filters
from .hot import HotPostings
from .query import Group, ParsedQuery
from .schema import ANALYZED_FIELDS
from .text import fold

# Short queries are keywords, each one meant: the ladder is strict. Long ones
# are sentences or questions whose small words ("của", "là", "gì") must not
# outvote the rare ones: there the rungs are only nudges on BM25 (measured on
# UIT-ViQuAD with bench/relevance.py).
STRICT_MAX_WORDS = 4
COVER, EXACT = 1_000_000.0, 1_000.0
SOFT_COVER, SOFT_EXACT = 2.0, 1.0
EXACT_BOOST = 4.0
COMPOUND_BOOST = 1.0
BIGRAM_BOOST = 2.0
MAX_COMPOUND = 4
K1, B = 1.2, 0.75
FIELDS = ANALYZED_FIELDS
_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
# Paragraph numbers as int32: half the memory of the cache, faster scatters.
_EMPTY = (np.zeros(0, np.int32), np.zeros(0, np.float32))


class PostingCache:
    """Term postings as arrays, shared by the threads of one index generation.

    Bounded by the number of postings held, least recently used out first:
    the common words, which are the expensive ones to read, stay.
    """

    # 24 MB of arrays a process: frequent terms are memory-mapped (hot.py)
    # and cheap to read again; the cache saves their scoring, and the slow
    # reads of mid-frequency terms.
    def __init__(self, max_postings: int = 3_000_000, max_terms: int = 200_000):
        self.max_postings = max_postings
        self.max_terms = max_terms  # terms not in the index are cached too
        self._held = 0
        self._lru: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._once: dict = {}

    def once(self, key, compute):
        """``compute()`` the first time ``key`` is asked for, then the same value:
        per-paragraph arrays every thread of a generation can share."""
        with self._lock:
            if key not in self._once:
                self._once[key] = compute()
            return self._once[key]

    def get(self, key, load):
        with self._lock:
            hit = self._lru.get(key)
            if hit is not None:
                self._lru.move_to_end(key)
                return hit
        value = load()
        with self._lock:
            if key not in self._lru:
                self._lru[key] = value
                self._held += len(value[0])
                while (self._held > self.max_postings or len(self._lru) > self.max_terms) \
                        and len(self._lru) > 1:
                    _, old = self._lru.popitem(last=False)
                    self._held -= len(old[0])
        return value


def _read_postings(reader, offset: int, fieldname: str, text: str):
    """All (docnum, term frequency) of a term in one segment, block by block.

    Uses whoosh3's leaf matcher internals (pinned whoosh3==3.54.0): reading a
    whole block's ids and weights at once is what makes this fast.
    """
    btext = text.encode("utf-8")
    if (fieldname, btext) not in reader:
        return _EMPTY
    m = reader._terms.matcher(fieldname, btext, reader.schema[fieldname].format)
    ids, weights = [], []
    while m.is_active():
        m._read_ids()
        m._read_weights()
        ids.append(np.asarray(m._ids, dtype=np.int32))
        weights.append(np.asarray(m._weights, dtype=np.float32))
        m._next_block()
    if not ids:
        return _EMPTY
    return np.concatenate(ids) + offset, np.concatenate(weights)


@dataclass
class Ranked:
    docnums: list[int]
    scores: list[float]
    total: int      # paragraphs with at least one query word
    with_all: int   # paragraphs with every query word
    facets: dict    # counts per province, term and year over those paragraphs


class Ranker:
    """Scores queries against one searcher (one thread, one generation)."""

    def __init__(self, searcher, cache: PostingCache, folder: Path | None = None):
        self.searcher = searcher
        self.cache = cache
        # An empty index has one leaf with no segment behind it: nothing to read.
        self.leaves = [(s.reader(), offset) for s, offset in searcher.leaf_searchers()
                       if s.reader().doc_count_all()]
        # Each segment's frequent terms as flat arrays (hot.py), when written.
        self.hot = [cache.once(("hot", r.segment().segment_id()),
                               lambda r=r: HotPostings.open(folder, r.segment().segment_id()))
                    if folder is not None and r.segment() is not None else None
                    for r, _ in self.leaves]
        self.n = searcher.doc_count_all()
        live = max(1, searcher.doc_count())
        self.avg_length = {f: max(1e-9, searcher.field_length(f) / live) for f in FIELDS}
        # Read once per generation, not once per thread: seconds at 100,000.
        self.length = cache.once("lengths", lambda: {f: self._lengths(f) for f in FIELDS})
        self.alive = cache.once("alive", self._alive)
        self.facets = cache.once("facets", lambda: FacetColumns(self.leaves, self.n))

    def _alive(self) -> np.ndarray:
        alive = np.ones(self.n, dtype=bool)
        for reader, offset in self.leaves:
            deleted = list(reader.deleted_docs_set)
            if deleted:
                alive[np.asarray(deleted, dtype=np.int64) + offset] = False
        return alive

    def _lengths(self, fieldname: str) -> np.ndarray:
        out = np.zeros(self.n, dtype=np.float32)
        for reader, offset in self.leaves:
            col = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            if col is not None:
                raw = np.frombuffer(bytes(col.load()), dtype=np.uint8)
                out[offset:offset + len(raw)] = _BYTE_TO_LENGTH[raw]
        return out

    def postings(self, fieldname: str, text: str):
        """(docnums, BM25 scores) of one term, read and scored once per
        generation: the scores depend only on the term and the index."""
        def read(leaf: int):
            reader, offset = self.leaves[leaf]
            hot = self.hot[leaf] and self.hot[leaf].get(fieldname, text)
            if hot:
                return hot[0].astype(np.int32) + offset, hot[1].astype(np.float32)
            return _read_postings(reader, offset, fieldname, text)

        def load():
            parts = [read(k) for k in range(len(self.leaves))]
            parts = [p for p in parts if len(p[0])]
            if not parts:
                return _EMPTY
            ids = np.concatenate([p[0] for p in parts])
            tf = np.concatenate([p[1] for p in parts])
            idf = self.searcher.idf(fieldname, text)
            norm = K1 * ((1 - B) + B * self.length[fieldname][ids] / self.avg_length[fieldname])
            return ids, (idf * (K1 + 1) * tf / (tf + norm)).astype(np.float32)

        return self.cache.get((fieldname, text), load)

    def term(self, fieldname: str, text: str, boost: float = 1.0):
        """(docnums, BM25 scores) of one term."""
        ids, scores = self.postings(fieldname, text)
        return (ids, scores * np.float32(boost)) if boost != 1.0 else (ids, scores)

    def phrase_docs(self, fieldname: str, words: tuple[str, ...]) -> np.ndarray:
        """Paragraphs with ``words`` adjacent: those holding every adjacent pair
        (fbig, with or without punctuation between), and for accented words
        every word as typed. Exact for two syllables; for more, a paragraph
        with each pair but never the whole run would also count, which
        sentences of real text almost never do."""
        def load():
            ids = None
            folded = [fold(w) for w in words]
            sets = [np.union1d(self.postings("fbig", f"{a}_{b}")[0],
                               self.postings("fbig", f"{a}~{b}")[0])
                    for a, b in zip(folded, folded[1:])]
            if fieldname == "syl":
                sets += [self.postings("syl", w)[0] for w in words]
            for docs in sorted(sets, key=len):
                ids = docs if ids is None else np.intersect1d(ids, docs, assume_unique=True)
                if not len(ids):
                    break
            return ids, _EMPTY[1]

        return self.cache.get(("phrase", fieldname, words), load)[0]

    def group(self, g: Group):
        """Per paragraph having the group: (docnums, BM25, exact docnums, exact BM25)."""
        ids, score, eids, escore = self._spelling(g)
        if g.alternatives:
            # UBND for ủy ban nhân dân: a paragraph has the group if it has any
            # spelling, scored by its best.
            best = np.zeros(self.n, dtype=np.float32)
            has = np.zeros(self.n, dtype=bool)
            for alt_ids, alt_score, *_ in [(ids, score)] + [
                    self._spelling(Group(alt, None)) for alt in g.alternatives]:
                best[alt_ids] = np.maximum(best[alt_ids], alt_score)
                has[alt_ids] = True
            ids = np.flatnonzero(has)
            score = best[ids]
        return ids, score, eids, escore

    def _spelling(self, g: Group):
        ids, score = self._match("fold", g.folded)
        if g.exact is None:
            return ids, score, None, None
        eids, escore = self._match("syl", g.exact, EXACT_BOOST)
        return ids, score, eids, escore

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

    def has(self, fieldname: str, text: str) -> bool:
        return len(self.postings(fieldname, text)[0]) > 0

    def compounds(self, parsed: ParsedQuery) -> list[tuple[str, str]]:
        """Runs of 2-4 query syllables that the index knows as a compound."""
        groups = parsed.positive
        folded = [s for g in groups for s in g.folded]
        exact = [s for g in groups for s in g.exact] if all(g.exact for g in groups) else []
        out = []
        for fieldname, seq in (("fcomp", folded), ("comp", exact)):
            for n in range(2, MAX_COMPOUND + 1):
                for i in range(len(seq) - n + 1):
                    term = "_".join(seq[i:i + n])
                    if self.has(fieldname, term):
                        out.append((fieldname, term))
        return out

    def rank(self, parsed: ParsedQuery, limit: int, offset: int = 0,
             filters: Filters = Filters()) -> Ranked:
        strict = len(parsed.positive) <= STRICT_MAX_WORDS
        cover_bonus, exact_bonus = (COVER, EXACT) if strict else (SOFT_COVER, SOFT_EXACT)
        score = np.zeros(self.n, dtype=np.float64)
        cover = np.zeros(self.n, dtype=np.int32)
        keep = self.alive.copy()
        allowed = self.facets.mask(filters)
        if allowed is not None:
            keep &= allowed
        for i, g in enumerate(parsed.positive):  # quoted phrases first
            ids, s, eids, es = self.group(g)
            if i < len(parsed.phrases):  # and required
                required = np.zeros(self.n, dtype=bool)
                required[ids] = True
                keep &= required
            score[ids] += s
            cover[ids] += 1
            if eids is not None and len(eids):
                score[eids] += es + exact_bonus
        for fieldname, term in self.compounds(parsed):
            ids, s = self.term(fieldname, term, COMPOUND_BOOST)
            score[ids] += s
        folded = [s for g in parsed.positive for s in g.folded]
        for pair in {f"{a}_{b}" for a, b in zip(folded, folded[1:])}:
            ids, s = self.term("fbig", pair, BIGRAM_BOOST)
            score[ids] += s
        for g in parsed.excluded:
            keep[self._docs("syl", g.exact) if g.exact is not None else self._docs("fold", g.folded)] = False
        keep &= cover > 0
        candidates = np.flatnonzero(keep)
        final = cover[candidates] * cover_bonus + score[candidates]
        if filters.sort == "date":
            # Newest first, the score ordering paragraphs of the same date.
            dates = self.facets.date[candidates]
            top = np.lexsort((candidates, -final, -dates))[offset:offset + limit]
        else:
            top = _best(final, candidates, offset + limit)[offset:offset + limit]
        return Ranked(
            docnums=[int(d) for d in candidates[top]],
            scores=[float(x) for x in final[top]],
            total=len(candidates),
            with_all=int(np.count_nonzero(cover[candidates] == len(parsed.positive))),
            facets=self.facets.counts(candidates),
        )


def _best(final: np.ndarray, candidates: np.ndarray, want: int) -> np.ndarray:
    """Indices of the ``want`` best scores, best first; ties in index order,
    so results are stable."""
    want = min(len(candidates), want)
    if 0 < want < len(candidates):
        threshold = -np.partition(-final, want - 1)[want - 1]
        above = np.flatnonzero(final > threshold)
        tied = np.flatnonzero(final == threshold)[:want - len(above)]
        top = np.concatenate([above, tied])
    else:
        top = np.arange(len(candidates))
    return top[np.lexsort((candidates[top], -final[top]))]
