"""Whoosh's write side, behind one door: nothing else in the project writes
an index through Whoosh's private names.

- ``SegmentBuilder`` writes a new whoosh3 segment straight through the
  codec's files, byte for byte what Whoosh's ``SegmentWriter`` makes of the
  same paragraphs (tests/test_segment_builder.py is this door's contract).
- ``commit`` ends a writer the way ``MpWriter(multisegment=True)`` does:
  merges by our policy, then one new TOC listing the kept segments and the
  new ones.
- ``segments`` lists a committed index's segments.

Pinned to whoosh3==3.54.0 (pyproject.toml): the names used here are private.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from itertools import count
from pathlib import Path
from hashlib import md5
from pickle import dumps, loads
from struct import Struct
from shutil import copyfileobj
from typing import TYPE_CHECKING

import numpy as np
from whoosh import formats
from whoosh import index as whoosh_index
from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3TermInfo, _lenfield
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filetables import _lengths
from whoosh.system import pack_uint, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from ..analysis.analyzers import FIELD_ANALYZERS
from ..analysis.terms import index_term_lists
from .blocks import encode_field
from .flatstored import FlatStoredWriter
from .gather import AnalysedFields
from .hot import COMPLETE_FIELDS, HOT_MIN_DF, write_hot_postings
from .schema import ANALYZED_FIELDS, paragraph_values

if TYPE_CHECKING:
    from ..ingest.corpus import Document

# A postings block is zlib-compressed from this many bytes of pickle on
# (Whoosh's writer: from 80, whoosh3.COMPRESSION_MIN_SIZE). A reader honours
# each block's own compression flag, so the segment reads the same either
# way (and merges written by Whoosh keep its 80). zlib.compress costs ~8 us a
# call whatever the size (it sets up 256 KB of state), and most blocks are
# small: on corpus-10000, of 116,400 blocks from 80 bytes, 89,031 are under
# 256; compressing only the others takes 0.43 s instead of 1.18 s (0.075 ms
# a paragraph, 7 % of a build's CPU) for 2.7 MB more postings (60.9 -> 63.6
# MiB of index; 128: 0.045 ms for 1.3 MB; 192: 0.061 ms). Measured 2 Dec
# 2026 (notes s7-h-build2).
COMPRESS_FROM = 256
# Memory a Whoosh writer may use for the postings it sorts (deletions and
# merges only: new text goes through SegmentBuilder).
LIMIT_MB = 256


def commit(writer, segments: list, merge_policy) -> None:
    """End ``writer`` (which may have deleted paragraphs) with ``segments``
    (``SegmentBuilder.finish()``'s) added, after merging the existing
    segments ``merge_policy(writer, segments)`` picks."""
    kept = writer._merge_segments(merge_policy, False, True)
    if writer._added:
        kept.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(kept + segments)
    writer._finish()


def segments(folder) -> list:
    """The segments of the index in ``folder`` (each with ``doc_count_all()``
    and ``deleted_count()``)."""
    return whoosh_index.open_dir(str(folder))._segments()


class SegmentBuilder:
    """Writes one new whoosh3 segment of paragraphs, through Whoosh's codec.

    Whoosh's ``SegmentWriter`` analyses every field separately and sends each
    posting through a sorting pool of Python tuples, which took more time than
    pyvi. Here a paragraph is analysed once for all five text fields
    (``analysis.index_terms``), postings gather per term in memory (docnums
    only grow), and at the end each term's postings are handed to the codec's
    postings writer a block at a time. The segment is an ordinary one: same
    terms, frequencies, weights, field lengths, stored fields and columns as
    Whoosh's ``SegmentWriter.add_document`` (tests/test_segment_builder.py
    compares them).
    """

    def __init__(self, ix, segid: str | None = None):
        self.storage, self.schema = ix.storage, ix.schema
        self.codec = default_codec()
        self.segment = self.codec.new_segment(self.storage, ix.indexname)
        if segid:  # chunks.segment_ids: named after its files, not at random
            self.segment.segid = segid
        self.perdoc = self.codec.per_document_writer(self.storage, self.segment)
        self.docnum = 0
        schema = self.schema
        # The fast path serves a field only while its analyzer is the one
        # index_terms stands for; any other field goes through field.index().
        self.fast = [(name, k) for k, (name, make) in enumerate(FIELD_ANALYZERS.items())
                     if name in schema and schema[name].analyzer == make()]
        fast = {name for name, _ in self.fast}
        names = sorted(set(schema.names()))
        # (name, field) for the fields field.index() handles
        self.other = [(name, schema[name]) for name in names if name not in fast]
        # Postings by field, as three parallel columns (term id, docnum,
        # frequency) appended a paragraph at a time; term ids are handed out
        # in order of first sight. finish() groups them by term with numpy.
        self.postings: dict[str, _Postings] = {name: _Postings()
                                               for name in names if schema[name].indexed}
        # All five served by index_terms' rules (the usual schema): gathered
        # by term id (gather.py); else through index_term_lists.
        self.analysed = (AnalysedFields([self.postings[name] for name, _ in self.fast])
                         if [k for _, k in self.fast] == list(range(len(FIELD_ANALYZERS))) else None)
        # length bytes per docnum, for the fields whose lengths are kept
        self.lengths = {name: bytearray() for name in names if schema[name].scorable}
        self._items: dict = {}  # (field, value) -> field.index(value), for repeated values
        # The accent model's counts (lang/accent_counts.py), when set: fed each
        # paragraph right after index_terms scanned it, so the scan is reused.
        self.tally = None
        self.stored = FlatStoredWriter()  # index/flatstored.py

    def add(self, doc: Document) -> None:
        for n, text in enumerate(doc.paragraphs, start=1):
            self._add(dict(doc_id=doc.doc_id, para=n, title=doc.title, text=text,
                           meta=doc.meta, **paragraph_values(doc, n)), text)

    def _add(self, values: dict, text: str) -> None:
        docnum, schema, postings, lengths = self.docnum, self.schema, self.postings, self.lengths
        perdoc = self.perdoc
        # The field lengths go to the length columns at finish() (one write
        # of the bytes gathered here, not a column write per field and
        # paragraph); their totals as add_field keeps them, in its order.
        totals = perdoc._fieldlengths
        perdoc.start_doc(docnum)
        if self.analysed is not None:
            for (name, _), length in zip(self.fast, self.analysed.add(docnum, text)):
                lengths[name].append(_LENGTH_BYTE[length] if length < 4096 else length_to_byte(length))
                if length:
                    totals[name] += length
        elif self.fast:
            terms = index_term_lists(text)
            for name, k in self.fast:
                occurrences = terms[k]
                postings[name].add_each(docnum, occurrences)
                length = len(occurrences)
                lengths[name].append(_LENGTH_BYTE[length] if length < 4096 else length_to_byte(length))
                if length:
                    totals[name] += length
        if self.tally is not None:
            self.tally.add(text)
        stored = {}  # what Whoosh stores for the paragraph, in its order
        for name, field in self.other:
            value = values.get(name, text) if name in ANALYZED_FIELDS else values.get(name)
            if value is None:
                continue
            key = (name, value) if isinstance(value, (str, int)) else None
            cached = self._items.get(key) if key else None
            if cached is None:
                cached = self._index(name, field, value)
                if key and len(self._items) < 100_000:
                    self._items[key] = cached
            items, length, column = cached
            if items:
                postings[name].add(docnum, items)
            if name in lengths:
                lengths[name].append(length_to_byte(length))
            if length:
                totals[name] += length
            if field.stored:
                perdoc.add_field(name, field, value, 0)
                stored[name] = value
            if column is not None:
                perdoc.add_column_value(name, field.column_type, column)
        for name in self.lengths:
            if len(lengths[name]) <= docnum:  # a field the paragraph had no value for
                lengths[name].append(0)
        perdoc.finish_doc()
        self.stored.add(stored)
        self.docnum += 1

    @staticmethod
    def _index(name, field, value) -> tuple[list, int, object]:
        """What a field other than index_terms' five makes of ``value``:
        ``({term bytes: freq}, length, column value or None)``."""
        items, length = {}, 0
        if field.indexed:
            encode = _value_encoder(field.format)
            for tbytes, freq, weight, vbytes in field.index(value):
                if weight != freq or vbytes != encode(freq):
                    raise ValueError(f"field {name!r}: postings with boosts are not supported")
                items[tbytes] = items.get(tbytes, 0) + freq
                length += freq
        if not field.scorable:
            length = 0
        column = field.to_column_value(value) if field.column_type else None
        return items, length, column

    def finish(self):
        """Write the postings and close the segment; None if nothing was added."""
        self._write_lengths()
        self.perdoc.close()
        writer = self.codec.field_writer(self.storage, self.segment)
        if not self.docnum:
            writer.close()
            return None
        tindex = writer._tindex
        tindex._write_hashes = lambda: _write_hashes(tindex)
        if self.analysed is not None:
            self.analysed.finish()
        hot = {}
        for name in sorted(self.postings):
            if self.postings[name].ids:
                self._write_field(writer, name)
                if name in ANALYZED_FIELDS or name in COMPLETE_FIELDS:
                    hot[name] = self.postings[name].hot
        # Every field written whole is complete (index/hot.py).
        complete = [name for name in (*ANALYZED_FIELDS, *COMPLETE_FIELDS)
                    if HOT_MIN_DF <= 1 or name in COMPLETE_FIELDS]
        writer.close()
        self.postings.clear()
        segment = self.segment
        segment.set_doc_count(self.docnum)
        if segment.should_assemble():
            _assemble(segment, self.storage)
        # After the compound file, which would swallow it; named after the
        # segment, so Whoosh deletes it with the segment.
        write_hot_postings(Path(self.storage.folder), segment.segment_id(), hot, complete)
        self.stored.write(Path(self.storage.folder), segment.segment_id())
        # As a worker's segment reaches the parent: through pickle, sharing no
        # object with another segment, so the TOC (which pickles them all,
        # shared objects once) has the same bytes in a one-process build.
        return loads(dumps(segment, 5))

    def _write_lengths(self) -> None:
        """The length columns ``perdoc.add_field`` would have written: a
        field's length byte per paragraph (0, the default, where it had
        none), for the fields that had a length anywhere. Whoosh wrote them
        a byte a call, 13 calls a paragraph."""
        perdoc = self.perdoc
        for name in sorted(self.lengths):
            if name in perdoc._fieldlengths:
                column = _lenfield(name)
                perdoc._create_column(column, LENGTHS_COLUMN)
                writer = perdoc._get_column(column)
                # Up to the last paragraph with a length, as the column's
                # writer leaves it (a reader takes the rest as the default).
                data = bytes(self.lengths[name]).rstrip(b"\0")
                writer._dbfile.write(data)
                writer._count = len(data)

    def _write_field(self, writer, name: str) -> None:
        """One field's terms, in order, into the segment's term and postings files.

        The bytes are those of whoosh3's ``W3PostingsWriter`` and
        ``W3TermInfo`` for the same postings, laid out for the whole field
        at once by ``blocks.encode_field`` instead of one Python call per
        posting: Whoosh's per-term machinery cost more than analysing the
        text, and pickling block by block still cost 0.6 ms a paragraph.
        tests/test_segment_builder.py compares the files byte for byte.
        """
        field = self.schema[name]
        # Terms in HOT_MIN_DF paragraphs or more are written flat too, and a
        # document field's every term (index/hot.py).
        min_df = 1 if name in COMPLETE_FIELDS else HOT_MIN_DF
        keys, counts, docs, freqs = self.postings[name].grouped(min_df)
        writer.start_field(name, field)
        tindex, postfile = writer._tindex, writer._postfile
        prefix = pack_ushort(writer._fieldid)
        lens = self.lengths.get(name)
        lengths = None if lens is None else _BYTE_ROUNDTRIP_NP[np.frombuffer(lens, dtype=np.uint8)]
        blocks, stats = encode_field(docs, freqs, counts, lengths, self.codec._blocklimit,
                                     self.codec._compression, _value_encoder(field.format) is pack_uint,
                                     COMPRESS_FROM)
        # str order is UTF-8 byte order: the sort needs no encoding
        btexts = [k.encode("utf-8") for k in keys] if isinstance(keys[0], str) else keys
        # OrderedHashWriter.add, inlined: the term file's record and hash slot.
        tfile, buckets = tindex.dbfile, tindex.buckets
        if tindex.hashtype != 0:
            raise ValueError("the term file's hash is not md5")
        record, terminfo = _HASH_LENGTHS.pack, _TERMINFO_EXTENT.pack
        if tindex.lastkey >= prefix + btexts[0]:
            raise ValueError("terms out of order")
        tpos = tfile.tell()
        start = postfile.tell()
        tbuf, positions = [], []
        for btext, block, (total, n, lmin, lmax, top, d0, d1) in zip(btexts, blocks, stats):
            size = len(block) + 4  # with the header magic
            value = terminfo(0, total, n, lmin, lmax, top, d0, d1, start, size)
            start += size
            tkey = prefix + btext
            positions.append(tpos)
            # filetables.md5_hash: the digest's low 32 bits
            h = int.from_bytes(md5(tkey, usedforsecurity=False).digest()[12:], "big")
            buckets[h & 255].append((h, tpos))
            tbuf.append(record(len(tkey), len(value)) + tkey + value)
            tpos += 8 + len(tkey) + len(value)
        try:  # all at once, unless a position needs a wider array
            tindex.index.array.fromlist(positions)
        except (OverflowError, AttributeError):
            tindex.index.extend(positions)
        for at in range(0, len(tbuf), 4096):
            tfile.write(b"".join(tbuf[at:at + 4096]))
        for at in range(0, len(blocks), 4096):  # a few MB at a time
            postfile.write(_HEADER_MAGIC.join([b"", *blocks[at:at + 4096]]))
        tindex.lastkey = prefix + btexts[-1]
        writer.finish_field()

    def cancel(self) -> None:
        if not self.perdoc.is_closed:
            self.perdoc.close()


class _Postings:
    """One field's postings in a segment being built, in arrival order."""

    def __init__(self):
        self.ids = defaultdict(count().__next__)  # term -> id, assigned in C
        self.terms, self.docs, self.freqs = array("I"), array("I"), array("I")

    def add(self, docnum: int, counts: dict) -> None:
        """``counts``: term -> frequency in the paragraph ``docnum``."""
        # fromlist, not extend: array.extend takes an iterator an item at a
        # time, 3.5x slower on a paragraph's ~300 terms (timeit, 2 Dec 2026).
        self.terms.fromlist(list(map(self.ids.__getitem__, counts)))
        self.freqs.fromlist(list(counts.values()))
        self.docs.extend(array("I", (docnum,)) * len(counts))

    def add_each(self, docnum: int, terms) -> None:
        """``terms``: the paragraph ``docnum``'s terms, each as often as it
        occurs; grouped() counts them. Counting a paragraph's terms in
        Counters (index_terms) and then adding each field's counts cost 13 %
        of a one-process build of corpus-10000 (py-spy, 2 Dec 2026)."""
        self.terms.fromlist(list(map(self.ids.__getitem__, terms)))
        self.freqs.frombytes(_ONES[:4 * len(terms)] if len(terms) <= _ONES_MAX else
                             array("I", (1,)).tobytes() * len(terms))
        self.docs.extend(array("I", (docnum,)) * len(terms))

    def grouped(self, min_df: int = HOT_MIN_DF):
        """``(terms, counts, docnums, freqs)``: the terms in order, how many
        postings each has, and their postings one term after another
        (docnums ascending within a term)."""
        terms = np.frombuffer(self.terms, dtype=np.uint32)
        order = _stable_order(terms, len(self.ids))  # docnums stay ascending per term
        terms = terms[order]
        docs = np.frombuffer(self.docs, dtype=np.uint32)[order]
        freqs = np.frombuffer(self.freqs, dtype=np.uint32)[order]
        # A term added once per occurrence (add_each): one posting a paragraph,
        # its frequency the sum.
        first = np.ones(len(terms), dtype=bool)
        first[1:] = (terms[1:] != terms[:-1]) | (docs[1:] != docs[:-1])
        if not first.all():
            at = np.flatnonzero(first)
            terms, docs, freqs = terms[at], docs[at], np.add.reduceat(freqs, at)
        counts = np.bincount(terms, minlength=len(self.ids))
        keys = sorted(self.ids.items())
        self.ids, self.terms, self.docs, self.freqs = {}, array("I"), array("I"), array("I")
        # From term id order to term order.
        ids = np.fromiter((tid for _, tid in keys), dtype=np.int64, count=len(keys))
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        sorted_counts = counts[ids]
        at = np.repeat(starts[ids] - np.concatenate([[0], np.cumsum(sorted_counts)[:-1]]), sorted_counts)
        at += np.arange(len(docs))
        grouped = [term for term, _ in keys], sorted_counts, docs[at], freqs[at]
        # The terms in ``min_df`` paragraphs or more, for the flat postings
        # (index/hot.py): all of them by default, the same arrays.
        frequent = sorted_counts >= min_df
        if frequent.all():
            self.hot = grouped
        else:
            mask = np.repeat(frequent, sorted_counts)
            self.hot = ([t for t, f in zip(grouped[0], frequent.tolist()) if f], sorted_counts[frequent],
                        grouped[2][mask], grouped[3][mask])
        return grouped


def _stable_order(keys: np.ndarray, bound: int) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` for keys under ``bound``, sorted
    as 16-bit halves: numpy's stable sort is a radix sort for 16-bit types
    and a merge sort for 32-bit ones (550,000 term ids: 9 ms against 47)."""
    if bound <= 1 << 16:
        return np.argsort(keys.astype(np.uint16), kind="stable")
    low = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    return low[np.argsort((keys[low] >> 16).astype(np.uint16), kind="stable")]


_POINTER = np.dtype([("hash", ">u4"), ("position", ">i8")])  # filetables._pointer, "!Iq"


def _write_hashes(tindex) -> None:
    """``HashWriter._write_hashes``: the same 256 open-addressing tables,
    each written at once rather than a 12-byte write a slot (a third of
    finish() once the postings were vectorised)."""
    dbfile = tindex.dbfile
    for entries in tindex.buckets:
        numslots = 2 * len(entries)
        tindex.directory.append((dbfile.tell(), numslots))
        table = np.zeros(numslots, _POINTER)
        hashes, positions = [0] * numslots, [0] * numslots
        for h, position in entries:
            slot = (h >> 8) % numslots
            while positions[slot]:  # no key is at position 0 (the header is)
                slot = (slot + 1) % numslots
            hashes[slot], positions[slot] = h, position
        table["hash"], table["position"] = hashes, positions
        dbfile.write(table.tobytes())


def _assemble(segment, storage) -> None:
    """``segment.create_compound_file``, made reproducible: the parts in name
    order (not the folder listing's) and no modification times (never read
    back for a segment's parts), so the same postings give the same bytes."""
    names = sorted(segment.list_files(storage))
    cfile = segment.create_file(storage, segment.COMPOUND_EXT)
    base = cfile.tell()
    cfile.write_long(0)  # the directory's place and length, filled in below
    cfile.write_int(0)
    directory = {}
    for name in names:
        f = storage.open_file(name)
        directory[name] = {"offset": cfile.tell(), "length": storage.file_length(name), "modified": 0.0}
        copyfileobj(f, cfile)
        f.close()
    CompoundStorage.write_dir(cfile, base, directory)
    for name in names:
        storage.delete_file(name)
    segment.compound = True


_ONES_MAX = 4096
_ONES = array("I", (1,) * _ONES_MAX).tobytes()
_BYTE_TO_LENGTH = [byte_to_length(b) for b in range(256)]
_BYTE_ROUNDTRIP = [length_to_byte(n) for n in _BYTE_TO_LENGTH]
_LENGTH_BYTE = [length_to_byte(n) for n in range(4096)]
_BYTE_ROUNDTRIP_NP = np.array(_BYTE_ROUNDTRIP, dtype=np.int64)
_HASH_LENGTHS = _lengths
_HEADER_MAGIC = WHOOSH3_HEADER_MAGIC
# W3TermInfo's struct and then the postings' offset and length.
_TERMINFO_EXTENT = Struct(W3TermInfo._struct.format + "qi")


def _value_encoder(fmt):
    """freq -> the value bytes ``fmt`` stores for a posting without boosts."""
    if isinstance(fmt, formats.Frequency) and type(fmt) is formats.Frequency:
        return pack_uint
    if type(fmt) is formats.Existence:
        return lambda freq: b""
    raise ValueError(f"format {type(fmt).__name__} is not supported by SegmentBuilder")
