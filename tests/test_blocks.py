"""blocks.encode_field lays out the bytes pickle.dumps made block by block."""

import random
from pickle import dumps
from struct import pack
from zlib import compress

import numpy as np
import pytest

from search.index.blocks import encode_field


def reference(docs, freqs, counts, lengths, blocklimit, level, frequency, min_compress):
    """The block loop SegmentBuilder._write_field ran before blocks.py: each
    block's tuples built in Python and pickled."""
    out, stats, at = [], [], 0
    for c in counts:
        ds, fs = docs[at:at + c], freqs[at:at + c]
        at += c
        buf = b""
        for b in range(0, c, blocklimit):
            ids, ws = ds[b:b + blocklimit], fs[b:b + blocklimit]
            deltas = [ids[0]] + [y - x for x, y in zip(ids, ids[1:])]
            top = max(ws)
            weights = None if top == 1 else (float(top) if min(ws) == top else tuple(map(float, ws)))
            values = pack(f"!{len(ids)}I", *ws) if frequency else None
            block = dumps((tuple(deltas), weights, values), 2)
            comp = level if len(block) >= min_compress else 0
            if comp:
                block = compress(block, comp)
            ls = [lengths[d] for d in ids] if lengths is not None else [0]
            info = dumps((len(ids), ids[-1], float(top), comp, min(ls), max(ls)), 2)
            size = len(info) + len(block)
            buf += pack("!i", -size if b + blocklimit >= c else size) + info + block
        out.append(buf)
        ls = [lengths[d] for d in ds] if lengths is not None else [0]
        stats.append((sum(fs), c, min(ls), max(ls), max(fs), ds[0], ds[-1]))
    return out, stats


@pytest.mark.parametrize("seed", range(6))
def test_blocks_are_what_pickle_made(seed):
    rng = random.Random(seed)
    frequency = seed % 3 != 2
    top_doc = [300, 70_000, 3_000_000][seed % 3]  # K, M and J docnums
    lengths = None if seed == 5 else [rng.randrange(256) for _ in range(top_doc + 1)]
    docs, freqs, counts = [], [], []
    for term in range(300):
        c = rng.choice([1, 1, 1, 2, 3, 4, 5, 9, 20, 127, 128, 129, 257, 300])
        ds = sorted(rng.sample(range(top_doc + 1), c))
        kind = rng.randrange(4)  # all 1 (no weights), all equal, mixed small, mixed big
        fs = ([1] * c if kind == 0 else [rng.randrange(2, 200)] * c if kind == 1 else
              [rng.randrange(1, 5) for _ in range(c)] if kind == 2 else
              [rng.choice([1, 127, 128, 255, 256, 40_000, 70_000]) for _ in range(c)])
        if not frequency:
            fs = [1] * c
        docs += ds
        freqs += fs
        counts.append(c)
    expected = reference(docs, freqs, counts, lengths, 128, 3, frequency, 80)
    got = encode_field(np.array(docs, np.uint32), np.array(freqs, np.uint32), np.array(counts),
                       None if lengths is None else np.array(lengths, np.int64), 128, 3, frequency, 80)
    assert got[1] == expected[1]
    for k, (a, b) in enumerate(zip(got[0], expected[0])):
        assert a == b, k
    assert len(got[0]) == len(expected[0])
