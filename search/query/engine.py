"""Searching an index: the library's one entry point for queries."""

from __future__ import annotations

import itertools
import os
import stat
import threading
import time
from pathlib import Path

import numpy as np

from dataclasses import replace

from ..analysis.terms import accented, pair
from ..lang.keyboard import decode
from ..lang.text import fold, has_diacritics
from ..lang.tokens import syllables
from ..index.store import IndexChanged, IndexMissing, current_generation, fingerprint
from .facets import Filters
from .generation import Generation
from .highlight import marked_spans, snippet
from .numbers import archive, related, restore_around
from .parse import ParsedQuery, parse_query
from .ranking import Ranked, Ranker
from .suggest import Vocabulary, corrections, did_you_mean
from .whoosh_read import open_searcher

MAX_LIMIT = 100
MAX_OFFSET = 1000
GROUPS = ("none", "doc")
DOCUMENT_SORTS = ("date", "title")
MAX_OTHERS = 50  # paragraph numbers listed with a grouped hit


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
        # One answer at a time in a process (_with_searcher). numpy lets go
        # of the GIL around its loops, hundreds of times an answer; with a
        # second thread waiting for it, each release handed it over, so two
        # answers at once cost each twice the CPU. Measured (gunicorn, 1
        # worker x 4 threads, 4 clients, distinct queries at 100k): 365
        # context switches and 10.5 ms of CPU a request, against 10 and 5.3
        # ms with one thread. Threads waiting here sleep on the lock.
        self._running = threading.RLock()
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
                raise IndexMissing(f"không mở được chỉ mục {path} ({e})") from e
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
                raise IndexMissing(f"không mở được chỉ mục {gen} ({e})") from e
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
        with self._running:
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
               filters: Filters = Filters(), group: str = "none", raw: bool = False) -> dict:
        """Ranked paragraphs for ``text``, in the JSON shape of the API
        (less the rendered snippet: each hit has its ``spans`` and
        ``fragment`` as offsets into its ``text``).

        ``group="doc"``: one hit per document, its best paragraph, with
        ``more`` (how many other paragraphs of it match) and ``others``
        (their numbers, best first, at most ``MAX_OTHERS``); ``limit`` and
        ``offset`` count documents, ordered by their best paragraph's rank.
        Either way ``total`` counts matching paragraphs, ``documents`` the
        documents holding them, and the facets count paragraphs.

        Words typed with the input method off are decoded and words the
        index does not know are corrected (``_typed``): ``decoded`` is the
        query searched after decoding, ``corrected`` maps each corrected
        word to the word searched; both None when nothing was, and always
        with ``raw=True`` (the query searched exactly as typed).
        """
        started = time.perf_counter()
        if group not in GROUPS:
            raise ValueError(f"group must be one of {GROUPS}, not {group!r}")
        limit = max(1, min(int(limit), MAX_LIMIT))
        offset = max(0, min(int(offset), MAX_OFFSET))

        def run(searcher):
            searched, parsed, decoded, corrected = self._typed(text, filters, raw, searcher)
            if parsed.empty:
                return [], 0, 0, 0, 0, None, {}, decoded, corrected
            generation = self._local.generation
            if group == "doc":
                ranked = self._local.ranker.rank(parsed, 1, 0, filters)
                picks = _by_document(ranked, generation, limit, offset)
                exact_total = ranked.exact_documents()
            else:
                ranked = self._local.ranker.rank(parsed, limit, offset, filters)
                picks = [(d, score, None, exact) for d, score, exact
                         in zip(ranked.docnums, ranked.scores, ranked.exact)]
                exact_total = ranked.exact_total
            hits = []
            for d, score, others, exact in picks:
                hit = self._hit(generation.stored_fields(searcher, d), score, parsed)
                hit["exact"] = exact
                if others is not None:
                    hit["more"], hit["others"] = others
                hits.append(hit)
            return (hits, ranked.total, ranked.documents, exact_total, ranked.with_all,
                    self._suggest(searched, parsed, ranked.total, searcher), ranked.facets,
                    decoded, corrected)

        (hits, total, documents, exact_total, with_all, suggestion, facets,
         decoded, corrected) = self._with_searcher(run)
        return {
            "query": text,
            "group": group,
            "total": total,
            "documents": documents,
            "exact_total": exact_total,
            "with_all_words": with_all,
            "suggestion": suggestion,
            "decoded": decoded,
            "corrected": corrected,
            "facets": facets,
            "took_ms": round((time.perf_counter() - started) * 1000, 3),
            "hits": hits,
        }

    def _typed(self, text: str, filters: Filters, raw: bool, searcher):
        """``(text searched, its parsed query, decoded, corrected)``: ``text``
        with its Telex/VNI words decoded when that finds more (``_decode``,
        ``_finds_more``), then its words the index does not know searched as
        their closest known words (``suggest.corrections``), counted below
        typed words (``Group.fuzzy``)."""
        parsed = parse_query(text)
        if raw or parsed.empty:
            return text, parsed, None, None
        vocabulary = self._local.generation.vocabulary(searcher.reader())
        ranker = self._local.ranker
        searched, decoded = text, None
        keys = _decode(text, vocabulary)
        if keys is not None:
            candidate = _relaxed(parse_query(keys), text)
            if _finds_more(ranker, candidate, parsed, filters):
                searched, parsed, decoded = keys, candidate, keys
        marks = has_diacritics(text)
        fixes = corrections(searched, vocabulary, lambda a, b: ranker.frequency("fbig", pair(a, b)), marks)
        if not fixes:
            return searched, parsed, decoded, None
        if decoded:  # what the page says was searched: decoded and corrected
            decoded = _replaced(searched, [(s, e, shown) for s, e, _, _, shown in fixes])
        searched = _replaced(searched, [(s, e, r) for s, e, r, _, _ in fixes])
        parsed = parse_query(searched)
        if decoded:
            parsed = _relaxed(parsed, text)
        # The corrected words, by their folded form. Typed with marks, they
        # match only the form searched (its tone as typed); without, any.
        marked = {fold(w) for _, _, r, _, _ in fixes for w in r.split()}

        def fuzzy(g):
            if len(g.folded) != 1 or g.folded[0] not in marked:
                return g
            return replace(g, fuzzy=True, exact=g.exact if marks else None)

        parsed.words = [fuzzy(g) for g in parsed.words]
        return searched, parsed, decoded, {typed: shown for *_, typed, shown in fixes}

    def _suggest(self, text: str, parsed: ParsedQuery, total: int, searcher) -> str | None:
        """Unknown words corrected when nothing was found; accents restored
        when the query was typed without any."""
        suggestion = None
        generation = self._local.generation
        if not total and not parsed.numbers:  # "NQ" is no typo of "no"
            suggestion = did_you_mean(text, generation.vocabulary(searcher.reader()))
        accents = generation.accents
        if accents is not None and all(g.exact is None for g in parsed.positive):
            suggestion = restore_around(accents.restore, suggestion or text, parsed.numbers) or suggestion
        return suggestion

    def complete(self, prefix: str, limit: int = 8) -> list[str]:
        """Up to ``limit`` (at most 8) completions of what was typed so far,
        from the index's words and compounds, accents aside on the prefix
        ("nghi quy" -> ["nghị quyết", ...]), most paragraphs first
        (query/complete.py)."""
        def run(searcher):
            generation = self._local.generation
            return generation.completer(searcher).complete(prefix, limit, generation.accents)

        return self._with_searcher(run)

    @staticmethod
    def _hit(stored: dict, score: float, parsed: ParsedQuery) -> dict:
        return {
            "doc_id": stored["doc_id"],
            "title": stored["title"],
            "paragraph": stored["para"],
            "text": stored["text"],
            **snippet(stored["text"], parsed.positive, runs=parsed.runs),
            "score": round(score, 4),
            "meta": stored.get("meta") or {},
        }

    def document(self, doc_id: str, highlight: str = "") -> dict | None:
        """The whole document: title and paragraphs, each with the ``spans``
        of ``highlight``'s words; ``cites`` and ``cited_by`` (numbers.related)."""
        def run(s):
            fields = [s.stored_fields(n) for n in s.document_numbers(doc_id=doc_id)]
            return fields, fields and related(self._local.generation, s, doc_id, [f["text"] for f in fields])

        stored, links = self._with_searcher(run)
        if not stored:
            return None
        stored.sort(key=lambda f: f["para"])
        parsed = parse_query(highlight) if highlight else None
        groups = parsed.positive if parsed else []
        runs = parsed.runs if parsed else None
        return {
            "doc_id": doc_id,
            "title": stored[0]["title"],
            "meta": stored[0].get("meta") or {},
            "paragraphs": [
                {"n": f["para"], "text": f["text"],
                 "spans": [list(s) for s in marked_spans(f["text"], groups, runs)]}
                for f in stored
            ],
            **links,
        }

    def documents(self, filters: Filters = Filters(), sort: str = "date", limit: int = 20,
                  offset: int = 0) -> dict:
        """Every document with a paragraph passing ``filters`` (the browse
        page): ``{"total": n, "documents": [{"doc_id", "title", "meta",
        "paragraphs", "file"}]}``, ``paragraphs`` counting those that pass.
        ``sort="date"``: newest first, undated last; ``"title"``: by title,
        accents aside. ``filters.sort`` is not used."""
        if sort not in DOCUMENT_SORTS:
            raise ValueError(f"sort must be one of {DOCUMENT_SORTS}, not {sort!r}")
        limit = max(1, min(int(limit), MAX_LIMIT))
        offset = max(0, int(offset))

        def run(searcher):
            generation = self._local.generation
            keep = generation.alive & (generation.doc >= 0)
            allowed = generation.facets.mask(filters)
            if allowed is not None:
                keep &= allowed
            counts = np.bincount(generation.doc[keep], minlength=len(generation.doc_ids))
            info = generation.documents(searcher)
            dates = generation.facets.date
            present = np.flatnonzero(counts).tolist()
            if sort == "date":
                present.sort(key=lambda c: (not dates[info[c][2]], -int(dates[info[c][2]]),
                                            fold(info[c][0]).lower(), generation.doc_ids[c]))
            else:
                present.sort(key=lambda c: (fold(info[c][0]).lower(), info[c][0], generation.doc_ids[c]))
            files = generation.manifest.get("documents", {})
            return len(present), [
                {"doc_id": generation.doc_ids[c], "title": info[c][0], "meta": info[c][1],
                 "paragraphs": int(counts[c]),
                 "file": (files.get(generation.doc_ids[c]) or {}).get("file")}
                for c in present[offset:offset + limit]]

        total, documents = self._with_searcher(run)
        return {"total": total, "documents": documents}

    def original(self, doc_id: str) -> Path | None:
        """The source file ``doc_id`` was read from, for download: only a
        regular file inside the folder the index was built from (manifest
        ``source`` and the document's ``file``), else None: the index names
        files, it does not hand out any path it is given."""
        manifest = self.manifest
        entry = manifest.get("documents", {}).get(doc_id)
        source = manifest.get("source")
        name = (entry or {}).get("file") or ""
        # A path inside the folder ('/'-separated since issue 14), never out of it.
        if not source or not name or name.startswith("/") or {".", "..", ""} & set(name.split("/")):
            return None
        try:
            root = Path(source).resolve(strict=True)
            path = (root / name).resolve(strict=True)
            regular = stat.S_ISREG(os.stat(path).st_mode)
        except (OSError, RuntimeError, ValueError):
            return None
        return path if regular and path.is_relative_to(root) and path != root else None

    def warm(self, queries=()) -> None:
        """Do now what the first requests would otherwise pay for: open the
        generation (its per-paragraph arrays are read on open), read its
        vocabulary and autocomplete's words (~1 s at 100k paragraphs, so
        that no keystroke waits for them), and cache the postings of
        ``queries``. (Frequent terms need no warming: their postings are
        one read each, index/hot.py.)"""
        searcher = self._searcher()
        self._local.generation.vocabulary(searcher.reader())
        self._local.generation.completer(searcher)
        archive(self._local.generation, searcher)  # who bears and cites which number: ~0.3 s at 2k documents
        for q in queries:
            self.search(q)

    def close(self) -> None:
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = self._local.ranker = self._local.generation = None


def _decode(text: str, vocabulary: Vocabulary) -> str | None:
    """``text`` with each word typed in Telex or VNI keys (``lang.keyboard``)
    decoded, or None when none is. A word is decoded only when the index does
    not know it as typed (GRDP, Covid, names, codes and numbers stay as they
    are) nor as an acronym (all capitals), and knows the syllable it decodes
    to, with its marks ("hooij" -> hội)."""
    out, at = [], 0
    for word, start, end, _ in syllables(text):
        if vocabulary.knows(fold(word)) or (len(word) > 1 and word.isupper()):
            continue
        syllable = decode(word)
        if syllable is None or accented(syllable) not in vocabulary.forms.get(fold(syllable), ()):
            continue
        out += [text[at:start], syllable]
        at = end
    return "".join(out) + text[at:] if out else None


def _replaced(text: str, spans: list[tuple[int, int, str]]) -> str:
    """``text`` with each ``(start, end, new)`` span replaced (in order)."""
    out, at = [], 0
    for start, end, new in spans:
        out += [text[at:start], new]
        at = end
    return "".join(out) + text[at:]


def _relaxed(parsed: ParsedQuery, typed: str) -> ParsedQuery:
    """A decoded query's words that were typed without marks match any
    accents, as they would in the query as typed ("hooij nghi quyet": hội
    exactly, nghi and quyet as any nghị, quyết...)."""
    if has_diacritics(typed):
        return parsed
    loose = [g if g.exact is None or any(has_diacritics(w) for w in g.exact) else replace(g, exact=None)
             for g in parsed.positive]
    parsed.phrases, parsed.words = loose[:len(parsed.phrases)], loose[len(parsed.phrases):]
    return parsed


def _finds_more(ranker: Ranker, decoded: ParsedQuery, typed: ParsedQuery, filters: Filters) -> bool:
    """Whether the decoded query finds more than the query as typed: more
    paragraphs with every word, or as many and more with any."""
    new, old = ranker.rank(decoded, 1, 0, filters), ranker.rank(typed, 1, 0, filters)
    return (new.with_all, new.total) > (old.with_all, old.total)


def _by_document(ranked: Ranked, generation, limit: int, offset: int) -> list:
    """``(docnum, score, (more, others), exact)`` of the best paragraph of each of
    the documents ``offset`` to ``offset + limit``, in rank order.

    The first paragraphs of the ranking are enough: a document whose best
    paragraph is not among the k first ranks after every document that has
    one there. So the k first are read (``ranked.order``, a partition, not
    a sort of every match) and k grows fourfold until they hold enough
    documents; a document's other matches are then sorted for the shown
    documents only.
    """
    candidates, finals = ranked.candidates, ranked.finals
    codes = generation.doc[candidates]
    want = offset + limit
    k = min(len(candidates), max(4 * want, 64))
    while True:
        top = ranked.order(k)
        _, first = np.unique(codes[top], return_index=True)
        if len(first) >= want or k >= len(candidates):
            break
        k = min(len(candidates), 4 * k)
    best = top[np.sort(first)[offset:want]]  # indices into candidates
    if not len(best):
        return []
    shown = codes[best]
    # The shown documents' matching paragraphs, by document, best first.
    wanted = np.zeros(len(generation.doc_ids), dtype=bool)
    wanted[shown] = True
    mine = np.flatnonzero(wanted[codes])  # a gather: np.isin sorted every match
    final = finals.at(mine)  # theirs only (ladder.Finals)
    score = dict(zip(mine.tolist(), final.tolist()))
    mine = mine[np.lexsort((candidates[mine], -final, codes[mine]))]
    bounds = np.searchsorted(codes[mine], np.sort(shown))
    where = dict(zip(np.sort(shown).tolist(), bounds.tolist()))
    count = np.bincount(codes[mine])
    late = ranked.late()
    picks = []
    for i in best.tolist():
        code = int(codes[i])
        start, more = where[code], int(count[code]) - 1
        paras = generation.para[candidates[mine[start + 1:start + 1 + min(more, MAX_OTHERS)]]]
        exact = not bool(late[i])
        picks.append((int(candidates[i]), score[i], (more, paras.tolist()), exact))
    return picks
