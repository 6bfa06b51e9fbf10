"""Reading the source folder into documents made of paragraphs."""

from __future__ import annotations

import hashlib
from functools import lru_cache
import os
import re
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..lang.text import normal_text
from .boilerplate import strip_boilerplate
from .decoding import NotText, decode
from .formats import read_paragraphs, unsupported
from .formats.common import Budget, number
from .formats.legacy_fonts import convert as convert_legacy
from .formats.ocr import IMAGE_SUFFIXES
from .junk import content_lines
from .metadata import extract
from .references import references
from .official import content_of, merged_meta, read_official
from .official import probe as official_probe
from .titles import better_title
from .tree import cannot_read, relative_name, shown_name, walk

SUPPORTED = {".txt", ".doc", ".docx", ".pdf", ".html", ".htm", *IMAGE_SUFFIXES}
# Bigger than any meeting record; a file past these is a mistake, not a report.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_PARAGRAPH_CHARS = 200_000


@dataclass
class Document:
    doc_id: str
    path: Path
    paragraphs: list[str]  # original text of each paragraph, boilerplate and junk lines left out
    sha256: str
    title: str = ""  # a readable title: accents restored, not a date line
    meta: dict = field(default_factory=dict)  # metadata.extract()
    file: str = ""  # its path inside the source, as shown ('/'-separated)

    def __post_init__(self):
        self.title = self.title or self.paragraphs[0]


@dataclass
class Skipped:
    name: str
    reason: str


@dataclass
class Corpus:
    documents: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    # Files whose bytes hash as the index already has them: not decoded (by
    # id, the path inside the source).
    unchanged: dict[str, PurePosixPath] = field(default_factory=dict)
    # Read and hashed but not parsed yet (``read_corpus(defer=True)``):
    # ``parse_file`` turns each into a document or a skip, anywhere.
    pending: list[tuple[Path, bytes, str, PurePosixPath]] = field(default_factory=list)

    def add(self, parsed: Document | Skipped) -> None:
        (self.documents if isinstance(parsed, Document) else self.skipped).append(parsed)


# What str.splitlines() splits on, matched one line at a time: 20 MB of
# one-character lines would be a list of 10M strings (600 MB) at once.
_LINE = re.compile("[^\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")


def paragraphs_of(text: str) -> list[str]:
    """Non-empty lines; a line of only spaces or invisible characters is empty.
    Counted against the file's budget as they are found (formats.common)."""
    out = []
    budget = Budget()
    for m in _LINE.finditer(text):
        line = m.group().strip()
        if line and normal_text(line).strip():
            budget.count(1, len(line))
            out.append(line)
    return out


def doc_id_of(path: Path | PurePosixPath) -> str:
    """The document's id: its path inside the source (``tree.py``) without
    the extension, '/'-separated, with each byte that is not UTF-8 written
    ``\\xff`` as Python shows it, so two such names keep two ids (U+FFFD
    would merge them) and the id can be stored and printed."""
    return os.fsencode((PurePosixPath(path).parent / path.stem).as_posix()).decode("utf-8", "backslashreplace")


def read_bytes(path: Path) -> bytes:
    """The file's bytes, at most ``MAX_FILE_BYTES``. A regular file only: it is
    opened without blocking (a FIFO's open would wait for a writer forever),
    checked, and read with a bound, as /dev/zero or a /proc file say size 0."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        with open(fd, "rb") as f:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise ValueError("không phải tệp thường")
            if info.st_size > MAX_FILE_BYTES:
                raise ValueError(f"quá lớn ({number(info.st_size / 2**20)} MB; "
                                 f"giới hạn {number(MAX_FILE_BYTES // 2**20)} MB)")
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise ValueError(cannot_read(e)) from e
    if len(raw) > MAX_FILE_BYTES:  # grew since, or a size that lied
        raise ValueError(f"quá lớn (đọc vượt giới hạn {number(MAX_FILE_BYTES // 2**20)} MB)")
    return raw


def _paragraphs(suffix: str, raw: bytes) -> list[str]:
    if suffix != ".txt":
        return read_paragraphs(suffix, raw)
    try:
        text, _ = decode(raw)
    except NotText as e:
        raise ValueError(str(e)) from None
    return paragraphs_of(text)


def parse_document(path: Path, raw: bytes, sha256: str, rel: PurePosixPath | None = None) -> Document:
    """A document from a file's bytes; raises ValueError with a reason people
    can act on. ``rel``, the file's path inside the source, makes its id
    (default: its bare name, a file at the top)."""
    rel = PurePosixPath(rel or path.name)
    paragraphs = _paragraphs(path.suffix.lower(), raw)
    ocr = getattr(paragraphs, "ocr", None)  # text read from a scan (formats/ocr.py)
    if not paragraphs:
        raise ValueError("không có chữ")
    longest = max(paragraphs, key=len)
    if len(longest) > MAX_PARAGRAPH_CHARS:
        raise ValueError(f"có một đoạn dài {number(len(longest))} ký tự (giới hạn "
                         f"{number(MAX_PARAGRAPH_CHARS)}): có phải cả tệp viết liền một dòng?")
    # Web pages bring menus, share buttons and unrelated headlines along.
    paragraphs = [paragraphs[i] for i in strip_boilerplate(paragraphs)]
    if not paragraphs:
        raise ValueError("chỉ có phần khung của trang web (menu, liên kết), không có bài viết")
    head = read_official(paragraphs)  # an official document's header and footer (official.py)
    title = head.title or better_title(paragraphs[0], paragraphs)
    # The facts are read from every line (the byline dates the story); the
    # index gets the content only: no slug, dateline, byline, caption or link.
    meta = merged_meta(extract(title, paragraphs, shown_name(path.name)), head)
    meta.update(references(paragraphs))  # its own number and those it cites
    meta.update({"ocr": ocr} if ocr else {})
    content = content_of(paragraphs, content_lines(paragraphs), head)
    return Document(doc_id_of(rel), path, content, sha256, title, meta, relative_name(rel))


def parse_file(path: Path, raw: bytes, sha256: str, rel: PurePosixPath | None = None) -> Document | Skipped:
    """``parse_document``, with a file it cannot read as a ``Skipped``."""
    try:
        return parse_document(path, raw, sha256, rel)
    except ValueError as e:
        return Skipped(relative_name(rel or path.name), str(e))


def estimated_paragraphs(raw: bytes, suffix: str) -> int:
    """A cheap guess of a file's paragraph count, before decoding it."""
    return max(1, raw.count(b"\n") if suffix.lower() == ".txt" else len(raw) // 2000)


def source_files(source: Path) -> tuple[list[tuple[Path, Path, PurePosixPath]], list[Skipped]]:
    """The files to read in the whole tree of ``source``, as (path, real path
    to read, path inside ``source``), and the entries refused with why: the
    rules (regular files, links only inside, no loops, bounds) are ``tree.py``'s."""
    files, refused = walk(source)
    return files, [Skipped(name, reason) for name, reason in refused]


def read_corpus(source: Path, known: dict[str, str] | None = None,
                defer: bool = False) -> Corpus:
    """Every readable document in ``source``; the others are listed with why.

    ``known`` maps doc ids to the sha256 the index holds: a file that still
    hashes the same goes to ``unchanged`` without being decoded. With
    ``defer``, a file to parse whose id no other file shares is left in
    ``pending`` (parsing is most of the cost: the indexer's workers do it);
    files sharing an id are parsed here, in order, as the first that reads
    takes the id.
    """
    corpus = Corpus()
    known = known or {}
    seen: dict[str, PurePosixPath] = {}
    files, corpus.skipped = source_files(source)
    stems = Counter(doc_id_of(rel) for _, _, rel in files if rel.suffix.lower() in SUPPORTED)
    for path, real, rel in files:
        name, doc_id = relative_name(rel), doc_id_of(rel)
        if path.suffix.lower() not in SUPPORTED:
            corpus.skipped.append(Skipped(name, unsupported(shown_name(path.suffix))))
            continue
        try:
            raw = read_bytes(real)
        except ValueError as e:
            corpus.skipped.append(Skipped(name, str(e)))
            continue
        sha256 = hashlib.sha256(raw).hexdigest()
        if doc_id not in seen and known.get(doc_id) == sha256:
            seen[doc_id] = rel
            corpus.unchanged[doc_id] = rel
            continue
        if defer and stems[doc_id] == 1:
            corpus.pending.append((path, raw, sha256, rel))
            continue
        try:
            doc = parse_document(path, raw, sha256, rel)
        except ValueError as e:
            corpus.skipped.append(Skipped(name, str(e)))
            continue
        if doc.doc_id in seen:
            corpus.skipped.append(Skipped(name, f"trùng tên với {relative_name(seen[doc.doc_id])} "
                                                "(chỉ khác đuôi tệp)"))
            continue
        seen[doc.doc_id] = rel
        corpus.documents.append(doc)
    return corpus


# A page with one line of each kind the rules tell apart (slug, dateline,
# byline, caption, link, related headlines, an implied date).
_PROBE = "\n".join([
    "hoi nghi tinh uy lan thu 9 khoa xx",
    "Thứ tư, 28/10/2020",
    "Hội nghị Tỉnh ủy lần thứ 9, khóa XX, nhiệm kỳ 2020-2025",
    "Thu Hà | 02/07/2021, 19:20",
    "Sáng 2/7, Ban Chấp hành Đảng bộ tỉnh họp hội nghị lần thứ 9, đánh giá kết quả quý II năm 2021.",
    "Toàn cảnh hội nghị",
    "Đồng chí Bí thư Tỉnh ủy phát biểu tại hội nghị. Ảnh: Thu Hà",
    "Xem thêm: Tỉnh ủy sơ kết 6 tháng",
    "Hội nghị đã hoàn thành chương trình đề ra./.",
    "Bài liên quan.",
    "• Tỉnh ủy họp phiên thường kỳ",
    "THU HÀ",
])


@lru_cache(maxsize=1)  # the rules do not change while a process runs
def ingest_version() -> str:
    """A digest of what ``parse_document`` makes of a probe page: its
    paragraphs, title and facts. Derived, not bumped by hand: an index whose
    manifest records another one was read by other rules (lines that were
    junk then, dates found now) and should be rebuilt, as
    ``analysis.terms.analysis_version`` does for the analysis."""
    doc = parse_document(Path("probe.txt"), _PROBE.encode("utf-8"), "")
    # And what a Word file's TCVN3 text becomes (issue 14: it was indexed as is).
    legacy = convert_legacy(["Th\u00adêng trùc TØnh ñy", "Báo cáo"], "tcvn3")
    payload = repr((doc.paragraphs, doc.title, sorted(doc.meta.items()), legacy, official_probe()))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
