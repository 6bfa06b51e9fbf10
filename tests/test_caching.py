"""The engine's shared caches (query/caching.py SharedLRU, query/generation.py):
what they keep within their budget, what they drop first, and that the
documents found by a word outlive the postings churn."""

from search.query import ranking
from search.query.caching import SharedLRU


def test_least_recently_used_goes_first_within_the_weight():
    cache = SharedLRU(10, weigh=len)
    for key in "abc":
        cache.put(key, "xxx")          # 9 of 10
    assert cache.lookup("a") == "xxx"  # a is now the most recent
    cache.put("d", "xx")               # 11: b, the least recent, goes
    assert [cache.lookup(k) for k in "abcd"] == ["xxx", None, "xxx", "xx"]
    assert cache.weight == 8 and len(cache) == 3
    cache.put("c", "x")                # replacing a value reweighs it
    assert cache.weight == 6
    cache.put("e", "x" * 11)           # heavier than the budget: not kept, nothing dropped
    assert cache.lookup("e") is None and len(cache) == 3
    assert cache.get("f", lambda: "ffff") == "ffff" and cache.lookup("f") == "ffff"
    cache.clear()
    assert cache.weight == 0 and len(cache) == 0


def test_documents_by_word_are_kept_apart_from_postings(seed_engine, monkeypatch):
    seed_engine.search("tỉnh ủy thái nguyên")
    ranker = seed_engine._local.ranker
    ranker.cache.clear()  # the postings, as a run of other queries would leave them
    reads = []
    field_ids = ranking.Ranker._field_ids
    monkeypatch.setattr(ranking.Ranker, "_field_ids",
                        lambda self, f, w: reads.append((f, w)) or field_ids(self, f, w))
    again = seed_engine.search("tỉnh ủy thái nguyên")
    assert again["total"] > 0
    assert reads == []  # no document field's postings read again
    ranker.generation.doc_codes.clear()  # (the same engine serves other tests)
    seed_engine.search("hồ núi cốc")
    assert ("dfold", "coc") in reads  # a word not kept: read


def test_whether_a_term_is_there_is_asked_without_keeping_it(seed_engine):
    seed_engine.search("tỉnh ủy")
    ranker = seed_engine._local.ranker
    terms = [("comp", "tỉnh_ủy"), ("fcomp", "tinh_uy"), ("comp", "ủy_ban"), ("fold", "che"),
             ("comp", "quokka_ủy"), ("fcomp", "khong_co_dau"), ("fbig", "tinh_uy"), ("syl", "zzz")]
    ranker.cache.clear()
    told = [ranker.has(f, t) for f, t in terms]
    assert len(ranker.cache) == 0  # nothing read or kept to tell
    assert told == [len(ranker.postings(f, t)[0]) > 0 for f, t in terms]
    assert told[0] and not told[4] and not told[7]
    assert all(ranker.has(f, t) == held for (f, t), held in zip(terms, told))  # kept, the same
