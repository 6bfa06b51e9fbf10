"""Titles a reader can use: accents back on slugs, a heading instead of a date."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.ingest.corpus import paragraphs_of
from search.ingest.titles import better_title, is_date_line

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def title_of(stem: str) -> tuple[str, str]:
    paragraphs = paragraphs_of((SEEDS / f"{stem}.txt").read_text(encoding="utf-8"))
    return paragraphs[0], better_title(paragraphs[0], paragraphs)


def test_slug_title_gets_the_bodys_accents():
    original, better = title_of("000_506b92b0bc4a87dd")
    assert original == "hoi nghi ban chap hanh dang bo tinh lan thu 9 khoa xix"
    # The body spells "Hội nghị Ban Chấp hành Đảng bộ tỉnh" and "lần thứ 9"
    # (not "lần thư", though "Bí thư" is far more frequent there); it never
    # spells "khóa", which the Roman numeral after it decides.
    assert better == "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 9 khóa XIX"


def test_date_line_title_gives_way_to_the_heading():
    original, better = title_of("003_d85fbd8a0fbef35e")
    assert original.startswith("Thứ tư,")
    assert better == "Ban Chấp hành Đảng bộ tỉnh sơ kết công tác 6 tháng đầu năm"


@pytest.mark.parametrize("stem", ["001_de1c8456ea6a90a5", "002_e74cd34c562d7255", "004_5ea7245c79653926"])
def test_real_titles_are_kept(stem):
    original, better = title_of(stem)
    assert better == original


BODY = [
    "Sáng 8/12, Kỳ họp thứ 12 được tổ chức tại Hội trường tỉnh. Bí thư Tỉnh ủy, Bí thư Đảng đoàn dự.",
    "Các đại biểu HĐND tỉnh đã thảo luận kỹ các tờ trình; Bí thư Tỉnh ủy phát biểu chỉ đạo.",
    "Tổng kết kỳ họp, các đại biểu thống nhất thông qua 15 nghị quyết trong năm nay.",
]


def test_url_slug_with_codes_and_numerals():
    assert better_title("ky-hop-thu-12-hdnd-tinh-khoa-xiii", BODY) == "Kỳ họp thứ 12 HĐND tỉnh khóa XIII"


def test_words_the_body_spells_apart():
    # No run of the body folds to "tong ket nam 2023 bi thu": "Tổng kết" and
    # "Bí thư" are runs of their own, "năm" comes from its most frequent form.
    assert better_title("tong ket nam 2023 bi thu", BODY) == "Tổng kết năm 2023 Bí thư"


def test_a_title_the_body_cannot_spell_gives_way_to_a_heading():
    body = ["Tổng kết công tác kiểm tra năm 2023"] + BODY
    assert better_title("untitled document", body) == "Tổng kết công tác kiểm tra năm 2023"
    assert better_title("untitled document", BODY) == "untitled document"  # no heading either


def test_titles_left_alone():
    assert better_title("Hội nghị lần thứ 12", BODY) == "Hội nghị lần thứ 12"  # already accented
    english = ["The committee met on Tuesday.", "It approved the budget."]
    assert better_title("annual meeting", english) == "annual meeting"  # body has no accents


@pytest.mark.parametrize("line,is_date", [
    ("Thứ tư,\u00a0 28/10/2020", True),
    ("Thứ Hai, 05/02/2024 08:30 (GMT+7)", True),
    ("Chủ nhật, ngày 3 tháng 3 năm 2024", True),
    ("Cập nhật: 12/01/2024 15:02", True),
    ("Nguyễn Kiều - Kim Oanh | 02/07/2021, 19:20", False),
    ("Hội nghị lần thứ 8, khóa XX, nhiệm kỳ 2020 - 2025", False),
    ("Ban Chấp hành Đảng bộ tỉnh sơ kết công tác 6 tháng đầu năm", False),
])
def test_date_lines(line, is_date):
    assert is_date_line(line) is is_date


def test_date_lines_told_by_a_word_are_told_as_by_the_scans():
    # titles.is_date_line answers "no" at the first word no date token has
    # (_DATE_WORDS), before its two scans: the same answers as the scans
    # alone, on lines made of date words, numbers, times and other words.
    import random

    from search.ingest import titles
    from search.lang.text import fold

    def scans(text):
        folded = fold(titles._clean(text))
        if not titles._DAY_OR_DATE.search(folded):
            return False
        return not titles._WORD.search(titles._DATE_TOKENS.sub(" ", folded))

    pieces = ["thứ hai", "Thứ Ba", "chủ nhật", "CN", "T2", "t7", "ngày", "tháng", "năm", "lúc",
              "giờ", "cập nhật", "đăng lúc", "GMT", "UTC", "am", "pm", "sáng", "chiều", "tối",
              "Monday", "12/05/2021", "9h30", "12:45:10", "2021", "7", "-", ",", "|", "(", ")",
              "x", "hội nghị", "thu", "h", "12h", "abc123", "t2a", "ß", "日本", "toi", "\t", "·",
              "thứ", "Sáu", "bảy"]
    rng = random.Random(3)
    dates = 0
    for _ in range(20_000):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randrange(1, 7)))
        assert titles.is_date_line(text) == scans(text), text
        dates += scans(text)
    assert dates > 1_000  # the lines that are date lines are many, not none
