"""Building the index from a source folder, from scratch or incrementally.

An update re-analyses only the files whose sha256 differs from the manifest's:
the new generation starts as hard links to the current one's files (see
``store.link_generation``), loses the changed and deleted documents, gains the
new text, and is published like a full build. Analysis (pyvi above all) is the
cost, so big batches go to worker processes, each writing its own segment.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import shutil
import signal
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm
from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from .corpus import Document, Skipped, read_corpus
from .facets import column_values
from .restore import MODEL_FILE, AccentModel
from .schema import ANALYZED_FIELDS, make_schema
from .store import (
    IndexMissing,
    build_lock,
    current_generation,
    link_generation,
    new_generation,
    publish,
    read_manifest,
    recover,
)

# Bump whenever schema.py, analysis.py, text.py or segment.py changes what a
# paragraph is indexed as: an index built with another version is rebuilt.
ANALYSIS_VERSION = 3

# Starting a process and loading pyvi in it costs about what analysing a few
# hundred paragraphs does: measured from a fresh process, two workers tie with
# one process at 300 paragraphs and win by 1.3x at 1,000, 1.6x at 2,000.
PARALLEL_MIN_PARAGRAPHS = 1000
LIMIT_MB = 256
MERGE_FACTOR = 10
_BATCH_PARAGRAPHS = 100
# The bar counts paragraphs analysed; writing the postings comes after, and
# takes about as long again.
ANALYSING, WRITING = "Đang phân tích", "Đang ghi chỉ mục"


@dataclass
class BuildReport:
    documents: int
    paragraphs: int
    seconds: float
    skipped: list[Skipped] = field(default_factory=list)
    full: bool = True
    reason: str = ""  # why a full build, when it was not asked for
    added: int = 0
    changed: int = 0
    deleted: int = 0
    unchanged: int = 0


def build_index(source: Path, index_dir: Path, progress: bool = False,
                full: bool = False, workers: int | None = None) -> BuildReport:
    """Bring the index of ``source`` up to date and publish it as a new generation.

    Only files added, changed or deleted since the current generation are
    analysed, unless ``full`` is set or the index was built with another
    analysis. Anything that goes wrong before the swap leaves the previous
    index serving.

    From ``PARALLEL_MIN_PARAGRAPHS`` paragraphs to analyse on, ``workers``
    processes (default: one per core) are started with multiprocessing's
    "spawn" method, which imports the caller's main module again: a script
    must call this under ``if __name__ == "__main__":``.
    """
    source, index_dir = Path(source), Path(index_dir)
    if not source.is_dir():
        raise FileNotFoundError(f"source folder {source} does not exist")
    started = time.perf_counter()
    with build_lock(index_dir):
        recover(index_dir)
        base, old, reason = (None, {}, "") if full else _reusable(index_dir)
        known = {doc_id: d["sha256"] for doc_id, d in old.get("documents", {}).items()}
        corpus = read_corpus(source, known)
        present = {d.doc_id for d in corpus.documents} | set(corpus.unchanged)
        gone = sorted(set(known) - present)
        replaced = [d.doc_id for d in corpus.documents if d.doc_id in known]
        generation = link_generation(index_dir, base) if base else new_generation(index_dir)
        try:
            if base:
                ix = whoosh_index.open_dir(str(generation))
            else:
                ix = whoosh_index.create_in(str(generation), make_schema())
            if corpus.documents or gone:
                _write(ix, corpus.documents, replaced + gone, progress, workers)
            if base is None:
                # An update keeps the model it linked from the last full build:
                # retraining costs seconds per 10,000 paragraphs, and a few
                # changed files barely move the statistics.
                AccentModel.train(p for d in corpus.documents for p in d.paragraphs
                                  ).save(generation / MODEL_FILE)
            entries = {doc_id: dict(old["documents"][doc_id], file=path.name)
                       for doc_id, path in corpus.unchanged.items()}
            entries.update({d.doc_id: {"file": d.path.name, "sha256": d.sha256,
                                       "paragraphs": len(d.paragraphs)}
                            for d in corpus.documents})
            documents = dict(sorted(entries.items()))
            paragraphs = sum(d["paragraphs"] for d in documents.values())
            publish(index_dir, generation, {
                "source": str(source.resolve()),
                "analysis_version": ANALYSIS_VERSION,
                "documents": documents,
                "paragraphs": paragraphs,
                "skipped": [{"name": s.name, "reason": s.reason} for s in corpus.skipped],
                "built_at": time.time(),
            })
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
    return BuildReport(
        len(documents), paragraphs, time.perf_counter() - started, corpus.skipped,
        full=base is None, reason=reason,
        added=len(corpus.documents) - len(replaced), changed=len(replaced),
        deleted=len(gone), unchanged=len(corpus.unchanged),
    )


def _reusable(index_dir: Path) -> tuple[Path | None, dict, str]:
    """The current generation and its manifest if an update may start from
    them, else ``(None, {}, why a full build is needed)``."""
    try:
        gen = current_generation(index_dir)
        manifest = read_manifest(gen)
    except IndexMissing:
        return None, {}, ""
    except (OSError, ValueError) as e:
        return None, {}, f"the current index cannot be read ({e})"
    version = manifest.get("analysis_version")
    if version != ANALYSIS_VERSION:
        return None, {}, f"it was built with analysis version {version}, this is {ANALYSIS_VERSION}"
    try:
        schema = whoosh_index.open_dir(str(gen)).schema
    except Exception as e:  # a damaged index is rebuilt, not patched
        return None, {}, f"the current index cannot be opened ({e})"
    if _signature(schema) != _signature(make_schema()):
        return None, {}, "its schema differs from this version's"
    return gen, manifest, ""


def _signature(schema) -> list:
    # Schema.__eq__ says two fresh NUMERIC fields differ: compare what matters.
    return [(name, type(f).__name__, f.stored, type(f.format).__name__,
             getattr(f, "analyzer", None)) for name, f in schema.items()]


def _write(ix, docs: list[Document], delete: list[str], progress: bool,
           workers: int | None) -> None:
    """Delete ``delete``'s paragraphs, add ``docs``', commit one new TOC."""
    total = sum(len(d.paragraphs) for d in docs)
    workers = workers or _cores()
    writer = ix.writer(limitmb=LIMIT_MB)
    bar = tqdm(total=total, desc=ANALYSING, unit="đoạn",
               disable=not progress, leave=False)
    try:
        for doc_id in delete:
            writer.delete_by_term("doc_id", doc_id)
        segments = []
        if workers > 1 and total >= PARALLEL_MIN_PARAGRAPHS:
            segments = _analyse_in_workers(ix.storage.folder, docs, workers, bar)
        else:
            for doc in docs:
                _add(writer, doc)
                bar.update(len(doc.paragraphs))
            bar.set_description(WRITING)
        # What MpWriter(multisegment=True) does at commit, with our merge policy.
        kept = writer._merge_segments(_merge_policy, False, True)
        if writer._added:
            kept.append(writer._finalize_segment())
        else:
            writer._close_segment()
        writer._commit_toc(kept + segments)
        writer._finish()
    except BaseException:
        try:  # the generation is thrown away: only free the lock and temp files
            if not writer.is_closed:
                writer.cancel()
        except Exception:
            pass
        raise
    finally:
        bar.close()


def _add(writer, doc: Document) -> None:
    columns = column_values(doc.meta)
    for n, text in enumerate(doc.paragraphs, start=1):
        writer.add_document(doc_id=doc.doc_id, para=n, title=doc.title, text=text,
                            meta=doc.meta, **columns, **dict.fromkeys(ANALYZED_FIELDS, text))


def _merge_policy(writer, segments):
    """Which existing segments this commit rewrites into its new one.

    Merging costs about what writing the postings did in the first place, so
    big segments are left alone and one changed file stays cheap: segments
    are merged ten of a size at a time (sizes by powers of ten, as Lucene's
    log merge policy does), and a segment is rewritten alone once half of
    it is deleted. A wholly deleted segment is simply dropped.
    """
    levels: dict[int, list] = {}
    for s in segments:
        levels.setdefault(len(str(s.doc_count_all())), []).append(s)
    merge = {id(s) for group in levels.values() if len(group) >= MERGE_FACTOR for s in group}
    merge |= {id(s) for s in segments if s.deleted_count() * 2 >= s.doc_count_all()}
    for s in segments:
        if id(s) in merge and s.doc_count() > 0:
            reader = SegmentReader(writer.storage, writer.schema, s)
            writer.add_reader(reader)
            reader.close()
    return [s for s in segments if id(s) not in merge]


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


# --- worker processes ---------------------------------------------------------


def _analyse_in_workers(folder: str, docs: list[Document], procs: int, bar) -> list:
    """Analyse ``docs`` in ``procs`` processes; return the segments they wrote.

    Each worker loads pyvi once, takes batches of documents off a queue (so
    the faster one takes more) and writes one segment into ``folder``. Spawned,
    not forked: a worker must not inherit the build lock or a thread's lock.
    """
    total = sum(len(d.paragraphs) for d in docs)
    ctx = multiprocessing.get_context("spawn")
    jobs, results = ctx.Queue(maxsize=2 * procs), ctx.Queue()
    workers = [ctx.Process(target=_worker, args=(folder, jobs, results, os.getpid()),
                           daemon=True) for _ in range(procs)]
    for w in workers:
        w.start()
    segments: list = []

    def handle(kind, value) -> None:
        if kind == "error":
            raise RuntimeError(f"an indexing worker failed:\n{value}")
        if kind == "done":
            bar.update(value)
            if bar.n >= total:
                bar.set_description(WRITING)
        else:
            segments.append(value)

    def receive(wait: float = 0) -> None:
        """Handle every message there is, after waiting up to ``wait`` s for one."""
        try:
            message = results.get(timeout=wait) if wait else results.get_nowait()
            while True:
                handle(*message)
                message = results.get_nowait()
        except queue.Empty:
            pass
        dead = [w.exitcode for w in workers if w.exitcode not in (None, 0)]
        if dead:
            raise RuntimeError(f"an indexing worker died (exit code {dead[0]})")

    try:
        for batch in _batches(docs):
            while True:
                try:
                    jobs.put(batch, timeout=0.2)
                    break
                except queue.Full:
                    receive()
            receive()
        for _ in workers:
            jobs.put(None)
        while len(segments) < procs:
            exited = all(w.exitcode == 0 for w in workers)
            receive(wait=2 if exited else 0.5)  # the last message may land just after its exit
            if exited and len(segments) < procs:
                raise RuntimeError("the indexing workers stopped without their segments")
        for w in workers:
            w.join()
    except BaseException:
        for w in workers:
            w.kill()
            w.join()
        # Batches nobody will read would hold up interpreter exit.
        jobs.cancel_join_thread()
        results.cancel_join_thread()
        raise
    return [s for s in segments if s is not None]


def _batches(docs: list[Document]):
    batch, size = [], 0
    for d in docs:
        batch.append(d)
        size += len(d.paragraphs)
        if size >= _BATCH_PARAGRAPHS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _worker(folder: str, jobs, results, parent: int) -> None:
    # Ctrl-C reaches the whole process group: the parent decides and kills us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with(parent)
    try:
        from . import segment

        segment._pyvi()
        writer = SegmentWriter(whoosh_index.open_dir(folder), _lk=False, limitmb=LIMIT_MB)
        while (batch := jobs.get()) is not None:
            for doc in batch:
                _add(writer, doc)
                results.put(("done", len(doc.paragraphs)))
        if writer._added:
            results.put(("segment", writer._finalize_segment()))
        else:
            writer._close_segment()
            results.put(("segment", None))
    except BaseException:
        results.put(("error", traceback.format_exc()))


def _exit_with(parent: int) -> None:
    """Exit when the parent does: a killed build must not leave workers behind."""
    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
