"""Meeting facts are searchable (issue 12, item 2): a document's title,
province (and its usual short forms), body, meeting number, term and dates
rank its paragraphs, and numbers after an ordinal word are one with their
digits ("lần thứ tám" = 8, "khóa XX" = 20)."""

import pytest

from conftest import write_corpus
from search import Engine, build_index
from search.lang.numerals import ordinals
from search.lang.provinces import province_names


def documents(engine, query, n=1):
    """The seed numbers (or file names) of the first ``n`` hits' documents."""
    return [h["doc_id"].split("_")[0] for h in engine.search(query, limit=n)["hits"]]


# --- the seeds ---------------------------------------------------------------
# 003 is the Lạng Sơn report, whose text says only "LSO"; 002 the 31st
# meeting of khóa XX; 003 "hội nghị lần thứ tám" (8); 000 the 9th of khóa XIX.

@pytest.mark.parametrize("query", ["Lạng Sơn", "lang son", "tinh uy lang son", "Tỉnh ủy Lạng Sơn"])
def test_a_province_named_puts_its_document_first(seed_engine, query):
    assert documents(seed_engine, query) == ["003"]


def test_every_paragraph_of_the_province_comes_before_any_other(seed_engine):
    """"Lạng Sơn": every paragraph of 003, then the Thái Nguyên ones that
    merely hold a "Sơn" (Phạm Hoàng Sơn, Bắc Sơn)."""
    (n,) = [d["paragraphs"] for i, d in seed_engine.manifest["documents"].items() if i.startswith("003")]
    result = seed_engine.search("Lạng Sơn", limit=20)
    seeds = [h["doc_id"][:3] for h in result["hits"]]
    assert n == 5 and seeds[:n] == ["003"] * n
    assert "003" not in seeds[n:] and len(seeds) > n


@pytest.mark.parametrize("query,seed,paragraph", [
    ("lần thứ 31", "002", 1),
    ("hội nghị lần thứ 31", "002", 1),
    ("lần thứ tám", "003", 2),      # the text writes it out
    ("lan thu tam", "003", 2),
    ("hội nghị lần thứ 9", "000", 11),
    ("lần thứ chín", "000", 11),
    ("lần thứ IX", "000", 11),
    # 004's title names "Đại hội Đảng bộ tỉnh lần thứ XX": its fields say 20 too.
    ("lan thu 20", "004", 1),
    ("lần thứ XX", "004", 1),
])
def test_a_meeting_named_puts_its_document_first(seed_engine, query, seed, paragraph):
    hit = seed_engine.search(query, limit=1)["hits"][0]
    assert (hit["doc_id"][:3], hit["paragraph"]) == (seed, paragraph)


def test_the_eighth_meeting_written_either_way_finds_the_same_documents(seed_engine):
    """001 and 003 are both the 8th meeting (their metadata); 003 writes
    "lần thứ tám", 001 "lần thứ 8"."""
    for query in ("lần thứ 8", "lần thứ tám", "lan thu 8", "lần thứ VIII"):
        assert set(documents(seed_engine, query, 2)) == {"001", "003"}, query


@pytest.mark.parametrize("query", ["khóa XX", "khóa 20", "khoa 20", "khoá XX", "Khóa hai mươi"])
def test_a_term_named_puts_its_documents_first(seed_engine, query):
    """khóa XX: 001, 002 and 004 (002's title writes it)."""
    firsts = documents(seed_engine, query, 3)
    assert firsts[0] == "002"
    assert set(firsts) <= {"001", "002", "004"}


def test_term_nineteen(seed_engine):
    assert documents(seed_engine, "khóa 19") == ["000"]
    assert documents(seed_engine, "khoa XIX") == ["000"]


# --- short forms and dates, on a corpus of their own ------------------------

DOCS = {
    "hcm.txt": "Hội nghị Thành ủy Thành phố Hồ Chí Minh lần thứ tám\n"
               "Sáng nay, Thành ủy Thành phố Hồ Chí Minh họp bàn công tác cán bộ.\n"
               "Hội nghị thống nhất các chỉ tiêu phát triển kinh tế năm tới.\n",
    "brvt.txt": "Tỉnh ủy Bà Rịa - Vũng Tàu họp\n"
                "Ban Chấp hành Đảng bộ tỉnh Bà Rịa - Vũng Tàu khóa VII họp phiên thường kỳ.\n"
                "Hội nghị thống nhất các chỉ tiêu phát triển kinh tế năm tới.\n",
    "ls.txt": "Ban Chấp hành Đảng bộ tỉnh sơ kết công tác\n"
              "LSO - Ngày 27/6/2017, Ban Chấp hành Đảng bộ tỉnh Lạng Sơn họp.\n"
              "Hội nghị thống nhất các chỉ tiêu phát triển kinh tế năm tới.\n",
}


@pytest.fixture(scope="module")
def places(tmp_path_factory):
    folder = tmp_path_factory.mktemp("places")
    build_index(write_corpus(folder / "source", DOCS), folder / "index")
    return Engine(folder / "index")


@pytest.mark.parametrize("query,wanted", [
    ("TP.HCM", "hcm"), ("HCM", "hcm"), ("TP Hồ Chí Minh", "hcm"), ("tp ho chi minh chi tieu", "hcm"),
    ("BR-VT", "brvt"), ("Bà Rịa - Vũng Tàu", "brvt"), ("vung tau chi tieu", "brvt"),
    ("lang son chi tieu", "ls"),
])
def test_short_forms_of_a_province(places, query, wanted):
    assert documents(places, query) == [wanted]


def test_the_document_fields_reach_every_paragraph_after_updates(tmp_path):
    """Paragraphs of a document stay together through incremental builds
    (deletions, merges): each province finds all of its paragraphs and no other."""
    source, index = write_corpus(tmp_path / "src", DOCS), tmp_path / "index"
    build_index(source, index)
    (source / "brvt.txt").unlink()
    (source / "hcm.txt").write_text(DOCS["hcm.txt"] + "Đoạn mới về chỉ tiêu.\n", encoding="utf-8")
    (source / "new.txt").write_text("Tỉnh ủy Cà Mau họp\nBan Chấp hành Đảng bộ tỉnh Cà Mau họp.\n"
                                    "Một đoạn khác.\n", encoding="utf-8")
    build_index(source, index)
    engine = Engine(index)
    for query, doc, count in (("HCM", "hcm", 4), ("Cà Mau", "new", 3), ("Lạng Sơn", "ls", 3)):
        hits = engine.search(query, limit=50)["hits"]
        ours = [h["paragraph"] for h in hits if h["doc_id"] == doc]
        assert sorted(ours) == list(range(1, count + 1)), query
        assert [h["doc_id"] for h in hits[:count]] == [doc] * count, query
    assert not engine.search("BR-VT")["hits"]


# --- the rules ----------------------------------------------------------------

@pytest.mark.parametrize("text,value", [
    ("lần thứ tám", 8), ("lần thứ 31", None), ("khóa XIX", 19), ("khoá XX", 20),
    ("lần thứ ba mươi mốt", 31), ("lần thứ mười một", 11), ("quý IV", 4), ("Quý II", 2),
    ("thứ nhất", 1), ("thứ tư", 4), ("lan thu tam", 8), ("khoa xix", 19),
    ("khóa học", None), ("thu hai", None), ("thứ năm mươi lăm", 55),
])
def test_numbers_after_ordinal_words(text, value):
    found = ordinals(text.split())
    assert [v for *_, v in found] == ([value] if value else [])


def test_province_short_forms():
    assert "TP.HCM" in province_names("Hồ Chí Minh")
    assert "BR-VT" in province_names("bà rịa - vũng tàu")
    assert province_names("Nơi Khác") == ("Nơi Khác",)
