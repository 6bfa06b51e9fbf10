"""Dates and years for every document whose text implies one (issue 12, item 6)."""

from __future__ import annotations

import pytest

from search.ingest.metadata import extract
from search.query.facets import Filters


def facts(title: str, *paragraphs: str) -> dict:
    return extract(title, [title, *paragraphs])


def when(got: dict) -> tuple:
    return got["meeting_date"], got["date_inferred"]


# --- written dates: exact, not inferred ----------------------------------------------

@pytest.mark.parametrize("lead", [
    "Ngày 27/6/2024, Ban Chấp hành Đảng bộ tỉnh tổ chức hội nghị lần thứ 31.",
    "Ngày 27 tháng 6 năm 2024, Ban Chấp hành Đảng bộ tỉnh tổ chức hội nghị lần thứ 31.",
    "Sáng 27-6-2024, Ban Chấp hành Đảng bộ tỉnh họp.",
])
def test_written_meeting_date(lead):
    assert when(facts("Hội nghị Tỉnh ủy lần thứ 31", lead)) == ("2024-06-27", False)


def test_place_and_date_line_of_a_portal():
    got = facts("Hội nghị Tỉnh ủy lần thứ 31", "Thái Nguyên, ngày 27 tháng 6 năm 2024",
                "Ban Chấp hành Đảng bộ tỉnh họp hội nghị.")
    assert when(got) == ("2024-06-27", False)


def test_sang_nay_takes_the_publication_year():
    got = facts("Hội nghị Tỉnh ủy", "Thu Hà | 27/06/2024, 18:00",
                "Sáng nay (27/6), Ban Chấp hành Đảng bộ tỉnh họp hội nghị lần thứ 31.")
    assert (got["meeting_date"], got["published"], got["date_inferred"]) == (
        "2024-06-27", "2024-06-27", False)


def test_sang_nay_with_the_storys_year_is_inferred():
    # The page's own date line is years after the story: the year is the story's.
    got = facts("Thứ hai, 02/11/2020", "Tỉnh ủy họp",
                "Sáng nay (27/6), Tỉnh ủy họp, bàn nhiệm vụ những tháng cuối năm 2017.")
    assert when(got) == ("2017-06-27", True)


# --- implied dates --------------------------------------------------------------------

@pytest.mark.parametrize("lead,date", [
    ("Báo cáo kết quả thực hiện nhiệm vụ Quý I năm 2024 cho thấy kinh tế tăng trưởng.", "2024-04-01"),
    ("Hội nghị đánh giá kết quả quý III/2023.", "2023-10-01"),
    ("Hội nghị đánh giá tình hình thực hiện nhiệm vụ quý I, một số nhiệm vụ trọng tâm quý II năm 2017.",
     "2017-04-01"),
    ("Hội nghị sơ kết 6 tháng đầu năm 2021.", "2021-07-01"),
    ("Hội nghị đánh giá kết quả 9 tháng năm 2023.", "2023-10-01"),
    ("Tỉnh ủy họp bàn nhiệm vụ tháng 11 năm 2020.", "2020-11-01"),
    ("Hội nghị tổng kết quý IV năm 2023.", "2024-01-01"),
])
def test_period_and_year(lead, date):
    assert when(facts("Hội nghị Ban Chấp hành Đảng bộ tỉnh", lead)) == (date, True)


def test_the_terms_years_alone_give_its_first_year():
    got = facts("Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 3, khóa XX, nhiệm kỳ 2020-2025",
                "Hội nghị thảo luận công tác xây dựng Đảng.")
    assert when(got) == ("2020-01-01", True)


def test_the_terms_years_with_a_year_named_inside_them():
    got = facts("Hội nghị Ban Chấp hành Đảng bộ tỉnh khóa XX, nhiệm kỳ 2020-2025",
                "Hội nghị bàn nhiệm vụ trọng tâm trong tháng 5.",
                "Kết quả năm 2023 là tiền đề; đề án giai đoạn 2023-2025, định hướng đến năm 2030.")
    assert when(got) == ("2023-05-01", True)


def test_a_period_outside_the_term_is_another_story():
    got = facts("Hội nghị Ban Chấp hành Đảng bộ tỉnh khóa XX, nhiệm kỳ 2020-2025",
                "Hội nghị nhắc lại kết quả quý I năm 2015 của nhiệm kỳ trước.")
    assert when(got) == ("2020-01-01", True)


@pytest.mark.parametrize("lead", [
    "Sáng 2/7, Tỉnh ủy họp.",
    "Tính đến ngày 18/6/2021 đã ghi nhận 4 ca; Tỉnh ủy họp trong năm 2021.",
    "Tỉnh ủy họp bàn chương trình phát triển đến năm 2030.",
])
def test_nothing_implied(lead):
    assert when(facts("Hội nghị Tỉnh ủy", lead)) == (None, False)


# --- on the seeds and in the index -------------------------------------------------------

SEED_DATES = {
    "000_506b92b0bc4a87dd": ("2017-04-01", True),   # quý I, … quý II năm 2017
    "001_de1c8456ea6a90a5": ("2021-07-02", False),  # Sáng 2/7 + byline 02/07/2021
    "002_e74cd34c562d7255": ("2024-04-01", True),   # Quý I năm 2024
    "003_d85fbd8a0fbef35e": ("2017-06-27", True),   # Sáng nay (27/6) + "năm 2017"
    "004_5ea7245c79653926": ("2020-11-01", True),   # nhiệm kỳ 2020-2025, tháng 11
}


def test_every_seed_has_a_date(seed_engine):
    got = {d: (seed_engine.document(d)["meta"]["meeting_date"],
               seed_engine.document(d)["meta"]["date_inferred"]) for d in SEED_DATES}
    assert got == SEED_DATES


def test_the_2024_meeting_is_newest_and_its_year_filter_finds_it(seed_engine):
    newest = seed_engine.search("hội nghị", limit=50, filters=Filters(sort="date"))["hits"]
    assert newest[0]["doc_id"] == "002_e74cd34c562d7255"
    in_2024 = seed_engine.search("hội nghị", limit=50, filters=Filters(year=2024))["hits"]
    assert {h["doc_id"] for h in in_2024} == {"002_e74cd34c562d7255"}


def test_undated_documents_sort_last(make_engine):
    engine = make_engine({
        "a.txt": "Hội nghị Tỉnh ủy A\nNgày 5/3/2019, Tỉnh ủy họp hội nghị bàn công tác cán bộ.\n",
        "b.txt": "Hội nghị Tỉnh ủy B\nTỉnh ủy họp hội nghị bàn công tác cán bộ, công tác cán bộ.\n",
        "c.txt": "Hội nghị Tỉnh ủy C\nNgày 5/3/2024, Tỉnh ủy họp hội nghị bàn công tác.\n",
    })
    hits = engine.search("công tác cán bộ", limit=10, filters=Filters(sort="date"))["hits"]
    order = list(dict.fromkeys(h["doc_id"] for h in hits))
    assert order == ["c", "a", "b"]
