"""Searching an index: the library's one entry point for queries."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from whoosh.filedb.filestore import FileStorage

from .facets import Filters
from .highlight import marked_spans, render, snippet
from .query import ParsedQuery, parse_query
from .ranking import PostingCache, Ranker
from .restore import MODEL_FILE, AccentModel
from .store import IndexMissing, current_generation, read_manifest
from .suggest import Vocabulary, did_you_mean

MAX_LIMIT = 100
MAX_OFFSET = 1000


class Engine:
    """Answers queries from the index's current generation.

    Each thread keeps one open searcher and ranker and reuses them until
    ``current`` points at a new generation; then it opens the new one (Whoosh
    searchers are not meant to be shared between threads). The threads of a
    generation share one cache of postings.
    """

    def __init__(self, index_dir: str | Path):
        self.index_dir = Path(index_dir)
        self._local = threading.local()
        self._caches: dict[Path, tuple] = {}
        self._lock = threading.Lock()
        self._searcher()  # fail now, with a clear message, if there is no index

    def _shared(self, gen: Path) -> tuple[PostingCache, AccentModel | None]:
        """What the threads of one generation share: postings, accent model."""
        with self._lock:
            if gen not in self._caches:
                model_file = gen / MODEL_FILE
                model = AccentModel.load(model_file) if model_file.is_file() else None
                # Threads still on an older generation keep theirs alive.
                self._caches = {gen: (PostingCache(), model)}
            return self._caches[gen]

    def _searcher(self):
        gen = current_generation(self.index_dir)
        local = self._local
        if getattr(local, "generation", None) != gen:
            try:
                # Read files, not memory-map them: a map per thread's searcher
                # counted the whole index once per thread in the server's RSS.
                searcher = FileStorage(str(gen), supports_mmap=False).open_index().searcher()
                cache, local.accents = self._shared(gen)
                ranker = Ranker(searcher, cache, gen)
            except Exception as e:  # a damaged index: say so, name it
                raise IndexMissing(f"index {gen} cannot be opened ({e})") from e
            old = getattr(local, "searcher", None)
            local.searcher, local.ranker, local.generation = searcher, ranker, gen
            local.manifest = read_manifest(gen)
            if old is not None:
                old.close()
        return local.searcher

    def _with_searcher(self, run):
        """``run(searcher)``, retried once on a fresh searcher if the files
        under the old one went away (a rebuild pruned its generation)."""
        try:
            return run(self._searcher())
        except OSError:
            self.close()
            return run(self._searcher())

    @property
    def manifest(self) -> dict:
        self._searcher()
        return self._local.manifest

    def search(self, text: str, limit: int = 10, offset: int = 0,
               filters: Filters = Filters()) -> dict:
        """Ranked paragraphs for ``text``, in the JSON shape of the API."""
        started = time.perf_counter()
        limit = max(1, min(int(limit), MAX_LIMIT))
        offset = max(0, min(int(offset), MAX_OFFSET))
        parsed = parse_query(text)

        def run(searcher):
            if parsed.empty:
                return [], 0, 0, None, {}
            ranked = self._local.ranker.rank(parsed, limit, offset, filters)
            hits = [self._hit(searcher.stored_fields(d), score, parsed)
                    for d, score in zip(ranked.docnums, ranked.scores)]
            return hits, ranked.total, ranked.with_all, self._suggest(text, parsed, ranked.total,
                                                                      searcher), ranked.facets

        hits, total, with_all, suggestion, facets = self._with_searcher(run)
        return {
            "query": text,
            "total": total,
            "with_all_words": with_all,
            "suggestion": suggestion,
            "facets": facets,
            "took_ms": round((time.perf_counter() - started) * 1000, 3),
            "hits": hits,
        }

    def _suggest(self, text: str, parsed: ParsedQuery, total: int, searcher) -> str | None:
        """Unknown words corrected when nothing was found; accents restored
        when the query was typed without any."""
        suggestion = None
        if not total:
            suggestion = did_you_mean(text, self._vocabulary(searcher))
        accents = self._local.accents
        if accents is not None and all(g.exact is None for g in parsed.positive):
            suggestion = accents.restore(suggestion or text) or suggestion
        return suggestion

    @staticmethod
    def _hit(stored: dict, score: float, parsed: ParsedQuery) -> dict:
        return {
            "doc_id": stored["doc_id"],
            "title": stored["title"],
            "paragraph": stored["para"],
            "text": stored["text"],
            "snippet": str(snippet(stored["text"], parsed.positive)),
            "score": round(score, 4),
            "meta": stored.get("meta") or {},
        }

    def document(self, doc_id: str, highlight: str = "") -> dict | None:
        """The whole document: title and paragraphs, marked for ``highlight``."""
        stored = self._with_searcher(
            lambda s: [s.stored_fields(n) for n in s.document_numbers(doc_id=doc_id)])
        if not stored:
            return None
        stored.sort(key=lambda f: f["para"])
        groups = parse_query(highlight).positive if highlight else []
        return {
            "doc_id": doc_id,
            "title": stored[0]["title"],
            "meta": stored[0].get("meta") or {},
            "paragraphs": [
                {"n": f["para"], "text": f["text"],
                 "html": render(f["text"], marked_spans(f["text"], groups))}
                for f in stored
            ],
        }

    def _vocabulary(self, searcher) -> Vocabulary:
        """The generation's words, for did-you-mean: read once, shared."""
        return self._local.ranker.cache.once("vocabulary", lambda: Vocabulary(searcher.reader()))

    def warm(self, queries=()) -> None:
        """Do now what the first requests would otherwise pay for: open the
        generation, read its per-paragraph arrays and vocabulary, and cache
        the postings of ``queries``. (Frequent terms need no warming: their
        postings are memory-mapped arrays, hot.py.)"""
        self._vocabulary(self._searcher())
        for q in queries:
            self.search(q)

    def close(self) -> None:
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = self._local.ranker = self._local.generation = None

