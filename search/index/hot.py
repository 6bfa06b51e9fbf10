"""Flat postings: a segment's postings as arrays, every term's.

Whoosh stores postings as pickled blocks of 128, which decode at about a
microsecond a posting, behind a lexicon read through a hash file: a word in
half of 100,000 paragraphs cost tens of milliseconds the first time it was
asked for, and a term in 50-499 paragraphs 225 us (lookup and decoding),
1.7 of them a distinct query (the pairs of its syllables). The indexer
(SegmentBuilder) also writes, for each segment, every term's postings as two
arrays and a table of its terms, read here by position, so any term is a
hash, a binary search and two reads, and a term that is not in the table is
in no paragraph of the segment. The Whoosh segment stays complete (stored
fields, lexicon for suggestions); segments without these files (written
before them, or Whoosh's own merges) are read the slow way.

    <segment>.hot_terms.npz  hash (sorted), start, count and key offset of
                             each term; the keys ("field\0term", UTF-8) one
                             after another; the fields written whole
    <segment>.hot_docs.npy   segment-local paragraph numbers, ascending per term
    <segment>.hot_tf.npy     term frequencies

Measured at 100k paragraphs (bench/make_corpus.py, 2 segments): the arrays
hold ~15.5M postings a segment, 5 bytes each (the frequent terms' alone,
the 500+ threshold of before, were 62 MB at 6 bytes): 328 -> 398 MB for the
whole index at 6 bytes, less with a byte for the frequencies. The table is ~120k terms a segment (40 bytes each, in memory, no
Python object a term: nothing for the forked workers to copy on write).
"""

from __future__ import annotations

import os
import weakref
from array import array
from bisect import bisect_left
from hashlib import blake2b
from pathlib import Path

import numpy as np

from .schema import DOCUMENT_FIELDS

# What the manifest records (index/build.py): an index written in another
# format of these files is built again in full by its next update.
POSTINGS_FORMAT = 2
# Every term is written (1); tests raise it to compare with the slow path.
HOT_MIN_DF = 1
# Fields written whole even when HOT_MIN_DF is raised: the document fields,
# looked up for every query word (index.schema).
COMPLETE_FIELDS = DOCUMENT_FIELDS


def _names(folder: Path, segment_id: str) -> tuple[Path, Path, Path]:
    return (folder / f"{segment_id}.hot_terms.npz", folder / f"{segment_id}.hot_docs.npy",
            folder / f"{segment_id}.hot_tf.npy")


def _key(fieldname: str, term) -> bytes:
    return fieldname.encode("utf-8") + b"\0" + (term if isinstance(term, bytes) else term.encode("utf-8"))


def _hash(key: bytes) -> int:
    # Stable across processes and runs (Python's hash() of bytes is not).
    return int.from_bytes(blake2b(key, digest_size=8).digest(), "little")


def term_key(fieldname: str, text: str) -> tuple[bytes, int]:
    """A term's key and its hash, as the tables hold them: made once for
    all of a generation's segments."""
    key = _key(fieldname, text)
    return key, _hash(key)


def write_hot_postings(folder: Path, segment_id: str, fields: dict, complete=()) -> None:
    """``fields``: name -> (terms, counts, docs, freqs), where the postings
    of ``terms[k]`` are the k-th run of ``counts[k]`` in ``docs``/``freqs``;
    ``complete``: the fields written with every term."""
    keys, starts, counts_all, docs, freqs, at = [], [], [], [], [], 0
    for name, (terms, counts, field_docs, field_freqs) in fields.items():
        keys.extend(_key(name, term) for term in terms)
        starts.append(at + np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64))
        counts_all.append(np.asarray(counts, dtype=np.int64))
        docs.append(field_docs)
        freqs.append(field_freqs)
        at += len(field_docs)
    if not at:
        return
    hashes = np.array([_hash(k) for k in keys], dtype=np.uint64)
    order = np.argsort(hashes, kind="stable")
    keys = [keys[i] for i in order.tolist()]
    offsets = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum([len(k) for k in keys], out=offsets[1:])
    docs_all = np.concatenate(docs).astype(np.uint32)
    freqs_all = np.concatenate(freqs)
    top = freqs_all.max()  # a word's count in a paragraph: almost always under 256
    freqs_all = freqs_all.astype(np.uint8 if top < 2**8 else np.uint16 if top < 2**16 else np.uint32)
    table, docs_file, tf_file = _names(folder, segment_id)
    np.save(docs_file, docs_all)
    np.save(tf_file, freqs_all)
    # np.savez writes no time into its zip: the same postings give the same
    # bytes (a parallel build and a one-process one, index/chunks.py).
    with open(table, "wb") as f:
        np.savez(f, hashes=hashes[order], starts=_narrow(np.concatenate(starts)[order]),
                 counts=_narrow(np.concatenate(counts_all)[order]), offsets=_narrow(offsets),
                 keys=np.frombuffer(b"".join(keys), dtype=np.uint8),
                 complete=np.array(sorted(complete), dtype=str))


def _narrow(values: np.ndarray) -> np.ndarray:
    """Positions and counts in 4 bytes when they fit (12 of a term's 32 at
    100k paragraphs), else 8."""
    return values.astype(np.uint32 if not len(values) or values.max() < 2**32 else np.uint64)


def _array(values: np.ndarray) -> array:
    return array("I" if values.dtype == np.uint32 else "Q", values.astype(values.dtype.newbyteorder("=")).tobytes())


class HotPostings:
    """One segment's flat postings, read when asked for (``os.pread``: one
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
        table, docs_file, tf_file = _names(folder, segment_id)
        with np.load(table) as z:
            # array.array, not numpy: bisect and indexing them are C calls
            # returning plain ints (np.searchsorted on a numpy scalar was a
            # third of a lookup's time); still no Python object a term.
            self.hashes = array("Q", z["hashes"].tobytes())
            self.starts, self.counts, self.offsets = (_array(z[k]) for k in ("starts", "counts", "offsets"))
            self.keys = z["keys"].tobytes()
            self.fields = frozenset(z["complete"].tolist())
        self.docs = _Column(docs_file)
        self.tf = _Column(tf_file)

    @classmethod
    def open(cls, folder: Path, segment_id: str) -> "HotPostings | None":
        if not _names(folder, segment_id)[0].is_file():
            return None
        return cls(folder, segment_id)

    def complete(self, fieldname: str) -> bool:
        """Whether every term of the field is here: a term not found is in
        no paragraph of the segment."""
        return fieldname in self.fields

    def get(self, fieldname: str, text: str, keyed: tuple[bytes, int] | None = None):
        """(segment-local docnums, frequencies) of a term, or None;
        ``keyed``: its ``term_key``, when made already."""
        i = self.find(keyed or term_key(fieldname, text))
        if i is None:
            return None
        at, n = self.starts[i], self.counts[i]
        return self.docs.read(at, n), self.tf.read(at, n)

    def find(self, keyed: tuple[bytes, int]) -> int | None:
        """Where a term (``term_key``) is in the table, or None."""
        key, h = keyed
        hashes = self.hashes
        i = bisect_left(hashes, h)
        while i < len(hashes) and hashes[i] == h:
            if self.keys[self.offsets[i]:self.offsets[i + 1]] == key:
                return i
            i += 1
        return None


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
