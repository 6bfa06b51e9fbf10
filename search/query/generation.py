"""What every thread answering from one index generation shares, opened once.

A generation never changes once published, so everything derived from it is
computed once, on open, and dropped with it (its files are checked against
the manifest's sha256 on open, and their size, time and inode before each
search: ``changed``): per-paragraph arrays (field
lengths, deletions, facet columns), each segment's hot postings, the accent
model, and the caches of postings and of documents by word. The vocabulary (typos, Telex and
VNI keys, did-you-mean) and the sorted words and compounds for autocomplete
(query/complete.py) are read on first need; a server reads both before it
serves (``Engine.warm``).

Memory a serving process holds, and where each bound is set:

    postings             POSTINGS_BUDGET here       1M postings, ~5 MB at 5 bytes
    documents by word    DOC_CODES_BUDGET here      400k codes, ~3 MB
    per-paragraph arrays  this object, query/ranking.py  ~52 bytes a paragraph (5.2 MB at 100k;
                                                     BM25 length norms 20 of them)
    autocomplete         query/complete.py          6 MB at 100k (20.7 MB while built)
    flat postings        index/hot.py (pread)       page cache, not mapped: no PSS; their
                                                     term tables 20-32 bytes a term
                                                     (~8-12 MB at 100k), read before the fork
    paragraph scans       query/highlight.py SCAN_BUDGET  4 MB, weighed by length (1-2 % of hits now)
    snippet tables        query/fastmarks.py         0.5 MB, and <= 1,024 patterns of ~0.7 KB
    recent results        web/cache.py MAX_CHARS     2M characters, 4-9 MB
    string memos          lru_cache in lang/, analysis/  a few MB
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from pathlib import Path

import numpy as np

from ..index.flatstored import FlatStored
from ..index.hot import HotPostings
from ..index.schema import ANALYZED_FIELDS
from ..index.store import FILES, check_files, fingerprint, read_manifest, watched
from ..lang.restore import MODEL_FILE, AccentModel
from .caching import SharedLRU
from .complete import Completer
from .facets import FacetColumns
from .runs import Runs
from .suggest import Vocabulary
from .whoosh_read import alive, column, field_lengths, id_codes, leaves, open_searcher, segment_id

# Postings kept, counted in postings (5 bytes each, mostly: an int32 docnum
# and the frequency's byte as stored; scored where asked for, query/bm25.py). Frequent terms
# are one read each (hot postings) and cheap to read again; the cache saves
# the slower reads of mid-frequency terms. A term costs ENTRY_WEIGHT more, so that terms the
# index does not hold (looked up for compounds) are bounded too. The cache
# is per worker process: at 100k paragraphs 3M postings held 24 MB in each,
# and distinct queries cost the same CPU with 1M (engine.search, 900
# queries after 600 filling it, two rounds: 11.1 and 12.5 ms with 3M, 10.9
# and 11.2 ms with 1M).
POSTINGS_BUDGET = 1_000_000
ENTRY_WEIGHT = 25
# The documents whose fields hold a word (Ranker._doc_codes), kept apart
# from the postings: a few dozen document codes each (16-34 on average for
# bench/load.py's distinct queries at 100k), each made from the postings of
# every paragraph of those documents (the fields are indexed with each
# paragraph), and evicted by the big postings when they shared a cache,
# though 47-64 % of their lookups were of a word seen before (1,000-4,000
# distinct queries). Counted in codes (4 bytes) plus DOC_ENTRY_WEIGHT a
# word: at most ~3 MB a worker.
DOC_CODES_BUDGET = 400_000
DOC_ENTRY_WEIGHT = 50


def _weigh(value) -> int:
    return len(value[0]) + ENTRY_WEIGHT


def _weigh_codes(codes) -> int:
    return len(codes) + DOC_ENTRY_WEIGHT


class Generation:
    def __init__(self, path: Path, sums: dict[str, str] | None = None):
        """Open ``path``, raising ``IndexChanged`` if its files are not those
        its manifest records (or ``sums``, for a manifest without them)."""
        self.path = path
        self.opened = 0  # which opening this is, set by the engine
        self.manifest = read_manifest(path)
        self.sums, self._fingerprint = check_files(path, self.manifest.get(FILES) or sums)
        model = path / MODEL_FILE
        self.accents = AccentModel.load(model) if model.is_file() else None
        self.postings = SharedLRU(POSTINGS_BUDGET, _weigh)
        self.doc_codes = SharedLRU(DOC_CODES_BUDGET, _weigh_codes)
        searcher = open_searcher(path)
        try:
            parts = leaves(searcher)
            self.n = searcher.doc_count_all()
            live = max(1, searcher.doc_count())
            self.avg_length = {f: max(1e-9, searcher.field_length(f) / live) for f in ANALYZED_FIELDS}
            self.length = {f: field_lengths(parts, self.n, f) for f in ANALYZED_FIELDS}
            self.alive = alive(parts, self.n)
            self.facets = FacetColumns(parts, self.n)
            # Each paragraph's document (a code into doc_ids) and number, for
            # grouping hits by document without reading stored fields.
            self.doc, self.doc_ids = id_codes(parts, self.n, "doc_id")
            self.para = np.zeros(self.n, dtype=np.int32)
            for reader, offset in parts:
                values = column(reader, "para")
                if values is not None:
                    self.para[offset:offset + len(values)] = values
            self.doc_of, self.document_count = self.doc, len(self.doc_ids)
            self.runs = Runs(self.doc_of, *self.facets.columns())
            # Each segment's postings as flat arrays, when written (index/hot.py).
            self.hot = {sid: HotPostings.open(path, sid)
                        for sid in (segment_id(r) for r, _ in parts) if sid is not None}
            # And their stored fields, flat, when written (index/flatstored.py).
            self._stored_at = [offset for _, offset in parts]
            self._stored = [FlatStored.open(path, sid) if sid is not None else None
                            for sid in (segment_id(r) for r, _ in parts)]
        finally:
            searcher.close()
        self._vocabulary: Vocabulary | None = None
        self._completer: Completer | None = None
        self._documents: list | None = None
        self._lock = threading.Lock()
        self._shared: dict = {}

    def stored_fields(self, searcher, docnum: int) -> dict:
        """``searcher.stored_fields(docnum)`` (a searcher of this
        generation), from the segment's flat copy when it has one."""
        k = bisect_right(self._stored_at, docnum) - 1
        flat = self._stored[k]
        if flat is None:
            return searcher.stored_fields(docnum)
        return flat.get(docnum - self._stored_at[k])

    def changed(self) -> bool:
        """Whether a file of the generation was written, replaced or removed
        since it was opened (stat calls: ~10 us for the seed index's files)."""
        return fingerprint(self.path, watched(self.sums)) != self._fingerprint

    def documents(self, searcher) -> list[tuple[str, dict, int]]:
        """``(title, meta, first paragraph's docnum)`` of each document, by
        code (``self.doc``), read from stored fields on first need (the browse
        page): one read a document, ~20 us each."""
        with self._lock:
            if self._documents is None:
                live = np.flatnonzero(self.alive & (self.doc >= 0))
                codes, first = np.unique(self.doc[live], return_index=True)
                out = [("", {}, -1)] * len(self.doc_ids)
                for code, docnum in zip(codes.tolist(), live[first].tolist()):
                    stored = searcher.stored_fields(docnum)
                    out[code] = (stored["title"], stored.get("meta") or {}, docnum)
                self._documents = out
            return self._documents

    def vocabulary(self, reader) -> Vocabulary:
        """The generation's folded words, for did-you-mean (``reader``: any
        open reader of this generation)."""
        with self._lock:
            if self._vocabulary is None:
                self._vocabulary = Vocabulary(reader)
            return self._vocabulary

    def shared(self, key: str, make):
        """``make()``, made once per generation and shared by its threads'
        rankers (query/ranking.py: BM25's length norms)."""
        with self._lock:
            if key not in self._shared:
                self._shared[key] = make()
            return self._shared[key]

    def completer(self, searcher) -> Completer:
        """The generation's words and compounds for autocomplete, built on
        first need (``searcher``: any open searcher of this generation)."""
        with self._lock:
            if self._completer is None:
                self._completer = Completer(searcher)
            return self._completer
