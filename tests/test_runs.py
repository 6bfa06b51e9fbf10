"""Runs of a document's paragraphs (search/query/runs.py): spreading a
document match, the facet counts and the document counts, the same as over
every paragraph, on a fresh index and on one an update left with a
document's paragraphs apart."""

import shutil

import numpy as np
import pytest

from conftest import SEEDS
from search import Engine, build_index
from search.query.facets import Filters
from search.query.parse import parse_query


def _reference(generation, keep: np.ndarray) -> tuple[dict, int]:
    candidates = np.flatnonzero(keep)
    # A paragraph without a document (code -1) counts as the last one, as
    # the gather it replaced did.
    return (generation.facets.counts(candidates),
            len(np.unique(generation.doc_of[candidates] % max(1, generation.document_count))))


@pytest.fixture(scope="module")
def updated(tmp_path_factory):
    """The seeds indexed, then one report changed and a new one added: the
    changed document's paragraphs are deleted in the first segment and
    written again in a second."""
    root = tmp_path_factory.mktemp("runs")
    source = root / "src"
    shutil.copytree(SEEDS, source)
    build_index(source, root / "index")
    first = sorted(source.iterdir())[0]
    first.write_text(first.read_text(encoding="utf-8").replace("tỉnh", "huyện"), encoding="utf-8")
    (source / "moi.txt").write_text("Báo cáo mới của Tỉnh ủy Lạng Sơn\n\nHội nghị bàn về kinh tế.\n",
                                     encoding="utf-8")
    report = build_index(source, root / "index")
    assert not report.full
    engine = Engine(root / "index")
    engine.search("x")
    return engine


@pytest.mark.parametrize("which", ["fresh", "updated"])
def test_runs_answer_as_every_paragraph_would(which, seed_engine, updated):
    engine = seed_engine if which == "fresh" else updated
    engine.search("x")
    generation = engine._local.generation
    runs, n = generation.runs, generation.n
    if which == "updated":  # a document in two places: more runs than documents
        assert len(runs) > generation.document_count
    rng = np.random.default_rng(7)
    for share in (0.0, 0.01, 0.3, 1.0):
        keep = rng.random(n) < share
        facets, documents = _reference(generation, keep)
        per_run = runs.count(keep)
        assert per_run.sum() == keep.sum()
        assert generation.facets.counts_by_run(runs, per_run) == facets
        assert runs.documents(per_run, generation.document_count) == documents
        docs = rng.random(generation.document_count) < share
        assert (runs.spread(docs) == docs[generation.doc_of]).all()


def test_search_counts_documents_and_facets_over_runs(updated):
    found = updated.search("Lạng Sơn kinh tế", filters=Filters(province="Lạng Sơn"))
    generation = updated._local.generation
    ranked = updated._local.ranker.rank(parse_query("Lạng Sơn kinh tế"), 10, 0, Filters(province="Lạng Sơn"))
    keep = np.zeros(generation.n, dtype=bool)
    keep[ranked.candidates] = True
    facets, documents = _reference(generation, keep)
    assert found["facets"] == facets and found["documents"] == documents
    assert set(found["facets"]["province"]) == {"Lạng Sơn"} and found["documents"] >= 2


def test_a_run_longer_than_uint16_counts_whole():
    # Counts are summed in uint16 while every run is shorter than 65,536
    # paragraphs; one of 70,000 (a document that long) must not wrap.
    from search.query.runs import Runs

    doc_of = np.zeros(70_001, dtype=np.int32)
    doc_of[-1] = 1
    runs = Runs(doc_of)
    keep = np.ones(70_001, dtype=bool)
    assert runs.count(keep).tolist() == [70_000, 1]
    short = Runs(np.repeat(np.arange(3, dtype=np.int32), 5))
    assert short.count(np.ones(15, dtype=bool)).tolist() == [5, 5, 5]
