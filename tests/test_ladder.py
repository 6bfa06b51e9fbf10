"""The ladder's rungs summed through a table of their combinations
(query/ladder.py ``Ladder``): the same floats as multiplying and adding
each rung over the candidates, the way it was done before; and a query with
more words than a byte counts."""

import numpy as np
import pytest

from search.query import ladder as ladder_module
from search.query.parse import parse_query
from search.query.ladder import Ladder
from search.query.ranking import COVER, DOC_COVER, EXACT_TIER, FUZZY_WEIGHT, TEXT_COVER


def _summed(rungs, candidates):
    final = np.zeros(len(candidates))
    for counts, bonus, _ in rungs:
        final += counts[candidates] * bonus
    return final


@pytest.mark.parametrize("words", [1, 2, 4, 7])
def test_table_gives_the_sums_bit_for_bit(words):
    rng = np.random.default_rng(words)
    n = 5_000
    counts = [rng.integers(0, words + 1, n).astype(np.uint8) for _ in range(4)]
    late = rng.random(n) < 0.3
    rungs = [(counts[0], COVER, words), (~late, EXACT_TIER, 1),
             (counts[1], COVER * FUZZY_WEIGHT, words), (counts[2], TEXT_COVER, words),
             (counts[3], DOC_COVER, words)]
    candidates = np.flatnonzero(rng.random(n) < 0.6)
    got = Ladder(rungs).values(candidates)
    assert got.dtype == np.float64
    assert np.array_equal(got, _summed(rungs, candidates))
    # and with the BM25 added, the one rounding, the same final scores
    bm25 = rng.random(n) * 40
    assert np.array_equal(got + bm25[candidates], _summed(rungs, candidates) + bm25[candidates])


def test_too_many_combinations_are_summed_one_by_one():
    rng = np.random.default_rng(3)
    counts = [rng.integers(0, 20, 1000).astype(np.uint8) for _ in range(4)]
    rungs = [(c, b, 19) for c, b in zip(counts, (COVER, TEXT_COVER, DOC_COVER, EXACT_TIER))]
    candidates = np.arange(1000)
    assert 20 ** 4 > ladder_module.LADDER_TABLE  # the other path
    assert np.array_equal(Ladder(rungs).values(candidates), _summed(rungs, candidates))
    # and the table agrees up to its largest (40 ** 3 combinations: keys past
    # 65,535 would not fit the uint16 keys)
    counts = [rng.integers(0, 40, 1000).astype(np.uint8) for _ in range(3)]
    rungs = [(c, b, 39) for c, b in zip(counts, (COVER, TEXT_COVER, DOC_COVER))]
    assert 40 ** 3 <= ladder_module.LADDER_TABLE < 2 ** 16 + 1
    assert np.array_equal(Ladder(rungs).values(candidates), _summed(rungs, candidates))


def test_counts_past_a_byte(seed_engine):
    # The parser keeps at most parse.MAX_GROUPS (32) words, so a count fits
    # in a byte; a query built with more (the library's own ParsedQuery)
    # counts in int32: 300 words, each found, must count 300, not 300 % 256.
    parsed = parse_query("tỉnh")
    seed_engine.search("tỉnh")
    ranker = seed_engine._local.ranker
    one = ranker.rank(parsed, 10)
    parsed.words = parsed.words * 300
    many = ranker.rank(parsed, 10)
    assert one.total > 0 and one.with_all == one.total
    assert many.total == one.total and many.with_all == many.total
    assert many.docnums == one.docnums
