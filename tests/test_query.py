from hypothesis import given, settings
from hypothesis import strategies as st

from search.query.parse import parse_query


def test_words_phrases_and_exclusions():
    p = parse_query('tinh uy "ban thuong vu" -covid')
    assert [g.folded for g in p.words] == [("tinh",), ("uy",)]
    assert [g.folded for g in p.phrases] == [("ban", "thuong", "vu")]
    assert [g.folded for g in p.excluded] == [("covid",)]
    assert all(g.exact is None for g in p.positive)  # typed without accents


def test_accented_query_keeps_exact_forms_with_canonical_tones():
    p = parse_query("Tỉnh uỷ ban")
    assert [g.exact for g in p.words] == [("tỉnh",), ("ủy",), ("ban",)]
    assert [g.folded for g in p.words] == [("tinh",), ("uy",), ("ban",)]


def test_codes_become_adjacent_groups():
    p = parse_query("05-CT/TW 13,4%")
    assert [g.folded for g in p.words] == [("05", "ct", "tw"), ("13,4",)]


def test_typographic_quotes_and_unbalanced_quote():
    assert [g.folded for g in parse_query("“Ban Chấp hành”").phrases] == [("ban", "chap", "hanh")]
    p = parse_query('"ban chap')
    assert not p.phrases and [g.folded for g in p.words] == [("ban",), ("chap",)]


def test_operators_of_other_engines_are_just_text():
    p = parse_query("tinh AND uy OR NOT text:foo * ? ~ ^ -")
    assert [g.folded for g in p.words] == [
        ("tinh",), ("and",), ("uy",), ("or",), ("not",), ("text", "foo")]
    assert not p.excluded


def test_only_exclusions_or_punctuation_is_empty():
    assert parse_query("-covid").empty
    assert parse_query("*** ??? ---").empty
    assert parse_query("").empty


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_parses_without_error(text):
    parse_query(text)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab đ"-*:~^()[]{}\\/ \u0301\u200b\x00')), max_size=40))
def test_any_query_searches_without_error(seed_engine, text):
    result = seed_engine.search(text)
    assert result["total"] >= len(result["hits"])


def test_words_past_the_cap_are_ignored():
    p = parse_query("tinh uy " * 1000 + '"' + "a " * 500 + '"')
    assert len(p.positive) == 32
    assert all(len(g.folded) <= 32 for g in p.positive)
