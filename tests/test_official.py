"""Official document headers and footers (issue 14 item 4; ingest/official.py).

Five documents made here, one per way a header reaches us: a resolution as
.docx (the header and the signature in borderless two-column tables), a
report and a short resolution as .txt (the header as lines), a state
decision as .txt copied from a table (columns joined by tabs), and a notice
as a PDF whose text layer has the first header row as one string
("ĐẢNG BỘ TỈNH LẠNG SƠN                ĐẢNG CỘNG SẢN VIỆT NAM") and the
other rows and the footer as separate strings sharing a baseline. Each field
is asserted exactly; then the index: header and footer lines are no hits,
the header's facts still find the document, type and issuer are facets and
filters on the library, the web pages, the JSON API and the command line.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from search import Engine, Filters, build_index
from search.cli import main
from search.ingest.corpus import parse_document
from web import create_app

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

# A sentence every fixture holds once in its content, for the facet counts.
SHARED = "Công tác chuyển đổi số được triển khai đồng bộ trong toàn tỉnh."


def resolution_docx() -> bytes:
    d = docx.Document()
    head = d.add_table(rows=1, cols=2)
    left, right = head.cell(0, 0), head.cell(0, 1)
    left.text = "ĐẢNG BỘ TỈNH THÁI NGUYÊN"
    for line in ("TỈNH ỦY", "*", "Số 05-NQ/TU"):
        left.add_paragraph(line)
    right.text = "ĐẢNG CỘNG SẢN VIỆT NAM"
    right.add_paragraph("")
    right.add_paragraph("Thái Nguyên, ngày 02 tháng 7 năm 2021")
    d.add_paragraph("NGHỊ QUYẾT")
    d.add_paragraph("về phát triển du lịch hồ Núi Cốc giai đoạn 2021 - 2025")
    d.add_paragraph("-----")
    d.add_paragraph("Du lịch hồ Núi Cốc những năm qua có bước phát triển, lượng khách tăng bình quân 12% mỗi năm.")
    d.add_paragraph(SHARED)
    d.add_paragraph("Đến năm 2025, đón 1,5 triệu lượt khách; doanh thu du lịch đạt 2.000 tỷ đồng.")
    foot = d.add_table(rows=1, cols=2)
    left, right = foot.cell(0, 0), foot.cell(0, 1)
    left.text = "Nơi nhận:"
    for line in ("- Ban Bí thư Trung ương Đảng,", "- Văn phòng Trung ương Đảng,",
                 "- Đài Phát thanh - Truyền hình tỉnh,", "- Lưu Văn phòng Tỉnh ủy."):
        left.add_paragraph(line)
    right.text = "T/M BAN THƯỜNG VỤ"
    for line in ("BÍ THƯ", "", "Trịnh Việt Hùng"):
        right.add_paragraph(line)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


REPORT_TXT = "\n".join([
    "ĐẢNG BỘ TỈNH BẮC KẠN",
    "TỈNH ỦY",
    "*",
    "Số 125-BC/TU",
    "ĐẢNG CỘNG SẢN VIỆT NAM",
    "Bắc Kạn, ngày 15 tháng 12 năm 2021",
    "BÁO CÁO",
    "kết quả lãnh đạo thực hiện nhiệm vụ chính trị năm 2021",
    "Năm 2021, tổng sản phẩm trên địa bàn tỉnh (GRDP) tăng 5,1%; thu ngân sách đạt 820 tỷ đồng.",
    SHARED,
    "Công tác xây dựng Đảng được chú trọng, kết nạp 1.050 đảng viên mới.",
    "T/M BAN THƯỜNG VỤ",
    "PHÓ BÍ THƯ",
    "(Đã ký)",
    "Phương Thị Thanh",
    "Nơi nhận:",
    "- Ban Chấp hành Trung ương Đảng (để báo cáo),",
    "- Các đồng chí Tỉnh ủy viên,",
    "- Lưu VPTU.",
])

# A state decision copied out of its tables: the columns joined by tabs.
DECISION_TXT = "\n".join([
    "ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "TỈNH THÁI NGUYÊN\tĐộc lập - Tự do - Hạnh phúc",
    "Số: 1234/QĐ-UBND\tThái Nguyên, ngày 15 tháng 6 năm 2022",
    "QUYẾT ĐỊNH",
    "Về việc phê duyệt Đề án phát triển kinh tế tập thể giai đoạn 2022 - 2025",
    "ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN",
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Điều 1. Phê duyệt Đề án phát triển kinh tế tập thể với mục tiêu thành lập mới 150 hợp tác xã.",
    SHARED,
    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
    "Nơi nhận:\tTM. ỦY BAN NHÂN DÂN",
    "- Như Điều 2;\tKT. CHỦ TỊCH",
    "- Bộ Kế hoạch và Đầu tư (b/c);\tPHÓ CHỦ TỊCH",
    "- Lưu: VT, KT.",
    "\tLê Quang Tiến",
])

SECOND_RESOLUTION_TXT = "\n".join([
    "ĐẢNG BỘ TỈNH THÁI NGUYÊN", "TỈNH UỶ", "*", "Số 07-NQ/TU",
    "ĐẢNG CỘNG SẢN VIỆT NAM", "Thái Nguyên, ngày 20 tháng 9 năm 2021",
    "NGHỊ QUYẾT", "về chuyển đổi số tỉnh Thái Nguyên",
    SHARED,
    "Phấn đấu đến năm 2025 kinh tế số chiếm 20% GRDP.",
    "Nơi nhận:", "- Các huyện ủy, thành ủy,", "- Lưu VP.",
    "T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Trịnh Việt Hùng",
])


def notice_pdf() -> bytes:
    if not FONT.exists():
        pytest.fail(f"{FONT} is missing: install Debian's fonts-dejavu-core")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT)))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(595, 842))
    c.setFont("DejaVuSans", 11)
    y = [800]

    def row(left="", right="", one_string=False):
        if one_string:  # the printer wrote the row as one string, spaces between the columns
            c.drawString(60, y[0], left + " " * 24 + right)
        else:
            if left:
                c.drawCentredString(160, y[0], left)
            if right:
                c.drawCentredString(420, y[0], right)
        y[0] -= 15

    row("ĐẢNG BỘ TỈNH LẠNG SƠN", "ĐẢNG CỘNG SẢN VIỆT NAM", one_string=True)
    row("TỈNH ỦY")
    row("*")
    row("Số 36-TB/TU", "Lạng Sơn, ngày 08 tháng 3 năm 2022")
    y[0] -= 15
    for line in ("THÔNG BÁO", "kết luận của Ban Thường vụ Tỉnh ủy về công tác cán bộ"):
        c.drawCentredString(297, y[0], line)
        y[0] -= 15
    y[0] -= 15
    for line in ("Ban Thường vụ Tỉnh ủy thống nhất kiện toàn nhân sự các ban xây dựng Đảng.", SHARED):
        c.drawString(60, y[0], line)
        y[0] -= 20
    y[0] -= 10
    row("Nơi nhận:", "T/L BAN THƯỜNG VỤ")
    row("- Các ban xây dựng Đảng Tỉnh ủy,", "CHÁNH VĂN PHÒNG")
    row("- Lưu Văn phòng Tỉnh ủy.")
    y[0] -= 20
    row("", "Hoàng Văn Nghiệm")
    c.save()
    return out.getvalue()


EXPECTED = {
    "nghi-quyet-05.docx": {
        "issuer": "Tỉnh ủy Thái Nguyên", "issuer_parent": "Đảng bộ tỉnh Thái Nguyên",
        "doc_kind": "nghị quyết", "issued_place": "Thái Nguyên", "issued_date": "2021-07-02",
        "subject": "về phát triển du lịch hồ Núi Cốc giai đoạn 2021 - 2025",
        "signer": "Trịnh Việt Hùng", "signer_capacity": "T/M BAN THƯỜNG VỤ, BÍ THƯ",
        "recipients": ["Ban Bí thư Trung ương Đảng", "Văn phòng Trung ương Đảng",
                       "Đài Phát thanh - Truyền hình tỉnh"],
    },
    "bao-cao-125.txt": {
        "issuer": "Tỉnh ủy Bắc Kạn", "issuer_parent": "Đảng bộ tỉnh Bắc Kạn",
        "doc_kind": "báo cáo", "issued_place": "Bắc Kạn", "issued_date": "2021-12-15",
        "subject": "kết quả lãnh đạo thực hiện nhiệm vụ chính trị năm 2021",
        "signer": "Phương Thị Thanh", "signer_capacity": "T/M BAN THƯỜNG VỤ, PHÓ BÍ THƯ",
        "recipients": ["Ban Chấp hành Trung ương Đảng (để báo cáo)", "Các đồng chí Tỉnh ủy viên"],
    },
    "quyet-dinh-1234.txt": {
        "issuer": "Ủy ban nhân dân tỉnh Thái Nguyên",
        "doc_kind": "quyết định", "issued_place": "Thái Nguyên", "issued_date": "2022-06-15",
        "subject": "Về việc phê duyệt Đề án phát triển kinh tế tập thể giai đoạn 2022 - 2025",
        "signer": "Lê Quang Tiến", "signer_capacity": "TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH, PHÓ CHỦ TỊCH",
        "recipients": ["Như Điều 2", "Bộ Kế hoạch và Đầu tư (b/c)"],
    },
    "nghi-quyet-07.txt": {
        "issuer": "Tỉnh ủy Thái Nguyên", "issuer_parent": "Đảng bộ tỉnh Thái Nguyên",
        "doc_kind": "nghị quyết", "issued_place": "Thái Nguyên", "issued_date": "2021-09-20",
        "subject": "về chuyển đổi số tỉnh Thái Nguyên",
        "signer": "Trịnh Việt Hùng", "signer_capacity": "T/M BAN THƯỜNG VỤ, BÍ THƯ",
        "recipients": ["Các huyện ủy, thành ủy"],
    },
    "thong-bao-36.pdf": {
        "issuer": "Tỉnh ủy Lạng Sơn", "issuer_parent": "Đảng bộ tỉnh Lạng Sơn",
        "doc_kind": "thông báo", "issued_place": "Lạng Sơn", "issued_date": "2022-03-08",
        "subject": "kết luận của Ban Thường vụ Tỉnh ủy về công tác cán bộ",
        "signer": "Hoàng Văn Nghiệm", "signer_capacity": "T/L BAN THƯỜNG VỤ, CHÁNH VĂN PHÒNG",
        "recipients": ["Các ban xây dựng Đảng Tỉnh ủy"],
    },
}
FIELDS = ("issuer", "issuer_parent", "doc_kind", "issued_place", "issued_date", "subject",
          "signer", "signer_capacity", "recipients")
TITLES = {
    "nghi-quyet-05": "Nghị quyết về phát triển du lịch hồ Núi Cốc giai đoạn 2021 - 2025",
    "bao-cao-125": "Báo cáo kết quả lãnh đạo thực hiện nhiệm vụ chính trị năm 2021",
    "quyet-dinh-1234": "Quyết định về việc phê duyệt Đề án phát triển kinh tế tập thể giai đoạn 2022 - 2025",
    "nghi-quyet-07": "Nghị quyết về chuyển đổi số tỉnh Thái Nguyên",
    "thong-bao-36": "Thông báo kết luận của Ban Thường vụ Tỉnh ủy về công tác cán bộ",
}


def fixture_bytes() -> dict[str, bytes]:
    return {"nghi-quyet-05.docx": resolution_docx(), "bao-cao-125.txt": REPORT_TXT.encode(),
            "quyet-dinh-1234.txt": DECISION_TXT.encode(), "nghi-quyet-07.txt": SECOND_RESOLUTION_TXT.encode(),
            "thong-bao-36.pdf": notice_pdf()}


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return fixture_bytes()


@pytest.fixture(scope="module")
def index(tmp_path_factory, files) -> Path:
    source = tmp_path_factory.mktemp("official-source")
    for name, raw in files.items():
        (source / name).write_bytes(raw)
    shutil.copy(next(SEEDS.glob("000_*.txt")), source)  # a news report: no header
    index = tmp_path_factory.mktemp("official-index")
    build_index(source, index)
    return index


@pytest.fixture(scope="module")
def engine(index) -> Engine:
    return Engine(index)


def parsed(name: str, raw: bytes):
    return parse_document(Path(name), raw, "")


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_header_field(files, name):
    meta = parsed(name, files[name]).meta
    assert {k: meta.get(k) for k in FIELDS} == {k: EXPECTED[name].get(k) for k in FIELDS}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_title_is_type_and_subject(files, name):
    assert parsed(name, files[name]).title == TITLES[name.rsplit(".", 1)[0]]


def test_header_and_footer_lines_are_not_content(files):
    doc = parsed("nghi-quyet-05.docx", files["nghi-quyet-05.docx"])
    assert doc.paragraphs == [
        "về phát triển du lịch hồ Núi Cốc giai đoạn 2021 - 2025",
        "Du lịch hồ Núi Cốc những năm qua có bước phát triển, lượng khách tăng bình quân 12% mỗi năm.",
        SHARED,
        "Đến năm 2025, đón 1,5 triệu lượt khách; doanh thu du lịch đạt 2.000 tỷ đồng.",
    ]
    decision = parsed("quyet-dinh-1234.txt", files["quyet-dinh-1234.txt"])
    assert decision.paragraphs[0] == EXPECTED["quyet-dinh-1234.txt"]["subject"]
    assert decision.paragraphs[-1] == "Điều 2. Quyết định này có hiệu lực kể từ ngày ký."
    # The decision's date is when it was issued, not a meeting's.
    assert decision.meta["meeting_date"] is None


def test_docx_header_table_cells_come_as_lines_left_then_right(files):
    from search.ingest.formats import read_docx

    assert read_docx(files["nghi-quyet-05.docx"])[:7] == [
        "ĐẢNG BỘ TỈNH THÁI NGUYÊN", "TỈNH ỦY", "*", "Số 05-NQ/TU", "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Thái Nguyên, ngày 02 tháng 7 năm 2021", "NGHỊ QUYẾT"]


def test_pdf_row_written_as_one_string_is_one_line(files):
    from search.ingest.formats import read_pdf

    assert read_pdf(files["thong-bao-36.pdf"])[0] == "ĐẢNG BỘ TỈNH LẠNG SƠN ĐẢNG CỘNG SẢN VIỆT NAM"


def test_share_of_fields_right(files):
    """The figure the notes report: fields right / fields present."""
    right = present = 0
    for name, want in EXPECTED.items():
        meta = parsed(name, files[name]).meta
        present += len(want)
        right += sum(meta.get(k) == v for k, v in want.items())
    assert (right, present) == (44, 44)


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_news_reports_have_no_header(seed):
    doc = parse_document(SEEDS / seed, (SEEDS / seed).read_bytes(), "")
    assert not set(FIELDS) & set(doc.meta)


def doc_ids(result) -> set[str]:
    return {h["doc_id"] for h in result["hits"]}


OURS = {name.rsplit(".", 1)[0] for name in EXPECTED}


@pytest.mark.parametrize("phrase", [
    "Trịnh Việt Hùng",  # the signer
    "Đài Phát thanh - Truyền hình",  # a recipient
    "Văn phòng Trung ương Đảng",
    "Độc lập - Tự do - Hạnh phúc",  # the state motto
    "Đảng Cộng sản Việt Nam",  # the Party's
    "Nơi nhận",
    "Lưu VPTU",
    "Phó Chủ tịch",  # a signing capacity
])
def test_header_and_footer_words_are_no_hits(engine, phrase):
    assert doc_ids(engine.search(f'"{phrase}"', limit=50)) & OURS == set()


def test_content_is_found(engine):
    hits = engine.search("đón 1,5 triệu lượt khách", limit=3)["hits"]
    assert (hits[0]["doc_id"], hits[0]["text"]) == (
        "nghi-quyet-05", "Đến năm 2025, đón 1,5 triệu lượt khách; doanh thu du lịch đạt 2.000 tỷ đồng.")
    # The subject stays a paragraph of its own.
    assert engine.search("phát triển du lịch hồ Núi Cốc", limit=1)["hits"][0]["paragraph"] == 1


@pytest.mark.parametrize("query, doc_id", [
    ("tỉnh ủy lạng sơn thông báo", "thong-bao-36"),
    ("quyết định ủy ban nhân dân tỉnh Thái Nguyên kinh tế tập thể", "quyet-dinh-1234"),
    ("báo cáo 15/12/2021", "bao-cao-125"),
])
def test_header_facts_find_the_document(engine, query, doc_id):
    assert engine.search(query, limit=1)["hits"][0]["doc_id"] == doc_id


def test_hits_and_documents_carry_the_header(engine):
    hit = engine.search("kiện toàn nhân sự", limit=1)["hits"][0]
    assert {k: hit["meta"].get(k) for k in FIELDS} == EXPECTED["thong-bao-36.pdf"]
    doc = engine.document("bao-cao-125")
    assert {k: doc["meta"].get(k) for k in FIELDS} == EXPECTED["bao-cao-125.txt"]
    assert doc["title"] == TITLES["bao-cao-125"]


def test_facet_counts(engine):
    # One paragraph of each document holds the phrase: the counts are documents.
    facets = engine.search(f'"{SHARED[:-1]}"', limit=10)["facets"]
    assert facets["kind"] == {"nghị quyết": 2, "báo cáo": 1, "quyết định": 1, "thông báo": 1}
    assert facets["issuer"] == {"Tỉnh ủy Thái Nguyên": 2, "Tỉnh ủy Bắc Kạn": 1, "Tỉnh ủy Lạng Sơn": 1,
                                "Ủy ban nhân dân tỉnh Thái Nguyên": 1}


def test_filters(engine):
    query = f'"{SHARED[:-1]}"'
    assert doc_ids(engine.search(query, limit=50, filters=Filters(kind="nghi quyet"))) == {
        "nghi-quyet-05", "nghi-quyet-07"}
    assert doc_ids(engine.search(query, limit=50, filters=Filters(issuer="Ủy ban nhân dân tỉnh Thái Nguyên"))) \
        == {"quyet-dinh-1234"}
    assert doc_ids(engine.search(query, limit=50, filters=Filters(kind="báo cáo", issuer="tinh uy lang son"))) \
        == set()
    listed = engine.documents(filters=Filters(issuer="Tỉnh ủy Thái Nguyên"))
    assert {d["doc_id"] for d in listed["documents"]} == {"nghi-quyet-05", "nghi-quyet-07"}


def test_web_filter_facets_and_header(engine):
    client = create_app(engine=engine, TESTING=True).test_client()
    page = client.get("/search", query_string={"q": "chuyển đổi số", "kind": "nghị quyết"}).get_data(as_text=True)
    assert "Loại văn bản" in page and "Cơ quan ban hành" in page
    assert "/doc/nghi-quyet-05" in page and "/doc/bao-cao-125" not in page
    # The hit's short header: type and number, date, issuer.
    assert "Nghị quyết số 05-NQ/TU · ngày 02/07/2021 · Tỉnh ủy Thái Nguyên" in page
    data = client.get("/api/search", query_string={"q": "chuyển đổi số", "issuer": "Tỉnh ủy Bắc Kạn"}).get_json()
    assert [(h["doc_id"], h["meta"]["doc_kind"]) for h in data["hits"]] == [("bao-cao-125", "báo cáo")]
    doc = client.get("/doc/quyet-dinh-1234").get_data(as_text=True)
    for shown in ("Quyết định", "Ủy ban nhân dân tỉnh Thái Nguyên", "Thái Nguyên, ngày 15/06/2022",
                  "Lê Quang Tiến — TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH, PHÓ CHỦ TỊCH",
                  "<li>Bộ Kế hoạch và Đầu tư (b/c)</li>"):
        assert shown in doc
    browse = client.get("/docs", query_string={"kind": "thông báo"}).get_data(as_text=True)
    assert "/doc/thong-bao-36" in browse and "/doc/nghi-quyet-05" not in browse


def test_cli_kind_and_issuer(index):
    out = CliRunner().invoke(main, ["search", "chuyển đổi số", "--index", str(index), "--json",
                                    "--kind", "nghi quyet", "--issuer", "tinh uy thai nguyen"])
    assert out.exit_code == 0, out.output
    assert {h["doc_id"] for h in json.loads(out.output)["hits"]} == {"nghi-quyet-05", "nghi-quyet-07"}


# More headers, as .txt lines: the Party centre, a district and a commune
# committee, a provincial council (state form), an office's letter (V/v), a
# plenum's resolution (capitals naming it after the type), a plan in "|" rows.
MORE = {
    'kl': (
        'BAN CHẤP HÀNH TRUNG ƯƠNG',
        '*',
        'Số 36-KL/TW',
        'ĐẢNG CỘNG SẢN VIỆT NAM',
        'Hà Nội, ngày 23 tháng 6 năm 2022',
        'KẾT LUẬN',
        'CỦA BỘ CHÍNH TRỊ',
        'về bảo đảm an ninh nguồn nước và an toàn đập, hồ chứa nước đến năm 2030',
        'Bộ Chính trị yêu cầu các cấp ủy tập trung lãnh đạo bảo đảm an ninh nguồn nước.',
        'Nơi nhận:',
        '- Các tỉnh ủy, thành ủy,',
        '- Lưu Văn phòng Trung ương Đảng.',
        'T/M BỘ CHÍNH TRỊ',
        'Trần Tuấn Anh',
        {'issuer': 'Ban Chấp hành Trung ương', 'doc_kind': 'kết luận', 'issued_place': 'Hà Nội', 'issued_date': '2022-06-23', 'subject': 'về bảo đảm an ninh nguồn nước và an toàn đập, hồ chứa nước đến năm 2030', 'signer': 'Trần Tuấn Anh', 'signer_capacity': 'T/M BỘ CHÍNH TRỊ', 'recipients': ['Các tỉnh ủy, thành ủy']},
        'Kết luận của Bộ Chính trị về bảo đảm an ninh nguồn nước và an toàn đập, hồ chứa nước đến năm 2030'),
    'hu': (
        'ĐẢNG BỘ TỈNH THÁI NGUYÊN',
        'HUYỆN ỦY ĐẠI TỪ',
        '*',
        'Số 12-CT/HU',
        'ĐẢNG CỘNG SẢN VIỆT NAM',
        'Đại Từ, ngày 05 tháng 01 năm 2023',
        'CHỈ THỊ',
        'về tăng cường sự lãnh đạo của Đảng đối với công tác phòng, chống thiên tai',
        'Những năm qua, công tác phòng, chống thiên tai trên địa bàn huyện đạt kết quả tích cực.',
        'Nơi nhận:',
        '- Ban Thường vụ Tỉnh ủy (b/c),',
        '- Các chi, đảng bộ trực thuộc,',
        '- Lưu VPHU.',
        'T/M BAN THƯỜNG VỤ',
        'K/T BÍ THƯ',
        'PHÓ BÍ THƯ',
        'Nguyễn Văn Chiến',
        {'issuer': 'Huyện ủy Đại Từ', 'issuer_parent': 'Đảng bộ tỉnh Thái Nguyên', 'doc_kind': 'chỉ thị', 'issued_place': 'Đại Từ', 'issued_date': '2023-01-05', 'subject': 'về tăng cường sự lãnh đạo của Đảng đối với công tác phòng, chống thiên tai', 'signer': 'Nguyễn Văn Chiến', 'signer_capacity': 'T/M BAN THƯỜNG VỤ, K/T BÍ THƯ, PHÓ BÍ THƯ', 'recipients': ['Ban Thường vụ Tỉnh ủy (b/c)', 'Các chi, đảng bộ trực thuộc']},
        'Chỉ thị về tăng cường sự lãnh đạo của Đảng đối với công tác phòng, chống thiên tai'),
    'hdnd': (
        'HỘI ĐỒNG NHÂN DÂN',
        'TỈNH THÁI NGUYÊN',
        'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
        'Độc lập - Tự do - Hạnh phúc',
        'Số: 15/2021/NQ-HĐND',
        'Thái Nguyên, ngày 09 tháng 12 năm 2021',
        'NGHỊ QUYẾT',
        'Quy định mức chi hỗ trợ đối với lực lượng dân quân tự vệ',
        'HỘI ĐỒNG NHÂN DÂN TỈNH THÁI NGUYÊN',
        'KHÓA XIV, KỲ HỌP THỨ TƯ',
        'Căn cứ Luật Dân quân tự vệ ngày 22 tháng 11 năm 2019;',
        'Điều 1. Phạm vi điều chỉnh và đối tượng áp dụng.',
        'Nơi nhận:',
        '- Ủy ban Thường vụ Quốc hội;',
        '- Chính phủ;',
        '- Lưu: VT.',
        'CHỦ TỊCH',
        'Phạm Hoàng Sơn',
        {'issuer': 'Hội đồng nhân dân tỉnh Thái Nguyên', 'doc_kind': 'nghị quyết', 'issued_place': 'Thái Nguyên', 'issued_date': '2021-12-09', 'subject': 'Quy định mức chi hỗ trợ đối với lực lượng dân quân tự vệ', 'signer': 'Phạm Hoàng Sơn', 'signer_capacity': 'CHỦ TỊCH', 'recipients': ['Ủy ban Thường vụ Quốc hội', 'Chính phủ']},
        'Nghị quyết quy định mức chi hỗ trợ đối với lực lượng dân quân tự vệ'),
    'vp': (
        'TỈNH ỦY THÁI NGUYÊN',
        'VĂN PHÒNG',
        '*',
        'Số 245-CV/VPTU',
        'V/v chuẩn bị tài liệu Hội nghị Tỉnh ủy lần thứ 10',
        'ĐẢNG CỘNG SẢN VIỆT NAM',
        'Thái Nguyên, ngày 10 tháng 3 năm 2022',
        'Kính gửi: Các ban xây dựng Đảng Tỉnh ủy',
        'Thực hiện Chương trình làm việc của Ban Chấp hành Đảng bộ tỉnh, Văn phòng Tỉnh ủy đề nghị các cơ quan chuẩn bị tài liệu.',
        'Nơi nhận:',
        '- Như trên,',
        '- Lưu VP.',
        'K/T CHÁNH VĂN PHÒNG',
        'PHÓ CHÁNH VĂN PHÒNG',
        'Lê Thị Hoa',
        {'issuer': 'Văn phòng Tỉnh ủy Thái Nguyên', 'issuer_parent': 'Tỉnh ủy Thái Nguyên', 'doc_kind': 'công văn', 'issued_place': 'Thái Nguyên', 'issued_date': '2022-03-10', 'subject': 'chuẩn bị tài liệu Hội nghị Tỉnh ủy lần thứ 10', 'signer': 'Lê Thị Hoa', 'signer_capacity': 'K/T CHÁNH VĂN PHÒNG, PHÓ CHÁNH VĂN PHÒNG', 'recipients': ['Như trên']},
        'Công văn chuẩn bị tài liệu Hội nghị Tỉnh ủy lần thứ 10'),
    'xa': (
        'ĐẢNG BỘ HUYỆN PHÚ BÌNH',
        'ĐẢNG ỦY XÃ TÂN ĐỨC',
        '*',
        'Số 03-NQ/ĐU',
        'ĐẢNG CỘNG SẢN VIỆT NAM',
        'Tân Đức, ngày 15 tháng 01 năm 2024',
        'NGHỊ QUYẾT về nhiệm vụ năm 2024',
        'Năm 2024, Đảng bộ xã phấn đấu thu nhập bình quân đầu người đạt 60 triệu đồng.',
        'T/M ĐẢNG ỦY',
        'BÍ THƯ',
        'Đỗ Văn Hùng',
        'Nơi nhận:',
        '- Ban Thường vụ Huyện ủy,',
        '- Lưu VP.',
        {'issuer': 'Đảng ủy xã Tân Đức', 'issuer_parent': 'Đảng bộ huyện Phú Bình', 'doc_kind': 'nghị quyết', 'issued_place': 'Tân Đức', 'issued_date': '2024-01-15', 'subject': 'về nhiệm vụ năm 2024', 'signer': 'Đỗ Văn Hùng', 'signer_capacity': 'T/M ĐẢNG ỦY, BÍ THƯ', 'recipients': ['Ban Thường vụ Huyện ủy']},
        'Nghị quyết về nhiệm vụ năm 2024'),
    'plenum': (
        'ĐẢNG BỘ TỈNH THÁI NGUYÊN',
        'TỈNH ỦY',
        'ĐẢNG CỘNG SẢN VIỆT NAM',
        'Thái Nguyên, ngày 20 tháng 12 năm 2020',
        'NGHỊ QUYẾT',
        'HỘI NGHỊ LẦN THỨ HAI BAN CHẤP HÀNH ĐẢNG BỘ TỈNH KHÓA XX',
        'về phương hướng nhiệm vụ năm 2021',
        'Nội dung.',
        {'issuer': 'Tỉnh ủy Thái Nguyên', 'issuer_parent': 'Đảng bộ tỉnh Thái Nguyên', 'doc_kind': 'nghị quyết', 'issued_place': 'Thái Nguyên', 'issued_date': '2020-12-20', 'subject': 'về phương hướng nhiệm vụ năm 2021'},
        'Nghị quyết hội nghị lần thứ hai Ban Chấp hành Đảng bộ tỉnh khóa XX về phương hướng nhiệm vụ năm 2021'),
    'bars': (  # rows as a converter writes a table (antiword -w 0: |cell |cell |)
        'ĐẢNG BỘ TỈNH THÁI NGUYÊN | ĐẢNG CỘNG SẢN VIỆT NAM',
        'TỈNH ỦY |',
        '* |',
        'Số 09-KH/TU | Thái Nguyên, ngày 03 tháng 02 năm 2023',
        'KẾ HOẠCH',
        'tổ chức Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 12',
        'Ban Thường vụ Tỉnh ủy xây dựng kế hoạch tổ chức hội nghị như sau.',
        'Nơi nhận: | T/M BAN THƯỜNG VỤ',
        '- Các đồng chí Tỉnh ủy viên, | PHÓ BÍ THƯ',
        '- Lưu VPTU. |',
        '| Nguyễn Thanh Bình',
        {'issuer': 'Tỉnh ủy Thái Nguyên', 'issuer_parent': 'Đảng bộ tỉnh Thái Nguyên', 'doc_kind': 'kế hoạch', 'issued_place': 'Thái Nguyên', 'issued_date': '2023-02-03', 'subject': 'tổ chức Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 12', 'signer': 'Nguyễn Thanh Bình', 'signer_capacity': 'T/M BAN THƯỜNG VỤ, PHÓ BÍ THƯ', 'recipients': ['Các đồng chí Tỉnh ủy viên']},
        'Kế hoạch tổ chức Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 12'),
}


@pytest.mark.parametrize("name", list(MORE))
def test_more_headers(name):
    *lines, want, title = MORE[name]
    doc = parsed(f"{name}.txt", "\n".join(lines).encode())
    assert ({k: doc.meta[k] for k in FIELDS if doc.meta.get(k)}, doc.title) == (want, title)


@pytest.mark.parametrize("lines, issuer, parent", [
    (["ĐẢNG BỘ TỈNH THÁI NGUYÊN", "TỈNH UỶ"], "Tỉnh ủy Thái Nguyên", "Đảng bộ tỉnh Thái Nguyên"),
    (["ỦY BAN NHÂN DÂN", "TỈNH THÁI NGUYÊN"], "Ủy ban nhân dân tỉnh Thái Nguyên", None),
    (["UBND TỈNH THÁI NGUYÊN", "SỞ Y TẾ"], "Sở Y tế tỉnh Thái Nguyên", "UBND tỉnh Thái Nguyên"),
    (["TỈNH ỦY THÁI NGUYÊN", "BAN TUYÊN GIÁO"], "Ban Tuyên giáo Tỉnh ủy Thái Nguyên", "Tỉnh ủy Thái Nguyên"),
    (["ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH", "ĐẢNG ỦY"], "Đảng ủy khối các cơ quan tỉnh",
     "Đảng bộ khối các cơ quan tỉnh"),
    (["BAN CHẤP HÀNH ĐẢNG BỘ TỈNH", "THÁI NGUYÊN"], "Ban Chấp hành Đảng bộ tỉnh Thái Nguyên", None),
    # OCR's misread marks (Tesseract on a clean scan read TỈNH as TĨNH); Hà Tĩnh stays.
    (["ĐẢNG BỘ TỈNH THÁI NGUYÊN", "TĨNH ỦY"], "Tỉnh ủy Thái Nguyên", "Đảng bộ tỉnh Thái Nguyên"),
    (["ĐẢNG BỘ TỈNH HÀ TĨNH", "TỈNH UY"], "Tỉnh ủy Hà Tĩnh", "Đảng bộ tỉnh Hà Tĩnh"),
])
def test_issuer_names(lines, issuer, parent):
    """The issuer facet's values: one spelling a body, as running text writes it."""
    from search.ingest.bodies import issuer_of

    assert issuer_of(lines) == (issuer, parent)


def test_a_subject_citing_a_number_is_read_whole():
    # "số 05-NQ/TU" in running text is no header item ("Số 130-BC/TU" is).
    lines = ["ĐẢNG BỘ TỈNH THÁI NGUYÊN", "TỈNH ỦY", "Số 130-BC/TU", "ĐẢNG CỘNG SẢN VIỆT NAM",
             "Thái Nguyên, ngày 20 tháng 3 năm 2024", "BÁO CÁO",
             "kết quả thực hiện Nghị quyết số 05-NQ/TU về phát triển cây chè", "Sau ba năm thực hiện."]
    doc = parsed("bao-cao-130.txt", "\n".join(lines).encode())
    assert doc.meta["subject"] == "kết quả thực hiện Nghị quyết số 05-NQ/TU về phát triển cây chè"
    assert doc.title == "Báo cáo kết quả thực hiện Nghị quyết số 05-NQ/TU về phát triển cây chè"
    assert (doc.meta["number"], doc.meta["cites"]) == ("130-BC/TU", ["5-nq/tu"])
