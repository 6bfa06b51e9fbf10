"""The one way the engine bounds a cache that threads share: a least recently
used cache, weighed by what its values hold (cachetools), behind a lock.

Pure functions of a word (tone placement, folding) are memoized with
``functools.lru_cache`` instead, bounded by entries: the same eviction, in C,
for values of about one size. A paragraph's scan is not of one size (3 KB to
12 MB: query/highlight.py), so it is kept here, weighed in bytes.
"""

from __future__ import annotations

import threading

from cachetools import LRUCache


class SharedLRU:
    """``get(key, load)``: the cached value, or ``load()``'s, kept while the
    values' total ``weigh`` stays within ``budget``."""

    def __init__(self, budget: int, weigh=lambda value: 1):
        self._cache = LRUCache(maxsize=budget, getsizeof=weigh)
        self._weigh = weigh
        self._lock = threading.Lock()

    def get(self, key, load):
        value = self.lookup(key)
        if value is None:
            value = load()  # outside the lock: loads of different keys overlap
            self.put(key, value)
        return value

    def lookup(self, key):
        """The value kept for ``key`` (now the most recently used), or None."""
        with self._lock:
            return self._cache.get(key)

    def put(self, key, value) -> None:
        if self._weigh(value) <= self._cache.maxsize:  # else it would evict all and not fit
            with self._lock:
                self._cache[key] = value

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    @property
    def budget(self) -> int:
        return self._cache.maxsize

    @property
    def weight(self) -> int:
        return self._cache.currsize

    def __len__(self) -> int:
        return len(self._cache)
