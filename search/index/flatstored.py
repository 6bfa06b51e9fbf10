"""Flat stored fields: each paragraph's stored fields (the dict Whoosh's
``stored_fields`` returns) pickled one after another, with their offsets.

Whoosh keeps them in a zlib-compressed pickle column read through its
variable-bytes column: 21 us a paragraph at 100k, 7 % of a distinct
request's CPU for its ten hits (py-spy). Here a paragraph is one ``pread``
and a ``pickle.loads``. The cost is disk: the fields are stored twice, the
second time uncompressed (measured at 100k paragraphs in the closing note
of issue 15). Whoosh's copy stays, for Whoosh's own readers; a segment
without these files (written before them, or by Whoosh's merges) is read
through Whoosh.

    <segment>.stored_flat.bin  the pickles, one after another
    <segment>.stored_flat.npy  offsets into it, one more than paragraphs

Named after the segment, so Whoosh deletes them with it.
"""

from __future__ import annotations

import os
import pickle
import weakref
from array import array
from pathlib import Path

import numpy as np


def _names(folder: Path, segment_id: str) -> tuple[Path, Path]:
    return folder / f"{segment_id}.stored_flat.bin", folder / f"{segment_id}.stored_flat.npy"


class FlatStoredWriter:
    """Collects each paragraph's stored fields, in docnum order."""

    def __init__(self):
        self.data = bytearray()
        self.offsets = [0]

    def add(self, fields: dict) -> None:
        # Protocol 5 of the same dict gives the same bytes: a parallel build
        # and a one-process one write the same file (index/chunks.py).
        self.data += pickle.dumps(fields, 5)
        self.offsets.append(len(self.data))

    def write(self, folder: Path, segment_id: str) -> None:
        data_file, offsets_file = _names(Path(folder), segment_id)
        with open(data_file, "wb") as f:
            f.write(self.data)
        np.save(offsets_file, np.array(self.offsets, dtype=np.uint64))


class FlatStored:
    """One segment's stored fields, read by position (``os.pread``, as
    index/hot.py reads postings: no map, so nothing counts in PSS)."""

    def __init__(self, folder: Path, segment_id: str):
        data_file, offsets_file = _names(folder, segment_id)
        # array.array, as index/hot.py keeps its tables: indexing returns
        # plain ints, and there is no Python object an offset (a list of
        # 100,000 ints is 3.6 MB whose pages the forked workers would copy
        # as they touched their reference counts).
        self.offsets = array("Q", np.load(offsets_file).astype(np.uint64).tobytes())
        self.fd = os.open(data_file, os.O_RDONLY)
        weakref.finalize(self, os.close, self.fd)  # closed with this object

    @classmethod
    def open(cls, folder: Path, segment_id: str) -> "FlatStored | None":
        if not all(p.is_file() for p in _names(folder, segment_id)):
            return None
        return cls(folder, segment_id)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def get(self, docnum: int) -> dict:
        """The stored fields of the segment's paragraph ``docnum``."""
        start, end = self.offsets[docnum], self.offsets[docnum + 1]
        return pickle.loads(os.pread(self.fd, end - start, start))
