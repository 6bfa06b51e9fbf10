"""Recent search results, per process, for requests that repeat.

People page back and forth and ask the popular questions again; a result is
kept under the index generation it came from and the exact request (query
text, limit, offset, filters). When ``current`` points at a new generation
everything kept is dropped. Bounded by entries and by the characters held.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from search.facets import Filters
from search.store import current_generation

DEFAULT_ENTRIES = 1000
MAX_CHARS = 4_000_000  # ~ 8-16 MB of result text per process


def _size(result: dict) -> int:
    return 200 + sum(len(h["text"]) + len(h["snippet"]) + 200 for h in result["hits"])


class SearchCache:
    def __init__(self, engine, max_entries: int = DEFAULT_ENTRIES, max_chars: int = MAX_CHARS):
        self.engine = engine
        self.max_entries, self.max_chars = max_entries, max_chars
        self._lru: OrderedDict = OrderedDict()
        self._chars = 0
        self._generation = None
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def search(self, text: str, limit: int = 10, offset: int = 0,
               filters: Filters = Filters()) -> dict:
        if self.max_entries <= 0:
            return self.engine.search(text, limit=limit, offset=offset, filters=filters)
        started = time.perf_counter()
        # The engine reads `current` after this: what it answers is from this
        # generation or a newer one, never older than the key says.
        gen = current_generation(self.engine.index_dir)
        key = (text, limit, offset, filters)
        with self._lock:
            if gen != self._generation:
                self._lru.clear()
                self._chars = 0
                self._generation = gen
            kept = self._lru.get(key)
            if kept is not None:
                self._lru.move_to_end(key)
                self.hits += 1
        if kept is not None:
            return dict(kept[0], took_ms=round((time.perf_counter() - started) * 1000, 3))
        result = self.engine.search(text, limit=limit, offset=offset, filters=filters)
        size = _size(result)
        with self._lock:
            self.misses += 1
            if gen == self._generation and key not in self._lru and size <= self.max_chars:
                self._lru[key] = (result, size)
                self._chars += size
                while len(self._lru) > self.max_entries or self._chars > self.max_chars:
                    _, (_, old_size) = self._lru.popitem(last=False)
                    self._chars -= old_size
        return result
