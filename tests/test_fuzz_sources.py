"""Hostile source folders: whatever lands in the folder, the build finishes,
says what it skipped and by which name, and every valid document is searchable.

Each example writes a folder: one valid report (seed text with a marker word
of its own) beside hostile entries made from the seeds (random bytes, truncated
and mutated .docx/.pdf/.html/.doc, odd and undecodable names, links inside and
out of the folder, a FIFO, a link to /dev/zero). CI runs a few examples;
`make fuzz` runs FUZZ_SOURCE_EXAMPLES=2000 (500 took 60 s).
"""

from __future__ import annotations

import io
import os
import signal
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import docx_bytes
from search import Engine, build_index
from search.ingest.corpus import paragraphs_of

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SEED = paragraphs_of(sorted(SEEDS.glob("002_*.txt"))[0].read_text(encoding="utf-8"))
# A build of a few small files takes a second or two; this only turns a hang
# (a FIFO opened for reading, an endless stream) into a failure with a name.
HANG_SECONDS = 120


def _pdf(paragraphs: list[str]) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT)))
    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.setFont("DejaVuSans", 10)
    for i, p in enumerate(paragraphs):
        c.drawString(40, 800 - 16 * i, p[:90])
    c.save()
    return out.getvalue()


def _html(paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<!doctype html><html><head><meta charset='utf-8'><title>{paragraphs[0]}</title>" \
           f"</head><body><article>{body}</article></body></html>".encode()


def _doc(paragraphs: list[str]) -> bytes:
    """Not a real Word 97 file: its OLE signature with text after it, as a
    damaged or renamed .doc would look."""
    return bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504 + "\r".join(paragraphs).encode("cp1258", "replace")


def _zip_of_bytes(raw: bytes) -> bytes:
    """A .docx that is a zip of something else."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", raw)
    return out.getvalue()


BASES = {".docx": docx_bytes(SEED[:6]), ".html": _html(SEED[:6]), ".doc": _doc(SEED[:6]),
         ".txt": "\n".join(SEED[:6]).encode("utf-16")}
if FONT.exists():
    BASES[".pdf"] = _pdf(SEED[:6])

SUFFIXES = [".txt", ".docx", ".pdf", ".html", ".htm", ".doc", ".png", ".TXT", ""]
# Names as archives have them; each becomes a file of its own (a suffix is added).
STEMS = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/\0"), min_size=1, max_size=40),
    st.sampled_from(["-rf", "--help", " space ", "báo cáo", "ba\u0301o ca\u0301o", "x" * 200,
                     "tab\there", "new\nline", "<b>", "%2e%2e", "CON", "nul"]),
    st.binary(min_size=1, max_size=20).map(lambda b: os.fsdecode(b.replace(b"/", b"_").replace(b"\0", b"_"))),
)


@st.composite
def payloads(draw, suffix: str) -> bytes:
    base = BASES.get(suffix) or BASES[draw(st.sampled_from(sorted(BASES)))]
    kind = draw(st.sampled_from(["random", "truncated", "mutated", "zip", "empty", "whole"]))
    if kind == "random":
        return draw(st.binary(max_size=2048))
    if kind == "truncated":
        return base[:draw(st.integers(0, len(base)))]
    if kind == "zip":
        return _zip_of_bytes(draw(st.binary(max_size=512)))
    if kind == "empty":
        return b""
    if kind == "whole":
        return base
    raw = bytearray(base)
    for _ in range(draw(st.integers(1, 20))):
        raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
    return bytes(raw)


@st.composite
def entries(draw):
    """(kind, name, payload): a file, or a link ("link") to a target name."""
    kind = draw(st.sampled_from(["file"] * 6 + ["link-valid", "link-out", "link-zero", "link-dangling",
                                                 "link-loop", "link-dir", "fifo", "dir"]))
    suffix = draw(st.sampled_from(SUFFIXES))
    name = draw(STEMS).strip(".") or "x"
    name = os.fsencode(name)[:200] + suffix.encode()
    return kind, name, draw(payloads(suffix)) if kind == "file" else b""


@contextmanager
def hang_guard(what: str):
    def hung(signum, frame):
        raise AssertionError(f"{what} still running after {HANG_SECONDS} s: a hang")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(HANG_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def write_folder(folder: Path, marker: str, hostile) -> set[bytes]:
    """Writes the folder; returns the names of the entries the build must
    account for (a document or a skip each; sub-folders are not files)."""
    folder.mkdir()
    valid = folder / "bao-cao-hop-le.txt"
    valid.write_text("\n".join(SEED + [f"Mã kiểm tra {marker} của báo cáo."]), encoding="utf-8")
    names = {b"bao-cao-hop-le.txt"}
    base = os.fsencode(folder)
    for kind, name, payload in hostile:
        if name in names:
            continue
        names.add(name)
        path = base + b"/" + name
        try:
            if kind == "file":
                with open(path, "wb") as f:
                    f.write(payload)
            elif kind == "fifo":
                os.mkfifo(path)
            elif kind == "dir":
                os.mkdir(path)
                names.discard(name)
            else:
                target = {"link-valid": b"bao-cao-hop-le.txt", "link-out": b"/etc/passwd",
                          "link-zero": b"/dev/zero", "link-dangling": b"missing.txt",
                          "link-loop": name, "link-dir": b"/etc"}[kind]
                os.symlink(target, path)
                # A link to a folder outside: reported like a link to a file
                # outside (issue 14 reads folders, and says why it does not).
        except OSError:  # a name the file system refuses (too long, say)
            names.discard(name)
    return names


def check_folder(tmp: Path, marker: str, hostile, workers: int = 1) -> None:
    source, index = tmp / "source", tmp / "index"
    names = write_folder(source, marker, hostile)
    with hang_guard("the build"):
        report = build_index(source, index, workers=workers)
    # Every entry is indexed or reported by a name people can read.
    reported = {s.name for s in report.skipped}
    for s in report.skipped:
        assert s.reason and s.name, s
        s.name.encode("utf-8")  # printable: no lone surrogates
    assert report.documents + len(report.skipped) == len(names), (sorted(names), reported)
    engine = Engine(index)
    try:
        hits = engine.search(marker)["hits"]
        # The report, and any link to it, are found by their marker first.
        assert hits and marker in hits[0]["text"], hits[:1]
        assert any(h["doc_id"] == "bao-cao-hop-le" for h in hits if marker in h["text"])
        # Nothing from outside the folder is searchable.
        assert not engine.search('"root:x:0:0"')["hits"]
    finally:
        engine.close()


def test_hostile_folder_by_hand(tmp_path):
    """One of each kind, so CI always meets all of them."""
    hostile = [("file", b"bad\xff\xfename.txt", "\n".join(SEED[:3]).encode()),
               ("fifo", b"fifo.txt", b""), ("link-out", b"passwd.txt", b""),
               ("link-zero", b"zero.txt", b""), ("link-loop", b"loop.txt", b""),
               ("link-dangling", b"dangling.txt", b""), ("link-valid", b"ban-sao.txt", b""),
               ("link-dir", b"etc.txt", b""), ("dir", b"thu-muc", b""),
               ("file", b"rong.docx", b""), ("file", b"hong.pdf", BASES.get(".pdf", b"%PDF")[:300]),
               ("file", b"cu.doc", BASES[".doc"]), ("file", b"ngau-nhien.html", os.urandom(800))]
    check_folder(tmp_path, "kiemtra", hostile)


def test_hostile_folder_in_parallel(tmp_path, monkeypatch):
    """The same through the worker processes (two, however small the folder)."""
    monkeypatch.setattr("search.index.build.PARALLEL_MIN_PARAGRAPHS", 1)
    hostile = [("file", b"bad\xff\xfename.txt", "\n".join(SEED[:3]).encode()),
               ("fifo", b"fifo.txt", b""), ("link-out", b"passwd.txt", b""),
               ("link-zero", b"zero.txt", b""), ("file", b"hong.html", b"<meta charset='rot13'><p>x")]
    check_folder(tmp_path, "songsong", hostile, workers=2)


def test_hostile_folders_fuzzed(tmp_path_factory):
    examples = int(os.environ.get("FUZZ_SOURCE_EXAMPLES", "25"))
    seen = {"examples": 0}

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.lists(entries(), min_size=1, max_size=8))
    def one(hostile):
        seen["examples"] += 1
        check_folder(tmp_path_factory.mktemp("fuzz"), f"dauvet{seen['examples']}", hostile)

    one()
    assert seen["examples"] >= examples
