"""Grouped results (issue 12, item 1): one hit per document, its best
paragraph, ``more`` and ``others``; totals count paragraphs and documents;
limit and offset count documents. Expectations are cross-checked against the
same query ungrouped, so they hold whatever the ranking does."""

from __future__ import annotations

import os

import pytest

from search import Filters
from web import create_app

QUERY = "Tỉnh ủy Thái Nguyên"


def _by_document(hits):
    """Ungrouped hits, grouped by hand: {doc_id: [paragraphs, best first]},
    in order of first appearance."""
    out: dict[str, list[int]] = {}
    for h in hits:
        out.setdefault(h["doc_id"], []).append(h["paragraph"])
    return out


def test_each_document_once_with_its_other_matches(seed_engine):
    flat = seed_engine.search(QUERY, limit=100)
    grouped = seed_engine.search(QUERY, limit=10, group="doc")
    assert flat["total"] < 100  # the flat list is complete
    expected = _by_document(flat["hits"])
    # The complaint: page 1 showed one title four times.
    page1 = [h["doc_id"] for h in seed_engine.search(QUERY)["hits"]]
    assert len(set(page1)) < len(page1)

    assert grouped["group"] == "doc" and flat["group"] == "none"
    assert [h["doc_id"] for h in grouped["hits"]] == list(expected)
    assert grouped["documents"] == flat["documents"] == len(expected) == 5
    assert grouped["total"] == flat["total"] == sum(1 + h["more"] for h in grouped["hits"])
    for hit in grouped["hits"]:
        best, *others = expected[hit["doc_id"]]
        assert hit["paragraph"] == best
        assert hit["more"] == len(others) and hit["others"] == others
        assert hit["spans"] and hit["fragment"] and hit["title"]
    assert all("more" not in h and "others" not in h for h in flat["hits"])


def test_pages_count_documents(seed_engine):
    whole = [h["doc_id"] for h in seed_engine.search(QUERY, limit=10, group="doc")["hits"]]
    pages = []
    for offset in (0, 2, 4, 6):
        result = seed_engine.search(QUERY, limit=2, offset=offset, group="doc")
        assert result["documents"] == len(whole)  # totals do not depend on the page
        pages += [h["doc_id"] for h in result["hits"]]
    assert pages == whole
    assert seed_engine.search(QUERY, limit=2, offset=6, group="doc")["hits"] == []


def test_sorted_by_date_documents_follow_their_best_paragraph(seed_engine):
    filters = Filters(sort="date")
    flat = seed_engine.search(QUERY, limit=100, filters=filters)
    grouped = seed_engine.search(QUERY, limit=10, filters=filters, group="doc")
    expected = _by_document(flat["hits"])
    assert [(h["doc_id"], h["paragraph"]) for h in grouped["hits"]] == [
        (d, paras[0]) for d, paras in expected.items()]


def test_filters_and_an_empty_query_with_groups(seed_engine):
    result = seed_engine.search(QUERY, group="doc", filters=Filters(year=2021))
    assert {h["doc_id"] for h in result["hits"]} == {"001_de1c8456ea6a90a5"}
    assert result["documents"] == 1 and result["total"] == 1 + result["hits"][0]["more"]
    empty = seed_engine.search("", group="doc")
    assert (empty["hits"], empty["total"], empty["documents"]) == ([], 0, 0)
    with pytest.raises(ValueError):
        seed_engine.search(QUERY, group="paragraph")


def test_a_document_filling_the_ranking_does_not_hide_the_next(make_engine):
    # 300 strong paragraphs of one document rank before the other document's
    # single weak one: the grouping must read past them (it reads the ranking
    # in growing slices) and list at most 50 other paragraphs.
    many = "Tài liệu lớn\n" + "".join(f"Đoạn {i}: nghị quyết về chè, chè và chè.\n" for i in range(300))
    engine = make_engine({"big.txt": many, "small.txt": "Tài liệu nhỏ\nMột câu có chữ chè ở cuối rất dài dòng.\n"})
    result = engine.search("chè", limit=2, group="doc")
    assert [h["doc_id"] for h in result["hits"]] == ["big", "small"]
    assert result["total"] == 301 and result["documents"] == 2
    big = result["hits"][0]
    assert big["more"] == 299 and len(big["others"]) == 50
    assert big["paragraph"] not in big["others"] and len(set(big["others"])) == 50
    assert result["hits"][1]["more"] == 0 and result["hits"][1]["others"] == []
    assert [h["doc_id"] for h in engine.search("chè", limit=1, offset=1, group="doc")["hits"]] == ["small"]


def test_api_takes_group(seed_engine):
    client = create_app(engine=seed_engine, TESTING=True).test_client()
    grouped = client.get("/api/search", query_string={"q": QUERY, "group": "doc"}).get_json()
    assert grouped["group"] == "doc" and len({h["doc_id"] for h in grouped["hits"]}) == len(grouped["hits"])
    assert all("more" in h and "others" in h for h in grouped["hits"])
    flat = client.get("/api/search", query_string={"q": QUERY}).get_json()
    assert flat["group"] == "none" and "more" not in flat["hits"][0]
    assert flat["documents"] == grouped["documents"] and flat["total"] == grouped["total"]
    bad = client.get("/api/search", query_string={"q": QUERY, "group": "paragraphs"})
    assert bad.status_code == 400 and "group" in bad.get_json()["error"]


def test_documents_lists_every_document(seed_engine):
    by_date = seed_engine.documents(sort="date", limit=100)
    assert by_date["total"] == len(seed_engine.manifest["documents"]) == len(by_date["documents"])
    assert sum(d["paragraphs"] for d in by_date["documents"]) == seed_engine.manifest["paragraphs"]
    for d in by_date["documents"]:
        assert d["file"] == d["doc_id"] + ".txt" and d["title"] and d["meta"]["province"]
    dates = [d["meta"].get("meeting_date") or d["meta"].get("published") for d in by_date["documents"]]
    known = [x for x in dates if x]
    assert dates[:len(known)] == sorted(known, reverse=True)  # newest first, undated last
    titles = [d["title"] for d in seed_engine.documents(sort="title", limit=100)["documents"]]
    assert titles[0].startswith("Ban Chấp hành") and titles[1].startswith("BCH")
    page = seed_engine.documents(sort="date", limit=2, offset=2)
    assert page["total"] == by_date["total"] and page["documents"] == by_date["documents"][2:4]
    only = seed_engine.documents(Filters(year=2021))
    assert [d["doc_id"] for d in only["documents"]] == ["001_de1c8456ea6a90a5"] and only["total"] == 1
    with pytest.raises(ValueError):
        seed_engine.documents(sort="size")


def test_original_is_only_a_file_of_the_indexed_folder(make_engine, tmp_path):
    engine = make_engine({"a.txt": "A\nChè.\n", "b.txt": "B\nChè.\n", "c.txt": "C\nChè.\n"})
    source = tmp_path / "source"
    assert engine.original("a") == (source / "a.txt").resolve()
    assert engine.original("nope") is None and engine.original("../a") is None
    outside = tmp_path / "secret.txt"
    outside.write_text("bí mật", encoding="utf-8")
    (source / "b.txt").unlink()
    os.symlink(outside, source / "b.txt")  # replaced by a link out of the folder
    assert engine.original("b") is None
    (source / "c.txt").unlink()
    (source / "c.txt").mkdir()
    assert engine.original("c") is None
