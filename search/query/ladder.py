"""The ranking's last steps over the candidates (query/ranking.py): the
ladder's whole-number rungs summed per paragraph, the BM25 kept as the
additions that make it (``Sums``), and the best ``want`` in order.

    >>> import numpy as np
    >>> cover = np.array([2, 1, 2], dtype=np.uint8)
    >>> Ladder([(cover, 10.0, 2)]).values(np.array([0, 1, 2])).tolist()
    [20.0, 10.0, 20.0]
    >>> leading(np.array([20.5, 10.0, 20.5]), np.array([0, 1, 2]), 2).tolist()
    [0, 2]
"""

from __future__ import annotations

import numpy as np

from .bm25 import TermScores, most

# Combinations of the ladder's counts numbered at most (``Ladder``): a table
# of float64, built per query; 4 words with every rung, the exact words
# and the named pairs make 25,000. The keys are uint16.
LADDER_TABLE = 1 << 16
FEW = 256  # paragraphs summed rung by rung, without a table (Ladder.values)


class Ladder:
    """Per paragraph, the sum of each rung's count times its bonus, in
    float64; ``rungs`` are (counts over every paragraph, bonus, the most a
    count can be).

    The counts are few and small, so their combinations are numbered (a
    uint16 per paragraph, a few cheap passes) and each combination's sum is
    looked up in a table of them all: one gather, where a multiply and an add
    in float64 over the candidates each rung took ~40% of the ranking's last
    part (py-spy, distinct queries at 100k). The sums are whole numbers, exact
    in any order: the same floats. A query of many words that could all
    count (more combinations than LADDER_TABLE) sums them one by one.
    ``values(paragraphs, bonuses)`` sums with other bonuses (0: a rung left
    out) over the same numbering.
    """

    def __init__(self, rungs: list):
        self.rungs = rungs
        self._tables: dict = {}
        self._key = None

    @property
    def key(self) -> np.ndarray | None:
        """Each paragraph's combination of counts (None past LADDER_TABLE),
        numbered when first asked for: a query whose leaders are found by
        levels (Finals.tops) and scored a few at a time never needs it."""
        if self._key is None:
            size = 1
            for _, _, most in self.rungs:
                size *= most + 1
            if size > LADDER_TABLE:
                return None
            key = np.zeros(len(self.rungs[0][0]), dtype=np.uint16)
            stride = 1
            for counts, _, most in self.rungs:
                # key = c0 + s0 * (c1 + s1 * ...), under LADDER_TABLE: uint16
                # holds it, whatever the counts' type.
                np.add(key, np.multiply(counts, stride, dtype=np.uint16, casting="unsafe")
                       if stride > 1 else counts, out=key, casting="unsafe")
                stride *= most + 1
            self._key = key
        return self._key

    def values(self, paragraphs: np.ndarray, bonuses=None) -> np.ndarray:
        bonuses = [b for _, b, _ in self.rungs] if bonuses is None else bonuses
        # A few paragraphs (Finals.at): their counts summed, not a table of
        # every combination built for them (~25 us for 5,000 of them).
        if len(paragraphs) <= FEW or self.key is None:
            final = np.zeros(len(paragraphs))
            for (counts, _, _), bonus in zip(self.rungs, bonuses):
                if bonus:
                    final += counts[paragraphs] * bonus
            return final
        # np.take with the uint16 keys as they are: indexing converted them to
        # intp first (36 against 81 us for 60,000 candidates, timeit).
        return np.take(self._table(bonuses), self.key[paragraphs])

    def _table(self, bonuses: list) -> np.ndarray:
        """The sum of every combination, by key (kept per ``bonuses``)."""
        table = self._tables.get(tuple(bonuses))
        if table is None:
            table = np.zeros(1)
            for (_, _, most), bonus in zip(self.rungs, bonuses):
                # table[c0 + s0 * (c1 + ...)] = c0 * b0 + c1 * b1 + ...
                table = (table[None, :] + (np.arange(most + 1) * bonus)[:, None]).reshape(-1)
            self._tables[tuple(bonuses)] = table
        return table


class Sums:
    """The BM25 part of the scores (with the whole-number bonuses some of its
    additions carry), kept as the additions that make it: ``add(ids,
    values)`` is ``score[ids] += values`` over a float64 ``score`` of every
    paragraph, in the order they were made.

    ``dense()`` makes that score; ``at(paragraphs)`` gives the same floats
    for a few paragraphs only, each added the same values in the same order.
    Most queries need only a few (``Ranker.rank``: the paragraphs of the top
    rungs, a median of 30 of 57,000 candidates for the distinct queries at
    100k), and the scatter-adds of every term's postings into the dense
    score were ~0.4 ms of a 4.2 ms request.

    ``bound``: the most the additions can give a paragraph beyond the whole
    numbers they carry (``whole``), each addition's largest value summed.
    """

    def __init__(self, n: int):
        self.n = n
        self.steps: list = []
        self.bound = 0.0
        self.postings = 0

    def add(self, ids: np.ndarray, values: np.ndarray, whole: float = 0.0) -> None:
        """``ids`` ascending and distinct; ``values`` float32 (an array or
        TermScores), each holding ``whole`` (a bonus) plus what BM25 gave."""
        if len(ids):
            self.steps.append((ids, values, None))
            self.bound += most(values) - whole
            self.postings += len(ids)

    def add_whole(self, counts: np.ndarray, bonus: float) -> None:
        """``score += counts * bonus`` over every paragraph."""
        self.steps.append((None, counts, bonus))

    def dense(self) -> np.ndarray:
        score = np.zeros(self.n)
        for ids, values, bonus in self.steps:
            if ids is None:
                score += values * bonus
            else:
                score[ids] += np.asarray(values)
        return score

    def at(self, paragraphs: np.ndarray) -> np.ndarray:
        """``dense()[paragraphs]`` for ascending ``paragraphs``, bit for bit."""
        acc = np.zeros(len(paragraphs))
        for ids, values, bonus in self.steps:
            if ids is None:
                acc += values[paragraphs] * bonus
                continue
            pos = np.searchsorted(ids, paragraphs)
            np.minimum(pos, len(ids) - 1, out=pos)
            hit = ids[pos] == paragraphs
            pos = pos[hit]
            acc[hit] += values.at(pos) if isinstance(values, TermScores) else values[pos]
        return acc


class Finals:
    """Each candidate's final score: its rungs (``Ladder`` with ``bonuses``)
    plus its ``Sums``. Computed for every candidate only when asked
    (``all``); ``leading`` scores only the candidates that can be among the
    best when ``step`` is given: the least difference between two scores'
    whole numbers, which ``tiers`` (the same rungs with the whole numbers
    the sums carry) give every candidate. A candidate's score is its tier
    plus under ``sums.bound`` (BM25 is never negative), so while that bound
    is below the step no candidate of a lower tier can pass one of a higher.
    """

    # Scoring a few paragraphs costs a binary search a paragraph and an
    # addition; every one, a scatter a posting: the few win below about one
    # in SUBSET_COST postings an addition (timeit, 100k paragraphs).
    SUBSET_COST = 16

    # Below this many paragraphs a rung's levels are read from the
    # paragraphs' numbers, not from masks over every paragraph.
    FEW_LEFT = 4096

    def __init__(self, ladder: Ladder, bonuses: list, tiers: list, sums: Sums,
                 candidates: np.ndarray, step: float | None, keep: np.ndarray | None = None):
        self.ladder, self.bonuses, self.tiers, self.sums = ladder, bonuses, tiers, sums
        self.candidates, self.step = candidates, step
        self.keep = keep  # the candidates as a mask over every paragraph, when at hand
        self._all = None

    def all(self) -> np.ndarray:
        """Every candidate's score (kept: the caller may add to it)."""
        if self._all is None:
            self._all = self.ladder.values(self.candidates, self.bonuses)
            self._all += self.sums.dense()[self.candidates]
        return self._all

    def at(self, indices: np.ndarray) -> np.ndarray:
        """``all()[indices]`` for ascending ``indices``, bit for bit."""
        if self._all is not None:
            return self._all[indices]
        paragraphs = self.candidates[indices]
        return self.ladder.values(paragraphs, self.bonuses) + self.sums.at(paragraphs)

    def leading(self, want: int) -> np.ndarray:
        """Indices into the candidates of the ``want`` best, best first (ties
        in the candidates' order): ``leading(all(), candidates, want)``."""
        if self._all is None and self.step is not None and self.sums.bound < 0.999 * self.step:
            some = self.tops(want)
            if len(some) * self.SUBSET_COST * len(self.sums.steps) <= self.sums.postings:
                return some[leading(self.at(some), self.candidates[some], want)]
        return leading(self.all(), self.candidates, want)


    def tops(self, want: int) -> np.ndarray:
        """``within(ladder.values(candidates, tiers), want)``: the indices
        of the candidates whose tier is at least the ``want``-th best.

        A rung whose bonus is more than all the rungs below it can add
        (every rung of a keyword query of up to 8 words) orders the
        candidates by its count before any rung below does: its levels are
        taken from the top, each whole while it holds fewer than are
        wanted, down to the level that holds the rest. That is a few passes
        over masks, then over a few thousand paragraphs' counts, where the
        tier sums of every candidate and their partition cost ~0.2 ms a
        distinct query at 100k (57,000 candidates, median)."""
        rungs = sorted(((counts, bonus, most) for (counts, _, most), bonus
                        in zip(self.ladder.rungs, self.tiers) if bonus), key=lambda r: -r[1])
        below = np.cumsum([0.0] + [b * m for _, b, m in reversed(rungs)])[::-1][1:]
        if self.keep is None or not rungs or rungs[0][1] <= below[0]:
            return within(self.ladder.values(self.candidates, self.tiers), want)
        taken = []  # paragraphs of whole levels above the one that holds the rest
        region = self.keep  # where the rest is: a mask, then paragraphs' numbers
        left = min(want, len(self.candidates))
        for (counts, bonus, most), rest in zip(rungs, below):
            if bonus <= rest:
                break
            masked = region.dtype == bool
            values = counts if masked else counts[region]
            for level in range(most, -1, -1):
                at = region & (values == level) if masked else values == level
                found = np.count_nonzero(at)
                if found >= left:
                    break
                if found:
                    taken.append(np.flatnonzero(at) if masked else region[at])
                    left -= found
            region = at if masked else region[at]
            if masked and found <= self.FEW_LEFT:
                region = np.flatnonzero(region)
        else:
            rest = None  # every rung taken: the region's paragraphs tie
        if region.dtype == bool:
            region = np.flatnonzero(region)
        paragraphs = np.sort(np.concatenate(taken + [region])) if taken else region
        some = np.searchsorted(self.candidates, paragraphs)
        if rest is None or len(region) <= left:
            return some
        # A rung that does not outweigh those below: the region's tier sums.
        tiers = self.ladder.values(paragraphs, self.tiers)
        return some[within(tiers, want)]


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


def within(tiers: np.ndarray, want: int) -> np.ndarray:
    """Indices of the values of ``tiers`` at least the ``want``-th largest
    (all of its ties): where the ``want`` best are when a paragraph's score
    is its tier plus less than the step between two tiers."""
    want = min(len(tiers), want)
    if want <= 0:
        return np.zeros(0, dtype=np.intp)
    if want == len(tiers):
        return np.arange(len(tiers))
    threshold = -np.partition(-tiers, want - 1)[want - 1]
    return np.flatnonzero(tiers >= threshold)
