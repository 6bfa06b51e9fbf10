"""A term's postings for the ranking (query/ranking.py): read once per
generation from each segment's flat postings (index/hot.py), or through
Whoosh for a segment written without them, and kept in the generation's
cache with their BM25 computed where asked for (query/bm25.py).
"""

from __future__ import annotations

from math import log

import numpy as np

from ..index.hot import term_key
from .bm25 import B, K1, TermScores
from .generation import Generation
from .whoosh_read import EMPTY, leaves, read_postings, segment_id


class TermPostings:
    """Reads and keeps terms' postings for one searcher (one thread) of a
    generation."""

    def __init__(self, searcher, generation: Generation):
        self.searcher = searcher
        self.cache = generation.postings
        self.leaves = leaves(searcher)
        self.hot = [generation.hot.get(segment_id(r)) for r, _ in self.leaves]
        self.n = generation.n
        self.avg_length, self.length = generation.avg_length, generation.length
        self.generation = generation
        # BM25's length norm of every paragraph, per field: the same float32
        # operations in the same order as on a term's postings, done once.
        self.norm = generation.shared("bm25-norm", lambda: {
            f: K1 * ((1 - B) + B * length / self.avg_length[f]) for f, length in self.length.items()})

    def postings(self, fieldname: str, text: str):
        """(docnums, BM25 scores) of one term, read once per generation
        (the scores, TermScores, depend only on the term and the index)."""
        def load():
            keyed = term_key(fieldname, text)
            parts = [self._read(k, fieldname, text, True, keyed) for k in range(len(self.leaves))]
            parts = [(p, self.leaves[k][1]) for k, p in enumerate(parts) if len(p[0])]
            if not parts:
                return EMPTY
            if len(parts) == 1 and not parts[0][1]:
                ids, tf = parts[0][0]
            else:
                # One pass a segment: its numbers moved by its offset
                # straight into the whole array (an add, then a
                # concatenation, were two).
                ids = np.empty(sum(len(p[0]) for p, _ in parts), dtype=np.int32)
                at = 0
                for (local, _), offset in parts:
                    np.add(local, np.int32(offset), out=ids[at:at + len(local)])
                    at += len(local)
                tf = np.concatenate([p[1] for p, _ in parts])
            # Whoosh's idf (scoring.WeightingModel.idf), from the postings
            # in hand: a term's document frequency is its count of postings,
            # deleted paragraphs included, as Whoosh counts it. Asking the
            # searcher looked the term up again in every segment and kept it
            # in the searcher's dict, which grew with every distinct term.
            idf = log(self.n / (len(ids) + 1)) + 1
            # idf * (K1 + 1) * tf / (tf + norm) in float32, computed where
            # asked for (query/bm25.py).
            return ids, TermScores(ids, tf, self.norm[fieldname], idf * (K1 + 1))

        return self.cache.get((fieldname, text), load)

    def term(self, fieldname: str, text: str, boost: float = 1.0):
        """(docnums, BM25 scores) of one term; the docnums as intp, numpy's
        own index type: kept as int32, every scatter and gather with them
        converted them again, and took twice as long (timeit, 50,000 of
        100,000: 160 -> 97 us)."""
        ids, scores = self.postings(fieldname, text)
        ids = ids.astype(np.intp)
        return (ids, scores * np.float32(boost)) if boost != 1.0 else (ids, scores)

    def _read(self, leaf: int, fieldname: str, text: str, local: bool = False, keyed=None):
        """(docnums, frequencies) of a term in one segment: from its flat
        postings (index/hot.py), where a term not found is in none of its
        paragraphs; through Whoosh for a field or segment written without.
        The frequencies as stored (a byte, mostly: TermScores converts the
        ones it scores); ``local``: the docnums not yet moved by the
        segment's offset; ``keyed``: the term's ``term_key``, made once for
        every segment."""
        reader, offset = self.leaves[leaf]
        hot = self.hot[leaf]
        if hot is not None:
            got = hot.get(fieldname, text, keyed)
            if got is not None:
                # Paragraph numbers as int32 views (a segment holds under
                # 2**31), copied only to add the segment's offset.
                ids = got[0].view(np.int32)
                return (ids + np.int32(offset) if offset and not local else ids), got[1]
            if hot.complete(fieldname):
                return EMPTY
        ids, tf = read_postings(reader, offset, fieldname, text)
        return (ids - np.int32(offset) if offset and local else ids), tf

    def _field_ids(self, fieldname: str, text: str) -> np.ndarray:
        """Paragraphs holding a term of a document field."""
        keyed = term_key(fieldname, text)
        parts = [self._read(k, fieldname, text, keyed=keyed)[0] for k in range(len(self.leaves))]
        return np.concatenate(parts) if parts else EMPTY[0]

    def has(self, fieldname: str, text: str) -> bool:
        """Whether any paragraph holds the term: asked of each segment's
        table of terms when it has one (index/hot.py), without reading or
        keeping anything; most of a query's candidate compounds are in none
        (their empty postings were read and cached)."""
        kept = self.cache.lookup((fieldname, text))
        if kept is not None:
            return len(kept[0]) > 0
        keyed = term_key(fieldname, text)
        for hot in self.hot:
            if hot is None or not hot.complete(fieldname):
                return len(self.postings(fieldname, text)[0]) > 0
            if hot.find(keyed) is not None:
                return True
        return False

    def frequency(self, fieldname: str, text: str) -> int:
        """Paragraphs holding the term, without reading its postings."""
        return sum(reader.doc_frequency(fieldname, text) for reader, _ in self.leaves)
