"""Which segments a build writes: a function of the content, not of the workers.

The files to index, in path order, are cut into at most ``CHUNKS`` runs of
about equal estimated paragraphs (``estimated_paragraphs`` of the raw bytes;
a document already parsed counts its paragraphs), none smaller than
``CHUNK_MIN``; each run becomes one segment, named from a hash of its files.
A one-process build writes the same runs one after another that worker
processes write side by side, so the two leave the same segment files, byte
for byte (tests/test_incremental.py), whatever the number of workers.

Why 2 (measured 2 Dec 2026 on corpus-10000 with bench/segment_count.py,
notes s6-build): a segment writes its vocabulary once, and most terms are in
every big run, so runs cost build CPU and disk (1, 2, 4 runs: 1.26 ms a
paragraph in one process, 1.72 and 1.82 with two workers; 39.3, 47.4, 63.5
MiB), and the ranker reads every segment of a query (CPU a query 1.00x,
1.06-1.18x, 1.09-1.32x; 8 runs 1.34x). A run is one worker's job, so with
fewer runs than workers a core idles: two runs are what two workers wrote
before (no change at search), and by estimated paragraphs they split
corpus-10000 into 5,017 and 4,975 paragraphs.
Both stay under the merge policy's ``MERGE_FACTOR`` (10 segments of a size),
so a full build is never merged again by the next small update.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..ingest.corpus import estimated_paragraphs

# At most this many segments per build (see the docstring).
CHUNKS = 2
# No segment of a build smaller than this many estimated paragraphs (the
# last one excepted): a small update is one segment.
CHUNK_MIN = 1000


def ordered_items(documents: list, pending: list) -> list[tuple[str, object]]:
    """``("doc", Document)`` and ``("file", (path, raw, sha256, rel))`` items,
    in path order: the order a one-process build reads them in."""
    return sorted([("doc", d) for d in documents] + [("file", f) for f in pending],
                  key=lambda item: item[1].path if item[0] == "doc" else item[1][0])


def weight(kind: str, item) -> int:
    """An item's paragraphs, estimated from its bytes when not parsed yet."""
    if kind == "doc":
        return max(1, len(item.paragraphs))
    return estimated_paragraphs(item[1], item[0].suffix)


def chunked(items: list[tuple[str, object]]) -> list[list[int]]:
    """Indices of ``items``, cut into consecutive runs (see the module)."""
    weights = [weight(kind, item) for kind, item in items]
    target = max(CHUNK_MIN, -(-sum(weights) // CHUNKS))
    runs, run, size = [], [], 0
    for i, w in enumerate(weights):
        run.append(i)
        size += w
        if size >= target:
            runs.append(run)
            run, size = [], 0
    if run:
        runs.append(run)
    return runs


def segment_ids(items: list[tuple[str, object]], runs: list[list[int]], folder) -> list[str]:
    """A 16-character segment id per run, from the run's files (name and
    sha256) and place: the same files give the same names in any build.
    An id whose files already exist in ``folder`` (an update's generation
    holds links to the last one's segments, which must not be written over)
    or that an earlier run took is hashed again."""
    taken = {name.split(".", 1)[0].rsplit("_", 1)[-1] for name in _names(folder)}
    ids = []
    for n, run in enumerate(runs):
        h = hashlib.sha256(f"{n}/{len(runs)}".encode())
        for i in run:
            kind, item = items[i]
            name, sha = (item.file or item.path.name, item.sha256) if kind == "doc" else (
                str(item[3] or item[0].name), item[2])
            # A name may hold bytes that are not UTF-8 (as surrogates).
            h.update(f"\0{name}\0{sha}".encode("utf-8", "surrogateescape"))
        segid = h.hexdigest()[:16]
        while segid in taken:
            segid = hashlib.sha256(segid.encode()).hexdigest()[:16]
        taken.add(segid)
        ids.append(segid)
    return ids


def _names(folder) -> list[str]:
    try:
        return [p.name for p in Path(folder).iterdir()]
    except OSError:
        return []
