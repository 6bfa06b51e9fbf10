"""Autocomplete: ``Engine.complete`` and ``/api/suggest`` on the seeds."""

import pytest

from search.lang.text import fold
from web import create_app


@pytest.fixture(scope="module")
def client(seed_engine):
    return create_app(engine=seed_engine, TESTING=True).test_client()


def suggest(client, q, **args):
    resp = client.get("/api/suggest", query_string={"q": q, **args})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["query"] == q
    return body["suggestions"]


@pytest.mark.parametrize("typed, first", [
    ("nghi quy", "nghị quyết"),      # a compound completes the last word given the one before
    ("tinh u", "tỉnh ủy"),
    ("ban ch", "ban chấp hành"),
    ("ban chấp hành đảng b", "ban chấp hành đảng bộ"),
])
def test_compounds_complete_the_last_words(client, typed, first):
    assert suggest(client, typed)[0] == first


def test_single_words_most_paragraphs_first(seed_engine):
    got = seed_engine.complete("nguy")
    assert got[:2] == ["nguyên", "nguyễn"]  # two accented forms of one folded word, both offered
    assert "nguy cơ" in got
    assert all(fold(s).startswith("nguy") for s in got)


def test_accents_and_case_aside_on_the_prefix(seed_engine):
    assert seed_engine.complete("nghị quy")[0] == "nghị quyết"
    assert seed_engine.complete("nghi quy")[0] == "nghị quyết"
    assert seed_engine.complete("NGHI QUY")[0] == "Nghị quyết"  # the capital kept
    assert seed_engine.complete("Nguy")[:2] == ["Nguyên", "Nguyễn"]


def test_accents_typed_come_first(seed_engine):
    # "tỉnh ủy" before forms of "tinh" with another accent.
    assert seed_engine.complete("tỉnh u")[0] == "tỉnh ủy"
    assert all(s.startswith("tỉnh ") for s in seed_engine.complete("tỉnh u"))


def test_after_a_space_the_next_word(seed_engine):
    got = seed_engine.complete("nghi ")
    assert got[0] == "nghị quyết"
    assert all(s.startswith("nghi ") or s.startswith("nghị ") for s in got)


def test_the_next_word_takes_the_form_written_after_the_word_before(seed_engine):
    # "thu" after "lan" is "thứ" (lần thứ), though "thư" is the commoner form alone.
    assert seed_engine.complete("hoi nghi lan th")[0] == "hoi nghi lan thứ"
    assert seed_engine.complete("lần th")[0] == "lần thứ"


def test_words_around_signs_and_quotes_stay_as_typed(seed_engine):
    assert seed_engine.complete('"nghi quy')[0] == '"nghị quyết'
    assert seed_engine.complete("-tinh u")[0] == "-tỉnh ủy"
    assert seed_engine.complete('nghi quy"') == []  # a closed phrase: nothing to complete


def test_limits(client, seed_engine):
    assert len(suggest(client, "t")) == 8  # many words begin with t: the 8 most frequent
    assert len(suggest(client, "t", limit=3)) == 3
    assert suggest(client, "t", limit=3) == suggest(client, "t")[:3]
    assert len(seed_engine.complete("t", limit=1000)) == 8
    assert suggest(client, "") == [] and suggest(client, "   ") == []
    assert suggest(client, "xyzqw") == []
    # A completion never repeats what was typed.
    assert "nghị quyết" not in suggest(client, "nghị quyết")


@pytest.mark.parametrize("args", [
    {"q": "a" * 501},
    {"q": "nghi", "limit": "0"},
    {"q": "nghi", "limit": "9"},
    {"q": "nghi", "limit": "abc"},
])
def test_bad_input_is_a_400_with_a_reason(client, args):
    resp = client.get("/api/suggest", query_string=args)
    assert resp.status_code == 400
    assert resp.get_json()["error"]


@pytest.mark.parametrize("q", [
    "\x00", "\ufffd", "<script>", "%", "_", "nghi_quy", "a" * 500, "đ", "ĐẢNG", "1/2 3",
    "  nghi   quy", "\u0301", "t\u0301inh u", "日本", "\U0001f600 a", "nghi\tquy", "a\u200bb",
])
def test_hostile_prefixes_answer(client, q):
    for s in suggest(client, q):
        assert isinstance(s, str) and s


def test_raw_bytes_in_the_query_string_never_500(client):
    for raw in (b"q=%ff%fe", b"q=%ed%a0%80", b"q=nghi&q=tinh", b"limit=", b"q=%00"):
        resp = client.get("/api/suggest?" + raw.decode("ascii"))
        assert resp.status_code in (200, 400), raw


def test_the_page_loads_the_script_from_our_origin(client):
    page = client.get("/")
    html = page.get_data(as_text=True)
    assert '<script src="/static/suggest.js" defer></script>' in html
    assert 'data-suggest="/api/suggest"' in html
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    script = client.get("/static/suggest.js")
    script.close()
    assert script.status_code == 200
