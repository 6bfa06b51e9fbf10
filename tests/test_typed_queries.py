"""Queries as people type them (issue 13 items 1 and 2): Telex and VNI keys
left in the words when the input method was off, and typos, found anyway and
said on the page; what is real as typed left alone."""

from __future__ import annotations

import doctest
import re

import pytest

import search.lang.keyboard as keyboard
from conftest import top
from web import create_app

HOI_NGHI = [("000_506b92b0bc4a87dd", 2), ("002_e74cd34c562d7255", 1), ("000_506b92b0bc4a87dd", 1)]
CHI_THI = [("001_de1c8456ea6a90a5", 12), ("001_de1c8456ea6a90a5", 9), ("003_d85fbd8a0fbef35e", 4)]
DONG_CHI = [("000_506b92b0bc4a87dd", 2), ("003_d85fbd8a0fbef35e", 5), ("001_de1c8456ea6a90a5", 3)]


def test_the_decoder_rules_hold_their_examples():
    assert doctest.testmod(keyboard).failed == 0
    assert keyboard.decode("tuwowngf") == "tường" and keyboard.decode("d9o6ng2") == "đồng"


@pytest.mark.parametrize("typed, decoded, first", [
    ("hooij nghij", "hội nghị", HOI_NGHI),
    ("chir thij", "chỉ thị", CHI_THI),
    ("ddoongf chis", "đồng chí", DONG_CHI),
    ("ho65i nghi5", "hội nghị", HOI_NGHI),
    ("chi3 thi5", "chỉ thị", CHI_THI),
])
def test_telex_and_vni_leftovers_are_searched_decoded(seed_engine, typed, decoded, first):
    result = seed_engine.search(typed)
    assert result["decoded"] == decoded and result["corrected"] is None
    assert top(result, 3) == first == top(seed_engine.search(decoded), 3)
    assert result["total"] == seed_engine.search(decoded)["total"] > 0
    raw = seed_engine.search(typed, raw=True)  # as typed: nothing
    assert raw["total"] == 0 and raw["decoded"] is None and raw["corrected"] is None


def test_a_mixed_query_is_decoded_word_by_word(seed_engine):
    result = seed_engine.search("hooij nghi quyet")
    assert result["decoded"] == "hội nghi quyet"
    # the words typed without marks still match any accents: nghị quyết
    assert result["with_all_words"] == 10 and top(result) == [("000_506b92b0bc4a87dd", 3)]
    assert top(result, 3) == top(seed_engine.search("hội nghị quyết"), 3)
    mixed = seed_engine.search("cay chef thai nguyeen")
    assert mixed["decoded"] == "cay chè thai nguyên"
    assert top(mixed) == [("000_506b92b0bc4a87dd", 6)]  # the paragraph on cây chè Thái Nguyên


@pytest.mark.parametrize("query, hits", [("GRDP", 2), ("Covid", 3), ("05-CT/TW", 1), ("grdp", 2),
                                         ("2023", None), ("tw", None)])
def test_words_real_as_typed_are_left_alone(seed_engine, query, hits):
    result = seed_engine.search(query)
    assert result["decoded"] is None and result["corrected"] is None
    assert top(result, 10) == top(seed_engine.search(query, raw=True), 10)
    if hits is not None:
        assert result["total"] == hits


def test_a_word_the_index_knows_as_typed_is_not_decoded(make_engine):
    engine = make_engine({"a.txt": "Văn bản\nMua một cái xoong mới.\n", "b.txt": "Khác\nXông hơi.\n"})
    result = engine.search("xoong")
    assert result["decoded"] is None and [h["doc_id"] for h in result["hits"]] == ["a"]
    # not known as typed, and "ddoongf" decodes to nothing this index holds: left alone
    assert engine.search("ddoongf")["decoded"] is None


@pytest.mark.parametrize("typed, corrected, like", [
    ("hoi ngih", {"ngih": "nghị"}, "hoi nghi"),
    ("ban thuong vu tinh yu", {"yu": "ủy"}, "ban thuong vu tinh uy"),
    ("thai nguyn", {"nguyn": "nguyên"}, "thai nguyen"),
    ("ngiquyet", {"ngiquyet": "nghị quyết"}, "nghi quyet"),
])
def test_typos_are_searched_as_the_closest_known_words(seed_engine, typed, corrected, like):
    result = seed_engine.search(typed)
    assert result["corrected"] == corrected and result["decoded"] is None
    assert top(result, 3) == top(seed_engine.search(like), 3)
    assert result["with_all_words"] == seed_engine.search(like)["with_all_words"] > 0
    assert seed_engine.search(typed, raw=True)["corrected"] is None


def test_the_typo_examples_find_the_right_paragraphs(seed_engine):
    assert top(seed_engine.search("hoi ngih")) == [("000_506b92b0bc4a87dd", 2)]
    assert top(seed_engine.search("ban thuong vu tinh yu")) == [("004_5ea7245c79653926", 2)]
    thai = seed_engine.search("thai nguyn")
    assert top(thai) == [("001_de1c8456ea6a90a5", 1)]  # "BCH Đảng bộ tỉnh Thái Nguyên: ..."
    # No longer "did you mean thái nguyn": the suggestion is the query searched, accented.
    assert thai["suggestion"] == "thái nguyên"


def test_corrected_words_count_less_than_typed_ones(make_engine):
    engine = make_engine({
        "a.txt": "Văn bản một\nCây chè và thái độ làm việc.\n",
        "b.txt": "Văn bản hai\nCây chè và nguyên liệu.\n",
        "c.txt": "Văn bản ba\nCây chè Thái Nguyên.\n",
        "d.txt": "Văn bản bốn\nNguyên tắc.\n",
    })
    result = engine.search("che thai nguyn")
    assert result["corrected"] == {"nguyn": "nguyên"}
    # every word (one corrected) first; then two typed words before a typed and a corrected one
    assert list(dict.fromkeys(h["doc_id"] for h in result["hits"])) == ["c", "a", "b", "d"]


def test_a_typed_tone_mark_is_never_swapped(make_engine):
    engine = make_engine({"a.txt": "Văn bản\nCon chò trên núi.\n", "b.txt": "Văn bản\nCon chó trong nhà.\n"})
    result = engine.search("chóo")
    assert result["corrected"] == {"chóo": "chó"} and [h["doc_id"] for h in result["hits"]] == ["b"]
    assert [h["doc_id"] for h in engine.search("chòo")["hits"]] == ["a"]
    # typed without marks: any accent will do
    assert sorted(h["doc_id"] for h in engine.search("choo")["hits"]) == ["a", "b"]


def test_no_correction_keeps_another_tone(make_engine):
    engine = make_engine({"a.txt": "Văn bản\nCon chò trên núi.\n"})
    result = engine.search("chóo")
    assert result["corrected"] is None and result["total"] == 0


def test_the_more_frequent_pair_wins_when_both_neighbours_are_known(make_engine):
    # "nhn" is one letter from "nhân" and from "nhà"; "nhà dân" is in the
    # index too, but "nhân dân" is in more paragraphs.
    engine = make_engine({
        "a.txt": "Văn bản\nỦy ban nhân dân tỉnh họp.\n",
        "b.txt": "Văn bản hai\nỦy ban nhân dân huyện họp.\n",
        "c.txt": "Văn bản ba\nBan nhà dân cư.\nNhà văn.\nNhà thơ.\nNhà báo.\n",
    })  # nhà: 4 paragraphs, nhân: 2; "nhà dân" 1, "nhân dân" 2
    result = engine.search("uy ban nhn dan tinh")
    assert result["corrected"] == {"nhn": "nhân"} and result["hits"][0]["doc_id"] == "a"


def test_a_bare_slip_in_an_accented_query_may_take_any_tone(make_engine):
    # "quc" has no mark: like a bare word in a half-accented query, any tone
    # will do (it was held to the level tone: "qua").
    engine = make_engine({"a.txt": "Văn bản\nĐại học quốc gia.\n", "b.txt": "Văn bản hai\nĐi qua gia đình.\n"})
    result = engine.search("đại học quc gia")
    assert result["corrected"] == {"quc": "quốc"} and result["hits"][0]["doc_id"] == "a"


def test_a_vowel_typed_twice_with_its_mark_keeps_the_mark(make_engine):
    engine = make_engine({"a.txt": "Văn bản\nThành phố Thái Nguyên.\n", "b.txt": "Văn bản\nThanh niên.\n"})
    result = engine.search("thàành phố")
    assert result["corrected"] == {"thàành": "thành"} and result["hits"][0]["doc_id"] == "a"


def test_marks_no_word_has_are_a_slip_when_a_neighbour_backs_the_fix(make_engine):
    # "trển" folds to "tren", which the index knows (trên), but nobody writes trển.
    engine = make_engine({
        "a.txt": "Văn bản\nPhát triển bền vững.\n",
        "b.txt": "Văn bản hai\nỞ trên núi phát sáng.\n",
    })
    result = engine.search("phát trển bền vững")
    assert result["corrected"] == {"trển": "triển"} and result["hits"][0]["doc_id"] == "a"
    # with no neighbour to back it, an unknown accented word is left as typed
    assert engine.search("trển")["corrected"] is None


@pytest.fixture(scope="module")
def client(seed_engine):
    return create_app(engine=seed_engine, TESTING=True).test_client()


def test_the_page_says_what_it_searched_and_links_to_the_query_as_typed(client):
    html = client.get("/search", query_string={"q": "hooij nghij"}).get_data(as_text=True)
    assert "Đã tìm: <b>hội nghị</b>" in html and "Tìm đúng như đã gõ: hooij nghij</a>" in html
    link = re.search(r'<a href="([^"]+)">Tìm đúng như đã gõ', html).group(1).replace("&amp;", "&")
    assert "raw=1" in link
    raw = client.get(link).get_data(as_text=True)
    assert "Đã tìm" not in raw and "Không tìm thấy kết quả nào cho <strong>hooij nghij</strong>" in raw
    assert 'name="raw"' not in raw  # a new search from the box is decoded again
    data = client.get("/api/search", query_string={"q": "hooij nghij"}).get_json()
    assert data["decoded"] == "hội nghị" and data["total"] == 33
    data = client.get("/api/search", query_string={"q": "hooij nghij", "raw": "1"}).get_json()
    assert data["decoded"] is None and data["total"] == 0


def test_the_page_says_what_it_corrected(client):
    html = client.get("/search", query_string={"q": "hoi ngih"}).get_data(as_text=True)
    assert "Đã sửa: ngih → nghị." in html and "Tìm đúng như đã gõ: hoi ngih</a>" in html
    data = client.get("/api/search", query_string={"q": "hoi ngih"}).get_json()
    assert data["corrected"] == {"ngih": "nghị"}
    assert client.get("/api/search", query_string={"q": "hoi ngih", "raw": "1"}).get_json()["corrected"] is None
    plain = client.get("/search", query_string={"q": "hội nghị"}).get_data(as_text=True)
    assert "Đã sửa" not in plain and "Đã tìm" not in plain


def test_a_pasted_page_of_unknown_words_is_corrected_no_further_than_a_query(seed_engine, monkeypatch):
    from search.query import suggest
    calls = []
    closest = suggest.Vocabulary.closest
    monkeypatch.setattr(suggest.Vocabulary, "closest", lambda self, w: calls.append(w) or closest(self, w))
    result = seed_engine.search(" ".join(f"xq{n}zk ngih" for n in range(3000)))
    assert result["corrected"] == {"ngih": "nghị"}
    assert len(calls) <= suggest.MAX_CORRECTED_SYLLABLES
