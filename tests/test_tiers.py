"""Scoring only the candidates that can lead (query/ladder.py ``Finals``):
the same hits, in the same order, with the same scores bit for bit, as
scoring every candidate; and ``Sums.at`` gives the floats ``Sums.dense``
gives."""

import numpy as np
import pytest
from seed_queries import SEED_QUERIES

from search.lang.text import fold
from search.query import ladder as ladder_module
from search.query.ladder import Ladder, Sums, leading
from search.query.ranking import COVER, EXACT, NAMED

QUERIES = [q for q, _ in SEED_QUERIES] + [fold(q) for q, _ in SEED_QUERIES] + [
    "tỉnh ủy", "nghị quyết", "ban chấp hành đảng bộ", "hội nghị lần thứ 9", "chè", "UBND tỉnh"]


def _answers(engine, group):
    out = []
    for q in QUERIES:
        r = engine.search(q, limit=10, group=group)
        out.append([(h["doc_id"], h["paragraph"], h["score"], h["exact"], h.get("more"))
                    for h in r["hits"]])
    return out


@pytest.mark.parametrize("group", ["none", "doc"])
def test_scoring_the_leaders_only_changes_nothing(seed_engine, monkeypatch, group):
    taken = {"few": 0, "all": 0}
    all_ = ladder_module.Finals.all

    def counted(self):
        taken["all"] += self._all is None
        return all_(self)

    monkeypatch.setattr(ladder_module.Finals, "all", counted)
    monkeypatch.setattr(ladder_module.Finals, "SUBSET_COST", 0)  # always the few
    few = _answers(seed_engine, group)
    few_all = taken["all"]
    monkeypatch.setattr(ladder_module.Finals, "SUBSET_COST", 10 ** 12)  # always every one
    every = _answers(seed_engine, group)
    assert few == every
    assert sum(len(a) for a in few) > 100
    # the few were scored alone for the keyword queries (sentences, a
    # number named or BM25 that could pass a whole step need them all)
    assert len(QUERIES) - few_all >= 20  # 28 of the 92 at the time of writing


def _sums(rng, n, steps):
    """Sums as a query's would be, with how many exact-word bonuses and
    named pairs each paragraph got (the whole numbers its tier holds)."""
    sums = Sums(n)
    exact = np.zeros(n, dtype=np.uint8)
    named = rng.integers(0, 3, n).astype(np.int32)
    for k in range(steps):
        ids = np.flatnonzero(rng.random(n) < rng.uniform(0.01, 0.7))
        values = rng.random(len(ids)).astype(np.float32) * np.float32(30)
        if k % 3 == 1:
            values = values + np.float32(EXACT)  # a bonus carried, as exact words are
            sums.add(ids, values, EXACT)
            exact[ids] += 1
        else:
            sums.add(ids, values)
        if k == 2:
            sums.add_whole(named, NAMED)
    return sums, exact, named


def test_sums_at_some_paragraphs_are_the_dense_floats():
    rng = np.random.default_rng(7)
    sums, _, _ = _sums(rng, 20_000, 9)
    dense = sums.dense()
    for share in (0.0005, 0.01, 0.5, 1.0):
        some = np.flatnonzero(rng.random(20_000) < share)
        assert np.array_equal(sums.at(some), dense[some])  # bit for bit, not allclose
    assert sums.bound < 9 * 30


def test_leaders_are_the_leaders_of_all():
    rng = np.random.default_rng(11)
    n = 30_000
    cover = rng.integers(0, 4, n).astype(np.uint8)
    sums, exact, named = _sums(rng, n, 6)
    lad = Ladder([(cover, COVER, 3), (exact, EXACT, 6), (named, NAMED, 2)])
    candidates = np.flatnonzero(cover > 0)
    for want in (1, 10, 100, 5000):
        finals = ladder_module.Finals(lad, [COVER, 0.0, 0.0], [COVER, EXACT, NAMED], sums,
                                      candidates, EXACT)
        finals.SUBSET_COST = 0
        got = finals.leading(want)
        assert finals._all is None  # scored only some
        expected = leading(finals.all(), candidates, want)
        assert np.array_equal(got, expected)
        assert np.array_equal(finals.at(np.sort(got)), finals.all()[np.sort(got)])


def test_term_scores_at_some_postings_are_those_of_all():
    from search.query.bm25 import TermScores
    rng = np.random.default_rng(5)
    n = 50_000
    norm = (1.2 * (0.25 + 0.75 * rng.integers(1, 200, n) / 40.0)).astype(np.float32)
    ids = np.flatnonzero(rng.random(n) < 0.4).astype(np.int32)
    tf = rng.integers(1, 9, len(ids)).astype(np.float32)
    scores = TermScores(ids, tf, norm, 6.3) * np.float32(4.0) * 0.5 + 1000.0
    every = np.asarray(scores)
    # the scoring as it was done on reading a term, all at once
    old = np.add(tf, np.take(norm, ids))
    np.divide(np.multiply(tf.copy(), 6.3), old, out=old)
    assert np.array_equal(every, (old * np.float32(4.0)) * 0.5 + 1000.0)
    some = np.sort(rng.choice(len(ids), 300, replace=False))
    assert np.array_equal(scores.at(some), every[some])
    assert every.max() <= scores.most() < every.max() + 0.5 * 6.3 * 4.0


@pytest.mark.parametrize("few_left", [0, 64, 10 ** 6])
def test_tops_by_levels_are_the_tops_by_sums(few_left):
    # Rungs as a keyword query's (each outweighs all below it) and as a
    # long one's (they do not): the same candidates as summing every tier.
    rng = np.random.default_rng(few_left)
    n = 40_000
    keep = rng.random(n) < 0.6
    candidates = np.flatnonzero(keep)
    late = rng.random(n) < 0.2
    cover, text, exact = (rng.integers(0, 4, n).astype(np.uint8) for _ in range(3))
    sums, _, _ = _sums(rng, n, 3)
    for rungs in ([(cover, COVER, 3), (~late, 1e9, 1), (text, 1e5, 3), (exact, EXACT, 3)],
                  [(cover, 2.0, 3), (text, 1.0, 3), (exact, 1.0, 3)],
                  [(cover, 100.0, 3), (text, 10.0, 3), (exact, 5.0, 3)]):  # the first only
        lad = Ladder(rungs)
        tiers = [b for _, b, _ in rungs]
        for want in (1, 10, 500, 30_000):
            finals = ladder_module.Finals(lad, tiers, tiers, sums, candidates, EXACT, keep)
            finals.FEW_LEFT = few_left
            expected = ladder_module.within(lad.values(candidates, tiers), want)
            assert np.array_equal(finals.tops(want), expected)
