"""Indexing speed against the pyvi-only limit, index size, incremental updates.

    .venv/bin/python bench/indexing.py --corpus bench/data/corpus-10000 [--procs 2] [--serial]
        [--baseline-rev REV]

All in one run on one corpus, so ratios hold even on a busy machine:

(a) the pyvi-only limit: paragraphs/s of pyvi's segmentation alone, in
    ``--procs`` processes, on the exact token sequences CompoundFilter hands to
    ``segment.joins`` (captured, not rebuilt), through pyvi's own feature
    extraction and ``predict`` (``segment.pyvi_joins``); measured before and
    after (b) to show drift from other load. (a2) is the same with the
    indexer's own tagging (``segment.joins``: the same labels from the same
    model, tagged by ``lang/crf.py`` on remembered window scores, cheaper)
(b) ``build_index --full`` paragraphs/s, wall clock, process start included
(c) (b) / (a): how close the whole indexer comes to segmentation alone
    (the issue's target: at least 0.7), and (b) / (a2)
(c3) CPU seconds a paragraph of (a) (the segmenting processes' own) over
    those of (b) (the parent's and its workers', start-up included): what
    (c) would be on an idle machine if the build kept both cores busy; it
    moves far less with other load than wall-clock rates do
(b0) with ``--baseline-rev REV``: full builds with this code and with the
    code of git revision REV (a worktree in a temp folder,
    bench/revision.py), each in a process of its own (Python's start
    included in CPU), in turns, ``--rounds`` times, between (b) and (a'),
    and their ratios to the same limit
(d) the index's size on disk
(e) in-process update times after changing, adding, deleting one file (pyvi
    already loaded; its import time is shown apart), and the same change
    through the ``vnsearch index`` command, which pays Python and pyvi start-up

and, in one process on the first ``--sample`` paragraphs, where the time goes:
parsing, pyvi alone, the rest of the analysis, gathering postings, writing
the segment, training the accent model.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from whoosh import index as whoosh_index  # noqa: E402

from search import Engine, build_index  # noqa: E402
from search.analysis import terms  # noqa: E402
from search.index.schema import make_schema  # noqa: E402
from search.index.store import current_generation  # noqa: E402
from search.index.whoosh_write import SegmentBuilder  # noqa: E402
from search.ingest.corpus import parse_document, read_corpus  # noqa: E402
from search.lang import segment  # noqa: E402
from search.lang.restore import AccentModel  # noqa: E402

from pyvi_input import pyvi_sequences  # noqa: E402  (tests/pyvi_input.py)
from revision import checkout, run_with  # noqa: E402  (bench/ is the script's folder)


def _load_pyvi():
    segment.load_pyvi()


def _ready(_):
    time.sleep(0.3)  # long enough that every worker takes one


def _segment_all(sequences, fast: bool = False):
    # the model itself, not joins' cache
    segmenter = segment.joins.__wrapped__ if fast else segment.pyvi_joins
    started = time.process_time()
    for tokens in sequences:
        segmenter(tokens)
    return len(sequences), time.process_time() - started


def _segment_fast(sequences):
    return _segment_all(sequences, fast=True)


def pyvi_limit(sequences, procs: int, fast: bool = False) -> tuple[float, float]:
    """(paragraphs/s, CPU seconds a paragraph) of segmentation alone."""
    ctx = multiprocessing.get_context("spawn")
    chunks = [sequences[i::procs * 8] for i in range(procs * 8)]
    with ctx.Pool(procs, initializer=_load_pyvi) as pool:
        pool.map(_ready, range(procs), chunksize=1)  # pyvi loaded everywhere
        started = time.perf_counter()
        parts = pool.map(_segment_fast if fast else _segment_all, chunks, chunksize=1)
        done = sum(k for k, _ in parts)
        return done / (time.perf_counter() - started), sum(c for _, c in parts) / done


def cpu_seconds() -> float:
    """CPU of this process and of its children that have ended."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def breakdown(docs, sequences, sample: int, work: Path) -> dict[str, float]:
    """Seconds per paragraph, one process, for each layer of the work."""
    picked, n = [], 0
    for d in docs:
        if n >= sample:
            break
        picked.append(d)
        n += len(d.paragraphs)
    texts = [p for d in picked for p in d.paragraphs]
    segment.load_pyvi()
    out = {}
    started = time.perf_counter()
    _segment_all(sequences[:n], fast=True)
    out["pyvi"] = (time.perf_counter() - started) / n
    segment.joins.cache_clear()
    started = time.perf_counter()
    for text in texts:
        terms.index_terms(text)
    out["analysis"] = (time.perf_counter() - started) / n
    segment.joins.cache_clear()
    started = time.perf_counter()
    for d in picked:
        parse_document(d.path, d.path.read_bytes(), d.sha256)
    out["parse"] = (time.perf_counter() - started) / n
    started = time.perf_counter()
    AccentModel.train(texts)
    out["model"] = (time.perf_counter() - started) / n
    folder = work / "breakdown"
    folder.mkdir()
    builder = SegmentBuilder(whoosh_index.create_in(str(folder), make_schema()))
    segment.joins.cache_clear()
    started = time.perf_counter()
    for d in picked:
        builder.add(d)
    out["add_document"] = (time.perf_counter() - started) / n
    started = time.perf_counter()
    builder.finish()
    out["segment"] = (time.perf_counter() - started) / n
    out["paragraphs"] = n
    return out


def disk_size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.iterdir() if f.is_file())


def timed_update(source: Path, index: Path) -> tuple[float, str]:
    r = build_index(source, index)
    assert not r.full
    return r.seconds, f"{r.added} added, {r.changed} changed, {r.deleted} deleted, {r.unchanged} unchanged"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=ROOT / "bench" / "data" / "corpus-10000")
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--serial", action="store_true", help="also time a one-process build")
    ap.add_argument("--sample", type=int, default=5000,
                    help="paragraphs for the breakdown (5,000: one worker's share of corpus-10000)")
    ap.add_argument("--baseline-rev", help="also time a full build with the code of this git revision")
    ap.add_argument("--rounds", type=int, default=2, help="builds of each revision, in turns")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="vnsearch-bench-"))
    try:
        with checkout(args.baseline_rev, work) as (rev, root):
            args.baseline = (rev, root) if rev else None
            run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def baseline_build(root: Path, source: Path, index: Path, procs: int) -> tuple[float, float]:
    """Seconds of ``build_index --full`` (its own report, as (b)) with the code
    of ``root``, and the CPU seconds of its process and workers (Python's
    start and imports included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    code = ("import sys; from search import build_index; "
            "r = build_index(sys.argv[1], sys.argv[2], full=True, workers=int(sys.argv[3])); "
            "print(r.seconds)")
    done = subprocess.run([sys.executable, "-c", code, str(source), str(index), str(procs)],
                          capture_output=True, text=True, **run_with(root))
    if done.returncode:
        raise SystemExit(f"indexing with {root} failed:\n{done.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    shutil.rmtree(index, ignore_errors=True)
    return float(done.stdout.split()[-1]), cpu


def run(args, work: Path):
    source = work / "src"
    shutil.copytree(args.corpus, source)
    docs = read_corpus(source).documents
    paragraphs = [p for d in docs for p in d.paragraphs]
    n = len(paragraphs)
    print(f"corpus {args.corpus}: {len(docs)} files, {n} paragraphs, "
          f"{sum(len(p) for p in paragraphs):,} characters", flush=True)
    sequences = pyvi_sequences(paragraphs)
    assert len(sequences) == n

    limit_before, pyvi_cpu_before = pyvi_limit(sequences, args.procs)
    print(f"(a) pyvi only, {args.procs} processes: {limit_before:.0f} paragraphs/s", flush=True)
    fast_before, _ = pyvi_limit(sequences, args.procs, fast=True)
    print(f"(a2) pyvi's model, our features: {fast_before:.0f} paragraphs/s", flush=True)
    index = work / "index"
    cpu = cpu_seconds()
    report = build_index(source, index, full=True, workers=args.procs)
    build_cpu = (cpu_seconds() - cpu) / n
    build_rate = n / report.seconds
    print(f"(b) build_index: {report.seconds:.1f} s, {build_rate:.0f} paragraphs/s", flush=True)
    # With a baseline: both revisions' builds in processes of their own, in
    # turns (this code, then the baseline, ``--rounds`` times), so that load
    # from other processes falls on both alike.
    rounds = []
    for k in range(args.rounds if args.baseline else 0):
        new = baseline_build(ROOT, source, work / "index-new", args.procs)
        old = baseline_build(args.baseline[1], source, work / "index-baseline", args.procs)
        rounds.append((new, old))
        print(f"(b1/b0) round {k + 1}: this code {new[0]:.1f} s ({n / new[0]:.0f} paragraphs/s, "
              f"{new[1] / n * 1000:.2f} ms CPU a paragraph), {args.baseline[0]} {old[0]:.1f} s "
              f"({n / old[0]:.0f} paragraphs/s, {old[1] / n * 1000:.2f} ms CPU)", flush=True)
    limit_after, pyvi_cpu_after = pyvi_limit(sequences, args.procs)
    pyvi_cpu = (pyvi_cpu_before + pyvi_cpu_after) / 2
    limit = (limit_before + limit_after) / 2
    print(f"(a') pyvi only again: {limit_after:.0f} paragraphs/s", flush=True)
    fast_after, _ = pyvi_limit(sequences, args.procs, fast=True)
    fast = (fast_before + fast_after) / 2
    print(f"(a2') again: {fast_after:.0f} paragraphs/s", flush=True)
    size = disk_size(current_generation(index))
    serial = None
    if args.serial:
        serial = build_index(source, work / "index-serial", full=True, workers=1)
        print(f"one-process build_index: {serial.seconds:.1f} s", flush=True)

    pyvi_import = float(subprocess.run(
        [sys.executable, "-c", "import time; t = time.perf_counter(); from search.lang import segment; "
         "segment.load_pyvi(); print(time.perf_counter() - t)"],
        check=True, cwd=ROOT, capture_output=True, text=True).stdout)
    segment.load_pyvi()  # the updates below are timed with pyvi loaded
    updates = [("nothing changed", *timed_update(source, index))]
    victim = sorted(source.glob("*.txt"), key=lambda p: p.stat().st_size)[len(docs) // 2]
    lines = victim.read_text(encoding="utf-8").splitlines()
    lines[1] += " Hợp tác xã chè Tân Cương đạt doanh thu kỷ lục."
    victim.write_text("\n".join(lines) + "\n", encoding="utf-8")
    updates.append((f"one file changed ({len(lines)} paragraphs)", *timed_update(source, index)))
    added = source / "zz-added.txt"
    added.write_text("Báo cáo bổ sung\n" + "\n".join(lines[1:]).replace("Tân Cương", "La Bằng") + "\n",
                     encoding="utf-8")
    updates.append(("one file added", *timed_update(source, index)))
    added.unlink()
    updates.append(("one file deleted", *timed_update(source, index)))
    engine = Engine(index)
    assert engine.search('"doanh thu kỷ lục"')["total"] >= 1
    assert not any(h["doc_id"] == "zz-added" for h in engine.search("La Bằng", limit=100)["hits"])

    lines[1] += " Thêm một câu nữa."
    victim.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "search.cli", "index", "--source", str(source), "--index", str(index)]
    started = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cli_seconds = time.perf_counter() - started

    parts = breakdown(docs, sequences, args.sample, work)

    print()
    print("| measure | value |")
    print("| --- | --- |")
    print(f"| (a) pyvi segmentation only, {args.procs} processes | {limit:.0f} paragraphs/s "
          f"({limit_before:.0f} before, {limit_after:.0f} after (b)) |")
    print(f"| (b) `build_index --full`, {args.procs} workers | {build_rate:.0f} paragraphs/s "
          f"({report.seconds:.1f} s for {n} paragraphs) |")
    if serial:
        print(f"| `build_index --full`, one process | {n / serial.seconds:.0f} paragraphs/s "
              f"({serial.seconds:.1f} s; parallel is {serial.seconds / report.seconds:.2f}x faster) |")
    print(f"| (a2) the same with the indexer's feature extraction (segment.joins) | {fast:.0f} paragraphs/s "
          f"({fast_before:.0f} before, {fast_after:.0f} after (b)) |")
    print(f"| (c) ratio (b) / (a) | {build_rate / limit:.2f} (target: at least 0.7) |")
    print(f"| (c3) CPU: pyvi's ms a paragraph / the build's (all its processes) | "
          f"{pyvi_cpu * 1000:.2f} / {build_cpu * 1000:.2f} = {pyvi_cpu / build_cpu:.2f} |")
    for k, ((new_s, new_cpu), (old_s, old_cpu)) in enumerate(rounds, start=1):
        print(f"| round {k}: this code / {args.baseline[0]}, own processes | "
              f"{n / new_s:.0f} / {n / old_s:.0f} paragraphs/s, ratio to (a) {n / new_s / limit:.2f} / "
              f"{n / old_s / limit:.2f} ({old_s / new_s:.2f}x faster); CPU {new_cpu / n * 1000:.2f} / "
              f"{old_cpu / n * 1000:.2f} ms a paragraph, pyvi's / the build's "
              f"{pyvi_cpu * n / new_cpu:.2f} / {pyvi_cpu * n / old_cpu:.2f} |")
    print(f"| (c2) ratio (b) / (a2) | {build_rate / fast:.2f} |")
    print(f"| (d) index size on disk | {size / 2**20:.1f} MiB ({size / sum(len(p.encode()) for p in paragraphs):.1f}x the text's UTF-8) |")
    print(f"| pyvi import (once per process) | {pyvi_import:.2f} s |")
    for what, seconds, detail in updates:
        print(f"| (e) update, {what} | {seconds:.3f} s ({detail}) |")
    print(f"| (e) `vnsearch index` after one changed file, whole command | {cli_seconds:.2f} s |")
    whole = parts["parse"] + parts["add_document"] + parts["segment"] + parts["model"]
    print(f"\nWhere one process's time goes ({parts['paragraphs']} paragraphs, ms per paragraph):\n")
    print("| layer | ms/paragraph | share of the work |")
    print("| --- | --- | --- |")
    rows = [("parsing the files (decoding, boilerplate, title, metadata)", parts["parse"]),
            ("pyvi segmentation (segment.joins)", parts["pyvi"]),
            ("the rest of the analysis (all five fields, index_terms)", parts["analysis"] - parts["pyvi"]),
            ("gathering postings, stored fields, columns (SegmentBuilder.add)",
             parts["add_document"] - parts["analysis"]),
            ("writing the segment (SegmentBuilder.finish)", parts["segment"]),
            # A build counts the model where it indexes (lang/accent_counts.py:
            # ~0.02 ms a paragraph, the scan reused); this is training apart.
            ("training the accent model (apart from a build)", parts["model"])]
    for name, value in rows:
        print(f"| {name} | {value * 1000:.2f} | {value / whole:.0%} |")


if __name__ == "__main__":
    main()
