"""Flat stored fields (index/flatstored.py): every paragraph's the same as
Whoosh's, after a build and after an update; a segment without them is
read through Whoosh."""

from search import Engine, build_index
from search.index.store import current_generation
from search.query.whoosh_read import open_searcher


def _all_alike(index_dir, every=True):
    engine = Engine(index_dir)
    engine.search("tỉnh ủy")
    generation = engine._local.generation
    searcher = open_searcher(current_generation(index_dir))
    try:
        n = searcher.doc_count_all()
        assert n > 0
        flat = sum(1 for f in generation._stored if f is not None)
        assert flat == len(generation._stored) if every else flat > 0
        for docnum in range(n):
            assert generation.stored_fields(searcher, docnum) == searcher.stored_fields(docnum)
    finally:
        searcher.close()
    return n


def test_flat_stored_fields_are_whooshs(seed_index):
    assert _all_alike(seed_index) > 30  # every paragraph of the five reports


def test_after_an_update_and_without_the_files(tmp_path):
    from conftest import write_corpus
    source = write_corpus(tmp_path / "src", {
        "a.txt": "Tỉnh ủy Thái Nguyên\n\nHội nghị lần thứ 9 bàn về cây chè.\n\nNghị quyết 05-NQ/TU.",
        "b.txt": "Ủy ban nhân dân tỉnh\n\nPhát triển kinh tế xã hội năm 2021."})
    index = tmp_path / "index"
    build_index(source, index)
    (source / "c.txt").write_text("Đảng bộ tỉnh Lạng Sơn\n\nBan chấp hành họp phiên thứ nhất.",
                                  encoding="utf-8")
    (source / "a.txt").write_text("Tỉnh ủy Thái Nguyên\n\nHội nghị lần thứ 10.", encoding="utf-8")
    build_index(source, index)
    # (a segment Whoosh merged has no flat copy: read through Whoosh)
    _all_alike(index, every=False)


def test_a_segment_without_them_is_read_through_whoosh(seed_index):
    # (as one written before them, or merged by Whoosh)
    engine = Engine(seed_index)
    engine.search("tỉnh ủy")
    generation = engine._local.generation
    searcher = open_searcher(current_generation(seed_index))
    try:
        kept = generation._stored
        generation._stored = [None] * len(kept)
        try:
            assert generation.stored_fields(searcher, 3) == searcher.stored_fields(3)
            assert engine.search("tỉnh ủy")["hits"][0]["text"]
        finally:
            generation._stored = kept
    finally:
        searcher.close()
