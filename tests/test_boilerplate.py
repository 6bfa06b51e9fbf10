"""Web-page boilerplate stays out of the index; the article never does."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.ingest.boilerplate import is_boilerplate_line, strip_boilerplate
from search.ingest.corpus import paragraphs_of

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def paragraphs(stem: str) -> list[str]:
    return paragraphs_of((SEEDS / f"{stem}.txt").read_text(encoding="utf-8"))


def test_seed_001_keeps_exactly_its_article():
    paras = paragraphs("001_de1c8456ea6a90a5")
    kept = strip_boilerplate(paras)
    assert kept == list(range(15))
    assert paras[14].endswith("nhiệm kỳ 2021 - 2026./.")  # the article's last line
    dropped = " ".join(paras[i] for i in range(len(paras)) if i not in kept)
    for page_text in ("Bài liên quan", "Bình luận", "VinFast", "PV GAS", "Rừng mãi xanh", "POWERED BY"):
        assert page_text in dropped


@pytest.mark.parametrize("stem", ["000_506b92b0bc4a87dd", "002_e74cd34c562d7255",
                                  "003_d85fbd8a0fbef35e", "004_5ea7245c79653926"])
def test_other_seeds_lose_nothing(stem):
    # Every paragraph of these is the article: captions ("Toàn cảnh hội nghị"),
    # the slug line, the date line and the byline ("PHÙNG KHIÊM") included.
    paras = paragraphs(stem)
    assert strip_boilerplate(paras) == list(range(len(paras)))


@pytest.mark.parametrize("line", [
    "Tin cùng chuyên mục", "Chia sẻ Facebook", "Chia sẻ: Facebook Twitter Zalo",
    "© 2024 Báo Bắc Kạn. Bảo lưu mọi quyền.", "Copyright (c) 2019 Cổng thông tin điện tử tỉnh",
    "Powered by WordPress", "Xem thêm:", "XEM THÊM", "Bình luận (12)", "12 bình luận",
    "Các tin khác", "Bài viết liên quan", "ĐỌC NHIỀU NHẤT", "Có thể bạn quan tâm",
    "Ý kiến bạn đọc", "Tags: Hội nghị, Ban Chấp hành, Bắc Kạn", "Từ khóa: Đảng bộ tỉnh",
])
def test_page_furniture_lines(line):
    assert is_boilerplate_line(line)


@pytest.mark.parametrize("line", [
    # Navigation words inside sentences of the article.
    "Hội nghị đã thảo luận các vấn đề liên quan đến công tác cán bộ và đề nghị các cơ quan liên quan phối hợp chặt chẽ.",
    "Nhiều đại biểu bình luận rằng kết quả 6 tháng đầu năm là nổi bật, cần chia sẻ kinh nghiệm.",
    "Xem thêm các báo cáo của Ban Thường vụ Tỉnh ủy trình tại hội nghị lần này.",
    # Short lines of an article that are not navigation.
    "Liên quan đến vụ việc", "Kết quả nổi bật", "Hội nghị chia sẻ kinh nghiệm",
    "Các đại biểu tham dự Hội nghị", "Toàn cảnh hội nghị", "PHÙNG KHIÊM",
])
def test_article_lines(line):
    assert not is_boilerplate_line(line)


ARTICLE = [
    "Hội nghị Ban Chấp hành Đảng bộ tỉnh Bắc Kạn lần thứ 12",
    "Sáng 5/3, Ban Chấp hành Đảng bộ tỉnh tổ chức hội nghị lần thứ 12 để đánh giá kết quả công tác quý I.",
    "Các đại biểu đã thảo luận những vấn đề liên quan đến công tác cán bộ; nhiều ý kiến bình luận "
    "thẳng thắn về tiến độ giải ngân vốn đầu tư công trên địa bàn tỉnh.",
    "Toàn cảnh hội nghị",
    "Kết luận hội nghị, đồng chí Bí thư Tỉnh ủy đề nghị các cấp ủy tập trung chỉ đạo hoàn thành các chỉ tiêu năm 2024.",
]


def test_another_sites_footer_is_removed():
    page = ARTICLE + [
        "Chia sẻ Facebook",
        "Tags: Hội nghị, Ban Chấp hành, Bắc Kạn",
        "Tin cùng chuyên mục",
        "- Bắc Kạn đẩy mạnh chuyển đổi số trong cơ quan Đảng",
        "- Khai mạc lớp bồi dưỡng kiến thức quốc phòng và an ninh",
        "- Hội Nông dân tỉnh tổng kết phong trào thi đua năm 2023",
        "Xem thêm:",
        "• Chợ Đồn ra quân làm đường giao thông nông thôn",
        "Người dân các xã vùng cao đã góp hàng nghìn ngày công và hiến đất để mở rộng đường.",
        "• Thời tiết ngày mai: mưa rào và dông vài nơi",
        "© 2024 Báo Bắc Kạn. Bảo lưu mọi quyền.",
    ]
    assert strip_boilerplate(page) == list(range(len(ARTICLE)))


def test_bullet_headlines_without_a_heading_are_removed():
    page = ARTICLE + [
        "• Chợ Đồn ra quân làm đường giao thông nông thôn",
        "Người dân các xã vùng cao đã góp hàng nghìn ngày công và hiến đất để mở rộng đường.",
        "• Thời tiết ngày mai: mưa rào và dông vài nơi",
        "• Giá xăng dầu giảm nhẹ từ 15 giờ chiều nay",
        "Liên bộ Công Thương - Tài chính vừa điều chỉnh giá bán lẻ xăng dầu trong nước.",
    ]
    assert strip_boilerplate(page) == list(range(len(ARTICLE)))


def test_an_articles_own_closing_list_is_kept():
    listed = ARTICLE + [
        "Hội nghị đã thông qua các nội dung:",
        "• Báo cáo kết quả thực hiện nhiệm vụ quý I năm 2024",
        "• Đề án sắp xếp đơn vị hành chính cấp xã",
        "• Chương trình chuyển đổi số giai đoạn 2021-2025",
    ]
    assert strip_boilerplate(listed) == list(range(len(listed)))
    dashed = ARTICLE + [
        "Hội nghị thống nhất ba nhiệm vụ trọng tâm",
        "- Đẩy nhanh tiến độ giải ngân vốn đầu tư công",
        "- Tăng cường công tác cán bộ cơ sở",
        "- Chuẩn bị tốt kỳ họp HĐND tỉnh",
    ]
    assert strip_boilerplate(dashed) == list(range(len(dashed)))


def test_a_link_inside_the_article_does_not_cut_it():
    # The linked headline goes with its heading (issue 12: another story's
    # title is not this one's paragraph); the article after it stays.
    # "Toàn cảnh hội nghị" after it reads as one more headline and goes too:
    # a photo caption, it is no content either (junk.py).
    page = ARTICLE[:3] + ["Xem thêm:", "Bắc Kạn tổng kết công tác năm 2023"] + ARTICLE[3:]
    kept = strip_boilerplate(page)
    assert [page[i] for i in kept] == ARTICLE[:3] + ARTICLE[4:]
