"""Documents by their numbers: a query that names a document's number finds
that document first, and a document's page lists what it cites and what
cites it (issue 14, items 5-6).

Each document's own number and the numbers it cites are in its metadata
(``ingest.references``: ``number``, ``number_key``, ``cites``). An
``Archive`` is read from them once per generation, on the first query that
names a number or the first document page (``Generation.documents``: one
stored-fields read a document, ~20 us each), and kept with the generation:
who bears which number, and who cites which key. Nothing is scanned per
request beyond the one document shown.

The ranking (``query.ranking``): the documents whose own number the query
names (``DocNumber.names``: ``NQ 05`` names ``05-NQ/TU``) get NUMBER_TIER
on one paragraph each, their best match, or their first paragraph when no
paragraph of theirs matches the query's words (the header line with the
number is not always content). NUMBER_TIER is above the whole ladder, the
exact tier included: a document named by its number is the one asked for.
Documents that merely cite it match the query's words as before and come
after it. Queries naming no number, or a number no document bears, are
ranked exactly as before: the rung then adds nothing.
"""

from __future__ import annotations

import threading
import weakref

import numpy as np

from ..lang.docnumbers import DocNumber, find_numbers

# Above everything the ladder adds up to (EXACT_TIER 1e9 + at most 32 COVER
# rungs of 1e7 + the rest < 2e9).
NUMBER_TIER = 1e10


class Archive:
    """The numbers of one generation's documents."""

    def __init__(self, generation, searcher):
        self.info = generation.documents(searcher)  # (title, meta, first docnum) by code
        self.doc_ids = generation.doc_ids
        self.code_of = {doc_id: code for code, doc_id in enumerate(generation.doc_ids)}
        self.bearers: dict[int, list[tuple[DocNumber, int]]] = {}  # number -> (its DocNumber, code)
        self.by_key: dict[str, list[int]] = {}
        self.cited_by: dict[str, list[int]] = {}
        for code, (_, meta, docnum) in enumerate(self.info):
            if docnum < 0:  # deleted
                continue
            found = find_numbers(meta.get("number") or "")
            if found:
                self.bearers.setdefault(found[0].number, []).append((found[0], code))
                self.by_key.setdefault(found[0].key, []).append(code)
            for key in meta.get("cites") or ():
                self.cited_by.setdefault(key, []).append(code)

    def named(self, numbers) -> np.ndarray:
        """Codes of the documents whose own number one of ``numbers`` names."""
        codes = {code for n in numbers for own, code in self.bearers.get(n.number, ()) if n.names(own)}
        return np.array(sorted(codes), dtype=np.int32)

    def entry(self, code: int) -> dict:
        """How a related document is listed: ``{"doc_id", "number", "title"}``."""
        title, meta, _ = self.info[code]
        return {"doc_id": self.doc_ids[code], "number": meta.get("number"), "title": title}


_archives: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def archive(generation, searcher) -> Archive:
    """The generation's ``Archive``, read on first need and kept with it."""
    with _lock:
        found = _archives.get(generation)
    if found is None:
        found = Archive(generation, searcher)
        with _lock:
            found = _archives.setdefault(generation, found)
    return found


def named_documents(generation, searcher, numbers) -> np.ndarray:
    """Codes of the documents whose own number the query names (none when
    it names no number: the archive is then not even read)."""
    if not numbers:
        return np.zeros(0, dtype=np.int32)
    return archive(generation, searcher).named(numbers)


def leads(codes: np.ndarray, doc_of: np.ndarray, matched: np.ndarray, open_: np.ndarray,
          documents: int) -> np.ndarray:
    """The first paragraph that may stand (``open_``: alive, within the
    filters, no excluded word) of each document of ``codes`` that has no
    paragraph in ``matched``: it stands for a document named by its number
    whose words the query does not hold."""
    mine = np.zeros(documents, dtype=bool)
    mine[codes] = True
    idx = np.flatnonzero(open_ & mine[doc_of])
    if not len(idx):
        return idx
    found = np.unique(doc_of[idx[matched[idx]]])
    idx = idx[~np.isin(doc_of[idx], found)]
    _, first = np.unique(doc_of[idx], return_index=True)
    return idx[first]


def carriers(codes: np.ndarray, doc_of: np.ndarray, candidates: np.ndarray, final: np.ndarray,
             documents: int) -> np.ndarray:
    """Indices into ``candidates`` of the best paragraph (ties: the first) of
    each document of ``codes``: where NUMBER_TIER goes."""
    mine = np.zeros(documents, dtype=bool)
    mine[codes] = True
    pos = np.flatnonzero(mine[doc_of[candidates]])
    if not len(pos):
        return pos
    order = pos[np.lexsort((pos, -final[pos], doc_of[candidates[pos]]))]
    _, first = np.unique(doc_of[candidates[order]], return_index=True)
    return order[first]


def related(generation, searcher, doc_id: str, paragraphs: list[str]) -> dict:
    """``cites``: the documents ``doc_id`` cites, in its order, each
    ``{"doc_id", "number", "title"}`` when the archive holds it (every
    holder, when several bear the number) or ``{"number"}`` as the text
    writes it when not; ``cited_by``: the documents citing its own number,
    in the index's order of ids. ``paragraphs``: its text, where the
    numbers it cites are written."""
    books = archive(generation, searcher)
    code = books.code_of.get(doc_id)
    if code is None:
        return {"cites": [], "cited_by": []}
    meta = books.info[code][1]
    written = {}
    for text in paragraphs:
        for n in find_numbers(text):
            written.setdefault(n.key, " ".join(n.text.split()))

    cites = []
    for key in meta.get("cites") or ():
        holders = [c for c in books.by_key.get(key, ()) if c != code]
        cites += [books.entry(c) for c in holders] or [{"number": written.get(key, key.upper())}]
    own = meta.get("number_key")
    cited_by = [books.entry(c) for c in books.cited_by.get(own, ()) if c != code] if own else []
    return {"cites": cites, "cited_by": cited_by}


def restore_around(restore, text: str, numbers) -> str | None:
    """``restore`` (accents put back) applied to ``text`` outside the document
    numbers it names, or None when nothing changed: a number's letters are
    abbreviations ("05 NQ TU" was suggested as "05 NQ TỪ", "05-NQ/TU" as
    "05-nỗ/TƯ")."""
    spans, at = [], 0
    for n in numbers:  # in the order the query names them
        at = text.find(n.text, at)
        if at < 0:
            at = 0
            continue
        spans.append((at, at + len(n.text)))
        at += len(n.text)
    spans.sort()
    out, last, changed = [], 0, False
    for start, end in [*spans, (len(text), len(text))]:
        if start < last:  # within a number already kept
            continue
        piece = text[last:start]
        core = piece.strip()
        restored = restore(core) if core else None
        if restored and restored != core:
            piece = piece.replace(core, restored, 1)
            changed = True
        out += [piece, text[start:end]]
        last = max(last, end)
    return "".join(out) if changed else None
