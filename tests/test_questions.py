"""Questions (issue 13, item 5): question words and fillers ("ai", "là gì",
"bao nhiêu", "nào", "các"...) do not decide the ranking: they are optional
words of the query (``query.parse.QUESTION_WORDS``), still in the index;
and a question naming a meeting or a province through its document's fields
("hội nghị lần thứ 9", "Lạng Sơn") is ranked as the keyword query that is
left ("chủ trì"), that document first."""

from __future__ import annotations

import pytest

from search.lang.text import fold
from search.query import ranking
from search.query.parse import parse_query

from seed_queries import SEED_QUERIES


def first(engine, query, group="none"):
    hit = engine.search(query, group=group)["hits"][0]
    return hit["doc_id"][:3], hit["paragraph"]


def optional(query):
    return [(g.exact or g.folded)[0] for g in parse_query(query).words if g.optional]


@pytest.mark.parametrize("query,words", [
    ("ai chủ trì hội nghị lần thứ 9", ["ai"]),
    ("tỉnh nào bàn về cây chè", ["nào"]),
    ("Trần Quốc Tỏ là ai", ["là", "ai"]),
    ("các dự án như thế nào", ["các", "như", "thế", "nào"]),
    ("thu ngân sách được bao nhiêu", ["được", "bao", "nhiêu"]),
    # Typed without accents, only phrases nothing else folds to.
    ("thu ngan sach duoc bao nhieu", ["bao", "nhieu"]),
    ("ai chu tri hoi nghi lan thu 9", []),
    ("co nao", []),      # cô, não...
    ("não bộ", []),      # only as typed: não is not nào
    ("ai là ai", []),    # nothing else typed: searched as it is
])
def test_question_words_are_optional(query, words):
    assert optional(query) == words


@pytest.mark.parametrize("query", ["ai chủ trì hội nghị lần thứ 9", "ai chu tri hoi nghi lan thu 9"])
def test_who_chaired_meeting_9(seed_engine, query):
    """000 is meeting 9 (its title); 003 and 001 chaired meeting 8."""
    assert first(seed_engine, query) == ("000", 2)
    assert first(seed_engine, query, group="doc")[0] == "000"


@pytest.mark.parametrize("query,wanted", [
    ("tỉnh nào bàn về cây chè", ("000", 3)),
    ("tinh nao ban ve cay che", ("000", 6)),
])
def test_which_province_discussed_tea(seed_engine, query, wanted):
    assert first(seed_engine, query) == wanted


@pytest.mark.parametrize("query,wanted", [
    ("ai là bí thư tỉnh ủy lạng sơn", ("003", 2)),   # names Trần Sỹ Thanh, Bí thư Tỉnh ủy
    ("ai la bi thu tinh uy lang son", ("003", 5)),
])
def test_a_question_naming_a_province_finds_its_document(seed_engine, query, wanted):
    assert first(seed_engine, query) == wanted


@pytest.mark.parametrize("query", [
    "tốc độ tăng trưởng kinh tế của tỉnh là bao nhiêu",
    "toc do tang truong kinh te cua tinh la bao nhieu",
    "tỉnh đã thu ngân sách được bao nhiêu",
])
def test_question_words_do_not_decide_even_on_a_strict_ladder(seed_engine, monkeypatch, query):
    """Every paragraph's rung was once counted with "là", "đã", "được",
    "bao nhiêu": a strict ladder put paragraphs having them first."""
    monkeypatch.setattr(ranking, "STRICT_MAX_WORDS", 100)
    assert first(seed_engine, query) == ("001", 6)


def test_a_question_of_question_words_only_is_searched(seed_engine):
    assert seed_engine.search("ai là ai")["total"] > 0


def test_a_filler_is_still_indexed_and_found_alone(seed_engine):
    assert seed_engine.search("những")["total"] > 0


def test_keyword_queries_have_nothing_optional():
    """The seed queries, as typed and folded: no question word in them, the
    ladder they had (tests/test_ranking.py holds them all first)."""
    for query, _ in SEED_QUERIES:
        assert optional(query) == [] and optional(fold(query)) == [], query
