"""Lines that are not content (issue 12, item 3) are not indexed as paragraphs:
URL slugs, datelines, bylines, photo captions, links to other stories. The
rules are general: tested on the seeds, whose every real paragraph must stay,
and on pages written in other sites' styles (a government news portal and a
national paper, as .txt and as .html)."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.ingest.boilerplate import strip_boilerplate
from search.ingest.corpus import paragraphs_of, parse_document
from search.ingest.junk import content_lines, is_caption, is_credit, is_dateline, is_link, junk_kind

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# Every line each seed loses, exactly (and how many times it is in the file).
DROPPED = {
    "000_506b92b0bc4a87dd": [
        "hoi nghi ban chap hanh dang bo tinh lan thu 9 khoa xix",  # the URL slug, as the title
        "hoi nghi ban chap hanh dang bo tinh lan thu 9 khoa xix",  # and again mid-page
        "Các đại biểu tham dự hội nghị",
    ],
    "001_de1c8456ea6a90a5": [
        "Nguyễn Kiều - Kim Oanh | 02/07/2021, 19:20",
        "Các đại biểu tham dự Hội nghị",
        "Đồng chí Bí thư Tỉnh ủy Nguyễn Thanh Hải phát biểu chỉ đạo tại Hội nghị.",
    ],
    "002_e74cd34c562d7255": [
        # The headline again, as the photo's caption.
        "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 31, khóa XX, nhiệm kỳ 2020-2025.",
    ],
    "003_d85fbd8a0fbef35e": [
        "Thứ tư,\xa0 28/10/2020",
        "Đồng chí Trần Sỹ Thanh, Uỷ viên Trung ương Đảng, Bí thư Tỉnh ủy phát biểu kết luận tại hội nghị",
        "Các đồng chí đại biểu dự hội nghị",
        "PHÙNG KHIÊM",
    ],
    "004_5ea7245c79653926": ["Toàn cảnh hội nghị"],
}


def page_of(stem: str) -> list[str]:
    """The seed's lines less the site's furniture (boilerplate.py)."""
    paragraphs = paragraphs_of((SEEDS / f"{stem}.txt").read_text(encoding="utf-8"))
    return [paragraphs[i] for i in strip_boilerplate(paragraphs)]


@pytest.mark.parametrize("stem", DROPPED)
def test_seed_keeps_exactly_its_content(stem):
    page = page_of(stem)
    doc = parse_document(SEEDS / f"{stem}.txt", (SEEDS / f"{stem}.txt").read_bytes(), "")
    dropped = [p.strip() for p in page if p not in doc.paragraphs]
    assert dropped == DROPPED[stem]
    # Everything else, in order: no real paragraph is lost.
    assert doc.paragraphs == [p for p in page if p.strip() not in DROPPED[stem]]


def test_seed_counts():
    counts = {stem: len(parse_document(SEEDS / f"{stem}.txt",
                                       (SEEDS / f"{stem}.txt").read_bytes(), "").paragraphs)
              for stem in DROPPED}
    assert counts == {"000_506b92b0bc4a87dd": 11, "001_de1c8456ea6a90a5": 12,
                      "002_e74cd34c562d7255": 5, "003_d85fbd8a0fbef35e": 5,
                      "004_5ea7245c79653926": 4}


def test_slug_title_still_gives_the_title():
    stem = "000_506b92b0bc4a87dd"
    doc = parse_document(SEEDS / f"{stem}.txt", (SEEDS / f"{stem}.txt").read_bytes(), "")
    assert doc.title == "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 9 khóa XIX"
    assert doc.paragraphs[0].startswith("Hội nghị diễn ra dưới sự chủ trì")


# --- another site's style ---------------------------------------------------------

# A government news portal's page (baochinhphu.vn / a provincial portal), saved as text.
PORTAL_CONTENT = [
    "Hội nghị Ban Chấp hành Đảng bộ tỉnh Bắc Giang lần thứ 25, khóa XIX",
    "(Chinhphu.vn) - Ngày 27/6/2024, Ban Chấp hành Đảng bộ tỉnh Bắc Giang tổ chức hội nghị lần thứ 25 "
    "để đánh giá kết quả 6 tháng đầu năm.",
    "Báo cáo cho thấy tăng trưởng kinh tế của tỉnh ước đạt 13,5%, đứng đầu cả nước.",
    "Đồng chí Bí thư Tỉnh ủy phát biểu kết luận tại hội nghị: các cấp ủy cần tập trung giải ngân vốn đầu tư công.",
    "Các đại biểu đã thảo luận sôi nổi tại hội nghị.",
    "Toàn cảnh kinh tế của tỉnh 6 tháng đầu năm có nhiều điểm sáng, nhất là công nghiệp chế biến, chế tạo "
    "và thu hút đầu tư nước ngoài.",
    "Hội nghị cũng thông qua Nghị quyết về phát triển văn hóa đến năm 2030.",
]
PORTAL_JUNK = [
    "hoi-nghi-ban-chap-hanh-dang-bo-tinh-bac-giang-lan-thu-25-khoa-xix-102240627.htm",
    "Thứ Năm, 27/06/2024 10:15 (GMT+7)",
    "Bắc Giang, ngày 27 tháng 6 năm 2024",
    "Quang cảnh hội nghị. Ảnh: VGP/Minh Anh",
    "Đồng chí Nguyễn Văn Gấu, Bí thư Tỉnh ủy phát biểu tại hội nghị - Ảnh: BBG",
    "Các đồng chí lãnh đạo tỉnh chủ trì hội nghị",
    "Xem thêm: Bắc Giang thu hút 1,2 tỷ USD vốn FDI",
    ">> Bắc Giang: Kiện toàn Ban Thường vụ Tỉnh ủy",
    "Ảnh minh họa",
    "Bài và ảnh: Minh Anh",
    "Minh Anh",
]


def portal_lines() -> list[str]:
    c, j = PORTAL_CONTENT, PORTAL_JUNK
    return [c[0], j[0], j[1], j[2], c[1], j[3], c[2], j[4], c[3], j[5], c[4], j[6], c[5], j[7],
            c[6], j[8], j[9], "Bài liên quan.", "Bắc Giang: Sơ kết công tác Đảng 6 tháng",
            "Bắc Giang tổng kết năm học 2023-2024", j[10]]


def test_portal_page_as_text(tmp_path):
    path = tmp_path / "bacgiang.txt"
    path.write_text("\n\n".join(portal_lines()) + "\n", encoding="utf-8")
    doc = parse_document(path, path.read_bytes(), "")
    assert doc.paragraphs == PORTAL_CONTENT


def test_portal_page_as_html(tmp_path):
    c, j = PORTAL_CONTENT, PORTAL_JUNK
    html = f"""<!doctype html><html><head><meta charset="utf-8"><title>{c[0]}</title></head><body>
<header><a href="/">Trang chủ</a></header>
<div class="detail">
<h1>{c[0]}</h1>
<p class="date">{j[1]}</p>
<div class="content">
<p>{c[1]}</p>
<figure><img src="a.jpg"><figcaption>{j[3]}</figcaption></figure>
<p>{c[2]}</p>
<table class="image"><tr><td><img src="b.jpg"></td></tr><tr><td>{j[4]}</td></tr></table>
<p>{c[3]}</p>
<p><em>{j[5]}</em></p>
<p>{c[4]}</p>
<p><strong>{j[6]}</strong></p>
<p>{c[5]}</p>
<p>{c[6]}</p>
<p style="text-align:right"><strong>{j[10]}</strong></p>
</div></div>
<footer>© 2024 Cổng thông tin điện tử Chính phủ</footer></body></html>"""
    path = tmp_path / "bacgiang.html"
    path.write_text(html, encoding="utf-8")
    doc = parse_document(path, path.read_bytes(), "")
    assert doc.paragraphs == PORTAL_CONTENT


# A national paper's story (nhandan.vn style): agency dateline, author on top.
PAPER = [
    "Thứ Ba, ngày 16/04/2024 - 16:40",
    "Tỉnh ủy Thái Nguyên họp Hội nghị lần thứ 31",
    "NDO - Sáng nay (16/4), Ban Chấp hành Đảng bộ tỉnh Thái Nguyên khóa XX họp hội nghị lần thứ 31.",
    "Quang cảnh hội nghị. (Ảnh: THÀNH NAM)",
    "Hội nghị đánh giá kết quả quý I năm 2024 và bàn nhiệm vụ quý II.",
    "Đồng chí Trịnh Việt Hùng, Bí thư Tỉnh ủy Thái Nguyên trao đổi với đại biểu dự hội nghị",
    "Tin liên quan",
    "Thái Nguyên công bố quy hoạch tỉnh thời kỳ 2021-2030",
    "Thái Nguyên: 6 tháng thu ngân sách đạt 60% dự toán",
    "Hội nghị đã biểu quyết thông qua các nội dung quan trọng.",
    "THÀNH NAM",
]


def test_paper_page():
    page = [PAPER[i] for i in strip_boilerplate(PAPER)]
    kept = [page[i] for i in content_lines(page)]
    assert kept == [PAPER[1], PAPER[2], PAPER[4], PAPER[9]]


@pytest.mark.parametrize("line,kind", [
    ("hoi nghi ban chap hanh dang bo tinh lan thu 9 khoa xix", "slug"),
    ("Thứ tư,  28/10/2020", "dateline"),
    ("Cập nhật: 08:30, 27/06/2024", "dateline"),
    ("Thái Nguyên, ngày 27 tháng 6 năm 2024", "dateline"),
    ("Hà Nội, 16/4/2024", "dateline"),
    ("Nguyễn Kiều - Kim Oanh | 02/07/2021, 19:20", "credit"),
    ("Tin, ảnh: Quang Minh", "credit"),
    ("Theo: Báo Nhân Dân", "credit"),
    ("Toàn cảnh hội nghị", "caption"),
    ("Ảnh: Minh Hà", "credit"),
    ("Quang cảnh hội nghị. (Ảnh: THÀNH NAM)", "caption"),
    ("Các đại biểu tham dự hội nghị", "caption"),
    ("Lãnh đạo tỉnh trao Bằng khen cho các tập thể tại buổi lễ", "caption"),
    ("Xem thêm: Thái Nguyên tổ chức hội nghị", "link"),
    ("Xem thêm…", "link"),  # also boilerplate.py's heading
    ("https://thainguyen.gov.vn/tin-tuc/hoi-nghi", "link"),
])
def test_line_kinds(line, kind):
    # The slug needs the document's accented words; the seed 000's give them.
    marked = {"hoi", "nghi", "chap", "hanh", "dang", "bo", "tinh", "lan", "thu", "khoa"}
    assert junk_kind(line, marked) == kind


@pytest.mark.parametrize("line", [
    # Real paragraphs shaped a little like junk.
    "Tại hội nghị, Ban Chấp hành Đảng bộ tỉnh đã nghe và cho ý kiến vào các nội dung.",
    "Các đại biểu đã thống nhất cao tại hội nghị.",
    "Đồng chí Bí thư Tỉnh ủy phát biểu tại hội nghị: cần tập trung giải ngân vốn đầu tư công.",
    "Toàn cảnh kinh tế của tỉnh 6 tháng đầu năm có nhiều điểm sáng, nhất là công nghiệp chế biến, "
    "chế tạo và thu hút đầu tư nước ngoài trong năm.",
    "Xem thêm các báo cáo của Ban Thường vụ Tỉnh ủy trình tại hội nghị lần này.",
    "Theo kế hoạch, hội nghị diễn ra trong hai ngày.",
    "Anh chị em đoàn viên tham dự hội nghị",
    "Ngày 27/6/2024, Tỉnh ủy tổ chức hội nghị.",
    "Bí thư Tỉnh ủy Thái Nguyên chủ trì hội nghị.",
    "Đồng chí Nguyễn Văn Gấu, Bí thư Tỉnh ủy dự hội nghị.",
    "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 31, khóa XX, nhiệm kỳ 2020-2025",
])
def test_content_lines_are_not_junk(line):
    assert junk_kind(line, {"hoi", "nghi"}) is None
    assert not (is_caption(line) or is_link(line) or is_credit(line) or is_dateline(line))


def test_unaccented_document_keeps_its_lines():
    # Without accents anywhere, a line without accents is no slug: it is the text.
    page = ["hoi nghi tinh uy lan thu 9", "sang nay tinh uy hop hoi nghi lan thu 9",
            "cac dai bieu thao luan ve ke hoach nam 2024"]
    assert content_lines(page) == [0, 1, 2]


def test_a_page_of_only_junk_keeps_its_lines():
    # The first line is the title, whatever it looks like, unless a slug or a date.
    assert content_lines(["Toàn cảnh hội nghị", "Ảnh: Minh Hà"]) == [0]
    # With nothing left, nothing goes: a document is never lost for its shape.
    assert content_lines(["Thứ tư, 28/10/2020", "Ảnh: Minh Hà"]) == [0, 1]


def test_ingest_version_follows_the_rules(monkeypatch):
    # An index read by other rules can tell (search/index compares it, as it
    # does analysis_version): the same rules give the same digest, others not.
    import search.ingest.corpus as corpus

    before = corpus.ingest_version()
    assert corpus.ingest_version() == before and len(before) == 16
    monkeypatch.setattr(corpus, "content_lines", lambda paragraphs: list(range(len(paragraphs))))
    corpus.ingest_version.cache_clear()  # kept for the process: the rules do not change in one
    try:
        assert corpus.ingest_version() != before
    finally:
        monkeypatch.undo()
        corpus.ingest_version.cache_clear()
    assert corpus.ingest_version() == before


def test_a_line_is_cleaned_and_folded_once_for_every_predicate(monkeypatch):
    # junk_kind asks up to five predicates of a line; they share its cleaned
    # and folded forms (junk._cleaned, junk._folded) instead of each making them.
    from search.ingest import junk

    calls = {"clean": 0, "fold": 0}
    clean, fold_text = junk._clean, junk._fold_text

    def counted_clean(text):
        calls["clean"] += 1
        return clean(text)

    def counted_fold(text):
        calls["fold"] += 1
        return fold_text(text)

    monkeypatch.setattr(junk, "_clean", counted_clean)
    monkeypatch.setattr(junk, "_fold_text", counted_fold)
    junk._cleaned.cache_clear()
    junk._folded.cache_clear()
    line = "Toàn cảnh hội nghị sáng nay tại trụ sở Tỉnh ủy"
    assert junk.junk_kind(line, marked={"toan", "canh"}) == "caption"
    assert calls == {"clean": 1, "fold": 1}
