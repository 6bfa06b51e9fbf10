"""Building the index from a source folder, from scratch or incrementally.

An update re-analyses only the files whose sha256 differs from the manifest's:
the new generation starts as hard links to the current one's files (see
``store.link_generation``), loses the changed and deleted documents, gains the
new text, and is published like a full build. Parsing files and analysing
paragraphs (pyvi above all) are the cost, so big batches go to worker
processes (``workers.py``), each parsing files and writing segments with a
``SegmentBuilder`` (``whoosh_write.py``), one per run of files as
``chunks.py`` cuts them (the same segments in a one-process build): one analysis pass per
paragraph for all five text fields, the segment written straight through
whoosh3's file formats.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm
from whoosh import index as whoosh_index

from ..analysis.terms import analysis_version
from ..ingest.corpus import (Corpus, Document, Skipped, ingest_version, parse_file, read_corpus,
                             relative_name)
from ..ingest.formats.ocr import low_page_warnings, session as ocr_session
from ..lang.accent_counts import Tally
from ..lang.restore import MODEL_FILE
from .chunks import chunked, ordered_items, segment_ids, weight
from .hot import POSTINGS_FORMAT
from .merge import merge_policy
from .pause import point
from .schema import make_schema
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
from .training import train
from .whoosh_write import LIMIT_MB, SegmentBuilder, commit
from .workers import WRITING, ParallelBuild, cores, fewer_collections

# Starting a process and loading pyvi in it costs about what indexing a few
# hundred paragraphs does (measured before SegmentBuilder, when a paragraph
# cost three times as much: two workers tied with one process at 300
# paragraphs and won by 1.3x at 1,000; the tie is higher now). Compared with
# an estimate made before parsing (estimated_paragraphs).
PARALLEL_MIN_PARAGRAPHS = 1000
ANALYSING = "Đang phân tích"


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
    # Indexed, with something to say: scanned pages OCR read badly.
    warnings: list[Skipped] = field(default_factory=list)


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
        raise FileNotFoundError(f"không có thư mục nguồn {source}")
    started = time.perf_counter()
    # OCR in this process and the workers caches into index_dir (formats/ocr.py).
    with build_lock(index_dir), ocr_session(index_dir, progress):
        recover(index_dir)
        point("locked")
        base, old, reason = (None, {}, "") if full else _reusable(index_dir)
        known = {doc_id: d["sha256"] for doc_id, d in old.get("documents", {}).items()}
        # Parsed later, in the workers or in _write, once cut into segments' runs.
        corpus = read_corpus(source, known, defer=True)
        # Every id the index holds but for unchanged files goes: changed files
        # come back with their new text, the others are gone.
        delete = sorted(set(known) - set(corpus.unchanged))
        generation = link_generation(index_dir, base) if base else new_generation(index_dir)
        try:
            point("generation")
            if base:
                ix = whoosh_index.open_dir(str(generation))
            else:
                ix = whoosh_index.create_in(str(generation), make_schema())
            # An update keeps the model it linked from the last full build:
            # retraining costs seconds per 10,000 paragraphs, and a few
            # changed files barely move the statistics.
            model = generation / MODEL_FILE if base is None else None
            if corpus.documents or corpus.pending or delete:
                with fewer_collections():
                    _write(ix, corpus, delete, progress, workers, model)
            if model and not model.exists():
                train(corpus.documents, model)
            corpus.skipped.sort(key=lambda s: s.name)
            present = {d.doc_id for d in corpus.documents} | set(corpus.unchanged)
            gone = sorted(set(known) - present)
            replaced = [d.doc_id for d in corpus.documents if d.doc_id in known]
            entries = {doc_id: dict(old["documents"][doc_id], file=relative_name(rel))
                       for doc_id, rel in corpus.unchanged.items()}
            entries.update({d.doc_id: {"file": d.file, "sha256": d.sha256,
                                       "paragraphs": len(d.paragraphs)}
                            for d in corpus.documents})
            documents = dict(sorted(entries.items()))
            paragraphs = sum(d["paragraphs"] for d in documents.values())
            publish(index_dir, generation, {
                "source": str(source.resolve()),
                "analysis_version": analysis_version(),
                "ingest_version": ingest_version(),
                "postings_format": POSTINGS_FORMAT,
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
        warnings=[Skipped(d.file or d.path.name, w) for d in corpus.documents for w in low_page_warnings(d.meta)],
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
        return None, {}, f"không đọc được chỉ mục hiện có ({e})"
    version = manifest.get("analysis_version")
    if version != analysis_version():
        return None, {}, f"chỉ mục được lập với phiên bản phân tích {version}, bản này là {analysis_version()}"
    # Segments written before the flat postings (index/hot.py) would be read
    # through Whoosh, correct but several times slower.
    version = manifest.get("postings_format")
    if version != POSTINGS_FORMAT:
        return None, {}, f"chỉ mục được lập với định dạng danh sách từ {version}, bản này là {POSTINGS_FORMAT}"
    # The reading rules (junk lines, dates) changed: unchanged files would
    # keep what the old rules made of them.
    version = manifest.get("ingest_version")
    if version != ingest_version():
        return None, {}, f"chỉ mục được lập với quy tắc đọc tệp {version}, bản này là {ingest_version()}"
    try:
        schema = whoosh_index.open_dir(str(gen)).schema
    except Exception as e:  # a damaged index is rebuilt, not patched
        return None, {}, f"không mở được chỉ mục hiện có ({e})"
    if _signature(schema) != _signature(make_schema()):
        return None, {}, "lược đồ của chỉ mục khác với phiên bản này"
    return gen, manifest, ""


def _signature(schema) -> list:
    # Schema.__eq__ says two fresh NUMERIC fields differ: compare what matters.
    return [(name, type(f).__name__, f.stored, type(f.format).__name__,
             getattr(f, "analyzer", None)) for name, f in schema.items()]


def _write(ix, corpus: Corpus, delete: list[str], progress: bool,
           workers: int | None, model: Path | None) -> None:
    """Delete ``delete``'s paragraphs, add the corpus's new documents (parsing
    its pending files), commit one new TOC; train the accent model into
    ``model`` when given, on the paragraphs as they are indexed.

    The new documents are written as ``chunks.chunked`` cuts them, one
    segment a run, by this process or by workers: the same segments either way."""
    workers = workers or cores()
    items = ordered_items(corpus.documents, corpus.pending)
    runs = chunked(items)
    ids = segment_ids(items, runs, ix.storage.folder)
    estimate = sum(weight(*item) for item in items)
    parallel = workers > 1 and len(runs) > 1 and estimate >= PARALLEL_MIN_PARAGRAPHS
    if not parallel:
        # Parsed here: the bar's total is exact, not the guess made from bytes.
        items = [("doc", item if kind == "doc" else parse_file(*item)) for kind, item in items]
        corpus.documents, corpus.pending = [], []
        for _, parsed in items:
            corpus.add(parsed)
        estimate = sum(len(d.paragraphs) for d in corpus.documents)
    writer = ix.writer(limitmb=LIMIT_MB)
    bar = tqdm(total=estimate, desc=ANALYSING, unit="đoạn",
               disable=not progress, leave=False)
    try:
        for doc_id in delete:
            writer.delete_by_term("doc_id", doc_id)
        if parallel:
            segments = ParallelBuild(ix, corpus, min(workers, len(runs)), bar, model,
                                     items, runs, ids).run()
        else:
            segments = []
            # The accent model counted as the paragraphs are indexed (the
            # parallel build counts each run where it is indexed).
            tally = Tally() if model else None
            for run, segid in zip(runs, ids):
                builder = SegmentBuilder(ix, segid)
                builder.tally = tally
                try:
                    for i in run:
                        doc = items[i][1]
                        if isinstance(doc, Document):
                            builder.add(doc)
                            bar.update(len(doc.paragraphs))
                    segments.append(builder.finish())
                except BaseException:
                    builder.cancel()
                    raise
            segments = [s for s in segments if s is not None]
            if tally:
                tally.model().save(model)
            bar.set_description(WRITING)
            bar.refresh()
        point("segment")
        commit(writer, segments, merge_policy)
    except BaseException:
        try:  # the generation is thrown away: only free the lock and temp files
            if not writer.is_closed:
                writer.cancel()
        except Exception:
            pass
        raise
    finally:
        bar.close()
