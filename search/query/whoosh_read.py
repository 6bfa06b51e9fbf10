"""Whoosh's read side, behind one door: nothing else in the project reads an
index through Whoosh's private names.

The ranker needs a term's postings and every paragraph's field lengths as
arrays; Whoosh offers them a posting and a paragraph at a time, in Python,
at about a microsecond each. These functions read whole blocks and columns
instead (tests/test_whoosh_read.py holds them to Whoosh's public readers:
same postings, lengths, deletions and columns).

Pinned to whoosh3==3.54.0 (pyproject.toml): the names used here are private.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.filedb.structfile import BufferFile
from whoosh.reading import TermNotFound
from whoosh.filedb.filestore import FileStorage
from whoosh.util.numeric import byte_to_length

_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
# Paragraph numbers as int32: half the memory of the cache, faster scatters.
EMPTY = (np.zeros(0, np.int32), np.zeros(0, np.float32))


def open_searcher(generation: Path):
    # Read files, not memory-map them: a map per thread's searcher counted
    # the whole index once per thread in the server's RSS.
    return FileStorage(str(generation), supports_mmap=False).open_index().searcher()


def leaves(searcher) -> list[tuple[object, int]]:
    """``(segment reader, first docnum)`` of each segment that holds paragraphs
    (an empty index has one leaf with no segment behind it)."""
    return [(s.reader(), offset) for s, offset in searcher.leaf_searchers()
            if s.reader().doc_count_all()]


def segment_id(reader) -> str | None:
    segment = reader.segment()
    return segment.segment_id() if segment is not None else None


def read_postings(reader, offset: int, fieldname: str, text: str):
    """All ``(docnums + offset, term frequencies)`` of a term in one segment,
    as int32/float32 arrays.

    The term's postings are read from the file in one read and their blocks
    decoded in memory, the ids' deltas summed by numpy: Whoosh's matcher
    reads each block with several seeks and reads and sums the deltas one by
    one in a Python generator. Measured at 100k paragraphs, distinct
    queries: 9.3 s of 85 s profiled in 500 requests were here, 190 file
    reads a request (tests/test_whoosh_read.py holds the result to Whoosh's
    public matcher)."""
    if fieldname not in reader.schema:
        return EMPTY
    try:
        info = reader._terms.term_info(fieldname, text.encode("utf-8"))
    except TermNotFound:
        return EMPTY
    if info.is_inlined():
        ids, weights, _ = info.inlined_postings()
        return (np.asarray(ids, dtype=np.int32) + offset,
                np.asarray(weights, dtype=np.float32))
    start, length = info.extent()
    if isinstance(length, tuple):  # whoosh3 3.54 reads it back as struct.unpack's tuple
        length = length[0]
    m = W3LeafMatcher(BufferFile(reader._terms._postfile.get(start, length)), 0, length,
                      reader.schema[fieldname].format)
    ids, weights = [], []
    while m.is_active():
        m._read_data()
        ids.append(np.cumsum(m._data[0], dtype=np.int64))  # a block's ids, from their deltas
        m._read_weights()
        weights.append(np.asarray(m._weights, dtype=np.float32))
        m._next_block()
    if not ids:
        return EMPTY
    return np.concatenate(ids).astype(np.int32) + offset, np.concatenate(weights)


def field_lengths(leaves_, n: int, fieldname: str) -> np.ndarray:
    """Every paragraph's length in ``fieldname`` (as Whoosh stores it: one
    byte, rounded), float32, indexed by docnum."""
    out = np.zeros(n, dtype=np.float32)
    for reader, offset in leaves_:
        col = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if col is not None:
            raw = np.frombuffer(bytes(col.load()), dtype=np.uint8)
            out[offset:offset + len(raw)] = _BYTE_TO_LENGTH[raw]
    return out


def alive(leaves_, n: int) -> np.ndarray:
    """False for deleted paragraphs."""
    out = np.ones(n, dtype=bool)
    for reader, offset in leaves_:
        deleted = list(reader.deleted_docs_set)
        if deleted:
            out[np.asarray(deleted, dtype=np.int64) + offset] = False
    return out


def id_codes(leaves_, n: int, fieldname: str) -> tuple[np.ndarray, list[str]]:
    """Each paragraph's value of an ID field as a code (int32; -1: none) and
    the values, by code, in the lexicon's order (sorted)."""
    codes = np.full(n, -1, dtype=np.int32)
    values: dict[str, int] = {}
    for reader, offset in leaves_:
        for value, _ in field_terms(reader, fieldname):
            codes[read_postings(reader, offset, fieldname, value)[0]] = values.setdefault(value, len(values))
    return codes, list(values)


def column(reader, name: str) -> list | None:
    """A sortable column's values for every paragraph of a segment."""
    return list(reader.column_reader(name)) if reader.has_column(name) else None


def field_terms(reader, fieldname: str):
    """``(term, paragraphs holding it)`` for each term of a field."""
    for term, info in reader.iter_field(fieldname):
        yield (term.decode("utf-8") if isinstance(term, bytes) else term), info.doc_frequency()

