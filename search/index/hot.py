"""Hot postings: the frequent terms' postings of a segment as flat arrays.

Whoosh stores postings as pickled blocks of 128, which decode at about a
microsecond a posting: a word in half of 100,000 paragraphs costs tens of
milliseconds the first time it is asked for. The indexer (SegmentBuilder)
also writes, for each segment, the postings of the terms in HOT_MIN_DF
paragraphs or more as two arrays, memory-mapped here, so a frequent term is a
slice. The Whoosh segment stays complete; segments without the file (Whoosh's
own merges) are read the slow way.

    <segment>.hot.json      {field: {term: [start, count]}}
    <segment>.hot_docs.npy  segment-local paragraph numbers, ascending per term
    <segment>.hot_tf.npy    term frequencies
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

# A term in fewer paragraphs of a segment reads in under a millisecond.
HOT_MIN_DF = 500


def _names(folder: Path, segment_id: str) -> tuple[Path, Path, Path]:
    return (folder / f"{segment_id}.hot.json", folder / f"{segment_id}.hot_docs.npy",
            folder / f"{segment_id}.hot_tf.npy")


def write_hot_postings(folder: Path, segment_id: str, fields: dict) -> None:
    """``fields``: name -> (terms, counts, docs, freqs), where the postings
    of ``terms[k]`` are the k-th run of ``counts[k]`` in ``docs``/``freqs``."""
    index, docs, freqs, at = {}, [], [], 0
    for name, (terms, counts, field_docs, field_freqs) in fields.items():
        starts = at + np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        index[name] = {term: [int(start), int(n)] for term, start, n in zip(terms, starts, counts)}
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
    meta.write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")


class HotPostings:
    """One segment's hot postings, memory-mapped: pages are read on demand
    and shared by every process serving the index."""

    def __init__(self, folder: Path, segment_id: str):
        meta, docs_file, tf_file = _names(folder, segment_id)
        self.index = json.loads(meta.read_text(encoding="utf-8"))
        self.docs = np.load(docs_file, mmap_mode="r")
        self.tf = np.load(tf_file, mmap_mode="r")

    @classmethod
    def open(cls, folder: Path, segment_id: str) -> "HotPostings | None":
        if not _names(folder, segment_id)[0].is_file():
            return None
        return cls(folder, segment_id)

    def get(self, fieldname: str, text: str):
        """(segment-local docnums, frequencies) of a hot term, or None."""
        where = self.index.get(fieldname, {}).get(text)
        if where is None:
            return None
        start, n = where
        return self.docs[start:start + n], self.tf[start:start + n]
