"""The read door (search/query/whoosh_read.py) against Whoosh's public
readers: the same postings, lengths, deletions and columns."""

import shutil

import numpy as np
from whoosh import index as whoosh_index

from conftest import SEEDS
from search import build_index
from search.index.schema import ANALYZED_FIELDS
from search.index.store import current_generation
from search.query import whoosh_read


def _index_with_deletions(tmp_path):
    """The seeds in two segments, one of them with paragraphs deleted."""
    source = tmp_path / "src"
    shutil.copytree(SEEDS, source)
    build_index(source, tmp_path / "index")
    first = sorted(source.iterdir())[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nMột đoạn thêm vào.\n", encoding="utf-8")
    build_index(source, tmp_path / "index")
    return current_generation(tmp_path / "index")


def test_read_side_gives_what_whooshs_public_readers_give(tmp_path):
    gen = _index_with_deletions(tmp_path)
    searcher = whoosh_read.open_searcher(gen)
    leaves = whoosh_read.leaves(searcher)
    n = searcher.doc_count_all()
    assert len(leaves) == 2 and searcher.doc_count() < n  # the case worth checking
    public = whoosh_index.open_dir(str(gen)).searcher()
    deleted = set(range(n)) - set(public.reader().all_doc_ids())
    assert deleted and set(np.flatnonzero(~whoosh_read.alive(leaves, n))) == deleted
    checked = 0
    for reader, offset in leaves:
        for name in ANALYZED_FIELDS:
            # The first terms, and the most frequent: postings of many blocks
            # (Whoosh writes 128 postings a block), read in one go.
            frequent = sorted(whoosh_read.field_terms(reader, name), key=lambda t: -t[1])[:30]
            for term in list(reader.lexicon(name))[:400] + [t.encode("utf-8") for t, _ in frequent]:
                text = term.decode("utf-8")
                ids, tf = whoosh_read.read_postings(reader, offset, name, text)
                m = reader.postings(name, term)  # public: skips deleted paragraphs
                expected = []
                while m.is_active():
                    expected.append((m.id() + offset, m.weight()))
                    m.next()
                got = [(int(i), float(f)) for i, f in zip(ids, tf) if int(i) not in deleted]
                assert got == expected, (name, text)
                checked += 1
        for column in ("province", "term", "year", "date"):
            assert whoosh_read.column(reader, column) == list(reader.column_reader(column))
    assert checked > 2000
    assert whoosh_read.read_postings(leaves[0][0], 0, "fold", "xyzzy")[0].size == 0
    for name in ANALYZED_FIELDS:
        lengths = whoosh_read.field_lengths(leaves, n, name)
        assert [lengths[d] for d in public.reader().all_doc_ids()] == \
               [public.reader().doc_field_length(d, name) or 0 for d in public.reader().all_doc_ids()]
    # The ranker's idf counts a term's postings over the segments, deleted
    # paragraphs included: Whoosh's document frequency.
    for text in ("tinh", "uy", "nghi", "xyzzy", "them"):
        postings = sum(len(whoosh_read.read_postings(r, o, "fold", text)[0]) for r, o in leaves)
        assert postings == searcher.doc_frequency("fold", text)
    words = dict(whoosh_read.field_terms(leaves[0][0], "fold"))
    assert words["tinh"] == leaves[0][0].doc_frequency("fold", "tinh")
    searcher.close()
    public.close()


def test_postings_of_many_blocks_read_in_one_go(tmp_path):
    """A word in 300 paragraphs: three blocks of Whoosh's 128 postings,
    read in one read and decoded by block, as Whoosh's matcher reads them."""
    source = tmp_path / "src"
    source.mkdir()
    lines = [f"Đoạn {i}: nghị quyết số {i} về phát triển kinh tế năm {2000 + i % 25}."
             for i in range(300)]
    (source / "nq.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    build_index(source, tmp_path / "index")
    searcher = whoosh_read.open_searcher(current_generation(tmp_path / "index"))
    (reader, offset), = whoosh_read.leaves(searcher)
    many = 0
    for name in ANALYZED_FIELDS:
        for text, df in whoosh_read.field_terms(reader, name):
            ids, tf = whoosh_read.read_postings(reader, offset, name, text)
            m = reader.postings(name, text.encode("utf-8"))
            expected = []
            while m.is_active():
                expected.append((m.id() + offset, m.weight()))
                m.next()
            assert [(int(i), float(f)) for i, f in zip(ids, tf)] == expected, (name, text)
            assert len(ids) == df
            many += df > 2 * 128
    assert many >= 5
    searcher.close()
