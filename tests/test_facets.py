"""Metadata on hits and facets that count what the query matched."""

import pytest

from search.query.facets import Filters
from web import create_app


def test_hits_carry_their_documents_metadata(seed_engine):
    hit = seed_engine.search("Trịnh Việt Hùng")["hits"][0]
    assert hit["meta"]["province"] == "Thái Nguyên"
    assert hit["meta"]["term"] == 20 and hit["meta"]["meeting"] == 8
    assert hit["meta"]["meeting_date"] == "2021-07-02"


def test_facets_count_the_matching_paragraphs(seed_engine):
    result = seed_engine.search("hoi nghi", limit=100)
    facets = result["facets"]
    assert sum(facets["province"].values()) == result["total"]
    assert set(facets["province"]) == {"Thái Nguyên", "Lạng Sơn"}
    # every Lạng Sơn paragraph that matched is from seed 003
    lang_son = [h for h in result["hits"] if h["meta"]["province"] == "Lạng Sơn"]
    assert len(lang_son) == facets["province"]["Lạng Sơn"]
    assert {h["doc_id"] for h in lang_son} == {"003_d85fbd8a0fbef35e"}
    assert facets["term"] == {20: sum(1 for h in result["hits"] if h["meta"]["term"] == 20),
                              19: sum(1 for h in result["hits"] if h["meta"]["term"] == 19)}


@pytest.mark.parametrize("filters,expected_docs", [
    (Filters(province="lang son"), {"003_d85fbd8a0fbef35e"}),
    (Filters(term=19), {"000_506b92b0bc4a87dd"}),
    (Filters(year=2021), {"001_de1c8456ea6a90a5"}),
    # 000 reviews "quý I, … quý II năm 2017": dated 1/4/2017, inferred (issue 12).
    (Filters(date_from=20170101, date_to=20171231), {"000_506b92b0bc4a87dd", "003_d85fbd8a0fbef35e"}),
])
def test_filters_narrow_the_results(seed_engine, filters, expected_docs):
    result = seed_engine.search("hoi nghi", limit=100, filters=filters)
    assert result["total"] > 0
    assert {h["doc_id"] for h in result["hits"]} == expected_docs


def test_sort_by_date_puts_newest_first(seed_engine):
    result = seed_engine.search("tinh uy", limit=100, filters=Filters(sort="date"))
    dates = [h["meta"].get("meeting_date") or h["meta"].get("published") or "" for h in result["hits"]]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True) and dated


def test_api_and_page_accept_filters(seed_engine):
    client = create_app(engine=seed_engine, TESTING=True).test_client()
    data = client.get("/api/search?q=hoi+nghi&province=Lạng Sơn").get_json()
    assert data["total"] > 0 and set(data["facets"]["province"]) == {"Lạng Sơn"}
    assert client.get("/api/search?q=x&term=abc").status_code == 400
    assert client.get("/api/search?q=x&from=2020-13-01").status_code == 400
    assert client.get("/api/search?q=x&sort=random").status_code == 400
    html = client.get("/search?q=hoi+nghi").get_data(as_text=True)
    assert "Tỉnh, thành" in html and "Lạng Sơn" in html and "province=" in html
    html = client.get("/search?q=hoi+nghi&term=19").get_data(as_text=True)
    assert 'class="chosen"' in html and "Bỏ lọc" in html
