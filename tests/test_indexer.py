import codecs
import os
import unicodedata
from pathlib import Path

import pytest

from conftest import marked, SEEDS, write_corpus
from test_junk_lines import DROPPED
from search import build_index
from search.ingest.legacy import to_legacy
from search import Engine
from search.index.store import IndexBusy, IndexMissing, build_lock, current_generation


def test_seeds_index_every_article_paragraph_and_no_boilerplate(seed_index):
    engine = Engine(seed_index)
    manifest = engine.manifest
    assert len(manifest["documents"]) == 5
    lines = {p.stem: [line for line in p.read_text(encoding="utf-8").splitlines() if line.strip()
                      and line.strip() != "\u00a0"]
             for p in SEEDS.glob("*.txt")}
    # Every non-empty line is a paragraph, but for seed 001's page furniture
    # (everything from "Bài liên quan" on: related headlines, ONECMS footer)
    # and the lines that are not content: slugs, the date line, bylines,
    # photo captions, the title repeated (tests/test_junk_lines.py lists them).
    cut = lines["001_de1c8456ea6a90a5"].index("Bài liên quan")
    expected = sum(len(v) for v in lines.values()) - (len(lines["001_de1c8456ea6a90a5"]) - cut)
    assert expected == 49 and manifest["paragraphs"] == expected - sum(map(len, DROPPED.values())) == 37
    assert engine.search("POWERED BY ONECMS")["total"] == 0
    assert engine.search("VinFast")["total"] == 0
    doc = engine.document("002_e74cd34c562d7255")
    assert doc["title"] == "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 31, khóa XX, nhiệm kỳ 2020-2025"
    assert [p["n"] for p in doc["paragraphs"]] == list(range(1, len(doc["paragraphs"]) + 1))


def test_slug_and_date_titles_are_replaced(seed_engine):
    assert seed_engine.document("000_506b92b0bc4a87dd")["title"] == \
        "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 9 khóa XIX"
    assert seed_engine.document("003_d85fbd8a0fbef35e")["title"] == \
        "Ban Chấp hành Đảng bộ tỉnh sơ kết công tác 6 tháng đầu năm"


def test_bad_files_are_reported_by_name_and_skipped(tmp_path, monkeypatch):
    source = write_corpus(tmp_path / "src", {"good.txt": "Tiêu đề\nHội nghị Tỉnh ủy.\n"})
    (source / "garbage.txt").write_bytes(b"\x81\x8a\x8d\xff\x90 text")
    (source / "binary.txt").write_bytes(b"PK\x03\x04\x00\x00binary")
    (source / "empty.txt").write_text("\n  \n\u200b\n", encoding="utf-8")
    (source / "notes.pdf").write_bytes(b"%PDF-1.4")
    (source / "notes.odt").write_bytes(b"PK\x03\x04")
    (source / "oneline.txt").write_text("chè " * 60_000, encoding="utf-8")
    with open(source / "huge.txt", "wb") as f:  # 50 MB, sparse: never read
        f.truncate(50 * 2**20)
    os.symlink(tmp_path / "missing.txt", source / "broken.txt")
    (source / "locked.txt").write_text("A\nB\n", encoding="utf-8")
    real_open = os.open

    def open_(path, flags, *args, **kwargs):
        if os.path.basename(path) == "locked.txt":  # root reads anything; simulate chmod 000
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_)
    report = build_index(source, tmp_path / "index")
    assert report.documents == 1 and report.paragraphs == 2
    reasons = {s.name: s.reason for s in report.skipped}
    assert reasons == {
        "garbage.txt": "không phải văn bản UTF-8 hay UTF-16, cũng không nhận ra chắc chắn là bảng mã "
                       "tiếng Việt cũ nào (TCVN3, VNI, Windows-1258)",
        "binary.txt": "không phải tệp văn bản (có byte NUL)",
        "empty.txt": "không có chữ",
        "notes.pdf": "không phải tệp PDF hợp lệ (tệp hỏng hoặc bị cắt cụt?)",
        "notes.odt": "định dạng không hỗ trợ: .odt (hãy lưu lại thành .docx)",
        "oneline.txt": "có một đoạn dài 239.999 ký tự (giới hạn 200.000): có phải cả tệp viết liền một dòng?",
        "huge.txt": "quá lớn (50 MB; giới hạn 20 MB)",
        "broken.txt": "không đọc được (không tìm thấy tệp)",
        "locked.txt": "không đọc được (không có quyền đọc)",
    }
    assert Engine(tmp_path / "index").search("tinh uy")["total"] == 1


def test_legacy_and_utf16_text_is_decoded(tmp_path):
    text = "Tiêu đề\nHội nghị Ban Chấp hành Đảng bộ tỉnh Thái Nguyên, tỉnh ủy.\n"
    source = tmp_path / "src"
    source.mkdir()
    (source / "win.txt").write_bytes(to_legacy(text, "cp1258"))
    (source / "u16.txt").write_bytes(text.encode("utf-16"))
    (source / "u16be.txt").write_bytes(codecs.BOM_UTF16_BE + text.encode("utf-16-be"))
    (source / "tcvn3.txt").write_bytes(to_legacy(text, "tcvn3"))
    (source / "vni.txt").write_bytes(to_legacy(text, "vni"))
    report = build_index(source, tmp_path / "index")
    assert report.skipped == [] and report.documents == 5
    engine = Engine(tmp_path / "index")
    # The five paragraphs first; the titles follow (their documents are about Thái Nguyên).
    hits = engine.search("Đảng bộ tỉnh Thái Nguyên")["hits"][:5]
    assert {h["doc_id"] for h in hits} == {"win", "u16", "u16be", "tcvn3", "vni"}
    assert all(h["text"] == "Hội nghị Ban Chấp hành Đảng bộ tỉnh Thái Nguyên, tỉnh ủy." for h in hits)


def test_bom_and_nfd_sources_are_read(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "bom.txt").write_bytes("\ufeffTiêu đề\nBí thư Tỉnh uỷ\n".encode("utf-8"))
    (source / "nfd.txt").write_text(unicodedata.normalize("NFD", "Tiêu đề\nChủ tịch Tỉnh ủy\n"), encoding="utf-8")
    build_index(source, tmp_path / "index")
    engine = Engine(tmp_path / "index")
    result = engine.search("tỉnh ủy")
    assert result["total"] == 2
    assert engine.document("bom")["title"] == "Tiêu đề"
    nfd_hit = next(h for h in result["hits"] if h["doc_id"] == "nfd")
    assert nfd_hit["text"] == unicodedata.normalize("NFD", "Chủ tịch Tỉnh ủy")  # original kept
    assert unicodedata.normalize("NFD", "Tỉnh ủy") in marked(nfd_hit)  # offsets into the NFD text


def test_rebuild_swaps_atomically_and_old_searcher_keeps_working(tmp_path):
    source = write_corpus(tmp_path / "src", {"a.txt": "A\nNghị quyết về chè.\n"})
    build_index(source, tmp_path / "index")
    engine = Engine(tmp_path / "index")
    first = current_generation(tmp_path / "index")
    assert engine.search("che")["total"] == 1
    write_corpus(source, {"b.txt": "B\nCây chè Thái Nguyên.\n"})
    build_index(source, tmp_path / "index")
    second = current_generation(tmp_path / "index")
    assert second != first and first.exists()  # kept one round for late readers
    assert engine.search("che")["total"] == 2  # refreshed on next query
    build_index(source, tmp_path / "index")
    assert not first.exists() and second.exists()
    assert len(list((tmp_path / "index").glob("gen-*"))) == 2


def test_failed_rebuild_leaves_previous_index_serving(tmp_path, monkeypatch):
    source = write_corpus(tmp_path / "src", {"a.txt": "A\nNghị quyết về chè.\n"})
    build_index(source, tmp_path / "index")
    before = current_generation(tmp_path / "index")
    write_corpus(source, {"b.txt": "B\nCây chè Thái Nguyên.\n"})

    import search.index.build

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(search.index.build, "publish", boom)
    with pytest.raises(RuntimeError):
        build_index(source, tmp_path / "index")
    assert current_generation(tmp_path / "index") == before
    assert sorted(p.name for p in (tmp_path / "index").glob("gen-*")) == [before.name]  # no debris
    assert Engine(tmp_path / "index").search("che")["total"] == 1


def test_missing_source_folder_keeps_index(tmp_path):
    source = write_corpus(tmp_path / "src", {"a.txt": "A\nChè.\n"})
    build_index(source, tmp_path / "index")
    with pytest.raises(FileNotFoundError):
        build_index(tmp_path / "nope", tmp_path / "index")
    assert Engine(tmp_path / "index").search("che")["total"] == 1


def test_second_build_at_once_is_refused_clearly(tmp_path):
    source = write_corpus(tmp_path / "src", {"a.txt": "A\nChè.\n"})
    with build_lock(tmp_path / "index"):
        with pytest.raises(IndexBusy, match="một lần lập chỉ mục .* khác đang chạy"):
            build_index(source, tmp_path / "index")


def test_opening_a_missing_index_says_so(tmp_path):
    with pytest.raises(IndexMissing, match=f"^chưa có chỉ mục trong {tmp_path / 'nothing'}$"):
        Engine(tmp_path / "nothing")


def test_an_empty_source_folder_gives_an_empty_index_that_answers(tmp_path):
    (tmp_path / "src").mkdir()
    report = build_index(tmp_path / "src", tmp_path / "index")
    assert report.documents == 0
    result = Engine(tmp_path / "index").search("tinh uy")
    assert result["total"] == 0 and result["hits"] == []


def test_a_build_collects_garbage_less_often_and_restores_the_setting(tmp_path, monkeypatch):
    import gc

    import search.index.gather
    from search.index.workers import GC_YOUNG

    seen = []
    real = search.index.gather.compounds_and_digits  # once a paragraph

    def spy(*args):
        seen.append(gc.get_threshold()[0])
        return real(*args)

    monkeypatch.setattr(search.index.gather, "compounds_and_digits", spy)
    before = gc.get_threshold()
    build_index(SEEDS, tmp_path / "index", workers=1)
    assert seen and min(seen) >= GC_YOUNG
    assert gc.get_threshold() == before
