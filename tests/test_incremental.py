"""Updates re-analyse only what changed, and never put the live index at risk."""

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from whoosh import index as whoosh_index
from whoosh.query import Term

import search.analysis.terms
import search.index.build
import search.index.gather
import search.index.chunks
import search.index.merge
import search.index.workers
import search.ingest.corpus
from conftest import ROOT, SEEDS, write_corpus
from search.cli import main
from search import build_index
from search.ingest.corpus import read_corpus
from search.index.schema import ANALYZED_FIELDS
from search import Engine
from search.index.whoosh_write import segments as segments_of
from search.index.store import MANIFEST, build_lock, current_generation

DOCS = {
    "a.txt": "Báo cáo A\nHội nghị Tỉnh ủy bàn về cây chè Tân Cương, mã ALPHA1.\n",
    "b.txt": "Báo cáo B\nKinh tế tăng trưởng, mã BRAVO1.\nĐoạn thứ ba của B.\n",
    "c.txt": "Báo cáo C\nNghị quyết về giao thông, mã CHARLIE1.\n",
}


def hits(engine: Engine, query: str) -> set[tuple[str, int]]:
    return {(h["doc_id"], h["paragraph"]) for h in engine.search(query, limit=100)["hits"]}


def content(index_dir: Path) -> set:
    """Every live paragraph's stored fields and every posting, by (doc_id, para)."""
    ix = whoosh_index.open_dir(str(current_generation(index_dir)))
    with ix.searcher() as s:
        r = s.reader()
        where = {n: (f["doc_id"], f["para"]) for n, f in r.iter_docs()}
        out = {("stored", where[n], f["title"], f["text"]) for n, f in r.iter_docs()}
        for name in ANALYZED_FIELDS:
            kind = "positions" if r.schema[name].format.supports("positions") else "frequency"
            for term in r.lexicon(name):
                m = r.postings(name, term)
                while m.is_active():
                    if m.id() in where:
                        value = m.value_as(kind)
                        out.add((name, term, where[m.id()], tuple(value) if kind == "positions" else value))
                    m.next()
    return out


def files_by_hash(folder: Path) -> dict[str, str]:
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in folder.iterdir() if f.is_file()}


@pytest.fixture
def counting(monkeypatch):
    """Which files get decoded and which texts get analysed, while recording."""
    seen = {"parsed": [], "analysed": []}
    parse, scan = search.ingest.corpus.parse_document, search.analysis.terms.syllable_words
    search.ingest.corpus.ingest_version()  # its probe page, parsed once a process, is not a file

    def parse_document(path, raw, sha256, rel=None):
        seen["parsed"].append(str(rel or path.name))
        return parse(path, raw, sha256, rel)

    def syllable_words(value):
        seen["analysed"].append(value)
        return scan(value)

    monkeypatch.setattr(search.ingest.corpus, "parse_document", parse_document)
    monkeypatch.setattr(search.analysis.terms, "syllable_words", syllable_words)
    monkeypatch.setattr(search.index.gather, "syllable_words", syllable_words)  # the indexer's scan
    return seen


def test_add_change_delete_each_reflected_and_only_they_reanalysed(tmp_path, counting):
    source, index = write_corpus(tmp_path / "src", DOCS), tmp_path / "index"
    first = build_index(source, index)
    assert first.full and first.documents == 3
    assert sorted(counting["parsed"]) == ["a.txt", "b.txt", "c.txt"]
    counting["parsed"].clear(), counting["analysed"].clear()

    write_corpus(source, {"b.txt": "Báo cáo B\nKinh tế chuyển đổi số, mã BRAVO2.\n",
                          "d.txt": "Báo cáo D\nDu lịch hồ Núi Cốc, mã DELTA1.\n"})
    (source / "c.txt").unlink()
    report = build_index(source, index)

    assert not report.full
    assert (report.added, report.changed, report.deleted, report.unchanged) == (1, 1, 1, 1)
    assert (report.documents, report.paragraphs) == (3, 6)
    # Only the added and the changed file were decoded and analysed.
    assert sorted(counting["parsed"]) == ["b.txt", "d.txt"]
    new_text = {"Báo cáo B", "Kinh tế chuyển đổi số, mã BRAVO2.", "Báo cáo D", "Du lịch hồ Núi Cốc, mã DELTA1."}
    assert counting["analysed"] and set(counting["analysed"]) <= new_text
    counting["analysed"].clear()

    engine = Engine(index)
    assert hits(engine, "BRAVO1") == set()  # the changed file's old text is gone
    assert hits(engine, "Đoạn thứ ba") == set()  # ...including a paragraph it no longer has
    assert hits(engine, "BRAVO2") == {("b", 2)}
    assert hits(engine, "CHARLIE1") == set() and hits(engine, "giao thông") == set()  # deleted
    assert hits(engine, "DELTA1") == {("d", 2)}
    assert hits(engine, "ALPHA1") == {("a", 2)}  # unchanged, still found
    assert engine.document("c") is None and engine.document("b")["title"] == "Báo cáo B"
    manifest = engine.manifest
    assert sorted(manifest["documents"]) == ["a", "b", "d"] and manifest["paragraphs"] == 6
    assert manifest["documents"]["b"]["sha256"] == hashlib.sha256((source / "b.txt").read_bytes()).hexdigest()

    # The same index as a build from scratch would make, posting for posting.
    full = tmp_path / "full"
    build_index(source, full)
    assert content(index) == content(full)


def test_nothing_changed_publishes_without_analysing(tmp_path, counting):
    source, index = write_corpus(tmp_path / "src", DOCS), tmp_path / "index"
    build_index(source, index)
    counting["parsed"].clear(), counting["analysed"].clear()
    report = build_index(source, index)
    assert (report.added, report.changed, report.deleted, report.unchanged) == (0, 0, 0, 3)
    assert counting["parsed"] == [] and counting["analysed"] == []
    assert hits(Engine(index), "ALPHA1") == {("a", 2)}


def test_previous_generation_keeps_answering_and_is_never_written(tmp_path):
    source, index = write_corpus(tmp_path / "src", DOCS), tmp_path / "index"
    build_index(source, index)
    engine = Engine(index)
    before = current_generation(index)
    # An engine that resolved ``current`` just before the swap, and a reader
    # that was open across it.
    (tmp_path / "late").mkdir()
    os.symlink(before.resolve(), tmp_path / "late" / "current")
    late = Engine(tmp_path / "late")
    reader = whoosh_index.open_dir(str(before)).searcher()
    old_files = files_by_hash(before)
    write_corpus(source, {"a.txt": "Báo cáo A\nĐã sửa, mã ALPHA2.\n"})
    build_index(source, index)

    after = current_generation(index)
    assert after != before and before.exists()
    assert files_by_hash(before) == old_files  # nothing written in place
    shared = [f.name for f in after.iterdir()
              if (before / f.name).exists() and os.path.samefile(f, before / f.name)]
    assert any(name.endswith(".seg") for name in shared)  # linked, not copied
    assert MANIFEST not in shared
    assert hits(late, "ALPHA1") == {("a", 2)} and hits(late, "ALPHA2") == set()
    assert len(reader.search(Term("fold", "alpha1"))) == 1
    assert hits(engine, "ALPHA1") == set() and hits(engine, "ALPHA2") == {("a", 2)}
    reader.close()


def test_full_rebuilds_everything(tmp_path, counting):
    source, index = write_corpus(tmp_path / "src", DOCS), tmp_path / "index"
    build_index(source, index)
    before = current_generation(index)
    counting["parsed"].clear()
    out = CliRunner().invoke(main, ["index", "--source", str(source), "--index", str(index), "--full"])
    assert out.exit_code == 0, out.output
    assert "đã lập chỉ mục 3 văn kiện, 7 đoạn" in out.output and "đã cập nhật" not in out.output
    assert sorted(counting["parsed"]) == ["a.txt", "b.txt", "c.txt"]
    after = current_generation(index)
    assert not any(os.path.samefile(f, before / f.name) for f in after.iterdir()
                   if (before / f.name).exists())
    assert hits(Engine(index), "BRAVO1") == {("b", 2)}


def test_cli_says_what_an_update_did(tmp_path):
    source, index = write_corpus(tmp_path / "src", DOCS), tmp_path / "index"
    args = ["index", "--source", str(source), "--index", str(index)]
    assert "đã lập chỉ mục 3 văn kiện" in CliRunner().invoke(main, args).output
    write_corpus(source, {"b.txt": "B\nĐổi.\n", "e.txt": "E\nMới.\n"})
    (source / "c.txt").unlink()
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0, out.output
    assert "đã cập nhật: 1 thêm, 1 đổi, 1 xóa, 1 giữ nguyên" in out.output
    assert "có 3 văn kiện, 6 đoạn" in out.output


@pytest.mark.parametrize("how", ["old manifest", "new code"])
@pytest.mark.parametrize("version, reason", [
    ("analysis_version", "chỉ mục được lập với phiên bản phân tích"),
    # The reading rules (junk lines, dates): unchanged files are read again.
    ("ingest_version", "chỉ mục được lập với quy tắc đọc tệp"),
])
def test_other_rules_rebuild_everything(tmp_path, counting, monkeypatch, how, version, reason):
    source, index = write_corpus(tmp_path / "src", DOCS), tmp_path / "index"
    build_index(source, index)
    if how == "old manifest":  # an index from before versions were recorded
        path = current_generation(index) / MANIFEST
        manifest = json.loads(path.read_text(encoding="utf-8"))
        del manifest[version]
        path.write_text(json.dumps(manifest), encoding="utf-8")
    else:
        monkeypatch.setattr(search.index.build, version, lambda: "another")
    counting["parsed"].clear()
    out = CliRunner().invoke(main, ["index", "--source", str(source), "--index", str(index)])
    assert out.exit_code == 0, out.output
    assert f"lập lại chỉ mục từ đầu: {reason}" in out.output
    assert sorted(counting["parsed"]) == ["a.txt", "b.txt", "c.txt"]
    assert Engine(index).manifest[version] == getattr(search.index.build, version)()
    counting["parsed"].clear()
    assert not build_index(source, index).full and counting["parsed"] == []


def test_a_different_schema_rebuilds_everything(tmp_path, monkeypatch):
    source, index = write_corpus(tmp_path / "src", DOCS), tmp_path / "index"
    build_index(source, index)
    real = search.index.build.make_schema

    def schema_with_a_new_field():
        from whoosh.fields import STORED
        schema = real()
        schema.add("extra", STORED())
        return schema

    monkeypatch.setattr(search.index.build, "make_schema", schema_with_a_new_field)
    report = build_index(source, index)
    assert report.full and "lược đồ" in report.reason


def test_small_segments_are_merged_and_deletions_reclaimed(tmp_path):
    source, index = write_corpus(tmp_path / "src", DOCS), tmp_path / "index"
    build_index(source, index)

    def segments():
        return segments_of(current_generation(index))

    for n in range(search.index.merge.MERGE_FACTOR + 2):
        write_corpus(source, {f"n{n:02}.txt": f"Tin {n}\nBản tin số {n}, mã NEWS{n}.\n"})
        build_index(source, index)
        assert len(segments()) <= search.index.merge.MERGE_FACTOR
    # Deleting half of a segment rewrites it: no dead paragraphs left behind.
    for n in range(search.index.merge.MERGE_FACTOR + 2):
        (source / f"n{n:02}.txt").unlink()
    build_index(source, index)
    assert all(s.deleted_count() == 0 for s in segments())
    full = tmp_path / "full"
    build_index(source, full)
    assert content(index) == content(full)


def test_parallel_build_indexes_exactly_what_one_process_does(tmp_path, monkeypatch, counting):
    # Runs of 10 paragraphs or more: the seeds' five files make two segments.
    monkeypatch.setattr(search.index.chunks, "CHUNK_MIN", 10)
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    build_index(SEEDS, serial, workers=1)
    counting["analysed"].clear()
    monkeypatch.setattr(search.index.build, "PARALLEL_MIN_PARAGRAPHS", 0)
    # A run reaches its worker a few files at a time.
    monkeypatch.setattr(search.index.workers, "BATCH_PARAGRAPHS", 5)
    report = build_index(SEEDS, parallel, workers=2)
    assert report.paragraphs == 37
    # The first run was indexed in this process, the second in a worker:
    # this process analysed the first run's paragraphs and none of the others.
    corpus = search.ingest.corpus.read_corpus(SEEDS, defer=True)
    items = search.index.chunks.ordered_items(corpus.documents, corpus.pending)
    runs = search.index.chunks.chunked(items)
    docs = {d.path: d for d in read_corpus(SEEDS).documents}
    first, second = ([p for i in run for p in docs[items[i][1][0]].paragraphs] for run in runs)
    assert first and second
    assert set(first) <= set(counting["analysed"]) and not set(second) & set(counting["analysed"])
    segments = segments_of(current_generation(parallel))
    # one per run of files, whoever wrote it
    assert len(segments) == len(segments_of(current_generation(serial))) == 2
    assert content(parallel) == content(serial)
    # Byte for byte: every segment file (postings, terms, stored fields,
    # lengths), its flat postings (index/hot.py) and stored fields
    # (index/flatstored.py) and the TOC listing them, same names; all but
    # the manifest (it holds the build's time) and the accent model (below).
    files = [{p.name: p.read_bytes() for p in current_generation(i).iterdir()
              if p.name not in ("manifest.json", "accents.npz") and not p.name.endswith("LOCK")}
             for i in (serial, parallel)]
    assert len(files[0]) == 2 + 1 + 2 * 5 and files[0].keys() == files[1].keys()
    for name in files[0]:
        assert files[0][name] == files[1][name], name
    # The accent model, trained alongside the workers, saw the files in order.
    import numpy as np

    models = [np.load(current_generation(i) / "accents.npz") for i in (serial, parallel)]
    assert sorted(models[0].files) == sorted(models[1].files)
    assert all(np.array_equal(models[0][k], models[1][k]) for k in models[0].files)


def copy_seeds(dest: Path, copies: int) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for n in range(copies):
        for p in SEEDS.glob("*.txt"):
            shutil.copy(p, dest / f"{p.stem}-{n}.txt")
    return dest


def start_cli_build(source: Path, index: Path, *args: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "search.cli", "index", "--source", str(source), "--index", str(index), *args]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_kill_9_during_update_leaves_previous_index_serving(tmp_path, pauses):
    source, index = copy_seeds(tmp_path / "src", 1), tmp_path / "index"
    build_index(source, index)
    before = current_generation(index)
    engine = Engine(index)
    expected = hits(engine, "tinh uy")
    # 145 documents (1,400 paragraphs) to add: an update big enough for
    # worker processes, killed while they analyse and at each step around.
    copy_seeds(source, 30)
    changed = next(source.glob("*-0.txt"))
    changed.write_text(changed.read_text(encoding="utf-8") + "\nMột đoạn mới, mã KILO9.\n", encoding="utf-8")
    for point in ("generation", "worker", "segment", "swap"):
        pauses.hold(point)
        proc = start_cli_build(source, index, "--workers", "2")
        pauses.wait(point, build=proc)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert current_generation(index) == before, point
        assert hits(engine, "tinh uy") == expected and hits(engine, "KILO9") == set()
    pauses.hold()
    report = build_index(source, index)  # recovers: no lock held, debris cleaned
    assert report.documents == 150
    last = Engine(index).document(changed.stem)["paragraphs"][-1]
    assert last["text"] == "Một đoạn mới, mã KILO9." and hits(engine, "KILO9") == {(changed.stem, last["n"])}
    assert len(list(index.glob("gen-*"))) <= 2 and not list(index.glob(".current.*"))
    full = tmp_path / "full"
    build_index(source, full)
    assert content(index) == content(full)


def test_kill_9_during_parallel_build_takes_its_workers_down(tmp_path, pauses):
    source, index = copy_seeds(tmp_path / "src", 1), tmp_path / "index"
    per_copy = build_index(source, index).paragraphs
    before = current_generation(index)
    copy_seeds(source, search.index.build.PARALLEL_MIN_PARAGRAPHS // per_copy + 2)
    pauses.hold("worker")
    proc = start_cli_build(source, index, "--workers", "2")
    # The build writes one run itself and a worker process the other.
    held = pauses.wait("worker", processes=1, build=proc)  # the worker busy with a batch
    children = _children(proc.pid)
    assert set(held) <= set(children)  # (the others: multiprocessing's resource tracker)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # A worker notices its parent is gone within half a second; allow far more
    # than that on a loaded machine: this bounds a hang, it measures nothing.
    deadline = time.monotonic() + 60
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in children), "processes outlived their parent"
    assert current_generation(index) == before
    with build_lock(index):  # nobody holds it any more
        pass
