"""Hot postings: the frequent terms' postings of a segment as flat arrays.

Whoosh stores postings as pickled blocks of 128, which decode at about a
microsecond a posting: a word in half of 100,000 paragraphs costs tens of
milliseconds the first time it is asked for. The indexer (SegmentBuilder)
also writes, for each segment, the postings of the terms in HOT_MIN_DF
paragraphs or more as two arrays, read here by position, so a frequent term
is one read. The Whoosh segment stays complete; segments without the file (Whoosh's
own merges) are read the slow way.

    <segment>.hot.json      {field: {term: [start, count]}, "~complete": [field, ...]}
    <segment>.hot_docs.npy  segment-local paragraph numbers, ascending per term
    <segment>.hot_tf.npy    term frequencies
"""

from __future__ import annotations

import json
import os
import weakref
from pathlib import Path

import numpy as np

from .schema import DOCUMENT_FIELDS

# A term in fewer paragraphs of a segment reads in under a millisecond.
HOT_MIN_DF = 500
# The document fields are written whole: every term, so a word that is not
# there is in no document's fields, known without asking Whoosh's lexicon.
# They are small (at 100k paragraphs: 35,201 terms, 172,582 postings, one
# paragraph a document holding them: index.schema) and every query word is
# looked up in two or three of them: through Whoosh, 0.9-1.0 ms of CPU a
# distinct query (py-spy: 16 % of ``rank``); reading all of them through
# Whoosh when a generation opens took 1.26 s.
COMPLETE_FIELDS = DOCUMENT_FIELDS
_COMPLETE = "~complete"  # not a field name


def _names(folder: Path, segment_id: str) -> tuple[Path, Path, Path]:
    return (folder / f"{segment_id}.hot.json", folder / f"{segment_id}.hot_docs.npy",
            folder / f"{segment_id}.hot_tf.npy")


def write_hot_postings(folder: Path, segment_id: str, fields: dict, complete=()) -> None:
    """``fields``: name -> (terms, counts, docs, freqs), where the postings
    of ``terms[k]`` are the k-th run of ``counts[k]`` in ``docs``/``freqs``;
    ``complete``: the fields written with every term (COMPLETE_FIELDS)."""
    index, docs, freqs, at = {}, [], [], 0
    for name, (terms, counts, field_docs, field_freqs) in fields.items():
        starts = at + np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        # Terms come as str (the five analysed fields) or as Whoosh's UTF-8 bytes.
        index[name] = {(term.decode("utf-8") if isinstance(term, bytes) else term): [int(start), int(n)]
                       for term, start, n in zip(terms, starts, counts)}
        docs.append(field_docs)
        freqs.append(field_freqs)
        at += len(field_docs)
    if not at:
        return
    docs_all = np.concatenate(docs).astype(np.uint32)
    freqs_all = np.concatenate(freqs)
    freqs_all = freqs_all.astype(np.uint16 if freqs_all.max() < 2**16 else np.uint32)
    meta, docs_file, tf_file = _names(folder, segment_id)
    np.save(docs_file, docs_all)
    np.save(tf_file, freqs_all)
    index[_COMPLETE] = list(complete)
    meta.write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")


class HotPostings:
    """One segment's hot postings, read when asked for (``os.pread``: one
    open file shared by the threads and the forked processes, no offset
    between them).

    Not memory-mapped: every page of a map a process touched counts in its
    PSS as long as it is mapped, and a server answering varied queries
    touches most of them. Measured at 100k paragraphs (2 workers x 4 threads,
    30 s of distinct queries): the maps held 117 MB of the server's 477 MB
    PSS; read instead, the same 8-byte postings are copied once into the
    ranker's arrays, as they were from the map (the ranker copies them
    anyway, to add the segment's offset and to score them)."""

    def __init__(self, folder: Path, segment_id: str):
        meta, docs_file, tf_file = _names(folder, segment_id)
        self.index = json.loads(meta.read_text(encoding="utf-8"))
        self.docs = _Column(docs_file)
        self.tf = _Column(tf_file)

    @classmethod
    def open(cls, folder: Path, segment_id: str) -> "HotPostings | None":
        if not _names(folder, segment_id)[0].is_file():
            return None
        return cls(folder, segment_id)

    def complete(self, fieldname: str) -> bool:
        """Whether every term of the field is here (``COMPLETE_FIELDS``, in
        a segment written since they were)."""
        return fieldname in self.index.get(_COMPLETE, ())

    def get(self, fieldname: str, text: str):
        """(segment-local docnums, frequencies) of a hot term, or None."""
        where = self.index.get(fieldname, {}).get(text)
        if where is None:
            return None
        start, n = where
        return self.docs.read(start, n), self.tf.read(start, n)


class _Column:
    """A 1-D .npy file's values, read by position."""

    def __init__(self, path: Path):
        header = np.load(path, mmap_mode="r")  # for its dtype and data offset only
        self.dtype, self.offset = header.dtype, header.offset
        del header
        self.fd = os.open(path, os.O_RDONLY)
        weakref.finalize(self, os.close, self.fd)  # closed with this object

    def read(self, start: int, count: int) -> np.ndarray:
        width = self.dtype.itemsize
        data = os.pread(self.fd, count * width, self.offset + start * width)
        return np.frombuffer(data, dtype=self.dtype)
