import unicodedata
from pathlib import Path

import pytest

from search.ingest.boilerplate import strip_boilerplate
from search.ingest.metadata import MERGED_2025, PROVINCES, extract, province_of

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FIELDS = ["province", "body", "term", "meeting", "meeting_date", "published", "author", "date_inferred"]


def lines(stem: str) -> list[str]:
    text = (SEEDS / f"{stem}.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def page(paragraphs: list[str]) -> list[str]:
    """The paragraphs as ``parse_document`` hands them to ``extract``: the
    site's boilerplate and related headlines cut (boilerplate.py)."""
    return [paragraphs[i] for i in strip_boilerplate(paragraphs)]


def seed(stem: str) -> list[str]:
    return page(lines(stem))


def facts(title: str, *paragraphs: str, filename: str = "") -> dict:
    return extract(title, [title, *paragraphs], filename)


# What a careful reader takes from each seed; None where the seed does not say.
EXPECTED = {
    # Slug title; Thái Nguyên from "tỉnh Thái Nguyên" in the body; no date written,
    # but it reviews "quý I" and plans "quý II năm 2017": 1/4/2017, inferred.
    "000_506b92b0bc4a87dd": dict(
        province="Thái Nguyên", body="Ban Chấp hành Đảng bộ tỉnh", term=19, meeting=9,
        meeting_date="2017-04-01", published=None, author=None, date_inferred=True),
    # "Sáng 2/7" completed by the byline's 02/07/2021; not "lần thứ tư" of the epidemic.
    "001_de1c8456ea6a90a5": dict(
        province="Thái Nguyên", body="Ban Chấp hành Đảng bộ tỉnh", term=20, meeting=8,
        meeting_date="2021-07-02", published="2021-07-02", author="Nguyễn Kiều - Kim Oanh",
        date_inferred=False),
    # Not "HĐND tỉnh khóa XIV"; "Quý I năm 2024" is not a date written, but the
    # review of that quarter implies one: 1/4/2024, inferred.
    "002_e74cd34c562d7255": dict(
        province="Thái Nguyên", body="Ban Chấp hành Đảng bộ tỉnh", term=20, meeting=31,
        meeting_date="2024-04-01", published=None, author=None, date_inferred=True),
    # LSO is Báo Lạng Sơn's dateline. The 28/10/2020 line is the page's date: the story
    # says "Sáng nay (27/6)" and "những tháng cuối năm 2017", so it ran on 27/6/2017.
    # Its only "khóa" are the Central Committee's (XII) and the Politburo's (X).
    # The year is the story's, not written with the day: inferred.
    "003_d85fbd8a0fbef35e": dict(
        province="Lạng Sơn", body="Ban Chấp hành Đảng bộ tỉnh", term=None, meeting=8,
        meeting_date="2017-06-27", published="2017-06-27", author="PHÙNG KHIÊM",
        date_inferred=True),
    # The congress (lần thứ XX) is the subject of the headline, not the meeting; the
    # meeting's decisions are the Standing Committee's ("Ban Thường vụ Tỉnh ủy đồng ý").
    # Not "HĐND tỉnh khóa XIII"; no meeting number or date written: the term's
    # years (nhiệm kỳ 2020-2025), 2020 named as often as 2021, and tasks "trong
    # tháng 11" give 1/11/2020, inferred.
    "004_5ea7245c79653926": dict(
        province="Thái Nguyên", body="Ban Thường vụ Tỉnh ủy", term=20, meeting=None,
        meeting_date="2020-11-01", published=None, author=None, date_inferred=True),
}
CASES = [(stem, field) for stem in EXPECTED for field in FIELDS]


@pytest.mark.parametrize("stem,field", CASES, ids=[f"{s[:3]}-{f}" for s, f in CASES])
def test_seed_fields(stem, field):
    paragraphs = seed(stem)
    got = extract(paragraphs[0], paragraphs, f"{stem}.txt")
    assert got[field] == EXPECTED[stem][field]


@pytest.mark.parametrize("stem", EXPECTED)
def test_seed_without_title_in_paragraphs(stem):
    paragraphs = seed(stem)
    assert extract(paragraphs[0], paragraphs[1:]) == EXPECTED[stem]


@pytest.mark.parametrize("stem", EXPECTED)
def test_seed_decomposed_unicode(stem):
    # Some sources arrive in NFD (accents as separate combining marks).
    paragraphs = [unicodedata.normalize("NFD", p) for p in seed(stem)]
    assert extract(paragraphs[0], paragraphs) == EXPECTED[stem]  # answers come back in NFC


def test_seed_001_is_read_without_related_headlines():
    # The seed tests above read seed 001 up to "Bài liên quan", not past it.
    paragraphs = lines("001_de1c8456ea6a90a5")
    cut = paragraphs.index("Bài liên quan")
    assert seed("001_de1c8456ea6a90a5") == paragraphs[:cut]


def test_related_headlines_are_not_read():
    paragraphs = lines("001_de1c8456ea6a90a5")
    cut = paragraphs.index("Bài liên quan")
    got = extract("Tin tức", page(["Tin tức", "Nội dung."] + paragraphs[cut:]))
    assert got == dict.fromkeys(FIELDS) | {"date_inferred": False}


def test_seed_003_province_from_known_office_holder_without_dateline():
    paragraphs = [p.replace("LSO-", "") for p in seed("003_d85fbd8a0fbef35e")]
    assert extract(paragraphs[0], paragraphs)["province"] == "Lạng Sơn"
    # The table needs "Tỉnh ủy" beside the name: a bare name proves nothing.
    assert province_of("Đồng chí Trần Sỹ Thanh phát biểu") is None


def test_seed_000_province_from_known_place():
    assert province_of("Khu du lịch Hồ Núi Cốc") == "Thái Nguyên"
    assert province_of("Khu công nghiệp Điềm Thụy") == "Thái Nguyên"
    assert province_of("thương hiệu sản phẩm Trà Thái Nguyên") == "Thái Nguyên"


# --- numbers ------------------------------------------------------------------

@pytest.mark.parametrize("written,number", [
    ("nhất", 1), ("hai", 2), ("tư", 4), ("bốn", 4), ("năm", 5), ("tám", 8), ("chín", 9),
    ("mười", 10), ("mười một", 11), ("mười bốn", 14), ("mười lăm", 15), ("mười chín", 19),
    ("hai mươi", 20), ("hai mươi mốt", 21), ("hai mươi tư", 24), ("hai mươi lăm", 25),
    ("ba mươi", 30), ("ba mươi hai", 32), ("bốn mươi", 40), ("12", 12), ("XII", 12),
])
def test_meeting_number_words(written, number):
    got = facts(f"Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ {written}, khóa XX")
    assert got["meeting"] == number
    assert got["term"] == 20


def test_year_after_number_word_is_not_part_of_it():
    assert facts("Hội nghị Tỉnh ủy lần thứ hai năm 2024")["meeting"] == 2
    assert facts("Hội nghị Tỉnh ủy lần thứ mười năm 2024")["meeting"] == 10


@pytest.mark.parametrize("text", [
    "Tại tỉnh Thái Nguyên, trong đợt dịch bùng phát lần thứ tư, có 4 ca.",
    "Lãnh đạo Petrovietnam tham dự Đại hội Dầu khí thế giới lần thứ 24 - WPC 24",
    "Quán triệt Hội nghị lần thứ 8 Ban Chấp hành Trung ương Đảng khóa XIII.",
    "Kỳ họp thứ 19, HĐND tỉnh khóa XIV.",
])
def test_other_bodies_numbers_are_not_the_meeting(text):
    got = facts("Tin tức", text)
    assert got["meeting"] is None
    assert got["term"] is None


def test_term_of_the_committee_not_of_others():
    got = facts("Tin tức", "Đại biểu Quốc hội khóa XV; Nghị quyết Trung ương 4 (khóa XII); "
                "Ủy ban Kiểm tra Tỉnh ủy khóa XVIII.")
    assert got["term"] == 18


def test_congress_number_is_the_term():
    got = facts("Khai mạc Đại hội đại biểu Đảng bộ tỉnh Quảng Ninh lần thứ XV, nhiệm kỳ 2020-2025")
    assert (got["province"], got["body"], got["term"], got["meeting"]) == (
        "Quảng Ninh", "Đảng bộ tỉnh", 15, None)


# --- slugs --------------------------------------------------------------------

def test_unaccented_slug_title():
    got = facts("hoi nghi tinh uy quang ninh lan thu 12 khoa xv")
    assert (got["province"], got["body"], got["term"], got["meeting"]) == (
        "Quảng Ninh", "Ban Chấp hành Đảng bộ tỉnh", 15, 12)


def test_slug_file_name_is_the_last_resort():
    got = extract("Tin tức", ["Nội dung."],
                  "hoi-nghi-ban-chap-hanh-dang-bo-tinh-nghe-an-lan-thu-7-khoa-xix.txt")
    assert (got["province"], got["term"], got["meeting"]) == ("Nghệ An", 19, 7)
    # The article's own words win over the file name.
    got = extract("Hội nghị Tỉnh ủy Hà Tĩnh lần thứ 3", [], "tinh-nghe-an-lan-thu-7.txt")
    assert (got["province"], got["meeting"]) == ("Hà Tĩnh", 3)


# --- provinces ----------------------------------------------------------------

@pytest.mark.parametrize("text,province", [
    ("Hội nghị Ban Chấp hành Đảng bộ Tỉnh ủy Quảng Ninh", "Quảng Ninh"),
    ("Bí thư Tỉnh uỷ Quảng Ninh chủ trì", "Quảng Ninh"),
    ("Hội nghị Ban Chấp hành Đảng bộ thành phố Hà Nội lần thứ 14", "Hà Nội"),
    ("Huyện Nhà Bè (TP.HCM)", "Hồ Chí Minh"),
    ("Thành ủy TP HCM họp", "Hồ Chí Minh"),
    ("Tp. Hồ Chí Minh", "Hồ Chí Minh"),
    ("Đảng bộ Thành phố Hồ Chí Minh", "Hồ Chí Minh"),
    ("Tỉnh ủy Thừa Thiên Huế", "Thừa Thiên Huế"),
    ("tỉnh Thừa Thiên - Huế", "Thừa Thiên Huế"),
    ("Thành ủy Huế khóa I", "Huế"),
    ("tỉnh Khánh Hoà", "Khánh Hòa"),
    ("tỉnh Đắk Lắk", "Đắk Lắk"),
    ("tỉnh Đăk Lăk", "Đắk Lắk"),
    ("tỉnh Bắc Cạn", "Bắc Kạn"),
    ("tỉnh BR-VT", "Bà Rịa - Vũng Tàu"),
    ("tỉnh Bà Rịa – Vũng Tàu", "Bà Rịa - Vũng Tàu"),
    ("tinh thai nguyen", "Thái Nguyên"),
    ("TỈNH ỦY LÀO CAI", "Lào Cai"),
])
def test_province_of(text, province):
    assert province_of(text) == province


@pytest.mark.parametrize("text", [
    "tư tưởng, đạo đức, phong cách Hồ Chí Minh",  # the man, not the city
    "vì hòa bình và hữu nghị",  # the word, not the province
    "xã Hòa Bình, huyện Chợ Mới",  # a commune of that name
    "đồng chí Nguyễn Hà Nam phát biểu",  # a person
    "bờ Thái Bình Dương",  # the Pacific
    "Nhà máy KHVATEC HANOI",  # a company name in an accented text
    "cao bằng đầu gối",  # no capitals: an ordinary phrase
    "",
])
def test_province_of_rejects(text):
    assert province_of(text) is None


def test_prefix_must_be_the_word_tinh():
    # "Hà Tĩnh Nghệ An": "tĩnh" is not "tỉnh", so this is not "tỉnh Nghệ An".
    assert province_of("hai tỉnh Hà Tĩnh Nghệ An") == "Hà Tĩnh"


def test_most_mentioned_prefixed_province_wins_over_a_passing_one():
    got = facts("Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 5",
                "Đoàn công tác tỉnh Cao Bằng dự hội nghị.",
                "Kinh tế tỉnh Lạng Sơn tăng trưởng; UBND tỉnh Lạng Sơn báo cáo.")
    assert got["province"] == "Lạng Sơn"


def test_title_wins_over_body():
    got = facts("Tỉnh ủy Bắc Giang: hội nghị lần thứ 6",
                "Hợp tác với tỉnh Bắc Ninh, tỉnh Bắc Ninh.")
    assert got["province"] == "Bắc Giang"


# --- 2025 reorganisation ------------------------------------------------------

def test_province_tables():
    assert len(MERGED_2025) == 63
    assert len(set(MERGED_2025.values())) == 34
    assert len(set(PROVINCES)) == 64
    assert set(MERGED_2025.values()) <= set(PROVINCES)


def test_merged_province_congress_2025():
    got = facts("Đại hội đại biểu Đảng bộ tỉnh Thái Nguyên lần thứ I, nhiệm kỳ 2025 – 2030",
                "Sáng 22/9, Đại hội đại biểu Đảng bộ tỉnh Thái Nguyên lần thứ I khai mạc.")
    assert (got["province"], got["body"], got["term"], got["meeting"]) == (
        "Thái Nguyên", "Đảng bộ tỉnh", 1, None)


def test_new_city_of_hue():
    got = facts("Hội nghị Ban Chấp hành Đảng bộ thành phố Huế lần thứ nhất, khóa I")
    assert (got["province"], got["body"], got["term"], got["meeting"]) == (
        "Huế", "Ban Chấp hành Đảng bộ thành phố", 1, 1)


# --- bodies -------------------------------------------------------------------

@pytest.mark.parametrize("title,body", [
    ("Ban Thường vụ Tỉnh ủy họp cho ý kiến một số nội dung", "Ban Thường vụ Tỉnh ủy"),
    ("Hội nghị Ban Thường vụ Thành ủy Hà Nội", "Ban Thường vụ Thành ủy"),
    ("Hội nghị Thành ủy Đà Nẵng lần thứ 9", "Ban Chấp hành Đảng bộ thành phố"),
    ("BCH Đảng bộ tỉnh Thái Nguyên: Đánh giá công tác", "Ban Chấp hành Đảng bộ tỉnh"),
    ("Bế mạc Đại hội Đảng bộ thành phố Cần Thơ", "Đảng bộ thành phố"),
    ("Quán triệt Nghị quyết Đại hội Đảng bộ tỉnh", None),
])
def test_body_from_title(title, body):
    assert facts(title)["body"] == body


def test_body_from_lead_when_title_is_silent():
    got = facts("Sơ kết 6 tháng đầu năm",
                "Sáng 3/7, Ban Thường vụ Tỉnh ủy tổ chức hội nghị sơ kết.")
    assert got["body"] == "Ban Thường vụ Tỉnh ủy"


# --- dates and bylines ----------------------------------------------------------

def test_date_written_in_words():
    got = facts("Hội nghị Tỉnh ủy", "Ngày 5 tháng 3 năm 2024, Ban Chấp hành Đảng bộ tỉnh họp.")
    assert got["meeting_date"] == "2024-03-05"
    assert got["published"] is None


def test_dash_date_completed_from_byline():
    got = facts("Hội nghị Tỉnh ủy", "Thu Hà | 08/07/2022, 10:05", "Sáng 7-7, Tỉnh ủy họp.")
    assert (got["meeting_date"], got["published"], got["author"]) == (
        "2022-07-07", "2022-07-08", "Thu Hà")


def test_year_before_publication_in_january():
    got = facts("Tổng kết năm", "Minh Anh | 03/01/2024, 08:00", "Chiều 30/12, Tỉnh ủy họp.")
    assert got["meeting_date"] == "2023-12-30"


def test_weekday_line_is_publication_when_the_story_agrees():
    got = facts("Thứ năm, 14/03/2024", "Hội nghị Tỉnh ủy Nghệ An lần thứ 20",
                "Sáng nay (14/3), Tỉnh ủy Nghệ An họp, đánh giá quý I năm 2024.")
    assert (got["meeting_date"], got["published"], got["meeting"]) == (
        "2024-03-14", "2024-03-14", 20)


def test_full_date_needs_no_completion():
    got = facts("Hội nghị Tỉnh ủy", "Chiều 28/12/2023, Ban Chấp hành Đảng bộ tỉnh họp.")
    assert got["meeting_date"] == "2023-12-28"


@pytest.mark.parametrize("lead", [
    "Tính đến ngày 18/6/2021 đã ghi nhận 4 ca; Tỉnh ủy họp trong năm 2021.",
    "Thực hiện Kết luận số 03-KL/TW, ngày 13/5/2016 của Ban Bí thư.",
])
def test_dates_that_are_not_the_meeting(lead):
    assert facts("Hội nghị Tỉnh ủy", lead)["meeting_date"] is None


def test_day_without_any_year_is_unknown():
    assert facts("Hội nghị Tỉnh ủy", "Sáng 2/7, Tỉnh ủy họp.")["meeting_date"] is None


def test_credit_line_author():
    assert facts("Hội nghị Tỉnh ủy", "Nội dung.", "Bài và ảnh: Minh Hằng")["author"] == "Minh Hằng"


def test_no_author_when_last_line_is_text():
    got = facts("Hội nghị Tỉnh ủy", "Hội nghị đã hoàn thành chương trình đề ra./.")
    assert got["author"] is None


def test_page_date_years_after_the_story_is_not_its_publication():
    got = facts("Thứ hai, 02/11/2020", "Tỉnh ủy họp",
                "Ngày 27/6, Tỉnh ủy họp, bàn nhiệm vụ những tháng cuối năm 2017.")
    assert (got["meeting_date"], got["published"]) == ("2017-06-27", None)
