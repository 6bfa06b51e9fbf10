"""whoosh3 postings blocks, encoded for a whole field at once with numpy.

whoosh3's ``W3PostingsWriter`` writes a term's postings in blocks of up to
``blocklimit``: ``pack_int(±size)``, a pickled info tuple ``(count, last
docnum, max weight, compression, min length byte, max length byte)`` and a
pickled data tuple ``(docnum deltas, weights, values)``, zlib-compressed
when it pickles to ``COMPRESSION_MIN_SIZE`` bytes or more. Pickling those
tuples one block at a time, with Python building each tuple, was most of
``SegmentBuilder.finish`` (about 0.6 ms a paragraph, as much as pyvi's
CRF). Here the pickle opcodes are laid out by numpy for every posting of the
field (an int is ``K``/``M``/``J`` and 1, 2 or 4 little-endian bytes; a float
``G`` and 8 big-endian bytes; a protocol-2 ``bytes`` value a ``_codecs.encode``
call on its latin-1 text), and a block is a few slices joined. The bytes are
``pickle.dumps(..., 2)``'s: tests/test_blocks.py compares them with the
pickling code this replaced, over edge cases, and tests/test_segment_builder.py
compares whole segments with Whoosh's own writer.
"""

from __future__ import annotations

from struct import Struct
from zlib import compress

import numpy as np

_PROTO = b"\x80\x02"
_TUPLE = {1: b"\x85", 2: b"\x86", 3: b"\x87"}  # TUPLE1..3; longer: MARK ... TUPLE
_CODECS = b"c_codecs\nencode\n"
_INT = Struct("!i").pack
# Pickle's memo opcodes (BINPUT n) and the pieces encode_field's loop joins.
_PUT = [b"q" + bytes((m,)) for m in range(8)]
_PROTO_MARK = _PROTO + b"("
_TUPLE_MEMO0 = {n: _TUPLE[n] + _PUT[0] for n in _TUPLE}
_TUPLE_MEMO1 = {n: _TUPLE[n] + _PUT[1] for n in _TUPLE}
_LIST_MEMO0, _LIST_MEMO1 = b"t" + _PUT[0], b"t" + _PUT[1]
# The values' bytes (``_codecs.encode(text, "latin1")``) after ``memo``
# memoized objects, and the end of the data tuple after them.
_VALUES_HEAD = {m: _CODECS + _PUT[m] + b"X" for m in (1, 2)}
_VALUES_TAIL = {m: b"".join([_PUT[m + 1], b"X\x06\x00\x00\x00latin1", _PUT[m + 2], b"\x86", _PUT[m + 3],
                             b"R", _PUT[m + 4], b"\x87", _PUT[m + 5], b"."]) for m in (1, 2)}
_NO_VALUES = {m: b"N\x87" + _PUT[m] + b"." for m in (1, 2)}
_COMP = [b"K" + bytes((c,)) for c in range(10)]
_INFO_END = b"tq\x00."
_LENGTH = Struct("<I").pack  # BINUNICODE's
_DOUBLE = Struct(">d").pack


def _ints(values: np.ndarray) -> tuple[bytes, list[int]]:
    """Pickle's opcodes for each of ``values`` (0 <= v < 2**31), one after
    another, and where each starts (one offset more than values)."""
    v = values.astype(np.int64)
    size = np.where(v < 256, 2, np.where(v < 65536, 3, 5))
    ends = np.cumsum(size)
    starts = ends - size
    out = np.zeros(int(ends[-1]) if len(v) else 0, np.uint8)
    out[starts] = np.where(v < 256, ord("K"), np.where(v < 65536, ord("M"), ord("J")))
    little = v.astype("<u4").view(np.uint8).reshape(-1, 4)
    for k in range(4):
        m = size > k + 1
        out[starts[m] + 1 + k] = little[m, k]
    return out.tobytes(), np.concatenate([[0], ends]).tolist()


def _floats(values: np.ndarray) -> bytes:
    """``G`` and the big-endian double of each of ``values``."""
    out = np.empty((len(values), 9), np.uint8)
    out[:, 0] = ord("G")
    out[:, 1:] = values.astype(">f8").view(np.uint8).reshape(-1, 8)
    return out.tobytes()


def _latin1_utf8(freqs: np.ndarray) -> tuple[bytes, list[int]]:
    """Each frequency's 4 big-endian bytes read as latin-1 and written as
    UTF-8 (as pickle protocol 2 stores bytes), and where each starts."""
    raw = freqs.astype(">u4").view(np.uint8)
    high = raw >= 0x80
    size = 1 + high
    ends = np.cumsum(size)
    out = np.empty(int(ends[-1]) if len(raw) else 0, np.uint8)
    at = ends - size
    out[at] = np.where(high, 0xC0 | (raw >> 6), raw)
    out[at[high] + 1] = 0x80 | (raw[high] & 0x3F)
    per = np.concatenate([[0], ends[3::4]])
    return out.tobytes(), per.tolist()


def encode_field(docs: np.ndarray, freqs: np.ndarray, counts: np.ndarray, lengths: np.ndarray | None,
                 blocklimit: int, level: int, frequency: bool, min_compress: int):
    """Every term's postings bytes (magic excluded) and term statistics.

    ``docs``/``freqs``: the field's postings, term after term (terms in
    order, docnums ascending within a term), ``counts[k]`` of them for term
    k; ``lengths``: length byte by docnum, already rounded through
    ``byte_to_length`` (or None: no lengths kept); ``frequency``: the format
    stores each posting's frequency as value bytes. Returns ``(blocks,
    stats)``: ``blocks[k]`` the bytes of term k's blocks, ``stats[k]`` its
    ``(sum of freqs, postings, min length byte, max length byte, max freq,
    first docnum, last docnum)``.
    """
    n = len(docs)
    counts = counts.astype(np.int64)
    tstarts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    within = np.arange(n) - np.repeat(tstarts, counts)
    first = within % blocklimit == 0
    bstarts = np.flatnonzero(first)
    bends = np.append(bstarts[1:], n)
    # The block's last docnum; deltas restart at each block's first posting.
    deltas = docs.astype(np.int64)
    deltas[1:] -= docs[:-1].astype(np.int64)
    deltas[first] = docs[first]
    top = np.maximum.reduceat(freqs, bstarts)
    low = np.minimum.reduceat(freqs, bstarts)
    if lengths is not None:
        lb = lengths[docs]
        bmin, bmax = np.minimum.reduceat(lb, bstarts), np.maximum.reduceat(lb, bstarts)
        tmin, tmax = np.minimum.reduceat(lb, tstarts), np.maximum.reduceat(lb, tstarts)
    else:
        bmin = bmax = np.zeros(len(bstarts), np.int64)
        tmin = tmax = np.zeros(len(counts), np.int64)
    dbytes, doff = _ints(deltas)
    fbytes = _floats(freqs)
    tops = _floats(top)
    vbytes, voff = _latin1_utf8(freqs) if frequency else (b"", None)
    # The info tuple but for its compression: count, last docnum, max weight;
    # then the length bytes.
    heads, hoff = _ints(np.stack([bends - bstarts, docs[bends - 1]], axis=1).ravel())
    lbs, loff = _ints(np.stack([bmin, bmax], axis=1).ravel())
    # A block is its term's last when the next block starts a term.
    last_of_term = np.ones(len(bstarts), bool)
    last_of_term[:-1] = within[bends[:-1]] == 0
    last_of_term = last_of_term.tolist()

    # The loop below runs once a block (most terms have one): its constant
    # opcodes joined beforehand, each piece a slice (a block cost ~1.9 us of
    # Python, 0.09 ms a paragraph of a one-process build, before; ~1.2 after).
    out, term = [], []
    weighted = (top != 1).tolist()
    uniform = (low == top).tolist()
    counts_ = (bends - bstarts).tolist()
    heads_at, lbs_at = hoff, loff
    if frequency:
        tail = [_VALUES_HEAD[1], _VALUES_HEAD[2]], [_VALUES_TAIL[1], _VALUES_TAIL[2]]
    else:
        tail = None, [_NO_VALUES[1], _NO_VALUES[2]]
    heads_, tails = tail
    join = b"".join
    for j, (a, b) in enumerate(zip(bstarts.tolist(), bends.tolist())):
        count = counts_[j]
        if count <= 3:
            data = [_PROTO, dbytes[doff[a]:doff[b]], _TUPLE_MEMO0[count]]
        else:
            data = [_PROTO_MARK, dbytes[doff[a]:doff[b]], _LIST_MEMO0]
        if not weighted[j]:
            data.append(b"N")
            memo = 1
        elif uniform[j]:
            data.append(tops[9 * j:9 * j + 9])
            memo = 1
        else:
            if count <= 3:
                data += [fbytes[9 * a:9 * b], _TUPLE_MEMO1[count]]
            else:
                data += [b"(", fbytes[9 * a:9 * b], _LIST_MEMO1]
            memo = 2
        if frequency:
            text = vbytes[voff[a]:voff[b]]
            data += [heads_[memo - 1], _LENGTH(len(text)), text, tails[memo - 1]]
        else:
            data.append(tails[memo - 1])
        block = join(data)
        comp = level if len(block) >= min_compress else 0
        if comp:
            block = compress(block, comp)
        info = join([_PROTO_MARK, heads[heads_at[2 * j]:heads_at[2 * j + 2]], tops[9 * j:9 * j + 9],
                     _COMP[comp], lbs[lbs_at[2 * j]:lbs_at[2 * j + 2]], _INFO_END])
        size = len(info) + len(block)
        if last_of_term[j]:
            if term:
                term += [_INT(-size), info, block]
                out.append(join(term))
                term = []
            else:
                out.append(join([_INT(-size), info, block]))
        else:
            term += [_INT(size), info, block]
    ends = tstarts + counts
    stats = zip(np.add.reduceat(freqs, tstarts).tolist(), counts.tolist(), tmin.tolist(), tmax.tolist(),
                np.maximum.reduceat(freqs, tstarts).tolist(), docs[tstarts].tolist(), docs[ends - 1].tolist())
    return out, list(stats)
