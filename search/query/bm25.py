"""A term's BM25 over its postings, computed when asked for: at every
posting, or at a few (query/ladder.py ``Sums.at``: most keyword queries
need the scores of a few dozen paragraphs, not of the 40,000 a frequent
word is in).

    >>> import numpy as np
    >>> s = TermScores(np.array([0, 2], dtype=np.int32), np.array([1, 3], dtype=np.float32),
    ...                np.array([1.2, 1.2, 1.2], dtype=np.float32), 2.2)
    >>> (s * np.float32(2)).at(np.array([1])).tolist() == (s * np.float32(2)).full()[1:].tolist()
    True

Scoring every posting when it was read was ~0.25 ms of a distinct request's
3.8 at 100k (py-spy: the gather of the length norms and three passes),
spent for the few paragraphs that can lead.

The floats are those of scoring every posting: each score is the same
float32 operations on the same operands (tf + norm, tf * factor, their
quotient, then the boosts and weights in the order they were applied), and
elementwise operations give an element the same result whichever others
are computed beside it.
"""

from __future__ import annotations

import numpy as np

# Okapi BM25's parameters, Whoosh's defaults (scoring.BM25F).
K1, B = 1.2, 0.75


class TermScores:
    """``factor * tf / (tf + norm[ids])`` per posting, then ``ops`` (``*``
    and ``+`` by scalars, as applied: ``scores * boost``, ``+ bonus``).

    Behaves as the float32 array of every posting's score where numpy asks
    for one (``np.asarray``, indexing); ``at(positions)`` computes only
    those."""

    __slots__ = ("ids", "tf", "norm", "factor", "ops")

    def __init__(self, ids: np.ndarray, tf: np.ndarray, norm: np.ndarray, factor: float,
                 ops: tuple = ()):
        self.ids, self.tf, self.norm, self.factor, self.ops = ids, tf, norm, factor, ops

    def __len__(self) -> int:
        return len(self.ids)

    def at(self, positions) -> np.ndarray:
        # Frequencies kept as read (uint8, mostly), float32 where scored: the
        # values they were converted to when read, before.
        tf = self.tf[positions].astype(np.float32, copy=False)
        scores = np.add(tf, np.take(self.norm, self.ids[positions]))
        scores = np.divide(np.multiply(tf, self.factor), scores, out=scores)
        for op, x in self.ops:
            scores = scores * x if op == "*" else scores + x
        return scores

    def full(self) -> np.ndarray:
        return self.at(slice(None))

    def __array__(self, dtype=None, copy=None):
        scores = self.full()
        return scores if dtype is None else scores.astype(dtype)

    def __getitem__(self, key):
        return self.full()[key]

    def __mul__(self, x) -> "TermScores":
        return TermScores(self.ids, self.tf, self.norm, self.factor, self.ops + (("*", x),))

    def __add__(self, x) -> "TermScores":
        return TermScores(self.ids, self.tf, self.norm, self.factor, self.ops + (("+", x),))

    def most(self) -> float:
        """At least the largest score: tf / (tf + norm) is under 1 (norm
        is positive), the factor and the scalars positive."""
        most = self.factor
        for op, x in self.ops:
            most = most * float(x) if op == "*" else most + float(x)
        return most * (1 + 1e-6)


def most(values) -> float:
    """At least the largest of ``values`` (TermScores or an array)."""
    return values.most() if isinstance(values, TermScores) else float(values.max())
