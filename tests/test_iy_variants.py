"""i or y (issue 13, item 6): where Vietnamese spelling allows both letters
(sĩ/sỹ, kĩ/kỹ, lí/lý, mĩ/mỹ, hi/hy, quí/quý), the two spellings are one word
with the accents as typed, as hoà and hòa are: on the index side and the
query side alike (``analysis.terms.accented``), marked where the text has
them, and a query typed without diacritics finds what it found before."""

from __future__ import annotations

import pytest

from search import Filters
from search.analysis.terms import accented, index_terms
from search.query.highlight import marked_spans
from search.query.parse import parse_query

EXACT = Filters(accents="exact")


@pytest.mark.parametrize("one,other", [
    ("sĩ", "sỹ"), ("kĩ", "kỹ"), ("lí", "lý"), ("mĩ", "mỹ"), ("Mĩ", "Mỹ"), ("hi", "hy"),
    ("tỉ", "tỷ"), ("kì", "kỳ"), ("quí", "quý"), ("QUÍ", "quý"), ("li", "ly"), ("ti", "ty"),
])
def test_variants_are_one_accented_word(one, other):
    assert accented(one) == accented(other)


@pytest.mark.parametrize("one,other", [
    ("thủy", "thủi"),   # u y is the vowel, not a final y
    ("tuy", "tui"), ("tay", "tai"), ("quý", "quỳ"),  # other words; tones stay
    ("thi", "thy"), ("vi", "vy"), ("khi", "khy"),    # i only after these: a y is a name
    ("kính", "kýnh"), ("ý", "í"), ("gì", "gỳ"),
])
def test_other_syllables_keep_their_letter(one, other):
    assert accented(one) != accented(other)


def test_compounds_and_both_field_makers_agree():
    syl, fold, comp, _fcomp, _fbig = index_terms("Bác sĩ và bác sỹ; lí luận, lý luận")
    assert syl[accented("sĩ")] == 2 and syl[accented("lí")] == 2
    assert fold["si"] == fold["sy"] == 1  # folding keeps the letter typed
    assert comp[accented("bác_sĩ")] == 2


@pytest.fixture
def variants(make_engine):
    return make_engine({
        "si.txt": "A\nĐồng chí Nguyễn Văn Sĩ phát biểu về lí luận chính trị.\n",
        "sy.txt": "B\nBác sỹ Lê Văn Sỹ trình bày báo cáo lý luận.\n",
        "ky.txt": "C\nĐào tạo kỹ năng số cho cán bộ; quý II năm 2023.\n",
        "ki.txt": "D\nBồi dưỡng kĩ năng lãnh đạo; quí III năm 2023.\n",
        "thuy.txt": "E\nCông trình thủy lợi hồ Núi Cốc.\n",
    })


@pytest.mark.parametrize("query,docs", [
    ("Sĩ", {"si", "sy"}), ("sỹ", {"si", "sy"}),
    ("lí luận", {"si", "sy"}), ("lý luận", {"si", "sy"}),
    ("kĩ năng", {"ky", "ki"}), ("kỹ năng", {"ky", "ki"}),
    ("quí", {"ky", "ki"}), ("quý", {"ky", "ki"}),
])
def test_either_spelling_is_exact(variants, query, docs):
    result = variants.search(query, filters=EXACT)
    assert {h["doc_id"] for h in result["hits"]} == docs
    every = variants.search(query)
    assert every["exact_total"] == len(docs)
    assert all(h["exact"] for h in every["hits"])


def test_the_mark_is_on_the_letters_of_the_text(variants):
    hits = {h["doc_id"]: h for h in variants.search("kĩ năng")["hits"]}
    for doc, word in (("ky", "kỹ năng"), ("ki", "kĩ năng")):
        h = hits[doc]
        assert [h["text"][s:e] for s, e in h["spans"]] == [word]
    text = "Bác sỹ Lê Văn Sỹ."
    for query, marks in (("sĩ", ["sỹ", "Sỹ"]), ("bác sĩ", ["Bác sỹ"])):  # joined: not alone too
        parsed = parse_query(query)
        assert [text[s:e] for s, e in marked_spans(text, parsed.positive, parsed.runs)] == marks


def test_thuy_is_not_thui(make_engine):
    engine = make_engine({"a.txt": "A\nCông trình thủy lợi.\n", "b.txt": "B\nCon dao thủi.\n"})
    assert {h["doc_id"] for h in engine.search("thủy", filters=EXACT)["hits"]} == {"a"}


@pytest.mark.parametrize("query,first", [
    ("si", "si"), ("sy", "sy"), ("ki nang", "ki"), ("ky nang", "ky"), ("qui", "ki"), ("quy", "ky"),
])
def test_a_query_without_diacritics_is_unchanged(variants, query, first):
    """Folded, the letter typed is the letter found (as before this change):
    only one paragraph has every word."""
    result = variants.search(query)
    assert result["hits"][0]["doc_id"] == first
    assert result["with_all_words"] == 1


def test_seed_tran_si_thanh_finds_the_chair_of_lang_son(seed_engine):
    """003 writes "Trần Sỹ Thanh"; typed with the other letter it is exact."""
    for query in ("Trần Sĩ Thanh", "Trần Sỹ Thanh"):
        first = seed_engine.search(query)["hits"][0]
        assert (first["doc_id"][:3], first["paragraph"], first["exact"]) == ("003", 2, True)
        assert "Trần Sỹ Thanh" in [first["text"][s:e] for s, e in first["spans"]]
        only = seed_engine.search(query, filters=EXACT)
        assert (only["hits"][0]["doc_id"][:3], only["hits"][0]["paragraph"]) == ("003", 2)
    assert seed_engine.search("Sĩ", filters=EXACT)["total"] == seed_engine.search("Sỹ", filters=EXACT)["total"] == 1


def test_a_quoted_phrase_in_either_spelling(variants):
    for query in ('"kĩ năng"', '"kỹ năng"'):
        result = variants.search(query, filters=EXACT)
        assert {h["doc_id"] for h in result["hits"]} == {"ky", "ki"}
    assert {h["doc_id"] for h in variants.search('"ki nang"')["hits"]} == {"ki"}
