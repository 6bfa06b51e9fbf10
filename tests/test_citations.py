"""Document numbers as queries and related documents (issue 14, items 5-6):
the document that bears a number comes first for that number however it is
typed, those citing it after; a document's page and JSON list what it cites
and what cites it."""

import re
from pathlib import Path

import pytest

from search import Engine, build_index
from search.ingest.corpus import parse_document
from search.ingest.references import references
from web import create_app

from conftest import write_corpus

NQ05 = """TỈNH ỦY THÁI NGUYÊN
*
Số 05-NQ/TU Thái Nguyên, ngày 02 tháng 7 năm 2021
NGHỊ QUYẾT
về phát triển cây chè đến năm 2025
Ban Chấp hành Đảng bộ tỉnh quyết nghị phát triển vùng chè đặc sản.
Thực hiện Chỉ thị 05-CT/TW của Bộ Chính trị về học tập và làm theo tư tưởng, đạo đức.
"""
# A report citing it twice, once by number and date.
BC125 = """TỈNH ỦY THÁI NGUYÊN
Số 125-BC/TU Thái Nguyên, ngày 15 tháng 3 năm 2022
BÁO CÁO
kết quả một năm thực hiện nghị quyết về cây chè
Căn cứ Nghị quyết số 05-NQ/TU ngày 02/7/2021 của Tỉnh ủy, năm 2022 diện tích chè tăng.
Quán triệt Nghị quyết 05-NQ/TU.
"""
# Another citing it, and a number the archive does not hold.
KL36 = """TỈNH ỦY THÁI NGUYÊN
Số: 36-KL/TU
KẾT LUẬN
của Ban Thường vụ về sơ kết nghị quyết
Theo Nghị quyết số 05-NQ/TU, các huyện cần mở rộng diện tích chè.
Thực hiện Kết luận số 36-KL/TW của Bộ Chính trị.
"""
# Citing only a number not in the archive; and a state-form resolution.
TB9 = """TỈNH ỦY THÁI NGUYÊN
Số 9-TB/TU
THÔNG BÁO
kết luận hội nghị về vùng chè
Thực hiện Nghị quyết số 15/2021/NQ-HĐND của Hội đồng nhân dân tỉnh về vùng chè.
"""
NQ15 = """HỘI ĐỒNG NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH THÁI NGUYÊN | Độc lập - Tự do - Hạnh phúc
Số: 15/2021/NQ-HĐND | Thái Nguyên, ngày 10 tháng 12 năm 2021
NGHỊ QUYẾT
quy định mức hỗ trợ trồng mới cây chè
Hội đồng nhân dân tỉnh quyết nghị mức hỗ trợ.
"""
DOCS = {"nq05.txt": NQ05, "bc125.txt": BC125, "kl36.txt": KL36, "tb9.txt": TB9, "nq15.txt": NQ15}


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    folder = tmp_path_factory.mktemp("citations")
    build_index(write_corpus(folder / "source", DOCS), folder / "index")
    return Engine(folder / "index")


@pytest.fixture(scope="module")
def client(engine):
    return create_app(engine=engine, TESTING=True).test_client()


def meta_of(text: str, name: str = "x.txt") -> dict:
    return parse_document(Path(name), text.encode("utf-8"), "").meta


def test_own_number_from_the_header_and_cited_numbers_in_order():
    meta = meta_of(KL36)
    assert (meta["number"], meta["number_key"]) == ("36-KL/TU", "36-kl/tu")
    assert meta["cites"] == ["5-nq/tu", "36-kl/tw"]  # 36-KL/TW of the Politburo is another number
    # Cited twice, kept once; its own number is no citation.
    assert meta_of(BC125)["cites"] == ["5-nq/tu"]
    assert meta_of(NQ05)["cites"] == ["5-ct/tw"]
    # A .docx header table: the number shares its row with place and date.
    assert meta_of(NQ15)["number"] == "15/2021/NQ-HĐND"


@pytest.mark.parametrize("lines, number", [
    # PDF text layer: the left column's number on the line of the right column's place-date.
    (["ĐẢNG BỘ TỈNH THÁI NGUYÊN ĐẢNG CỘNG SẢN VIỆT NAM", "TỈNH ỦY Số 05-NQ/TU Thái Nguyên, ngày 02 tháng 7 năm 2021"],
     "05-NQ/TU"),
    (["TỈNH ỦY THÁI NGUYÊN", "SỐ: 125 - BC/TU"], "125 - BC/TU"),
    # A table row whose cells come right column first.
    (["ĐẢNG CỘNG SẢN VIỆT NAM | TỈNH ỦY THÁI NGUYÊN", "Thái Nguyên, ngày 02 tháng 7 năm 2021 | Số 05-NQ/TU"],
     "05-NQ/TU"),
    # Running text, even near the top, is a citation, not the header.
    (["Báo cáo nhanh", "Căn cứ Nghị quyết số 05-NQ/TU ngày 02/7/2021"], None),
    (["Báo cáo nhanh", "Số liệu theo Nghị quyết 05-NQ/TU"], None),
])
def test_own_number_only_on_the_headers_so_line(lines, number):
    found = references(lines)
    assert found.get("number") == number
    if number is None:
        assert found["cites"] == ["5-nq/tu"]


NUMBER_QUERIES = ["05-NQ/TU", "05 NQ TU", "nghị quyết 05-NQ/TU", "NQ 05", "05-nq/tu", "nghi quyet so 05",
                  "5-NQ/TU", "Nghị quyết 05"]


@pytest.mark.parametrize("query", NUMBER_QUERIES)
def test_a_number_puts_its_document_first_and_those_citing_it_after(engine, query):
    docs = [h["doc_id"] for h in engine.search(query, group="doc")["hits"]]
    assert docs[0] == "nq05", docs
    assert set(docs[1:3]) == {"bc125", "kl36"}, docs
    paragraphs = engine.search(query, limit=20)["hits"]
    assert paragraphs[0]["doc_id"] == "nq05"
    # The citing paragraphs are matches, right after it.
    citing = [(h["doc_id"], h["paragraph"]) for h in paragraphs[1:4]]
    assert {("bc125", 5), ("bc125", 6), ("kl36", 5)} <= set(citing), citing
    # Its other paragraphs may follow (the number is in its document fields,
    # search/index/schema.py), never before the paragraphs citing it.


@pytest.mark.parametrize("query", ["15/2021/NQ-HĐND", "15/2021/nq-hdnd", "15 2021 NQ HDND",
                                   "nghị quyết số 15/2021/NQ-HĐND"])
def test_a_state_number_puts_its_document_first(engine, query):
    docs = [h["doc_id"] for h in engine.search(query, group="doc")["hits"]]
    assert docs[:2] == ["nq15", "tb9"], docs


def test_a_number_found_anywhere_in_a_longer_query(engine):
    docs = [h["doc_id"] for h in engine.search("Nghị quyết 05-NQ/TU về diện tích chè", group="doc")["hits"]]
    assert docs[0] == "nq05"


def test_no_number_no_change(engine):
    # Numbers no document bears, or none at all: the ladder as before.
    assert [h["doc_id"] for h in engine.search("36-KL/TW", group="doc")["hits"]] == ["kl36"]
    # Another issuer's 05-NQ: nobody here bears it, no paragraph is lifted.
    from search.query.numbers import NUMBER_TIER
    hits = engine.search("05 NQ HU", limit=100)["hits"]
    assert hits and max(h["score"] for h in hits) < NUMBER_TIER


def test_filters_still_apply_to_the_named_document(engine):
    from search import Filters
    hits = engine.search("05-NQ/TU", filters=Filters(year=2022), group="doc")["hits"]
    assert "nq05" not in [h["doc_id"] for h in hits]


def entry(doc_id, number, title):
    return {"doc_id": doc_id, "number": number, "title": title}


def test_document_json_lists_cites_and_cited_by(client, engine):
    title = engine.document("nq05")["title"]
    nq05 = client.get("/api/doc/nq05").get_json()
    assert nq05["cites"] == [{"number": "05-CT/TW"}]  # not in the archive: as written
    assert nq05["cited_by"] == [entry("bc125", "125-BC/TU", engine.document("bc125")["title"]),
                                entry("kl36", "36-KL/TU", engine.document("kl36")["title"])]
    kl36 = client.get("/api/doc/kl36").get_json()
    assert kl36["cites"] == [entry("nq05", "05-NQ/TU", title), {"number": "36-KL/TW"}]
    assert kl36["cited_by"] == []
    assert client.get("/api/doc/tb9").get_json()["cites"] == [
        entry("nq15", "15/2021/NQ-HĐND", engine.document("nq15")["title"])]
    r = client.get("/api/doc/nope")
    assert r.status_code == 404 and "error" in r.get_json()


def test_document_page_links_related_documents(client):
    html = client.get("/doc/nq05").get_data(as_text=True)
    section = html[html.index('class="related"'):]
    assert "Văn bản dẫn chiếu tới văn bản này" in section
    assert re.findall(r'href="/doc/([^"?#]+)"', section) == ["bc125", "kl36"]
    assert "125-BC/TU" in section
    # Cited but not in the archive: plain text, no link.
    assert "05-CT/TW</span> (không có trong kho văn bản)" in section
    html = client.get("/doc/kl36").get_data(as_text=True)
    section = html[html.index('class="related"'):]
    assert "Văn bản được dẫn chiếu" in section and "Văn bản dẫn chiếu tới văn bản này" not in section
    assert re.findall(r'href="/doc/([^"?#]+)"', section) == ["nq05"]
    assert '36-KL/TW</span>' in section


def test_a_page_without_numbers_shows_no_related_section(client):
    html = client.get("/doc/nq15").get_data(as_text=True)
    assert "Văn bản dẫn chiếu tới văn bản này" in html  # tb9 cites it
    assert "Văn bản được dẫn chiếu" not in html


def test_letters_of_a_number_are_not_corrected(make_engine):
    # An archive that holds no "nq": the query's code is searched as typed.
    engine = make_engine({"a.txt": "A\nCác nữ đại biểu dự hội nghị.\n"})
    result = engine.search("05-nq/tu")
    assert result["corrected"] is None and result["total"] == 0


def test_named_document_first_when_its_number_line_is_not_content(tmp_path, monkeypatch):
    # Header lines are kept out of the content (issue 14 item 4): the number
    # is then in no paragraph of its own document, only in its metadata.
    import search.ingest.corpus as corpus
    plain = corpus.content_lines
    monkeypatch.setattr(corpus, "content_lines",
                        lambda lines: [i for i in plain(lines) if not lines[i].startswith("Số")])
    build_index(write_corpus(tmp_path / "source", DOCS), tmp_path / "index")
    engine = Engine(tmp_path / "index")
    assert not any("05-NQ/TU" in p["text"] for p in engine.document("nq05")["paragraphs"])
    for query in ["05-NQ/TU", "NQ 05"]:
        hits = engine.search(query, group="doc")["hits"]
        assert [h["doc_id"] for h in hits][:3] == ["nq05", "bc125", "kl36"] or \
            [h["doc_id"] for h in hits][:3] == ["nq05", "kl36", "bc125"], query
        assert hits[0]["exact"]
    # No paragraph of it matches "05-NQ/TU": its first paragraph stands for it.
    assert engine.search("05-NQ/TU", group="doc")["hits"][0]["paragraph"] == 1


def test_named_document_first_in_date_order_too(engine):
    from search import Filters
    for group in ("doc", "none"):
        hits = engine.search("05-NQ/TU", filters=Filters(sort="date"), group=group)["hits"]
        # nq05 is dated 2021, before bc125's 2022: newest first would put it after.
        assert hits[0]["doc_id"] == "nq05", group
    plain = engine.search("diện tích chè", filters=Filters(sort="date"), group="doc")["hits"]
    assert plain and all(h["score"] < 1e10 for h in plain)


def test_the_archive_is_read_once_a_generation_when_the_server_warms(tmp_path, monkeypatch):
    from search.query import numbers
    reads = []
    real = numbers.Archive.__init__

    def counted(self, generation, searcher):
        reads.append(generation)
        real(self, generation, searcher)

    monkeypatch.setattr(numbers.Archive, "__init__", counted)
    build_index(write_corpus(tmp_path / "source", DOCS), tmp_path / "index")
    engine = Engine(tmp_path / "index")
    engine.warm()
    assert len(reads) == 1  # before any request
    engine.document("nq05")
    engine.search("NQ 05")
    assert len(reads) == 1


def test_a_number_typed_bare_is_not_given_accents(seed_engine):
    # The suggestion restored accents to the whole query: "05 NQ TU" was
    # "05 NQ TỪ", "05-NQ/TU" "05-nỗ/TƯ"; the words around a number still are.
    for query in ("05 NQ TU", "05 nq tu", "NQ 05", "05-NQ/TU"):
        assert seed_engine.search(query)["suggestion"] is None, query
    assert seed_engine.search("nghi quyet 05 NQ TU")["suggestion"] == "nghị quyết 05 NQ TU"
