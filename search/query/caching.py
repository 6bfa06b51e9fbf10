"""The one way the engine bounds a cache that threads share: a least recently
used cache, weighed by what its values hold, behind a lock.

Pure functions of a word (tone placement, folding) are memoized with
``functools.lru_cache`` instead, bounded by entries: the same eviction, in C,
for values of about one size. A paragraph's scan is not of one size (3 KB to
12 MB: query/highlight.py), so it is kept here, weighed in bytes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict


class SharedLRU:
    """``get(key, load)``: the cached value, or ``load()``'s, kept while the
    values' total ``weigh`` stays within ``budget``.

    An OrderedDict in recency order, each value kept with its weight: a
    distinct search makes ~25 lookups and ~10 insertions here, and
    cachetools' LRUCache (pure Python, a getsizeof call and a popitem
    override per eviction) cost ~3 % of the request (py-spy, 100k).
    """

    def __init__(self, budget: int, weigh=lambda value: 1):
        self._items: OrderedDict = OrderedDict()  # key -> (value, weight), least recent first
        self._budget = budget
        self._weight = 0
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
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key, value) -> None:
        weight = self._weigh(value)
        if weight > self._budget:  # it would evict all and not fit
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._weight -= old[1]
            self._items[key] = (value, weight)
            self._weight += weight
            while self._weight > self._budget:
                _, (_, dropped) = self._items.popitem(last=False)
                self._weight -= dropped

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._weight = 0

    @property
    def budget(self) -> int:
        return self._budget

    @property
    def weight(self) -> int:
        return self._weight

    def __len__(self) -> int:
        return len(self._items)
