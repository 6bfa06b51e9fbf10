"""A source filed in folders (issue 14, item 1): the whole tree is read, a
document's id is its path inside the source, and links, downloads and
incremental updates follow."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pytest

import search.ingest.tree
from conftest import docx_bytes
from search import Engine, build_index
from search.ingest.corpus import read_corpus
from web import create_app

REPORT_2025 = ["BÁO CÁO kết quả công tác năm 2025", "Tỉnh ủy hoàn thành chỉ tiêu trồng chè trên đồi."]
REPORT_2026 = ["BÁO CÁO kết quả công tác năm 2026", "Tỉnh ủy phát triển giao thông nông thôn miền núi."]


def tree(tmp_path: Path) -> Path:
    """Two bao-cao.docx a year apart, a file at the top, one three levels
    down, and what must not be read: a hidden folder, links to folders (one
    looping back up), a link out of the tree."""
    source = tmp_path / "source"
    (source / "2025").mkdir(parents=True)
    (source / "2026" / "thang-1").mkdir(parents=True)
    (source / ".git").mkdir()
    (source / "2025" / "bao-cao.docx").write_bytes(docx_bytes(REPORT_2025))
    (source / "2026" / "bao-cao.docx").write_bytes(docx_bytes(REPORT_2026))
    (source / "tong-hop.txt").write_text("Tổng hợp ý kiến về kinh tế tập thể.", encoding="utf-8")
    (source / "2026" / "thang-1" / "ke-hoach.txt").write_text(
        "Kế hoạch tháng 1 về chuyển đổi số trong cơ quan Đảng.", encoding="utf-8")
    (source / ".git" / "an.txt").write_text("Tệp ẩn về chuyển đổi số.", encoding="utf-8")
    (source / "2025" / "cu.rtf").write_text("{\\rtf1 cũ}", encoding="utf-8")
    (source / "lien-ket").symlink_to("2026")  # the same files by another name
    (source / "2026" / "thang-1" / "len").symlink_to("../..")  # a loop
    outside = tmp_path / "ngoai"
    outside.mkdir()
    (outside / "mat.txt").write_text("Tài liệu mật về chuyển đổi số.", encoding="utf-8")
    (source / "ngoai").symlink_to(outside)
    return source


def found(engine: Engine, query: str) -> set[str]:
    return {h["doc_id"] for h in engine.search(query)["hits"]}


@pytest.fixture
def built(tmp_path):
    source = tree(tmp_path)
    report = build_index(source, tmp_path / "index", workers=1)
    return source, tmp_path / "index", report


def test_the_whole_tree_is_read_each_file_once_by_its_path(built):
    source, index, report = built
    engine = Engine(index)
    manifest = engine.manifest["documents"]
    assert sorted(manifest) == ["2025/bao-cao", "2026/bao-cao", "2026/thang-1/ke-hoach", "tong-hop"]
    assert manifest["2025/bao-cao"]["file"] == "2025/bao-cao.docx"
    # Two files of one name are two documents, each with its own text.
    assert found(engine, '"bao cao ket qua cong tac"') == {"2025/bao-cao", "2026/bao-cao"}
    assert found(engine, '"trong che"') == {"2025/bao-cao"}
    assert found(engine, '"giao thong nong thon"') == {"2026/bao-cao"}
    # Neither the hidden folder, nor the link back up, nor the link to 2026
    # (read once, by its own path), nor the folder outside.
    assert found(engine, '"chuyen doi so"') == {"2026/thang-1/ke-hoach"}
    skipped = {s.name: s.reason for s in report.skipped}
    assert skipped == {"2025/cu.rtf": "định dạng không hỗ trợ: .rtf (hãy lưu lại thành .docx)",
                       "ngoai": "là liên kết tới thư mục nằm ngoài thư mục nguồn"}
    assert report.documents == 4


def test_document_page_json_and_download_of_a_nested_id(built):
    source, index, _ = built
    client = create_app(engine=Engine(index), TESTING=True).test_client()
    page = client.get("/search", query_string={"q": "trong che"}).get_data(as_text=True)
    assert 'href="/doc/2025/bao-cao?q=trong+che' in page
    api = client.get("/api/search", query_string={"q": "trong che"}).get_json()
    assert api["hits"][0]["doc_id"] == "2025/bao-cao"
    doc = client.get("/doc/2025/bao-cao")
    assert doc.status_code == 200
    html = doc.get_data(as_text=True)
    assert "trồng chè trên đồi" in html and "giao thông" not in html
    assert 'href="/doc/2025/bao-cao/goc"' in html
    with client.get("/doc/2025/bao-cao/goc") as r:
        assert r.status_code == 200
        assert r.data == (source / "2025" / "bao-cao.docx").read_bytes()
        assert r.headers["Content-Disposition"] == "attachment; filename=bao-cao.docx"
    with client.get("/doc/2026/bao-cao/goc") as r:
        assert r.data == (source / "2026" / "bao-cao.docx").read_bytes()
    browse = client.get("/docs").get_data(as_text=True)
    assert 'href="/doc/2026/thang-1/ke-hoach"' in browse


def test_downloads_never_leave_the_source(built, tmp_path):
    source, index, _ = built
    manifest_path = index / "current" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    (tmp_path / "secret.txt").write_text("mật", encoding="utf-8")
    for doc_id, file in [("tong-hop", "../secret.txt"), ("2025/bao-cao", "2025/../../secret.txt"),
                         ("2026/bao-cao", "/etc/passwd"), ("2026/thang-1/ke-hoach", "ngoai/mat.txt")]:
        manifest["documents"][doc_id]["file"] = file
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    client = create_app(engine=Engine(index), TESTING=True).test_client()
    for doc_id in ["tong-hop", "2025/bao-cao", "2026/bao-cao", "2026/thang-1/ke-hoach",
                   "..%2Fsecret", "2025/../../secret"]:
        assert client.get(f"/doc/{doc_id}/goc").status_code == 404, doc_id


def test_a_document_named_goc_in_a_folder_has_its_page(tmp_path):
    source = tmp_path / "source"
    (source / "x").mkdir(parents=True)
    (source / "x" / "goc.txt").write_text("Văn bản gốc về chè Tân Cương.", encoding="utf-8")
    build_index(source, tmp_path / "index", workers=1)
    client = create_app(engine=Engine(tmp_path / "index"), TESTING=True).test_client()
    r = client.get("/doc/x/goc")
    assert r.status_code == 200 and "chè Tân Cương" in r.get_data(as_text=True)


def test_incremental_update_of_nested_files(built):
    source, index, _ = built
    # Changed in a folder, moved to another, removed, added.
    (source / "2026" / "bao-cao.docx").write_bytes(docx_bytes(REPORT_2026 + ["Bổ sung: xây dựng nông thôn mới."]))
    (source / "2027").mkdir()
    shutil.move(source / "2025" / "bao-cao.docx", source / "2027" / "bao-cao.docx")
    (source / "2026" / "thang-1" / "ke-hoach.txt").unlink()
    (source / "2026" / "thang-1" / "moi.txt").write_text("Kế hoạch mới về du lịch cộng đồng.", encoding="utf-8")
    report = build_index(source, index, workers=1)
    assert not report.full
    assert (report.added, report.changed, report.deleted, report.unchanged) == (2, 1, 2, 1)
    engine = Engine(index)
    assert sorted(engine.manifest["documents"]) == ["2026/bao-cao", "2026/thang-1/moi", "2027/bao-cao", "tong-hop"]
    assert found(engine, '"trong che"') == {"2027/bao-cao"}
    assert found(engine, '"nong thon moi"') == {"2026/bao-cao"}
    assert found(engine, '"du lich cong dong"') == {"2026/thang-1/moi"}
    assert found(engine, '"chuyen doi so"') == set()
    assert engine.original("2027/bao-cao") == (source / "2027" / "bao-cao.docx").resolve()


def test_nested_files_parsed_in_worker_processes_keep_their_ids(tmp_path):
    # Past PARALLEL_MIN_PARAGRAPHS the files are parsed in the workers.
    source = tmp_path / "source"
    for year in ("2025", "2026"):
        (source / year).mkdir(parents=True)
        lines = [f"Đoạn {n} của báo cáo năm {year} về công tác dân vận." for n in range(700)]
        (source / year / "bao-cao.txt").write_text("\n".join(lines), encoding="utf-8")
    report = build_index(source, tmp_path / "index", workers=2)
    assert report.documents == 2
    engine = Engine(tmp_path / "index")
    assert found(engine, "\"nam 2026\" dan van") == {"2026/bao-cao"}
    assert sorted(engine.manifest["documents"]) == ["2025/bao-cao", "2026/bao-cao"]


def test_the_walk_is_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(search.ingest.tree, "MAX_DEPTH", 3)
    source = tmp_path / "source"
    deep = source / "a" / "b" / "c" / "d"
    deep.mkdir(parents=True)
    (source / "a" / "b" / "tren.txt").write_text("Báo cáo tầng hai.", encoding="utf-8")
    (deep / "duoi.txt").write_text("Báo cáo tầng bốn.", encoding="utf-8")
    corpus = read_corpus(source)
    assert [d.doc_id for d in corpus.documents] == ["a/b/tren"]
    assert [(s.name, s.reason) for s in corpus.skipped] == [("a/b/c/d", "thư mục lồng quá sâu (quá 3 tầng)")]
    monkeypatch.setattr(search.ingest.tree, "MAX_ENTRIES", 2)
    corpus = read_corpus(source)
    assert corpus.documents == []
    assert [s.reason for s in corpus.skipped] == [
        "thư mục nguồn có hơn 2 tệp và thư mục (giới hạn); phần còn lại không được đọc"]


def test_a_folder_that_cannot_be_listed_is_reported(tmp_path, monkeypatch):
    source = tmp_path / "source"
    (source / "kin").mkdir(parents=True)
    (source / "kin" / "an.txt").write_text("Báo cáo mật.", encoding="utf-8")
    (source / "mo.txt").write_text("Báo cáo công khai.", encoding="utf-8")
    scandir = os.scandir

    def refuse(path):  # as chmod 0 does, for a user who is not root
        if Path(path).name == "kin":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(search.ingest.tree.os, "scandir", refuse)
    corpus = read_corpus(source)
    assert [d.doc_id for d in corpus.documents] == ["mo"]
    assert [(s.name, s.reason) for s in corpus.skipped] == [("kin/", "không đọc được (không có quyền đọc)")]
