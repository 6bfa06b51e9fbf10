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
from pickle import dumps
from struct import pack
from typing import TYPE_CHECKING
from zlib import compress

import numpy as np
from whoosh import formats
from whoosh import index as whoosh_index
from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import COMPRESSION_MIN_SIZE, WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.filedb.filetables import _lengths
from whoosh.system import pack_int, pack_long, pack_uint, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from ..analysis.analyzers import FIELD_ANALYZERS
from ..analysis.terms import index_terms
from .hot import COMPLETE_FIELDS, HOT_MIN_DF, write_hot_postings
from .schema import ANALYZED_FIELDS, paragraph_values

if TYPE_CHECKING:
    from ..ingest.corpus import Document

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

    def __init__(self, ix):
        self.storage, self.schema = ix.storage, ix.schema
        self.codec = default_codec()
        self.segment = self.codec.new_segment(self.storage, ix.indexname)
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
        # length bytes per docnum, for the fields whose lengths are kept
        self.lengths = {name: bytearray() for name in names if schema[name].scorable}
        self._items: dict = {}  # (field, value) -> field.index(value), for repeated values

    def add(self, doc: Document) -> None:
        for n, text in enumerate(doc.paragraphs, start=1):
            self._add(dict(doc_id=doc.doc_id, para=n, title=doc.title, text=text,
                           meta=doc.meta, **paragraph_values(doc, n)), text)

    def _add(self, values: dict, text: str) -> None:
        docnum, schema, postings, lengths = self.docnum, self.schema, self.postings, self.lengths
        perdoc = self.perdoc
        perdoc.start_doc(docnum)
        if self.fast:
            terms = index_terms(text)
            for name, k in self.fast:
                counts = terms[k]
                postings[name].add(docnum, counts)
                length = sum(counts.values())
                lengths[name].append(length_to_byte(length))
                perdoc.add_field(name, schema[name], None, length)
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
            perdoc.add_field(name, field, value if field.stored else None, length)
            if column is not None:
                perdoc.add_column_value(name, field.column_type, column)
        for name in self.lengths:
            if len(lengths[name]) <= docnum:  # a field the paragraph had no value for
                lengths[name].append(0)
        perdoc.finish_doc()
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
        self.perdoc.close()
        writer = self.codec.field_writer(self.storage, self.segment)
        if not self.docnum:
            writer.close()
            return None
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
            segment.create_compound_file(self.storage)
            segment.compound = True
        # After the compound file, which would swallow it; named after the
        # segment, so Whoosh deletes it with the segment.
        write_hot_postings(Path(self.storage.folder), segment.segment_id(), hot, complete)
        return segment

    def _write_field(self, writer, name: str) -> None:
        """One field's terms, in order, into the segment's term and postings files.

        The bytes are those of whoosh3's ``W3PostingsWriter`` and
        ``W3TermInfo`` for the same postings (blocks of up to ``blocklimit``
        postings, each a pickled info tuple and a pickled, maybe compressed,
        data tuple), laid out here in one pass per term instead of one
        Python call per posting: most terms have one or two postings, and
        Whoosh's per-term machinery cost more than analysing the text.
        tests/test_segment_builder.py compares the files byte for byte.
        """
        field = self.schema[name]
        # Terms in HOT_MIN_DF paragraphs or more are written flat too, and a
        # document field's every term (index/hot.py).
        min_df = 1 if name in COMPLETE_FIELDS else HOT_MIN_DF
        keys, starts, docs_of, freqs_of = self.postings[name].grouped(min_df)
        writer.start_field(name, field)
        tindex, postfile = writer._tindex, writer._postfile
        prefix = pack_ushort(writer._fieldid)
        blocklimit, level = self.codec._blocklimit, self.codec._compression
        frequency = _value_encoder(field.format) is pack_uint
        lens = self.lengths.get(name)
        to_length, roundtrip = _BYTE_TO_LENGTH, _BYTE_ROUNDTRIP
        base = postfile.tell()
        buf = bytearray()
        # str order is UTF-8 byte order: the sort needs no encoding
        btexts = [k.encode("utf-8") for k, _ in keys] if isinstance(keys[0][0], str) else [k for k, _ in keys]
        # OrderedHashWriter.add, inlined: the term file's record and hash slot.
        tfile, index, buckets, hashfn = tindex.dbfile, tindex.index, tindex.buckets, tindex.hashfn
        record = _HASH_LENGTHS.pack
        if tindex.lastkey >= prefix + btexts[0]:
            raise ValueError("terms out of order")
        tpos = tfile.tell()
        tbuf = bytearray()
        # A term with one posting is written as a function of (docnum,
        # frequency) alone in a field (the length byte is the docnum's): the
        # rare words of one paragraph share it, made once (2,020 paragraphs:
        # 127,000 -> 104,000 pickles; a few % of finish(), whose bulk is the
        # longer lists and their zlib).
        singles: dict[tuple[int, int], tuple[bytes, bytes]] = {}
        for (key, tid), btext in zip(keys, btexts):
            first, last = starts[tid], starts[tid + 1]
            start = base + len(buf)
            if last - first == 1:  # one posting: most terms
                d, f = docs_of[first], freqs_of[first]
                made = singles.get((d, f))
                if made is None:
                    lb = roundtrip[lens[d]] if lens is not None else 0
                    block = dumps(((d,), None if f == 1 else float(f),
                                   pack_uint(f) if frequency else None), 2)
                    comp = level if len(block) >= COMPRESSION_MIN_SIZE else 0
                    if comp:
                        block = compress(block, comp)
                    info = dumps((1, d, float(f), comp, lb, lb), 2)
                    made = singles[d, f] = (_HEADER_MAGIC + pack_int(-len(info) - len(block)) + info + block,
                                            _TERMINFO.pack(0, f, 1, lb, lb, f, d, d))
                buf += made[0]
                value = made[1]
            else:
                docs, freqs = docs_of[first:last], freqs_of[first:last]
                n = len(docs)
                minlength, maxlength = None, 0
                for at in range(0, n, blocklimit):
                    ids, fs = docs[at:at + blocklimit], freqs[at:at + blocklimit]
                    if at == 0:
                        buf += _HEADER_MAGIC
                    count = len(ids)
                    deltas = [ids[0]]
                    deltas += [b - a for a, b in zip(ids, ids[1:])]
                    top = max(fs)
                    weights = None if top == 1 else (float(top) if min(fs) == top else
                                                     tuple(map(float, fs)))
                    values = pack(f"!{count}I", *fs) if frequency else None
                    block = dumps((tuple(deltas), weights, values), 2)
                    comp = level if len(block) >= COMPRESSION_MIN_SIZE else 0
                    if comp:
                        block = compress(block, comp)
                    if lens is not None:
                        ls = [lens[d] for d in ids]
                        bmin, bmax = to_length[min(ls)], to_length[max(ls)]
                        minlength = bmin if minlength is None else min(minlength, bmin)
                        maxlength = max(maxlength, bmax)
                    else:
                        bmin, bmax = None, 0
                    info = dumps((count, ids[-1], float(top), comp, length_to_byte(bmin),
                                  length_to_byte(bmax)), 2)
                    size = len(info) + len(block)
                    buf += pack_int(-size if at + blocklimit >= n else size)
                    buf += info
                    buf += block
                value = _TERMINFO.pack(
                    0, sum(freqs), n, 0 if minlength is None else length_to_byte(minlength),
                    length_to_byte(maxlength), max(freqs), docs[0], docs[-1])
            value += pack_long(start) + pack_int(base + len(buf) - start)
            tkey = prefix + btext
            index.append(tpos)
            h = hashfn(tkey)
            buckets[h & 255].append((h, tpos))
            tbuf += record(len(tkey), len(value))
            tbuf += tkey
            tbuf += value
            tpos += 8 + len(tkey) + len(value)
            if len(buf) > 1 << 20:
                postfile.write(bytes(buf))
                base += len(buf)
                buf.clear()
            if len(tbuf) > 1 << 20:
                tfile.write(bytes(tbuf))
                tbuf.clear()
        postfile.write(bytes(buf))
        tfile.write(bytes(tbuf))
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

    def grouped(self, min_df: int = HOT_MIN_DF):
        """``(sorted [(term, id)], starts, docnums, freqs)``: term ``id``'s
        postings are ``docnums[starts[id]:starts[id + 1]]`` (ascending) and
        the same slice of ``freqs``."""
        terms = np.frombuffer(self.terms, dtype=np.uint32)
        order = np.argsort(terms, kind="stable")  # docnums stay ascending per term
        counts = np.bincount(terms, minlength=len(self.ids))
        starts = np.zeros(len(self.ids) + 1, dtype=np.int64)
        np.cumsum(counts, out=starts[1:])
        docs = np.frombuffer(self.docs, dtype=np.uint32)[order]
        freqs = np.frombuffer(self.freqs, dtype=np.uint32)[order]
        keys = sorted(self.ids.items())
        # Terms in ``min_df`` paragraphs or more, for the hot postings file.
        frequent = counts >= min_df
        mask = np.repeat(frequent, counts)
        # Their postings lie one term after another in the order of term ids.
        by_id = sorted((tid, term) for term, tid in keys if frequent[tid])
        self.hot = ([term for _, term in by_id], counts[frequent], docs[mask], freqs[mask])
        self.ids, self.terms, self.docs, self.freqs = {}, array("I"), array("I"), array("I")
        return keys, starts.tolist(), docs.tolist(), freqs.tolist()


_BYTE_TO_LENGTH = [byte_to_length(b) for b in range(256)]
_BYTE_ROUNDTRIP = [length_to_byte(n) for n in _BYTE_TO_LENGTH]
_HASH_LENGTHS = _lengths
_HEADER_MAGIC = WHOOSH3_HEADER_MAGIC
_TERMINFO = W3TermInfo._struct


def _value_encoder(fmt):
    """freq -> the value bytes ``fmt`` stores for a posting without boosts."""
    if isinstance(fmt, formats.Frequency) and type(fmt) is formats.Frequency:
        return pack_uint
    if type(fmt) is formats.Existence:
        return lambda freq: b""
    raise ValueError(f"format {type(fmt).__name__} is not supported by SegmentBuilder")
