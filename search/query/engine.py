"""Searching an index: the library's one entry point for queries."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from ..index.store import IndexMissing, current_generation
from .facets import Filters
from .generation import Generation
from .highlight import marked_spans, snippet
from .parse import ParsedQuery, parse_query
from .ranking import Ranker
from .suggest import did_you_mean
from .whoosh_read import open_searcher

MAX_LIMIT = 100
MAX_OFFSET = 1000


class Engine:
    """Answers queries from the index's current generation.

    Each thread keeps one open searcher and ranker and reuses them until
    ``current`` points at a new generation; then it opens the new one (Whoosh
    searchers are not meant to be shared between threads). The threads of a
    generation share one ``Generation``: its arrays and its postings cache.
    """

    def __init__(self, index_dir: str | Path):
        self.index_dir = Path(index_dir)
        self._local = threading.local()
        self._generations: dict[Path, Generation] = {}
        self._lock = threading.Lock()
        self._searcher()  # fail now, with a clear message, if there is no index

    def current(self) -> Path:
        """The generation ``current`` points at now (raises ``IndexMissing``)."""
        return current_generation(self.index_dir)

    def _generation(self, path: Path) -> Generation:
        with self._lock:
            if path not in self._generations:
                # Threads still on an older generation keep theirs alive.
                self._generations = {path: Generation(path)}
            return self._generations[path]

    def _searcher(self):
        gen = self.current()
        local = self._local
        if getattr(local, "generation", None) is None or local.generation.path != gen:
            try:
                generation = self._generation(gen)
                searcher = open_searcher(gen)
                ranker = Ranker(searcher, generation)
            except Exception as e:  # a damaged index: say so, name it
                raise IndexMissing(f"index {gen} cannot be opened ({e})") from e
            old = getattr(local, "searcher", None)
            local.searcher, local.ranker, local.generation = searcher, ranker, generation
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
        return self._local.generation.manifest

    def search(self, text: str, limit: int = 10, offset: int = 0,
               filters: Filters = Filters()) -> dict:
        """Ranked paragraphs for ``text``, in the JSON shape of the API
        (less the rendered snippet: each hit has its ``spans`` and
        ``fragment`` as offsets into its ``text``)."""
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
        generation = self._local.generation
        if not total:
            suggestion = did_you_mean(text, generation.vocabulary(searcher.reader()))
        accents = generation.accents
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
            **snippet(stored["text"], parsed.positive),
            "score": round(score, 4),
            "meta": stored.get("meta") or {},
        }

    def document(self, doc_id: str, highlight: str = "") -> dict | None:
        """The whole document: title and paragraphs, each with the ``spans``
        of ``highlight``'s words."""
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
                 "spans": [list(s) for s in marked_spans(f["text"], groups)]}
                for f in stored
            ],
        }

    def warm(self, queries=()) -> None:
        """Do now what the first requests would otherwise pay for: open the
        generation (its per-paragraph arrays are read on open), read its
        vocabulary, and cache the postings of ``queries``. (Frequent terms
        need no warming: their postings are memory-mapped, index/hot.py.)"""
        searcher = self._searcher()
        self._local.generation.vocabulary(searcher.reader())
        for q in queries:
            self.search(q)

    def close(self) -> None:
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = self._local.ranker = self._local.generation = None
