"""Word 97–2003 .doc (issue 14, item 3): antiword first, LibreOffice as the
fallback, and TCVN3/VNI text in .doc or .docx converted whole, ư included.

The .doc fixtures are made here: python-docx writes a .docx, LibreOffice
converts it (``soffice --convert-to doc``, a few seconds, once a session)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import docx
import pytest

from search import Engine, build_index
from search.ingest.formats import soffice
from search.ingest.formats.doc import read_doc
from search.ingest.formats.docx import read_docx
from search.ingest.legacy import to_legacy
from web import create_app

HEADER = [("ĐẢNG BỘ TỈNH THÁI NGUYÊN", "ĐẢNG CỘNG SẢN VIỆT NAM"),
          ("Số 05-NQ/TU", "Thái Nguyên, ngày 02 tháng 7 năm 2021")]
BODY = ["NGHỊ QUYẾT", "về tăng cường công tác xây dựng Đảng",
        "Thường trực Tỉnh ủy chỉ đạo các cấp ủy nâng cao năng lực lãnh đạo, sức chiến đấu.",
        "Mục tiêu: người dân được hưởng lợi từ phát triển kinh tế - xã hội bền vững."]
ROWS = [f"{a} | {b}" for a, b in HEADER]


def resolution_docx(encoding: str | None = None, font: str | None = None) -> bytes:
    """The resolution with its header table; in ``encoding`` (the bytes read
    as Windows characters, as Word keeps a legacy font's text: TCVN3's ư is
    U+00AD) in ``font``."""
    def text(s: str) -> str:
        return to_legacy(s, encoding).decode("latin-1") if encoding else s

    def run(paragraph, s: str):
        r = paragraph.add_run(text(s))
        if font:
            r.font.name = font

    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    for i, row in enumerate(HEADER):
        for j, cell in enumerate(row):
            run(table.cell(i, j).paragraphs[0], cell)
    for p in BODY:
        run(document.add_paragraph(), p)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(scope="session")
def docs(tmp_path_factory) -> dict[str, Path]:
    """{name: .doc path}, converted by LibreOffice in one call."""
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        pytest.skip("chưa cài LibreOffice (soffice): `make system-deps` cài nó; không tạo được tệp .doc mẫu")
    folder = tmp_path_factory.mktemp("doc-fixtures")
    made = {"unicode": resolution_docx(), "tcvn3": resolution_docx("tcvn3", ".VnTime"),
            "vni": resolution_docx("vni", "VNI-Times")}
    for name, raw in made.items():
        (folder / f"{name}.docx").write_bytes(raw)
    subprocess.run([program, "--headless", "--norestore", f"-env:UserInstallation={(folder / 'lo').as_uri()}",
                    "--convert-to", "doc", "--outdir", str(folder)] + [str(folder / f"{n}.docx") for n in made],
                   capture_output=True, timeout=600, check=True)
    return {name: folder / f"{name}.doc" for name in made}


def no_libreoffice(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("LibreOffice was called")

    monkeypatch.setattr(soffice, "convert", refuse)


def test_a_unicode_doc_is_read_by_antiword_with_its_header_rows(docs, monkeypatch):
    no_libreoffice(monkeypatch)  # the fast tool alone
    assert read_doc(docs["unicode"].read_bytes()) == ROWS + BODY


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_a_legacy_font_doc_is_converted_whole_u_with_horn_included(docs, encoding):
    # antiword and catdoc drop TCVN3's ư (U+00AD): "Thường" read "Thêng".
    if encoding == "tcvn3":
        fast = subprocess.run(["antiword", "-x", "db", str(docs["tcvn3"])], capture_output=True).stdout
        assert "Thêng" in fast.decode("utf-8")  # why LibreOffice reads it
    assert read_doc(docs[encoding].read_bytes()) == ROWS + BODY


def test_legacy_docx_is_converted_by_its_font_and_by_its_text():
    for encoding, font in [("tcvn3", ".VnTime"), ("vni", "VNI-Times"), ("tcvn3", None)]:
        assert read_docx(resolution_docx(encoding, font)) == ROWS + BODY, (encoding, font)


def test_a_font_named_only_in_the_styles_converts_a_short_document():
    # Two words are too little evidence for the text alone; the Normal
    # style's .VnTime says it.
    document = docx.Document()
    document.styles["Normal"].font.name = ".VnTime"
    document.add_paragraph(to_legacy("Thường trực", "tcvn3").decode("latin-1"))
    out = io.BytesIO()
    document.save(out)
    assert read_docx(out.getvalue()) == ["Thường trực"]


def test_unicode_text_in_a_legacy_document_stays_as_it_is():
    document = docx.Document()
    for text in ["Báo cáo tài chính", to_legacy("Thường trực Tỉnh ủy", "tcvn3").decode("latin-1")]:
        document.add_paragraph().add_run(text).font.name = ".VnTime"
    document.add_paragraph("Cà phê")  # Unicode, Latin-1 letters only
    out = io.BytesIO()
    document.save(out)
    assert read_docx(out.getvalue()) == ["Báo cáo tài chính", "Thường trực Tỉnh ủy", "Cà phê"]


def fake_tool(tmp_path: Path, name: str, script: str) -> str:
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    (folder / name).chmod(0o755)
    return f"{folder}{os.pathsep}{os.environ['PATH']}"


def test_libreoffice_reads_what_antiword_refuses(docs, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", fake_tool(tmp_path, "antiword", "echo 'not a Word document' >&2; exit 1"))
    # LibreOffice's .docx of it reads as the .docx it was made from (a header
    # table cell by cell: formats/docx.py)
    assert read_doc(docs["unicode"].read_bytes()) == read_docx(resolution_docx())


def running_with(text: str) -> list[str]:
    """Command lines of the processes that name ``text``."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(cmdline)
    return found


def test_a_libreoffice_call_past_its_timeout_is_killed_and_reported(docs, tmp_path, monkeypatch):
    # A LibreOffice that never finishes, whatever the machine's speed, and
    # starts a child of its own as soffice starts soffice.bin: both are killed.
    monkeypatch.setenv("PATH", fake_tool(tmp_path, "soffice", 'sh -c "sleep 600" soffice.bin "$@" & wait'))
    monkeypatch.setattr(soffice, "TIMEOUT", 0.5)
    with pytest.raises(ValueError, match=r"^không đọc được tệp Word \.doc \(LibreOffice chưa chuyển xong "
                                         r"sau 0\.5 giây\)$"):
        read_doc(docs["tcvn3"].read_bytes())
    assert running_with(soffice._profile_dir().as_uri()) == []  # the child too


def test_each_process_has_its_own_libreoffice_profile():
    import multiprocessing

    pool = multiprocessing.get_context("spawn").Pool(1)
    theirs = pool.apply(soffice._profile_dir)
    pool.close()
    pool.join()  # an orderly exit: its profile is removed
    mine = soffice._profile_dir()
    assert theirs != mine and f"-{os.getpid()}-" in mine.name
    assert not theirs.exists()


def test_missing_tools_are_a_clear_skip_reason(docs, monkeypatch):
    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "soffice" or
                        name == "libreoffice" else real(name, *a, **k))
    # antiword alone still reads a Unicode .doc...
    assert read_doc(docs["unicode"].read_bytes()) == ROWS + BODY
    # ...not a TCVN3 one, whose ư it would lose.
    with pytest.raises(ValueError, match=r"^gõ bằng phông chữ cũ \(TCVN3/VNI\): cần LibreOffice để đọc tệp này "
                                         r"\(chưa cài; xem make system-deps\)$"):
        read_doc(docs["tcvn3"].read_bytes())
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    with pytest.raises(ValueError, match=r"^cần antiword hoặc LibreOffice để đọc tệp Word \.doc "
                                         r"\(chưa cài; xem make system-deps\)$"):
        read_doc(docs["unicode"].read_bytes())


def test_what_is_not_a_word_file_is_refused_without_libreoffice(monkeypatch):
    no_libreoffice(monkeypatch)
    # Random bytes, and an OLE header with no WordDocument stream (a damaged
    # or renamed file, as test_fuzz_sources makes).
    for raw in [os.urandom(2000), bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504 + b"Hoi nghi"]:
        with pytest.raises(ValueError, match=r"^không phải tệp Word \.doc hợp lệ$"):
            read_doc(raw)
    # A .docx saved under .doc is read as one.
    assert read_doc(resolution_docx()) == read_docx(resolution_docx())


def rtf(text: str) -> bytes:
    body = "".join(c if ord(c) < 128 else f"\\u{ord(c)}?" for c in text)
    return ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times New Roman;}}\\f0 " + body + "\\par}").encode("ascii")


def test_an_rtf_saved_as_doc_is_read_by_libreoffice(docs):
    assert read_doc(rtf("Thường trực Tỉnh ủy họp phiên thường kỳ.")) == ["Thường trực Tỉnh ủy họp phiên thường kỳ."]


def test_doc_files_are_indexed_shown_and_downloaded(docs, tmp_path):
    source = tmp_path / "source"
    (source / "2021").mkdir(parents=True)
    shutil.copy(docs["unicode"], source / "2021" / "nghi-quyet-05.doc")
    shutil.copy(docs["tcvn3"], source / "nghi-quyet-cu.doc")
    report = build_index(source, tmp_path / "index", workers=1)
    assert report.skipped == [] and report.documents == 2
    engine = Engine(tmp_path / "index")
    hits = engine.search('"thường trực tỉnh ủy"')["hits"]
    assert {h["doc_id"] for h in hits} == {"2021/nghi-quyet-05", "nghi-quyet-cu"}
    client = create_app(engine=engine, TESTING=True).test_client()
    page = client.get("/doc/nghi-quyet-cu").get_data(as_text=True)
    assert "người dân được hưởng lợi" in page
    with client.get("/doc/2021/nghi-quyet-05/goc") as r:
        assert r.status_code == 200 and r.headers["Content-Type"] == "application/msword"
        assert r.data == docs["unicode"].read_bytes()


def test_profiles_of_killed_processes_are_removed(monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(soffice, "_profile", None)
    dead = subprocess.Popen(["true"])
    dead.wait()
    orphan, recent = tmp_path / f"vnsearch-lo-{dead.pid}-abc", tmp_path / f"vnsearch-lo-{dead.pid}-ghi"
    (orphan / "user").mkdir(parents=True)
    recent.mkdir()  # dead, or alive in another PID namespace: left for an hour
    os.utime(orphan, (0, 0))
    alive = tmp_path / f"vnsearch-lo-{os.getppid()}-def"
    alive.mkdir()
    os.utime(alive, (0, 0))
    mine = soffice._profile_dir()
    assert mine.parent == tmp_path and not orphan.exists() and alive.exists() and recent.exists()


def test_the_header_reads_the_same_from_docx_doc_and_tcvn3_doc(docs, tmp_path):
    # Issue 14: a resolution's header fields, whichever form the office kept.
    from search.ingest.corpus import parse_document

    forms = {"docx": ("r.docx", resolution_docx()), "doc": ("r.doc", docs["unicode"].read_bytes()),
             "tcvn3 doc": ("r.doc", docs["tcvn3"].read_bytes())}
    keys = ("number", "number_key", "issuer", "issuer_parent", "doc_kind", "issued_place", "issued_date", "subject")
    read = {}
    for form, (name, raw) in forms.items():
        meta = parse_document(tmp_path / name, raw, "").meta
        read[form] = {k: meta.get(k) for k in keys}
    assert read["docx"] == {"number": "05-NQ/TU", "number_key": "5-nq/tu",
                            "issuer": "Đảng bộ tỉnh Thái Nguyên", "issuer_parent": None,
                            "doc_kind": "nghị quyết", "issued_place": "Thái Nguyên",
                            "issued_date": "2021-07-02", "subject": "về tăng cường công tác xây dựng Đảng"}
    assert read["doc"] == read["docx"] and read["tcvn3 doc"] == read["docx"]
