"""The ranking's last steps over the candidates (query/ranking.py): the
ladder's whole-number rungs summed per paragraph, and the best ``want`` in
order.

    >>> import numpy as np
    >>> cover = np.array([2, 1, 2], dtype=np.uint8)
    >>> ladder([(cover, 10.0, 2)], np.array([0, 1, 2])).tolist()
    [20.0, 10.0, 20.0]
    >>> leading(np.array([20.5, 10.0, 20.5]), np.array([0, 1, 2]), 2).tolist()
    [0, 2]
"""

from __future__ import annotations

import numpy as np

# Combinations of the ladder's counts numbered at most (``ladder``): a table
# of float64, built per query; 4 words with every rung make 1,250.
LADDER_TABLE = 1 << 14


def ladder(rungs: list, candidates: np.ndarray) -> np.ndarray:
    """Per candidate, the sum of each rung's count times its bonus, in
    float64; ``rungs`` are (counts over every paragraph, bonus, the most a
    count can be).

    The counts are few and small, so their combinations are numbered (a
    uint16 per paragraph, a few cheap passes) and each combination's sum is
    looked up in a table of them all: one gather, where a multiply and an add
    in float64 over the candidates each rung took ~40% of the ranking's last
    part (py-spy, distinct queries at 100k). The sums are whole numbers, exact
    in any order: the same floats. A query of many words that could all
    count (more combinations than LADDER_TABLE) sums them one by one.
    """
    size = 1
    for _, _, most in rungs:
        size *= most + 1
    if size > LADDER_TABLE:
        final = np.zeros(len(candidates))
        for counts, bonus, _ in rungs:
            final += counts[candidates] * bonus
        return final
    key = np.zeros(len(rungs[0][0]), dtype=np.uint16)
    table = np.zeros(1)
    stride = 1
    for counts, bonus, most in rungs:
        # table[c0 + s0 * (c1 + s1 * ...)] = c0 * b0 + c1 * b1 + ...
        # (every key is under LADDER_TABLE: uint16 holds it, whatever the counts' type)
        np.add(key, np.multiply(counts, stride, dtype=np.uint16, casting="unsafe") if stride > 1
               else counts, out=key, casting="unsafe")
        table = (table[None, :] + (np.arange(most + 1) * bonus)[:, None]).reshape(-1)
        stride *= most + 1
    # np.take with the uint16 keys as they are: indexing converted them to
    # intp first (36 against 81 us for 60,000 candidates, timeit).
    return np.take(table, key[candidates])


def leading(final: np.ndarray, candidates: np.ndarray, want: int) -> np.ndarray:
    """Indices of the ``want`` best scores, best first; ties in index order,
    so results are stable."""
    want = min(len(candidates), want)
    if 0 < want < len(candidates):
        threshold = -np.partition(-final, want - 1)[want - 1]
        above = np.flatnonzero(final > threshold)
        tied = np.flatnonzero(final == threshold)[:want - len(above)]
        top = np.concatenate([above, tied])
    else:
        top = np.arange(len(candidates))
    return top[np.lexsort((candidates[top], -final[top]))]
