"""Reading .docx, .pdf and .html sources, with fixtures built from the seeds.

Nothing binary is committed: each document is written here from seed text
(python-docx, reportlab with Debian's DejaVu Sans, an HTML template).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from html import escape
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import docx
import pytest
from docx.oxml import parse_xml
from pdfminer.high_level import extract_text

from search.ingest.corpus import paragraphs_of
from search.ingest.formats import read_docx, read_html, read_paragraphs, read_pdf
from search.ingest.formats.pdf import _join

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def seed(prefix: str) -> list[str]:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return paragraphs_of(path.read_text(encoding="utf-8"))


def nfc(paragraphs: list[str]) -> list[str]:
    return [unicodedata.normalize("NFC", p) for p in paragraphs]


S001, S002, S004 = seed("001"), seed("002"), seed("004")


# --- .docx -------------------------------------------------------------------

TABLE = [["Chỉ tiêu", "Kết quả", "Ghi chú"],
         ["Tốc độ tăng trưởng kinh tế (GRDP)", "6,5%", ""],
         ["Giá trị sản xuất công nghiệp", "361,7 nghìn tỷ đồng", "tăng 8,65%"]]
TABLE_ROWS = [" | ".join(cell for cell in row if cell) for row in TABLE]  # empty cells add nothing


def docx_bytes(build) -> bytes:
    document = docx.Document()
    build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def report_docx(document):
    section = document.sections[0]
    section.header.paragraphs[0].text = "ĐẢNG BỘ TỈNH THÁI NGUYÊN — BẢN DỰ THẢO"
    section.footer.paragraphs[0].text = "Trang 1 / 1"
    document.add_heading(S002[0], level=0)
    document.add_paragraph(S002[2])
    document.add_heading(S004[1], level=1)
    document.add_paragraph("   ")  # an empty paragraph says nothing
    p = document.add_paragraph()
    half = len(S002[3]) // 2
    p.add_run(S002[3][:half]).bold = True  # a word split across runs
    p.add_run(S002[3][half:])
    table = document.add_table(rows=len(TABLE) + 1, cols=3)
    for r, row in enumerate(TABLE):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    merged = table.cell(len(TABLE), 0).merge(table.cell(len(TABLE), 2))
    merged.text = "Báo cáo kết quả thực hiện nhiệm vụ chính trị"
    merged.add_paragraph("của Đảng bộ tỉnh Quý I năm 2024")
    document.add_paragraph(S002[4])


def test_docx_paragraphs_headings_and_table_rows_in_order():
    got = read_docx(docx_bytes(report_docx))
    assert got == [S002[0], S002[2], S004[1], S002[3],
                   "Chỉ tiêu | Kết quả | Ghi chú",
                   "Tốc độ tăng trưởng kinh tế (GRDP) | 6,5%",
                   "Giá trị sản xuất công nghiệp | 361,7 nghìn tỷ đồng | tăng 8,65%",
                   "Báo cáo kết quả thực hiện nhiệm vụ chính trị của Đảng bộ tỉnh Quý I năm 2024",
                   S002[4]]


def test_docx_nested_table_rows_follow_their_row():
    def build(document):
        table = document.add_table(rows=1, cols=2)
        table.cell(0, 0).text = TABLE[1][0]
        inner = table.cell(0, 1).add_table(rows=1, cols=2)
        inner.cell(0, 0).text, inner.cell(0, 1).text = TABLE[1][1], TABLE[2][2]

    assert read_docx(docx_bytes(build)) == [TABLE[1][0], f"{TABLE[1][1]} | {TABLE[2][2]}"]


def test_docx_keeps_content_controls_and_insertions_but_not_deletions():
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

    def build(document):
        body = document.element.body
        sect = body[-1]  # the section properties stay last
        sect.addprevious(parse_xml(
            f'<w:sdt {w}><w:sdtContent><w:p><w:r><w:t>{xml_escape(S004[0])}</w:t></w:r></w:p>'
            f'</w:sdtContent></w:sdt>'))
        sect.addprevious(parse_xml(
            f'<w:p {w}><w:r><w:t xml:space="preserve">Hội nghị Ban Chấp hành </w:t></w:r>'
            f'<w:del w:id="1" w:author="a"><w:r><w:delText>Tỉnh ủy </w:delText></w:r></w:del>'
            f'<w:ins w:id="2" w:author="a"><w:r><w:t>Đảng bộ tỉnh</w:t></w:r></w:ins></w:p>'))

    assert read_docx(docx_bytes(build)) == [S004[0], "Hội nghị Ban Chấp hành Đảng bộ tỉnh"]


def test_docx_headers_and_footers_are_left_out():
    raw = docx_bytes(report_docx)
    with zipfile.ZipFile(io.BytesIO(raw)) as z:  # they are in the file...
        assert any("BẢN DỰ THẢO" in z.read(n).decode() for n in z.namelist() if "header" in n)
    text = " ".join(read_docx(raw))  # ...but not in what we read
    assert "BẢN DỰ THẢO" not in text and "Trang 1" not in text


def corrupt_docx() -> dict[str, bytes]:
    good = docx_bytes(report_docx)
    no_body = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(no_body, "w") as dst:
        for name in src.namelist():
            if name != "word/document.xml":
                dst.writestr(name, src.read(name))
    return {
        "not a zip": "Hội nghị Ban Chấp hành".encode(),
        "truncated": good[: len(good) // 2],
        "zip without document.xml": no_body.getvalue(),
        "empty": b"",
    }


@pytest.mark.parametrize("case", list(corrupt_docx()))
def test_docx_corrupt_files_are_refused(case):
    with pytest.raises(ValueError, match=r"^không phải tệp \.docx hợp lệ"):
        read_docx(corrupt_docx()[case])


def test_docx_without_text_is_refused():
    with pytest.raises(ValueError, match=r"^tệp \.docx không có chữ$"):
        read_docx(docx_bytes(lambda d: d.add_paragraph(" \t ")))


def test_docx_that_unpacks_too_large_is_refused(monkeypatch):
    raw = docx_bytes(report_docx)
    monkeypatch.setattr("search.ingest.formats.docx.MAX_UNPACKED_BYTES", 10_000)
    with pytest.raises(ValueError, match=r"^tệp \.docx giải nén ra \d+ MB \(giới hạn 0 MB\)$"):
        read_docx(raw)


def test_docx_old_word_format_is_named():
    with pytest.raises(ValueError, match=r"^là tệp Word \.doc cũ \(Word 97–2003\) hoặc tệp có mật khẩu, không phải \.docx$"):
        read_docx(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))


# --- .pdf --------------------------------------------------------------------

HEADER = "BAN CHẤP HÀNH ĐẢNG BỘ TỈNH THÁI NGUYÊN"


@pytest.fixture(scope="module")
def font() -> str:
    if not FONT.exists():
        pytest.fail(f"{FONT} is missing: install Debian's fonts-dejavu-core "
                    "(apt-get install -y fonts-dejavu-core); the PDF fixtures need its Vietnamese glyphs")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT)))
    return "DejaVuSans"


def report_pdf(font: str, title: str, body: list[str], form: str = "NFC",
               space_after: float = 6, first_indent: float = 0, **encrypt) -> bytes:
    """A4, justified, a page header and a numbered footer on every page."""
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    def text(s):
        return xml_escape(unicodedata.normalize(form, s))

    def furniture(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 9)
        canvas.drawString(72, A4[1] - 40, unicodedata.normalize(form, HEADER))
        canvas.drawCentredString(A4[0] / 2, 30, f"Trang {doc.page}")
        canvas.restoreState()

    heading = ParagraphStyle("h", fontName=font, fontSize=14, leading=18, alignment=TA_CENTER, spaceAfter=12)
    para = ParagraphStyle("p", fontName=font, fontSize=11, leading=14, alignment=TA_JUSTIFY,
                          spaceAfter=space_after, firstLineIndent=first_indent)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, **encrypt)
    doc.build([Paragraph(text(title), heading)] + [Paragraph(text(p), para) for p in body],
              onFirstPage=furniture, onLaterPages=furniture)
    return out.getvalue()


# A title centred over two lines, then body text; none of it holds a no-break space.
PDF_TITLE, PDF_BODY = S004[0], S002[1:] + S004[1:]


@pytest.fixture(scope="module")
def report(font) -> bytes:
    return report_pdf(font, PDF_TITLE, PDF_BODY)


def page_words(raw: bytes, page: int) -> str:
    return " ".join(extract_text(io.BytesIO(raw), page_numbers=[page]).split())


def test_pdf_fixture_is_what_the_tests_claim(report):
    pages = [page_words(report, n) for n in range(3)]
    assert pages[1] and not pages[2], "the fixture should have exactly two pages"
    for n, words in enumerate(pages[:2], 1):
        assert words.count(HEADER) == 1 and f"Trang {n}" in words
    spanning = [p for p in PDF_BODY
                if " ".join(p.split()[:6]) in pages[0] and " ".join(p.split()[-6:]) in pages[1]]
    assert spanning, "no paragraph runs across the page break"
    assert any(len(p) > 1000 for p in PDF_BODY)  # wraps over many lines


def test_pdf_paragraphs_come_back_exactly(report):
    assert read_pdf(report) == nfc([PDF_TITLE] + PDF_BODY)


@pytest.mark.parametrize("first_indent", [0, 28])
def test_pdf_paragraphs_set_without_spacing(font, first_indent):
    # No gap between paragraphs: a short last line (or the next one's indent) tells.
    raw = report_pdf(font, PDF_TITLE, PDF_BODY, space_after=0, first_indent=first_indent)
    assert read_pdf(raw) == nfc([PDF_TITLE] + PDF_BODY)


def test_pdf_drops_running_header_footer_and_page_numbers(report):
    text = "\n".join(read_pdf(report))
    assert HEADER not in text
    assert not re.search(r"Trang \d", text)


def test_pdf_with_combining_marks_reads_as_nfc(font):
    # Tones drawn as separate marks, as a printer that does not compose writes them.
    raw = report_pdf(font, PDF_TITLE, PDF_BODY, form="NFD")
    assert "\u0302" in extract_text(io.BytesIO(raw))  # marks are glyphs of their own
    assert read_pdf(raw) == nfc([PDF_TITLE] + PDF_BODY)


SIZE = 10  # of the hand-set PDFs below


def width(font: str, text: str) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, font, SIZE)


def wrap(font: str, paragraph: str, limit: float, indent: float = 0) -> list[str]:
    """Left-aligned lines broken the way a word processor does: at spaces,
    after a hyphen, and at a soft hyphen (drawing "-" there)."""
    lines, line = [], ""
    for word in paragraph.split(" "):
        room = limit - (0 if lines else indent)
        if width(font, f"{line} {word}".strip()) <= room:
            line = f"{line} {word}".strip()
            continue
        parts = [p for p in re.split(r"(?<=-)(?=\w)|\u00ad", word) if p]
        for k in range(len(parts) - 1, 0, -1):
            head = "".join(parts[:k]) + ("" if parts[k - 1].endswith("-") else "-")
            if width(font, f"{line} {head}".strip()) <= room:
                lines.append(f"{line} {head}".strip())
                word = "".join(parts[k:])
                break
        else:
            lines.append(line)
        line = word
    return lines + [line]


def set_pdf(font: str, paragraphs: list[list[str]], indent: float = 0, gap: float = 0,
            word_by_word: bool = False) -> bytes:
    """Draw already-wrapped paragraphs, 13 pt apart, ``gap`` more between
    paragraphs, first lines indented by ``indent``; ``word_by_word`` places
    each word on its own with no space glyph, as many PDF printers do."""
    from reportlab.pdfgen import canvas

    height = 13 * sum(map(len, paragraphs)) + gap * len(paragraphs) + 100
    widest = max(width(font, l) for p in paragraphs for l in p) + indent
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(widest + 144, height))
    c.setFont(font, SIZE)
    y = height - 50
    for lines in paragraphs:
        for n, line in enumerate(lines):
            x = 72 + (indent if n == 0 else 0)
            for word in line.split(" ") if word_by_word else [line]:
                c.drawString(x, y, word)
                x += width(font, word + " ")
            y -= 13
        y -= gap
    c.save()
    return out.getvalue()


def wrapped_pdf(font: str, paragraph: str, breaks_after: str) -> bytes:
    """One paragraph in the narrowest column that ends a line right after ``breaks_after``."""
    for limit in range(120, 480):
        lines = wrap(font, paragraph, limit)
        if any(line.endswith(breaks_after) for line in lines[:-1]):
            break
    else:
        pytest.fail(f"no column width ends a line with {breaks_after!r}")
    raw = set_pdf(font, [lines])
    assert any(l.strip().endswith(breaks_after) for l in extract_text(io.BytesIO(raw)).splitlines())
    return raw


def pick(paragraphs, needle):
    return next(p for p in paragraphs if needle in p)


@pytest.mark.parametrize("paragraph, breaks_after, expected", [
    # A real hyphen inside a code or a range stays, with no space after it.
    (pick(S002, "2023-2025"), "2023-", None),
    (pick(S001, "2021-2026"), "2021-", None),
    (pick(S001, "(CBNV-NLĐ)"), "CBNV-", None),
    # A dash between spaces stays a dash between spaces.
    (pick(S002, "kinh tế - xã hội"), "kinh tế -", None),
    # A typesetter's cut in a non-Vietnamese word is undone.
    (pick(S001, "Petrovietnam (").replace("Petrovietnam", "Petro\u00advietnam"), "Petro-",
     pick(S001, "Petrovietnam (")),
])
def test_pdf_line_end_hyphens(font, paragraph, breaks_after, expected):
    assert read_pdf(wrapped_pdf(font, paragraph, breaks_after)) == [expected or paragraph]


def two_paragraphs(font: str, last_line_full: bool, indent: float = 0) -> list[list[str]]:
    """Two seed paragraphs, ragged right, in the narrowest column where the
    second one's first word would (or would not) have fitted after the
    first one's last line."""
    a, b = S004[2], S004[3]
    for limit in range(200, 480):
        first, second = wrap(font, a, limit, indent), wrap(font, b, limit, indent)
        right = max(width(font, l) + (indent if n == 0 else 0)
                    for p in (first, second) for n, l in enumerate(p))
        room = right - width(font, first[-1]) - width(font, " ")
        if (width(font, b.split()[0]) > room) == last_line_full:
            return [first, second]
    pytest.fail("no column width gives the wanted last line")


# Each case leaves one sign of a new paragraph; taking any rule away fails one.
@pytest.mark.parametrize("last_line_full, indent, gap", [
    (False, 0, 0),  # the first paragraph's last line is short
    (True, 20, 0),  # the second paragraph's first line is indented
    (True, 0, 6),  # there is space between them
])
@pytest.mark.parametrize("word_by_word", [False, True])
def test_pdf_paragraph_signs(font, last_line_full, indent, gap, word_by_word):
    raw = set_pdf(font, two_paragraphs(font, last_line_full, indent), indent, gap, word_by_word)
    assert read_pdf(raw) == [S004[2], S004[3]]


def test_pdf_ragged_lines_without_signs_stay_one_paragraph(font):
    raw = set_pdf(font, two_paragraphs(font, last_line_full=True))
    assert read_pdf(raw) == [S004[2] + " " + S004[3]]  # nothing tells them apart


@pytest.mark.parametrize("lines, joined", [
    (["phát-", "triển"], "phát-triển"),  # two Vietnamese syllables: a written hyphen
    (["Mát-xcơ-", "va"], "Mát-xcơ-va"),
    (["Ma-lai-", "xi-a"], "Ma-lai-xi-a"),  # unaccented, but still Vietnamese syllables
    (["05-", "CT/TW"], "05-CT/TW"),
    (["develop-", "ment"], "development"),
    (["Petro\u00ad", "vietnam"], "Petrovietnam"),  # a soft hyphen only marks where to cut
    (["giai đoạn 2017–", "2020"], "giai đoạn 2017–2020"),  # an en dash range
    (["kinh tế -", "xã hội"], "kinh tế - xã hội"),
    (["kinh tế", "xã hội"], "kinh tế xã hội"),
])
def test_pdf_line_joining_rules(lines, joined):
    assert _join(lines) == joined


def test_pdf_without_text_layer_is_refused(font):
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.rect(72, 72, 200, 300, fill=1)  # what a scan looks like to a text extractor
    c.showPage()
    c.save()
    with pytest.raises(ValueError, match=r"^PDF không có lớp chữ \(bản quét\?\)$"):
        read_pdf(out.getvalue())


def test_pdf_encrypted_is_refused(font):
    raw = report_pdf(font, S004[0], S004[1:2], encrypt="mật khẩu")
    with pytest.raises(ValueError, match="^PDF bị mã hóa$"):
        read_pdf(raw)


@pytest.mark.parametrize("raw, reason", [
    (b"Hoi nghi Ban Chap hanh", "^không phải tệp PDF$"),
    (b"%PDF-1.7\n" + bytes(range(256)) * 8, r"^không phải tệp PDF hợp lệ \(tệp hỏng hoặc bị cắt cụt\?\)$"),
    (b"", "^không phải tệp PDF$"),
])
def test_pdf_corrupt_files_are_refused(raw, reason):
    with pytest.raises(ValueError, match=reason):
        read_pdf(raw)
