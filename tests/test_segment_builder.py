"""SegmentBuilder writes the segment Whoosh's own writer would, term for term."""

import hashlib
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from conftest import ROOT, SEEDS
from search.index.schema import ANALYZED_FIELDS, make_schema, paragraph_values
from search.index.whoosh_write import COMPRESS_FROM, SegmentBuilder, commit, segments
from search.ingest.corpus import parse_document, read_bytes, read_corpus


@pytest.fixture(autouse=True)
def same_compression(monkeypatch):
    """Whoosh's writer compresses a block from 80 bytes, SegmentBuilder from
    COMPRESS_FROM (whoosh_write.py): the reference made with the same rule."""
    monkeypatch.setattr("whoosh.codec.whoosh3.COMPRESSION_MIN_SIZE", COMPRESS_FROM)


def dump(folder: Path) -> dict:
    """Everything a reader can tell about an index, by docnum."""
    ix = whoosh_index.open_dir(str(folder))
    out = {}
    with ix.reader() as r:
        out["docs"] = r.doc_count_all()
        out["stored"] = [dict(f) for _, f in r.iter_docs()]
        for name, field in r.schema.items():
            if field.column_type:
                out["column", name] = list(r.column_reader(name))
            if field.scorable:
                out["length", name] = [r.doc_field_length(n, name) for n in range(r.doc_count_all())]
                out["total", name] = r.field_length(name)
                out["minmax", name] = (r.min_field_length(name), r.max_field_length(name))
        for name, tbytes in r.all_terms():
            info = r.term_info(name, tbytes)
            m = r.postings(name, tbytes)
            postings = []
            while m.is_active():
                postings.append((m.id(), m.weight(), m.value()))
                m.next()
            out["term", name, tbytes] = (info.weight(), info.doc_frequency(), info.min_length(),
                                         info.max_length(), info.max_weight(), postings)
    return out


def segment_files(folder: Path) -> dict:
    """The bytes of each file inside the index's one compound segment, by
    name without the segment's id (the terms, the postings, each column)."""
    ix = whoosh_index.open_dir(str(folder))
    (segment,) = segments(folder)
    storage = segment.open_compound_file(ix.storage)
    return {name[len(segment.segment_id()):]: storage.open_file(name).read() for name in storage.list()}


def add_through_whoosh(writer, doc) -> None:
    """The reference: ``doc``'s paragraphs through Whoosh's own writer, every
    analyzed field fed the paragraph's text."""
    for n, text in enumerate(doc.paragraphs, start=1):
        writer.add_document(doc_id=doc.doc_id, para=n, title=doc.title, text=text, meta=doc.meta,
                            **paragraph_values(doc, n), **dict.fromkeys(ANALYZED_FIELDS, text))


def write_both(docs, tmp_path):
    """``docs`` written by Whoosh's own writer and by SegmentBuilder: the two folders."""
    reference, built = tmp_path / "reference", tmp_path / "built"
    for folder in (reference, built):
        folder.mkdir()
    writer = whoosh_index.create_in(str(reference), make_schema()).writer()
    for d in docs:
        add_through_whoosh(writer, d)
    writer.commit(merge=False)
    ix = whoosh_index.create_in(str(built), make_schema())
    builder = SegmentBuilder(ix)
    for d in docs:
        builder.add(d)
    commit(ix.writer(), [builder.finish()], lambda writer, existing: existing)
    return reference, built


def build_both(docs, tmp_path):
    reference, built = write_both(docs, tmp_path)
    # Every file byte for byte, beyond what a reader decodes: postings,
    # terms, the length columns, the stored fields and the facet columns.
    files, expected = segment_files(built), segment_files(reference)
    assert files.keys() == expected.keys()
    assert {".pst", ".trm", "._syl_len.col", "._stored.col", ".province.col"} <= set(files), sorted(files)
    for name in expected:
        assert files[name] == expected[name], name
    return dump(reference), dump(built)


def test_builder_matches_whooshs_writer(tmp_path):
    # The seeds four times over: posting lists longer than one block (128),
    # and a generated file of recombined ViQuAD text when bench/data has one.
    docs = read_corpus(SEEDS).documents * 4
    corpus = ROOT / "bench" / "data" / "corpus-10000"
    if corpus.is_dir():
        path = sorted(corpus.iterdir())[0]
        raw = read_bytes(path)
        docs.append(parse_document(path, raw, hashlib.sha256(raw).hexdigest()))
    reference, built = build_both(docs, tmp_path)
    assert reference["docs"] >= 148
    assert max(len(v[-1]) for k, v in reference.items() if k[0] == "term") > 128
    assert built.keys() == reference.keys()
    for key in reference:
        assert built[key] == reference[key], key


def test_small_blocks_are_stored_uncompressed_and_read_the_same(tmp_path, monkeypatch):
    # Whoosh's writer as it is (compressing from 80 bytes) against ours: the
    # postings file differs, and only by blocks stored raw; a reader sees the same.
    monkeypatch.setattr("whoosh.codec.whoosh3.COMPRESSION_MIN_SIZE", 80)
    reference, built = write_both(read_corpus(SEEDS).documents * 4, tmp_path)
    files, expected = segment_files(built), segment_files(reference)
    assert len(files[".pst"]) > len(expected[".pst"])
    assert {k: v for k, v in files.items() if k not in (".pst", ".trm")} == {
        k: v for k, v in expected.items() if k not in (".pst", ".trm")}
    assert dump(built) == dump(reference)


def test_postings_sorted_by_term_keep_their_order_within_a_term():
    import numpy as np

    from search.index.whoosh_write import _stable_order

    rng = np.random.default_rng(7)
    for bound in (1, 300, 1 << 16, (1 << 16) + 1, 1 << 20, 1 << 32):
        keys = rng.integers(0, bound, 5000, dtype=np.uint64).astype(np.uint32)
        keys[:10] = bound - 1
        assert np.array_equal(_stable_order(keys, bound), np.argsort(keys, kind="stable")), bound
