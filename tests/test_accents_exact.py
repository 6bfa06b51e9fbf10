"""Typed accents count (issue 12, item 5): with diacritics in a keyword
query, paragraphs whose every matched word has the accents as typed (old or
new tone placement alike) come before any other, each hit says whether it is
exact, the result counts them, and ``accents="exact"`` keeps only them."""

import re

import pytest

from search import Filters
from search.lang.text import canonical_tones, fold

EXACT = Filters(accents="exact")


def words(text):
    return {canonical_tones(w.lower()) for w in re.findall(r"\w+", text)}


@pytest.mark.parametrize("query,exact,other", [
    ("chè", "chè", "chế"),      # seeds: 2 paragraphs say chè, 10 chế
    ("hoà", "hòa", "hóa"),      # hòa = hoà (tone placement), not hóa
    ("hòa", "hòa", "hóa"),
])
def test_exact_paragraphs_come_first(seed_engine, query, exact, other):
    result = seed_engine.search(query, limit=100)
    flags = [h["exact"] for h in result["hits"]]
    assert flags == sorted(flags, reverse=True)  # every exact one before any other
    for h in result["hits"]:
        assert h["exact"] == (exact in words(h["text"])), h["text"]
    assert any(not f for f in flags) and any(flags)
    assert result["exact_total"] == flags.count(True)
    # Those after the line hold only other accents of the word.
    assert all(other in words(h["text"]) or fold(exact) in {fold(w) for w in words(h["text"])}
               for h in result["hits"] if not h["exact"])


@pytest.mark.parametrize("query", ["chè", "hoà", "Hoà"])
def test_accents_exact_keeps_only_exact_paragraphs(seed_engine, query):
    every = seed_engine.search(query, limit=100)
    exact = seed_engine.search(query, limit=100, filters=EXACT)
    assert exact["total"] == every["exact_total"] > 0
    assert all(h["exact"] for h in exact["hits"])
    assert [h["text"] for h in exact["hits"]] == [h["text"] for h in every["hits"] if h["exact"]]


def test_both_tone_placements_are_exact(make_engine):
    engine = make_engine({
        "a.txt": "A\nGiữ vững hoà bình.\n",
        "b.txt": "B\nGiữ vững hòa bình.\n",
        "c.txt": "C\nĐẩy mạnh công nghiệp hóa.\n",
    })
    for query in ("hoà", "hòa"):
        result = engine.search(query, filters=EXACT)
        assert {h["doc_id"] for h in result["hits"]} == {"a", "b"}


@pytest.mark.parametrize("query", ["che", "hoa", "tinh uy thai nguyen", "lang son"])
def test_a_query_without_diacritics_is_exact_everywhere(seed_engine, query):
    result = seed_engine.search(query, limit=100)
    assert result["total"] > 0
    assert result["exact_total"] == result["total"]
    assert all(h["exact"] for h in result["hits"])
    assert seed_engine.search(query, limit=100, filters=EXACT)["total"] == result["total"]


def test_exact_is_a_tier_above_the_number_of_words(make_engine):
    """"chè Thái Nguyên": a paragraph with chè comes before one that has
    every word but with chế."""
    engine = make_engine({
        "che.txt": "A\nCây chè là cây trồng chính của vùng.\n",
        "che2.txt": "B\nCơ chế mới cho Thái Nguyên.\n",
    })
    hits = engine.search("chè Thái Nguyên")["hits"]
    assert [(h["doc_id"], h["exact"]) for h in hits if h["paragraph"] == 2] == [
        ("che", True), ("che2", False)]


def test_numbers_and_abbreviations_are_exact(seed_engine):
    """Another spelling (UBND for ủy ban nhân dân, 8 for tám) has no accents to get wrong."""
    for query in ("lần thứ tám", "UBND tỉnh"):
        result = seed_engine.search(query, limit=5)
        assert all(h["exact"] for h in result["hits"]), query


@pytest.mark.parametrize("partial,wanted", [
    ("tinh giản bien chế", {("003", 4), ("000", 10)}),  # "tinh giản biên chế"
    # "Đai" typed for Đại: 004, the Đại hội report's lead or its quán triệt paragraph.
    ("quán triet Nghị quyet Đai hội Đảng bo tinh", {("004", 3), ("004", 1)}),
])
def test_a_half_accented_query_is_never_worse_than_the_folded_one(seed_engine, partial, wanted):
    """Each word on its own: the accents typed are hints, a bare word matches
    any accent, and no exact tier pushes the wanted paragraph down."""
    for query in (partial, fold(partial)):
        hit = seed_engine.search(query, limit=1)["hits"][0]
        assert (hit["doc_id"][:3], hit["paragraph"]) in wanted, query


def test_a_bare_word_of_an_accented_query_matches_any_accent(seed_engine):
    """"tinh" beside "giản" and "chế": a paragraph saying "tỉnh" is not marked
    as an approximate match for it."""
    hit = seed_engine.search("tinh giản bien chế", limit=1)["hits"][0]
    assert (hit["doc_id"][:3], hit["paragraph"], hit["exact"]) == ("003", 4, True)
