"""The hard-query list itself is sound (tests/hard_queries.py).

Whether the engines find these queries is measured by `make bench-hard`, not
asserted here: the list is for measuring, and some kinds are being built.
"""

from __future__ import annotations

import unicodedata

from conftest import SEEDS
from hard_queries import HARD_QUERIES, KINDS
from seed_queries import SEED_QUERIES


def _key(query: str) -> str:
    return " ".join(unicodedata.normalize("NFC", query).casefold().split())


def test_every_kind_has_at_least_six_queries_and_sixty_in_all():
    assert len(HARD_QUERIES) >= 60
    assert {kind for kind, _, _ in HARD_QUERIES} == set(KINDS)
    for kind in KINDS:
        assert sum(k == kind for k, _, _ in HARD_QUERIES) >= 6, kind


def test_no_duplicates_and_none_from_the_seed_queries():
    keys = [_key(q) for _, q, _ in HARD_QUERIES]
    assert len(keys) == len(set(keys)), [k for k in keys if keys.count(k) > 1]
    assert not set(keys) & {_key(q) for q, _ in SEED_QUERIES}


def test_queries_are_nfc_and_wanted_answers_are_well_formed():
    for kind, query, wanted in HARD_QUERIES:
        assert query == unicodedata.normalize("NFC", query).strip() and query, query
        assert wanted, query
        for prefix, para in wanted:
            assert isinstance(prefix, str) and (para is None or isinstance(para, int)), query
        if kind == "document":
            assert all(para is None for _, para in wanted), query


def test_every_wanted_paragraph_exists_in_the_seeds_index(seed_engine):
    doc_ids = sorted(p.stem for p in SEEDS.glob("*.txt"))
    for _, query, wanted in HARD_QUERIES:
        for prefix, para in wanted:
            matching = [d for d in doc_ids if d.startswith(prefix)]
            assert len(matching) == 1, (query, prefix, matching)
            doc = seed_engine.document(matching[0])
            assert doc is not None, (query, prefix)
            if para is not None:
                assert para in {p["n"] for p in doc["paragraphs"]}, (query, prefix, para)
