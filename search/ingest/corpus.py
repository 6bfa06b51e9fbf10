"""Reading the source folder into documents made of paragraphs."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..lang.text import normal_text
from .boilerplate import strip_boilerplate
from .decoding import NotText, decode
from .formats import read_paragraphs
from .metadata import extract
from .titles import better_title

SUPPORTED = {".txt", ".docx", ".pdf", ".html", ".htm"}
# Bigger than any meeting record; a file past these is a mistake, not a report.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_PARAGRAPH_CHARS = 200_000


@dataclass
class Document:
    doc_id: str
    path: Path
    paragraphs: list[str]  # original text of each paragraph, boilerplate left out
    sha256: str
    title: str = ""  # a readable title: accents restored, not a date line
    meta: dict = field(default_factory=dict)  # metadata.extract()

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
    # Files whose bytes hash as the index already has them: not decoded.
    unchanged: dict[str, Path] = field(default_factory=dict)
    # Read and hashed but not parsed yet (``read_corpus(defer=True)``):
    # ``parse_file`` turns each into a document or a skip, anywhere.
    pending: list[tuple[Path, bytes, str]] = field(default_factory=list)

    def add(self, parsed: Document | Skipped) -> None:
        (self.documents if isinstance(parsed, Document) else self.skipped).append(parsed)


def paragraphs_of(text: str) -> list[str]:
    """Non-empty lines; a line of only spaces or invisible characters is empty."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and normal_text(line).strip():
            out.append(line)
    return out


def read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ValueError(f"is too large ({size / 2**20:.0f} MB; the limit is "
                             f"{MAX_FILE_BYTES // 2**20} MB)")
        return path.read_bytes()
    except OSError as e:
        raise ValueError(f"cannot be read ({e.strerror or e})") from e


def _paragraphs(suffix: str, raw: bytes) -> list[str]:
    if suffix != ".txt":
        return read_paragraphs(suffix, raw)
    try:
        text, _ = decode(raw)
    except NotText as e:
        raise ValueError(str(e)) from None
    return paragraphs_of(text)


def parse_document(path: Path, raw: bytes, sha256: str) -> Document:
    """A document from a file's bytes; raises ValueError with a reason people can act on."""
    paragraphs = _paragraphs(path.suffix.lower(), raw)
    if not paragraphs:
        raise ValueError("has no text")
    longest = max(paragraphs, key=len)
    if len(longest) > MAX_PARAGRAPH_CHARS:
        raise ValueError(f"has a paragraph of {len(longest):,} characters "
                         f"(the limit is {MAX_PARAGRAPH_CHARS:,}): is it one long line?")
    # Web pages bring menus, share buttons and unrelated headlines along.
    paragraphs = [paragraphs[i] for i in strip_boilerplate(paragraphs)]
    if not paragraphs:
        raise ValueError("has only page boilerplate (menus, links), no text")
    title = better_title(paragraphs[0], paragraphs)
    return Document(path.stem, path, paragraphs, sha256, title,
                    extract(title, paragraphs, path.name))


def parse_file(path: Path, raw: bytes, sha256: str) -> Document | Skipped:
    """``parse_document``, with a file it cannot read as a ``Skipped``."""
    try:
        return parse_document(path, raw, sha256)
    except ValueError as e:
        return Skipped(path.name, str(e))


def estimated_paragraphs(raw: bytes, suffix: str) -> int:
    """A cheap guess of a file's paragraph count, before decoding it."""
    return max(1, raw.count(b"\n") if suffix.lower() == ".txt" else len(raw) // 2000)


def source_files(source: Path) -> list[Path]:
    return sorted(p for p in source.iterdir() if not p.name.startswith("."))


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
    seen: dict[str, Path] = {}
    files = [p for p in source_files(source) if not p.is_dir()]
    stems = Counter(p.stem for p in files if p.suffix.lower() in SUPPORTED)
    for path in files:
        if path.suffix.lower() not in SUPPORTED:
            corpus.skipped.append(Skipped(path.name, f"unsupported format {path.suffix or '(none)'}"))
            continue
        try:
            raw = read_bytes(path)
        except ValueError as e:
            corpus.skipped.append(Skipped(path.name, str(e)))
            continue
        sha256 = hashlib.sha256(raw).hexdigest()
        if path.stem not in seen and known.get(path.stem) == sha256:
            seen[path.stem] = path
            corpus.unchanged[path.stem] = path
            continue
        if defer and stems[path.stem] == 1:
            corpus.pending.append((path, raw, sha256))
            continue
        try:
            doc = parse_document(path, raw, sha256)
        except ValueError as e:
            corpus.skipped.append(Skipped(path.name, str(e)))
            continue
        if doc.doc_id in seen:
            corpus.skipped.append(Skipped(path.name, f"same id as {seen[doc.doc_id].name}"))
            continue
        seen[doc.doc_id] = path
        corpus.documents.append(doc)
    return corpus
