"""Searching an index: the library's one entry point for queries."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.scoring import BM25F

from .highlight import marked_spans, render, snippet
from .query import ParsedQuery, build_queries, parse_query
from .store import IndexMissing, current_generation, read_manifest

MAX_LIMIT = 100
MAX_OFFSET = 1000


class Engine:
    """Answers queries from the index's current generation.

    Each thread keeps one open searcher and reuses it until ``current`` points
    at a new generation; then it opens the new one (Whoosh searchers are not
    meant to be shared between threads).
    """

    def __init__(self, index_dir: str | Path):
        self.index_dir = Path(index_dir)
        self._local = threading.local()
        self._searcher()  # fail now, with a clear message, if there is no index

    def _searcher(self):
        gen = current_generation(self.index_dir)
        local = self._local
        if getattr(local, "generation", None) != gen:
            try:
                ix = whoosh_index.open_dir(str(gen))
                searcher = ix.searcher(weighting=BM25F())
            except Exception as e:  # a damaged index: say so, name it
                raise IndexMissing(f"index {gen} cannot be opened ({e})") from e
            old = getattr(local, "searcher", None)
            local.searcher, local.generation = searcher, gen
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

    def search(self, text: str, limit: int = 10, offset: int = 0) -> dict:
        """Ranked paragraphs for ``text``, in the JSON shape of the API."""
        started = time.perf_counter()
        limit = max(1, min(int(limit), MAX_LIMIT))
        offset = max(0, min(int(offset), MAX_OFFSET))
        parsed = parse_query(text)

        def run(searcher):
            queries = build_queries(parsed, searcher.reader())
            if queries is None:
                return [], 0, "all"
            every, some = queries
            results = searcher.search(every, limit=offset + limit)
            matched = "all"
            if len(results) < offset + limit and len(parsed.positive) > 1:
                # Not a full page with every word: let partial matches in.
                results = searcher.search(some, limit=offset + limit)
                matched = "some"
            hits = [self._hit(h, parsed) for h in results[offset:offset + limit]]
            return hits, len(results), matched

        hits, total, matched = self._with_searcher(run)
        return {
            "query": text,
            "total": total,
            "matched": matched,
            "took_ms": round((time.perf_counter() - started) * 1000, 3),
            "hits": hits,
        }

    @staticmethod
    def _hit(hit, parsed: ParsedQuery) -> dict:
        return {
            "doc_id": hit["doc_id"],
            "title": hit["title"],
            "paragraph": hit["para"],
            "text": hit["text"],
            "snippet": str(snippet(hit["text"], parsed.positive)),
            "score": round(hit.score, 4),
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
            "paragraphs": [
                {"n": f["para"], "text": f["text"],
                 "html": render(f["text"], marked_spans(f["text"], groups))}
                for f in stored
            ],
        }

    def close(self) -> None:
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = self._local.generation = None

