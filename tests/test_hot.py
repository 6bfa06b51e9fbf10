"""Hot postings (search/index/hot.py): the same answers, read from flat arrays."""

import shutil
from pathlib import Path

import pytest

import search.index.whoosh_write
from conftest import SEEDS
from search import build_index
from search import Engine
from search.index.store import current_generation
from seed_queries import SEED_QUERIES


def _build(tmp_path: Path, name: str, min_df: int, monkeypatch, complete=("dsyl", "dfold", "dbig")) -> Path:
    monkeypatch.setattr(search.index.whoosh_write, "HOT_MIN_DF", min_df)
    monkeypatch.setattr(search.index.whoosh_write, "COMPLETE_FIELDS", complete)
    build_index(SEEDS, tmp_path / name)
    return tmp_path / name


def test_hot_postings_give_the_same_answers(tmp_path, monkeypatch):
    hot = _build(tmp_path, "hot", 2, monkeypatch)
    cold = _build(tmp_path, "cold", 10**9, monkeypatch, complete=())
    assert list(current_generation(hot).glob("*.hot_terms.npz"))
    assert not list(current_generation(cold).glob("*.hot_terms.npz"))
    with_hot, without = Engine(hot), Engine(cold)
    with_hot.search("x")
    ranker = with_hot._local.ranker
    assert ranker.hot[0].get("fold", "tinh") is not None  # the arrays are what is read
    queries = [q for q, _ in SEED_QUERIES] + ['"ban chap hanh"', "UBND tỉnh", "kinh te -covid"]
    for q in queries:
        a, b = with_hot.search(q, limit=20), without.search(q, limit=20)
        assert [(h["doc_id"], h["paragraph"], h["score"]) for h in a["hits"]] == \
               [(h["doc_id"], h["paragraph"], h["score"]) for h in b["hits"]], q
        assert (a["total"], a["facets"]) == (b["total"], b["facets"]), q


def test_hot_postings_after_an_update_that_deletes_paragraphs(tmp_path, monkeypatch):
    source = tmp_path / "src"
    shutil.copytree(SEEDS, source)
    monkeypatch.setattr(search.index.whoosh_write, "HOT_MIN_DF", 2)
    build_index(source, tmp_path / "updated")
    first = sorted(source.iterdir())[0]
    first.write_text(first.read_text(encoding="utf-8").replace("tỉnh", "huyện"), encoding="utf-8")
    report = build_index(source, tmp_path / "updated")
    assert report.changed == 1 and not report.full
    build_index(source, tmp_path / "fresh")
    gen = current_generation(tmp_path / "updated")
    segments = {p.name.split(".")[0] for p in gen.glob("*.seg")}
    assert {p.name.split(".")[0] for p in gen.glob("*.hot*")} == segments
    updated, fresh = Engine(tmp_path / "updated"), Engine(tmp_path / "fresh")
    for q in ["tinh", "tỉnh ủy", "huyện", "huyen uy", "Đảng bộ"]:
        a, b = updated.search(q, limit=50), fresh.search(q, limit=50)
        assert a["total"] == b["total"], q
        assert {(h["doc_id"], h["paragraph"]) for h in a["hits"]} == \
               {(h["doc_id"], h["paragraph"]) for h in b["hits"]}, q


def test_hot_postings_are_read_not_mapped(tmp_path, monkeypatch):
    """Pages of a map count in every server process's PSS once touched (117
    of 477 MB at 100k paragraphs): the hot postings are read instead."""
    maps = Path("/proc/self/maps")
    if not maps.exists():
        pytest.skip("no /proc")
    hot = _build(tmp_path, "hot", 2, monkeypatch)
    engine = Engine(hot)
    found = engine.search("tỉnh ủy nghị quyết")
    assert found["total"] and engine._local.ranker.hot[0].get("fold", "tinh") is not None
    assert ".hot_" not in maps.read_text()


def test_document_fields_are_read_from_the_hot_postings_only(tmp_path, monkeypatch):
    """With only the frequent terms flat, the document fields are still
    written whole: a query word is looked up there, and one no document's
    fields hold is known absent without asking Whoosh's lexicon."""
    import search.query.postings as term_postings
    index = _build(tmp_path, "hot", 2, monkeypatch)
    asked = []
    real = term_postings.read_postings
    monkeypatch.setattr(term_postings, "read_postings",
                        lambda reader, offset, field, text: asked.append(field) or real(reader, offset, field, text))
    engine = Engine(index)
    found = engine.search("Thái Nguyên khóa XX chèxyz", group="doc")
    assert found["hits"] and found["hits"][0]["meta"]["province"] == "Thái Nguyên"
    assert asked and not [f for f in asked if f in ("dsyl", "dfold", "dbig")]
    assert engine._local.ranker.hot[0].complete("dfold")
    assert not engine._local.ranker.hot[0].complete("fbig")


def test_a_default_index_never_reads_postings_through_whoosh(tmp_path, monkeypatch):
    """Every term written flat (HOT_MIN_DF = 1): searching reads no postings
    through Whoosh, and answers as the slow path does."""
    import search.query.postings as term_postings
    flat = _build(tmp_path, "flat", 1, monkeypatch)
    cold = _build(tmp_path, "cold", 10**9, monkeypatch, complete=())
    asked = []
    real = term_postings.read_postings
    monkeypatch.setattr(term_postings, "read_postings",
                        lambda reader, offset, field, text: asked.append(field) or real(reader, offset, field, text))
    with_flat = Engine(flat)
    queries = [q for q, _ in SEED_QUERIES] + ['"ban chap hanh"', "UBND tỉnh", "kinh te -covid",
                                              "tỉnh ủy thái nguyên khóa XX", "chèxyz", "05-NQ/TU"]
    answers = [with_flat.search(q, limit=20) for q in queries]
    assert asked == []
    without = Engine(cold)
    for q, a in zip(queries, answers):
        b = without.search(q, limit=20)
        assert [(h["doc_id"], h["paragraph"], h["score"]) for h in a["hits"]] == \
               [(h["doc_id"], h["paragraph"], h["score"]) for h in b["hits"]], q
        assert (a["total"], a["facets"], a["documents"]) == (b["total"], b["facets"], b["documents"]), q
    assert asked  # the slow path did read through Whoosh


def test_an_index_of_another_postings_format_is_built_again_in_full(tmp_path, monkeypatch):
    """Its segments would be read the slow way: the next update rebuilds it."""
    import search.index.build
    build_index(SEEDS, tmp_path / "index")
    assert not build_index(SEEDS, tmp_path / "index").full  # nothing changed: an update
    monkeypatch.setattr(search.index.build, "POSTINGS_FORMAT", 99)
    report = build_index(SEEDS, tmp_path / "index")
    assert report.full and "định dạng" in report.reason
    assert not build_index(SEEDS, tmp_path / "index").full


def test_the_flat_postings_files_hold_no_time(tmp_path, monkeypatch):
    """The same postings give the same bytes whenever they are written (a
    parallel build and a one-process one are compared file by file)."""
    import time

    import numpy as np

    from search.index.hot import write_hot_postings
    fields = {"fold": (["tinh", "uy"], np.array([2, 1]), np.array([0, 3, 1], dtype=np.uint32),
                       np.array([1, 2, 1], dtype=np.uint32))}
    written = []
    for when in (0.0, 2e9):
        monkeypatch.setattr(time, "time", lambda when=when: when)
        folder = tmp_path / str(int(when))
        folder.mkdir()
        write_hot_postings(folder, "seg", fields, ["fold"])
        written.append({p.name: p.read_bytes() for p in folder.iterdir()})
    assert written[0] == written[1] and len(written[0]) == 3
