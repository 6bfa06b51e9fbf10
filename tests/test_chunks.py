"""chunks.py: runs and segment names depend on the files, not on the workers."""

import hashlib
from pathlib import Path, PurePosixPath

import search.index.chunks as chunks
from search.index.chunks import chunked, ordered_items, segment_ids


def files(tmp_path: Path, lines: list[int]) -> list:
    """Pending items ``(path, raw, sha256, rel)`` of .txt files of so many lines."""
    out = []
    for k, n in enumerate(lines):
        raw = "".join(f"Đoạn {i} của tệp {k}.\n" for i in range(n)).encode()
        out.append((tmp_path / f"{k:03}.txt", raw, hashlib.sha256(raw).hexdigest(), PurePosixPath(f"{k:03}.txt")))
    return out


def test_runs_are_cut_by_estimated_paragraphs(tmp_path, monkeypatch):
    items = ordered_items([], list(reversed(files(tmp_path, [600, 500, 700, 400, 800]))))
    assert [item[1][0].name for item in items] == ["000.txt", "001.txt", "002.txt", "003.txt", "004.txt"]
    # 3,000 paragraphs, two runs of at least 1,500: files in order, none split.
    assert chunked(items) == [[0, 1, 2], [3, 4]]
    monkeypatch.setattr(chunks, "CHUNK_MIN", 5000)  # a small batch is one segment
    assert chunked(items) == [[0, 1, 2, 3, 4]]


def test_segment_ids_depend_on_the_files_and_skip_taken_names(tmp_path):
    items = ordered_items([], files(tmp_path, [600, 500, 700]))
    runs = [[0, 1], [2]]
    folder = tmp_path / "gen"
    folder.mkdir()
    ids = segment_ids(items, runs, folder)
    assert ids == segment_ids(items, runs, folder)  # the same files, the same names
    assert len(set(ids)) == 2 and all(len(i) == 16 for i in ids)
    other = ordered_items([], files(tmp_path, [600, 500, 701]))
    assert segment_ids(other, runs, folder)[1] != ids[1]  # another file, another name
    # A name the generation already holds (a linked segment of the last one)
    # is never written over.
    (folder / f"MAIN_{ids[0]}.seg").write_bytes(b"")
    again = segment_ids(items, runs, folder)
    assert again[0] != ids[0] and again[1] == ids[1]
