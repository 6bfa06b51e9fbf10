"""Every supported format, end to end: built from seed text, found unaccented."""

from test_formats import (  # noqa: F401  (font is a fixture)
    PDF_BODY,
    PDF_TITLE,
    docx_bytes,
    font,
    report_docx,
    report_pdf,
)
from test_formats_html import semantic_page

from conftest import top


def test_docx_pdf_html_are_indexed_and_found_by_unaccented_queries(tmp_path, font):
    source = tmp_path / "source"
    source.mkdir()
    (source / "report.docx").write_bytes(docx_bytes(report_docx))
    (source / "scan.pdf").write_bytes(report_pdf(font, PDF_TITLE, PDF_BODY))
    (source / "page.html").write_bytes(semantic_page().encode("utf-8"))
    from search import build_index
    from search import Engine

    report = build_index(source, tmp_path / "index2")
    assert report.skipped == [] and report.documents == 3
    engine = Engine(tmp_path / "index2")
    cases = [
        ("cap uy dang chinh quyen cac cap da tap trung lanh dao", "report"),  # seed 002 in the .docx
        ("chi tieu giai doan 2021 - 2026 dinh huong den nam 2030", "page"),   # seed 001 in the .html
        ("khan truong to chuc quan triet trien khai nghi quyet dai hoi", "scan"),  # seed 004 in the .pdf
    ]
    for query, doc_id in cases:
        assert top(engine.search(query))[0][0] == doc_id, query
    # the table of the .docx is searchable row by row
    hit = engine.search("gia tri san xuat cong nghiep 361,7")["hits"][0]
    assert hit["doc_id"] == "report" and " | " in hit["text"]
    # the web page's related headlines and footer stayed out
    assert engine.search('"POWERED BY ONECMS"')["total"] == 0
