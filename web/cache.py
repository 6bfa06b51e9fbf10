"""Recent search results, per process, for requests that repeat.

People page back and forth and ask the popular questions again; a result is
kept under the index generation it came from and the exact request (query
text, limit, offset, filters), from the second time it is asked for (as
nginx's ``proxy_cache_min_uses 2``): the first time only the request is
remembered (SEEN_KEYS of them). Most requests are asked once, and keeping
each of their results only to evict it unused cost the server ~0.13 ms of
CPU a never-repeated request at 100k (3.82 / 3.84 -> 3.71 / 3.68 ms, 8
clients, the two codes in turns), where the engine's answer is ~3.5; the
popular ones are kept from their second asking, and one-off requests no
longer push them out. When the engine's ``current`` generation
changes, or is opened again after its files changed, everything kept is
dropped. Bounded, like the engine's own caches,
by what it holds (``search.query.caching.SharedLRU``): characters of result
text, at most MAX_CHARS (~4-9 MB a process; see search/query/generation.py
for the rest of a process's budget).
"""

from __future__ import annotations

import threading
import time

from search import Filters
from search.query.caching import SharedLRU

DEFAULT_ENTRIES = 1000
# A result page of 10 paragraphs averages about this many characters: the
# budget for ``entries`` results, capped at MAX_CHARS. 4M characters held
# 18.8 MB a worker (tracemalloc, issue 15), and the default server at 100k
# measured 301-315 MB of PSS after bench/load.py's run with it (target 300):
# 2M characters, about 500 result pages a worker, the popular ones.
CHARS_PER_RESULT = 4_000
MAX_CHARS = 2_000_000
# Requests remembered as asked once (a key each, ~0.3 KB: ~6 MB at most).
SEEN_KEYS = 20_000


def _size(result: dict) -> int:
    return 200 + sum(len(h["text"]) + len(h.get("snippet", "")) + 8 * len(h["spans"]) + 200
                     for h in result["hits"])


class SearchCache:
    def __init__(self, engine, max_entries: int = DEFAULT_ENTRIES, max_chars: int = MAX_CHARS,
                 prepare=lambda result: result):
        self.engine = engine
        self.prepare = prepare  # what the web layer adds to a result before keeping it
        self.enabled = max_entries > 0
        # Bounded by characters held: results.budget, results.weight.
        self.results = SharedLRU(min(max_chars, max_entries * CHARS_PER_RESULT), _size)
        self.seen = SharedLRU(SEEN_KEYS)  # requests asked once, not yet kept
        self._generation = None
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def search(self, text: str, limit: int = 10, offset: int = 0,
               filters: Filters = Filters(), group: str = "none", raw: bool = False) -> dict:
        if not self.enabled:
            return self.prepare(self.engine.search(text, limit=limit, offset=offset,
                                                   filters=filters, group=group, raw=raw))
        started = time.perf_counter()
        # The engine reads `current` after this: what it answers is from this
        # generation or a newer one, never older than the key says. A
        # generation opened again (its files were restored) is a new one here.
        gen = self.engine.version()
        with self._lock:
            if gen != self._generation:
                self.results.clear()
                self.seen.clear()
                self._generation = gen
        key = (gen, text, limit, offset, filters, group, raw)
        kept = self.results.lookup(key)
        if kept is not None:
            with self._lock:
                self.hits += 1
            return dict(kept, took_ms=round((time.perf_counter() - started) * 1000, 3))
        result = self.prepare(self.engine.search(text, limit=limit, offset=offset,
                                                 filters=filters, group=group, raw=raw))
        if self.seen.lookup(key) is not None:
            self.results.put(key, result)
        else:
            self.seen.put(key, True)
        with self._lock:
            self.misses += 1
        return result
