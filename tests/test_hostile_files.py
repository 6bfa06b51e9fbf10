"""Hostile source files (issue 16): each is skipped by name with its reason,
the rest is indexed, and no build takes more than its memory budget."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from hostile_files import docx_bytes, docx_many_paragraphs, docx_paragraph, pdf_bomb, pdf_bytes, text_ops
from search import Engine, build_index
from search.ingest.corpus import paragraphs_of, read_bytes
from search.ingest.formats.docx import read_docx
from search.ingest.formats.pdf import read_pdf

ROOT = Path(__file__).resolve().parent.parent
GOOD = "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ tám thảo luận kinh tế xã hội."


def source_with(tmp_path: Path, **files: bytes) -> Path:
    source = tmp_path / "source"
    source.mkdir()
    (source / "good.txt").write_text(GOOD, encoding="utf-8")
    for name, raw in files.items():
        (source / name).write_bytes(raw)
    return source


def build(source: Path, tmp_path: Path):
    report = build_index(source, tmp_path / "index", workers=1)
    return report, {s.name: s.reason for s in report.skipped}, Engine(tmp_path / "index")


def found(engine: Engine, query: str) -> set[str]:
    return {h["doc_id"] for h in engine.search(query)["hits"]}


# 1. Compression bombs


def test_pdf_compression_bomb_is_skipped_and_the_rest_indexed(tmp_path):
    # 150 KB on disk, 150 MB inflated: past the 128 MB budget (the old reader
    # inflated it all, parsed 150 MB of spaces and indexed the file).
    source = source_with(tmp_path, **{"bomb.pdf": pdf_bomb(150 * 2**20)})
    assert (source / "bomb.pdf").stat().st_size < 200_000
    report, skipped, engine = build(source, tmp_path)
    assert skipped["bomb.pdf"] == "PDF giải nén ra hơn 128 MB dữ liệu (quá giới hạn; có thể là tệp cố ý gây quá tải)"
    assert found(engine, "hoi nghi ban chap hanh") == {"good"}


def test_pdf_page_with_too_many_glyphs_is_refused():
    # 141,000 glyphs on one page: pdfminer holds ~600 bytes a glyph until the page ends.
    raw = pdf_bytes(text_ops("Hoi nghi Ban Chap hanh Dang bo tinh Thai Nguyen", 3000))
    with pytest.raises(ValueError, match=r"^trang 1 của PDF có hơn 100\.000 ký tự \(giới hạn cho một trang\)$"):
        read_pdf(raw)


def test_pdf_text_budget_counts_the_whole_file(monkeypatch):
    monkeypatch.setattr("search.ingest.formats.common.MAX_TEXT_CHARS", 1_000)
    raw = pdf_bytes(text_ops("Hoi nghi Ban Chap hanh", 100))  # 2,200 glyphs
    with pytest.raises(ValueError, match=r"^có hơn 1\.000 ký tự \(giới hạn cho một tệp\)$"):
        read_pdf(raw)


def test_pdf_budget_leaves_ordinary_pdfs_alone():
    assert read_pdf(pdf_bomb(1000)) == ["Hoi nghi Ban Chap hanh"]


# 5. Many tiny paragraphs, too much text


def test_docx_of_many_tiny_paragraphs_is_refused_while_read():
    with pytest.raises(ValueError, match=r"^có hơn 50\.000 đoạn \(giới hạn cho một tệp\)$"):
        read_docx(docx_many_paragraphs(60_000))


def test_docx_of_too_much_text_is_refused():
    raw = docx_bytes(docx_paragraph("Hội nghị " * 20_000) * 30)  # 5.4M characters
    with pytest.raises(ValueError, match=r"^có hơn 5\.000\.000 ký tự \(giới hạn cho một tệp\)$"):
        read_docx(raw)


def test_docx_block_of_millions_of_elements_is_refused_while_read():
    # 2M empty table cells in one row: no paragraph, no text, all in memory
    # until the table ends (the 190 MB allowed unpacked hold 27M of them).
    raw = docx_bytes(b"<w:tbl><w:tr>" + b"<w:tc/>" * 2_000_000 + b"</w:tr></w:tbl>")
    with pytest.raises(ValueError, match=r"^có một đoạn hoặc bảng gồm hơn 1\.000\.000 phần tử XML \(quá giới hạn\)$"):
        read_docx(raw)


def test_txt_budgets():
    with pytest.raises(ValueError, match=r"^có hơn 50\.000 đoạn \(giới hạn cho một tệp\)$"):
        paragraphs_of("a\n" * 50_001)
    with pytest.raises(ValueError, match=r"^có hơn 5\.000\.000 ký tự \(giới hạn cho một tệp\)$"):
        paragraphs_of(("x" * 100_000 + "\n") * 51)
    assert paragraphs_of("a\r\nb\u2028c\x85d\n\n  \ne") == ["a", "b", "c", "d", "e"]


# 3. File names that are not UTF-8


def test_names_that_are_not_utf8_are_indexed_with_their_own_ids(tmp_path):
    source = source_with(tmp_path)
    folder = os.fsencode(source)
    for name, text in [(b"bad\xff\xfename.txt", "Nghị quyết về giao thông nông thôn"),
                       (b"bad\xfe\xffname.txt", "Nghị quyết về giao thông đô thị"),
                       (b"other\xff.rtf", "not read")]:
        with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
            f.write(text)
    report, skipped, engine = build(source, tmp_path)
    assert found(engine, "giao thong") == {"bad\\xff\\xfename", "bad\\xfe\\xffname"}
    assert skipped == {"other\ufffd.rtf": "định dạng không hỗ trợ: .rtf (hãy lưu lại thành .docx)"}
    manifest = json.loads((tmp_path / "index" / "current" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["documents"]["bad\\xff\\xfename"]["file"] == "bad\ufffd\ufffdname.txt"
    # And the CLI prints the skipped name.
    out = subprocess.run([sys.executable, "-m", "search.cli", "index", "--source", str(source),
                          "--index", str(tmp_path / "index"), "--workers", "1"],
                         capture_output=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    assert ("bỏ qua other\ufffd.rtf: định dạng không hỗ trợ: .rtf (hãy lưu lại thành .docx)\n"
            in out.stderr.decode())


# 4. Links, devices, FIFOs


def test_links_out_of_the_source_and_special_files_are_skipped(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("root mật khẩu bí mật", encoding="utf-8")
    source = source_with(tmp_path)
    (source / "inside.txt").write_text("Báo cáo tổng kết công tác xây dựng Đảng", encoding="utf-8")
    (source / "secret.txt").symlink_to(outside)
    (source / "passwd.txt").symlink_to("/etc/passwd")
    (source / "zero.txt").symlink_to("/dev/zero")
    (source / "linked.txt").symlink_to("inside.txt")
    (source / "broken.txt").symlink_to("nowhere.txt")
    fifo = source / "fifo.txt"
    os.mkfifo(fifo)
    # The old build opened the FIFO and waited for a writer forever: this one
    # would let it go on (reading nothing) so that the test fails, not hangs.
    threading.Thread(target=lambda: open(fifo, "wb").close(), daemon=True).start()
    try:
        report, skipped, engine = build(source, tmp_path)
    finally:
        os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))  # frees the writer
    outside_reason = "là liên kết tới tệp nằm ngoài thư mục nguồn"
    assert skipped == {"secret.txt": outside_reason, "passwd.txt": outside_reason,
                       "zero.txt": outside_reason, "fifo.txt": "không phải tệp thường",
                       "broken.txt": "không đọc được (không tìm thấy tệp)"}
    assert found(engine, "mat khau") == set() and found(engine, "root") == set()
    assert found(engine, "\"tong ket\"") == {"inside", "linked"}


def test_special_files_are_never_read():
    for special in ("/dev/zero", "/dev/null"):
        with pytest.raises(ValueError, match="^không phải tệp thường$"):
            read_bytes(Path(special))


def test_reading_is_bounded_whatever_the_size_says(monkeypatch):
    # A /proc file is a regular file that says size 0 and is not empty.
    monkeypatch.setattr("search.ingest.corpus.MAX_FILE_BYTES", 100)
    assert os.stat("/proc/self/maps").st_size == 0
    with pytest.raises(ValueError, match=r"^quá lớn \(đọc vượt giới hạn 0 MB\)$"):
        read_bytes(Path("/proc/self/maps"))


# The goal: whatever the files, a build stays far from the machine's memory.

BOUNDED_BUILD = """
import resource, sys
limit = int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from search import build_index
report = build_index(sys.argv[1], sys.argv[2], workers=1)
for s in report.skipped:
    print(s.name, "|", s.reason)
print("documents", report.documents)
"""


def test_hostile_build_stays_within_1_5_gb(tmp_path):
    # Before: the 2 GB bomb took > 2 GB (MemoryError under this limit), the
    # 3M-paragraph .docx about 2 GB, /dev/zero 2.7 GB, the FIFO hung the build.
    source = source_with(tmp_path, **{"bomb.pdf": pdf_bomb(2 * 2**30),
                                      "many.docx": docx_many_paragraphs(3_000_000)})
    (source / "zero.txt").symlink_to("/dev/zero")
    os.mkfifo(source / "fifo.txt")
    limit = int(1.5 * 2**30)
    out = subprocess.run([sys.executable, "-c", BOUNDED_BUILD, str(source), str(tmp_path / "index"), str(limit)],
                         capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    assert "documents 1" in lines
    assert "bomb.pdf | PDF giải nén ra hơn 128 MB dữ liệu (quá giới hạn; có thể là tệp cố ý gây quá tải)" in lines
    assert "many.docx | có hơn 50.000 đoạn (giới hạn cho một tệp)" in lines
    assert "fifo.txt | không phải tệp thường" in lines
    assert found(Engine(tmp_path / "index"), "hoi nghi") == {"good"}
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 2**20  # KB: under 1 GB
