"""Searching an index: the library's one entry point for queries."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path

from ..index.store import IndexChanged, IndexMissing, current_generation, fingerprint
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

    A generation is immutable: before each search its files' size, time and
    inode are compared with those it was opened with (20 us for the seed
    index's four files, measured beside 500-1000 us a search; ~4 us a file).
    Changed, it is opened again and its files checked against the sha256 its
    manifest records (~770 MB/s: ~0.4 s a process for 315 MB at 100k
    paragraphs): restored, it answers again; not, every request gets
    ``IndexChanged`` (the web answers 503) until it is restored or replaced.
    """

    def __init__(self, index_dir: str | Path):
        self.index_dir = Path(index_dir)
        self._local = threading.local()
        self._generations: dict[Path, Generation] = {}
        # Sums of files computed on first open, for generations whose manifest
        # has none (published before it recorded them).
        self._sums: dict[Path, dict[str, str]] = {}
        # A generation found changed: its fingerprint then and why, so that
        # requests get the same answer without hashing it again, until its
        # files change (restored, say).
        self._damaged: dict[Path, tuple[tuple, IndexChanged]] = {}
        self._opens = itertools.count(1)
        self._lock = threading.Lock()
        self._searcher()  # fail now, with a clear message, if there is no index

    def current(self) -> Path:
        """The generation ``current`` points at now (raises ``IndexMissing``,
        or ``IndexChanged`` when its files changed since it was published)."""
        gen = current_generation(self.index_dir)
        self._generation(gen)
        return gen

    def version(self) -> tuple[Path, int]:
        """``current()`` and which opening of it answers: it changes also when
        a generation is opened again under its name (restored), so that what
        was kept from it (web/cache.py) is dropped."""
        gen = current_generation(self.index_dir)
        return gen, self._generation(gen).opened

    def _generation(self, path: Path) -> Generation:
        """The shared, open ``Generation`` of ``path``: opened (its files
        checked against its manifest) the first time, and again when its
        files have changed since: restored, it answers again; still not
        what was published, ``IndexChanged``."""
        generation = self._generations.get(path)
        if generation is not None and not generation.changed():  # stat calls, no lock
            return generation
        with self._lock:
            generation = self._generations.get(path)
            if generation is not None and not generation.changed():
                return generation  # another thread opened it again
            damaged = self._damaged.get(path)
            if damaged is not None and fingerprint(path, damaged[1].watched) == damaged[0]:
                raise damaged[1]  # as found, without hashing it again
            try:
                generation = Generation(path, self._sums.get(path))
            except IndexChanged as e:
                self._generations.pop(path, None)
                self._damaged[path] = (fingerprint(path, e.watched), e)
                raise
            except Exception as e:  # a damaged index: say so, name it
                raise IndexMissing(f"index {path} cannot be opened ({e})") from e
            self._damaged.pop(path, None)
            self._sums[path] = generation.sums
            generation.opened = next(self._opens)
            # Threads still on an older generation keep theirs alive.
            self._generations = {path: generation}
            return generation

    def _searcher(self):
        gen = current_generation(self.index_dir)
        generation = self._generation(gen)
        local = self._local
        if getattr(local, "generation", None) is not generation:
            try:
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
        under the old one went away (a rebuild pruned its generation) or
        changed while it ran (then the retry raises ``IndexChanged``, or
        answers from the files restored)."""
        try:
            return run(self._searcher())
        except IndexMissing:
            raise
        except OSError:
            self.close()
            return run(self._searcher())
        except Exception:
            generation = getattr(self._local, "generation", None)
            if generation is None or not generation.changed():
                raise
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
                return [], 0, 0, None, {}, 0
            ranked = self._local.ranker.rank(parsed, limit, offset, filters)
            hits = [dict(self._hit(searcher.stored_fields(d), score, parsed), exact=exact)
                    for d, score, exact in zip(ranked.docnums, ranked.scores, ranked.exact)]
            return hits, ranked.total, ranked.with_all, self._suggest(text, parsed, ranked.total,
                                                                      searcher), ranked.facets, ranked.exact_total

        hits, total, with_all, suggestion, facets, exact_total = self._with_searcher(run)
        return {
            "query": text,
            "total": total,
            "exact_total": exact_total,
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
