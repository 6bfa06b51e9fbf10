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

    out, term = [], []
    weighted = (top != 1).tolist()
    uniform = (low == top).tolist()
    for j, (a, b) in enumerate(zip(bstarts.tolist(), bends.tolist())):
        count = b - a
        ints = dbytes[doff[a]:doff[b]]
        data = [_PROTO, ints + _TUPLE[count] if count <= 3 else b"(" + ints + b"t", b"q\x00"]
        memo = 1
        if not weighted[j]:
            data.append(b"N")
        elif uniform[j]:
            data.append(tops[9 * j:9 * j + 9])
        else:
            ws = fbytes[9 * a:9 * b]
            data += [ws + _TUPLE[count] if count <= 3 else b"(" + ws + b"t", b"q\x01"]
            memo = 2
        if frequency:
            text = vbytes[voff[a]:voff[b]]
            m = memo
            data += [_CODECS, b"q", bytes((m,)), b"X", _LENGTH(len(text)), text, b"q", bytes((m + 1,)),
                     b"X\x06\x00\x00\x00latin1q", bytes((m + 2,)), b"\x86q", bytes((m + 3,)),
                     b"Rq", bytes((m + 4,))]
            memo += 5
        else:
            data.append(b"N")
        data += [b"\x87q", bytes((memo,)), b"."]
        block = b"".join(data)
        comp = level if len(block) >= min_compress else 0
        if comp:
            block = compress(block, comp)
        info = b"".join([_PROTO, b"(", heads[hoff[2 * j]:hoff[2 * j + 2]], tops[9 * j:9 * j + 9],
                         b"K", bytes((comp,)), lbs[loff[2 * j]:loff[2 * j + 2]], b"tq\x00."])
        size = len(info) + len(block)
        term.append(_INT(-size if last_of_term[j] else size) + info + block)
        if last_of_term[j]:
            out.append(b"".join(term))
            term = []
    ends = tstarts + counts
    stats = zip(np.add.reduceat(freqs, tstarts).tolist(), counts.tolist(), tmin.tolist(), tmax.tolist(),
                np.maximum.reduceat(freqs, tstarts).tolist(), docs[tstarts].tolist(), docs[ends - 1].tolist())
    return out, list(stats)
