"""Building the index from a source folder, from scratch or incrementally.

An update re-analyses only the files whose sha256 differs from the manifest's:
the new generation starts as hard links to the current one's files (see
``store.link_generation``), loses the changed and deleted documents, gains the
new text, and is published like a full build. Parsing files and analysing
paragraphs (pyvi above all) are the cost, so big batches go to worker
processes, each parsing its files and writing its own segment with a
``SegmentBuilder``: one analysis pass per paragraph for all five text fields,
postings gathered per term, the segment written straight through whoosh3's
file formats, byte for byte what Whoosh's own writer makes of the same text.
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
from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import count, repeat
from pathlib import Path
from pickle import dumps
from struct import pack
from zlib import compress

import numpy as np
from tqdm import tqdm
from whoosh import formats
from whoosh import index as whoosh_index
from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import COMPRESSION_MIN_SIZE, WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.filedb.filetables import _lengths
from whoosh.reading import SegmentReader
from whoosh.system import pack_int, pack_long, pack_uint, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from .analysis import FAST_ANALYZERS, index_terms
from .corpus import Corpus, Document, Skipped, estimated_paragraphs, parse_file, read_corpus
from .facets import column_values
from .hot import HOT_MIN_DF, write_hot_postings
from .pause import point
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

# Starting a process and loading pyvi in it costs about what indexing a few
# hundred paragraphs does (measured before SegmentBuilder, when a paragraph
# cost three times as much: two workers tied with one process at 300
# paragraphs and won by 1.3x at 1,000; the tie is higher now). Compared with
# an estimate made before parsing (estimated_paragraphs).
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
        point("locked")
        base, old, reason = (None, {}, "") if full else _reusable(index_dir)
        known = {doc_id: d["sha256"] for doc_id, d in old.get("documents", {}).items()}
        corpus = read_corpus(source, known, defer=(workers or _cores()) > 1)
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
                _write(ix, corpus, delete, progress, workers, model)
            if model and not model.exists():
                _train(corpus.documents, model)
            corpus.skipped.sort(key=lambda s: s.name)
            present = {d.doc_id for d in corpus.documents} | set(corpus.unchanged)
            gone = sorted(set(known) - present)
            replaced = [d.doc_id for d in corpus.documents if d.doc_id in known]
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


def _write(ix, corpus: Corpus, delete: list[str], progress: bool,
           workers: int | None, model: Path | None) -> None:
    """Delete ``delete``'s paragraphs, add the corpus's new documents (parsing
    its pending files), commit one new TOC; train the accent model into
    ``model`` when given, alongside the workers."""
    workers = workers or _cores()
    estimate = sum(len(d.paragraphs) for d in corpus.documents) + sum(
        estimated_paragraphs(raw, path.suffix) for path, raw, _ in corpus.pending)
    parallel = workers > 1 and estimate >= PARALLEL_MIN_PARAGRAPHS
    if not parallel:
        for item in corpus.pending:
            corpus.add(parse_file(*item))
        corpus.pending = []
        corpus.documents.sort(key=lambda d: d.path)  # file order, as read_corpus gives
    writer = ix.writer(limitmb=LIMIT_MB)
    bar = tqdm(total=estimate, desc=ANALYSING, unit="đoạn",
               disable=not progress, leave=False)
    try:
        for doc_id in delete:
            writer.delete_by_term("doc_id", doc_id)
        if parallel:
            segments = _analyse_in_workers(ix.storage.folder, corpus, workers, bar, model)
        else:
            builder = SegmentBuilder(ix)
            try:
                for doc in corpus.documents:
                    builder.add(doc)
                    bar.update(len(doc.paragraphs))
                bar.set_description(WRITING)
                segments = [s for s in [builder.finish()] if s is not None]
            except BaseException:
                builder.cancel()
                raise
        point("segment")
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


def _train(docs, model: Path) -> None:
    AccentModel.train(p for d in docs for p in d.paragraphs).save(model)


def _add(writer, doc: Document) -> None:
    """``doc``'s paragraphs through Whoosh's own writer (the reference path:
    ``SegmentBuilder`` must index exactly what this does)."""
    columns = column_values(doc.meta)
    for n, text in enumerate(doc.paragraphs, start=1):
        writer.add_document(doc_id=doc.doc_id, para=n, title=doc.title, text=text,
                            meta=doc.meta, **columns, **dict.fromkeys(ANALYZED_FIELDS, text))


class SegmentBuilder:
    """Writes one new whoosh3 segment of paragraphs, through Whoosh's codec.

    Whoosh's ``SegmentWriter`` analyses every field separately and sends each
    posting through a sorting pool of Python tuples, which took more time than
    pyvi. Here a paragraph is analysed once for all five text fields
    (``analysis.index_terms``), postings gather per term in memory (docnums
    only grow), and at the end each term's postings are handed to the codec's
    postings writer a block at a time. The segment is an ordinary one: same
    terms, frequencies, weights, field lengths, stored fields and columns as
    ``_add`` through a ``SegmentWriter`` (tests/test_indexer.py compares them).
    """

    def __init__(self, ix):
        self.storage, self.schema = ix.storage, ix.schema
        self.codec = default_codec()
        self.segment = self.codec.new_segment(self.storage, ix.indexname)
        self.perdoc = self.codec.per_document_writer(self.storage, self.segment)
        self.docnum = 0
        schema = self.schema
        # The fast path serves a field only while its analyzer is the one
        # index_terms stands for; any other field goes through field.index().
        self.fast = [(name, k) for k, name in enumerate(ANALYZED_FIELDS)
                     if schema[name].analyzer == FAST_ANALYZERS[k]()]
        fast = {name for name, _ in self.fast}
        names = sorted(set(schema.names()))
        # (name, field, stored, column) for the fields field.index() handles
        self.other = [(name, schema[name]) for name in names if name not in fast]
        self.order = names
        # Postings by field, as three parallel columns (term id, docnum,
        # frequency) appended a paragraph at a time; term ids are handed out
        # in order of first sight. finish() groups them by term with numpy.
        self.postings: dict[str, _Postings] = {name: _Postings()
                                               for name in names if schema[name].indexed}
        # length bytes per docnum, for the fields whose lengths are kept
        self.lengths = {name: bytearray() for name in names if schema[name].scorable}
        self._items: dict = {}  # (field, value) -> field.index(value), for repeated values

    def add(self, doc: Document) -> None:
        columns = column_values(doc.meta)
        for n, text in enumerate(doc.paragraphs, start=1):
            self._add(dict(doc_id=doc.doc_id, para=n, title=doc.title, text=text,
                           meta=doc.meta, **columns), text)

    def _add(self, values: dict, text: str) -> None:
        docnum, schema, postings, lengths = self.docnum, self.schema, self.postings, self.lengths
        perdoc = self.perdoc
        perdoc.start_doc(docnum)
        if self.fast:
            terms = index_terms(text)
            for name, k in self.fast:
                counts = terms[k]
                postings[name].add(docnum, counts)
                length = sum(counts.values())
                lengths[name].append(length_to_byte(length))
                perdoc.add_field(name, schema[name], None, length)
        for name, field in self.other:
            value = values.get(name, text) if name in ANALYZED_FIELDS else values.get(name)
            if value is None:
                continue
            key = (name, value) if isinstance(value, (str, int)) else None
            cached = self._items.get(key) if key else None
            if cached is None:
                cached = self._index(name, field, value)
                if key and len(self._items) < 100_000:
                    self._items[key] = cached
            items, length, column = cached
            if items:
                postings[name].add(docnum, items)
            if name in lengths:
                lengths[name].append(length_to_byte(length))
            perdoc.add_field(name, field, value if field.stored else None, length)
            if column is not None:
                perdoc.add_column_value(name, field.column_type, column)
        for name in self.lengths:
            if len(lengths[name]) <= docnum:  # a field the paragraph had no value for
                lengths[name].append(0)
        perdoc.finish_doc()
        self.docnum += 1

    @staticmethod
    def _index(name, field, value) -> tuple[list, int, object]:
        """What a field other than index_terms' five makes of ``value``:
        ``({term bytes: freq}, length, column value or None)``."""
        items, length = {}, 0
        if field.indexed:
            encode = _value_encoder(field.format)
            for tbytes, freq, weight, vbytes in field.index(value):
                if weight != freq or vbytes != encode(freq):
                    raise ValueError(f"field {name!r}: postings with boosts are not supported")
                items[tbytes] = items.get(tbytes, 0) + freq
                length += freq
        if not field.scorable:
            length = 0
        column = field.to_column_value(value) if field.column_type else None
        return items, length, column

    def finish(self):
        """Write the postings and close the segment; None if nothing was added."""
        self.perdoc.close()
        writer = self.codec.field_writer(self.storage, self.segment)
        if not self.docnum:
            writer.close()
            return None
        hot = {}
        for name in sorted(self.postings):
            if self.postings[name].ids:
                self._write_field(writer, name)
                if name in ANALYZED_FIELDS:
                    hot[name] = self.postings[name].hot
        writer.close()
        self.postings.clear()
        segment = self.segment
        segment.set_doc_count(self.docnum)
        if segment.should_assemble():
            segment.create_compound_file(self.storage)
            segment.compound = True
        # After the compound file, which would swallow it; named after the
        # segment, so Whoosh deletes it with the segment.
        write_hot_postings(Path(self.storage.folder), segment.segment_id(), hot)
        return segment

    def _write_field(self, writer, name: str) -> None:
        """One field's terms, in order, into the segment's term and postings files.

        The bytes are those of whoosh3's ``W3PostingsWriter`` and
        ``W3TermInfo`` for the same postings (blocks of up to ``blocklimit``
        postings, each a pickled info tuple and a pickled, maybe compressed,
        data tuple), laid out here in one pass per term instead of one
        Python call per posting: most terms have one or two postings, and
        Whoosh's per-term machinery cost more than analysing the text.
        tests/test_segment_builder.py compares the files byte for byte.
        """
        field = self.schema[name]
        keys, starts, docs_of, freqs_of = self.postings[name].grouped()
        writer.start_field(name, field)
        tindex, postfile = writer._tindex, writer._postfile
        prefix = pack_ushort(writer._fieldid)
        blocklimit, level = self.codec._blocklimit, self.codec._compression
        frequency = _value_encoder(field.format) is pack_uint
        lens = self.lengths.get(name)
        to_length, roundtrip = _BYTE_TO_LENGTH, _BYTE_ROUNDTRIP
        base = postfile.tell()
        buf = bytearray()
        # str order is UTF-8 byte order: the sort needs no encoding
        btexts = [k.encode("utf-8") for k, _ in keys] if isinstance(keys[0][0], str) else [k for k, _ in keys]
        # OrderedHashWriter.add, inlined: the term file's record and hash slot.
        tfile, index, buckets, hashfn = tindex.dbfile, tindex.index, tindex.buckets, tindex.hashfn
        record = _HASH_LENGTHS.pack
        if tindex.lastkey >= prefix + btexts[0]:
            raise ValueError("terms out of order")
        tpos = tfile.tell()
        tbuf = bytearray()
        for (key, tid), btext in zip(keys, btexts):
            first, last = starts[tid], starts[tid + 1]
            start = base + len(buf)
            if last - first == 1:  # one posting: most terms
                d, f = docs_of[first], freqs_of[first]
                lb = roundtrip[lens[d]] if lens is not None else 0
                block = dumps(((d,), None if f == 1 else float(f),
                               pack_uint(f) if frequency else None), 2)
                comp = level if len(block) >= COMPRESSION_MIN_SIZE else 0
                if comp:
                    block = compress(block, comp)
                info = dumps((1, d, float(f), comp, lb, lb), 2)
                buf += _HEADER_MAGIC
                buf += pack_int(-len(info) - len(block))
                buf += info
                buf += block
                value = _TERMINFO.pack(0, f, 1, lb, lb, f, d, d)
            else:
                docs, freqs = docs_of[first:last], freqs_of[first:last]
                n = len(docs)
                minlength, maxlength = None, 0
                for at in range(0, n, blocklimit):
                    ids, fs = docs[at:at + blocklimit], freqs[at:at + blocklimit]
                    if at == 0:
                        buf += _HEADER_MAGIC
                    count = len(ids)
                    deltas = [ids[0]]
                    deltas += [b - a for a, b in zip(ids, ids[1:])]
                    top = max(fs)
                    weights = None if top == 1 else (float(top) if min(fs) == top else
                                                     tuple(map(float, fs)))
                    values = pack(f"!{count}I", *fs) if frequency else None
                    block = dumps((tuple(deltas), weights, values), 2)
                    comp = level if len(block) >= COMPRESSION_MIN_SIZE else 0
                    if comp:
                        block = compress(block, comp)
                    if lens is not None:
                        ls = [lens[d] for d in ids]
                        bmin, bmax = to_length[min(ls)], to_length[max(ls)]
                        minlength = bmin if minlength is None else min(minlength, bmin)
                        maxlength = max(maxlength, bmax)
                    else:
                        bmin, bmax = None, 0
                    info = dumps((count, ids[-1], float(top), comp, length_to_byte(bmin),
                                  length_to_byte(bmax)), 2)
                    size = len(info) + len(block)
                    buf += pack_int(-size if at + blocklimit >= n else size)
                    buf += info
                    buf += block
                value = _TERMINFO.pack(
                    0, sum(freqs), n, 0 if minlength is None else length_to_byte(minlength),
                    length_to_byte(maxlength), max(freqs), docs[0], docs[-1])
            value += pack_long(start) + pack_int(base + len(buf) - start)
            tkey = prefix + btext
            index.append(tpos)
            h = hashfn(tkey)
            buckets[h & 255].append((h, tpos))
            tbuf += record(len(tkey), len(value))
            tbuf += tkey
            tbuf += value
            tpos += 8 + len(tkey) + len(value)
            if len(buf) > 1 << 20:
                postfile.write(bytes(buf))
                base += len(buf)
                buf.clear()
            if len(tbuf) > 1 << 20:
                tfile.write(bytes(tbuf))
                tbuf.clear()
        postfile.write(bytes(buf))
        tfile.write(bytes(tbuf))
        tindex.lastkey = prefix + btexts[-1]
        writer.finish_field()

    def cancel(self) -> None:
        if not self.perdoc.is_closed:
            self.perdoc.close()


class _Postings:
    """One field's postings in a segment being built, in arrival order."""

    def __init__(self):
        self.ids = defaultdict(count().__next__)  # term -> id, assigned in C
        self.terms, self.docs, self.freqs = array("I"), array("I"), array("I")

    def add(self, docnum: int, counts: dict) -> None:
        """``counts``: term -> frequency in the paragraph ``docnum``."""
        self.terms.extend(map(self.ids.__getitem__, counts))
        self.freqs.extend(counts.values())
        self.docs.extend(repeat(docnum, len(counts)))

    def grouped(self):
        """``(sorted [(term, id)], starts, docnums, freqs)``: term ``id``'s
        postings are ``docnums[starts[id]:starts[id + 1]]`` (ascending) and
        the same slice of ``freqs``."""
        terms = np.frombuffer(self.terms, dtype=np.uint32)
        order = np.argsort(terms, kind="stable")  # docnums stay ascending per term
        counts = np.bincount(terms, minlength=len(self.ids))
        starts = np.zeros(len(self.ids) + 1, dtype=np.int64)
        np.cumsum(counts, out=starts[1:])
        docs = np.frombuffer(self.docs, dtype=np.uint32)[order]
        freqs = np.frombuffer(self.freqs, dtype=np.uint32)[order]
        keys = sorted(self.ids.items())
        # Terms in HOT_MIN_DF paragraphs or more, for the hot postings file.
        frequent = counts >= HOT_MIN_DF
        mask = np.repeat(frequent, counts)
        # Their postings lie one term after another in the order of term ids.
        by_id = sorted((tid, term) for term, tid in keys if frequent[tid])
        self.hot = ([term for _, term in by_id], counts[frequent], docs[mask], freqs[mask])
        self.ids, self.terms, self.docs, self.freqs = {}, array("I"), array("I"), array("I")
        return keys, starts.tolist(), docs.tolist(), freqs.tolist()


_BYTE_TO_LENGTH = [byte_to_length(b) for b in range(256)]
_BYTE_ROUNDTRIP = [length_to_byte(n) for n in _BYTE_TO_LENGTH]
_HASH_LENGTHS = _lengths
_HEADER_MAGIC = WHOOSH3_HEADER_MAGIC
_TERMINFO = W3TermInfo._struct


def _value_encoder(fmt):
    """freq -> the value bytes ``fmt`` stores for a posting without boosts."""
    if isinstance(fmt, formats.Frequency) and type(fmt) is formats.Frequency:
        return pack_uint
    if type(fmt) is formats.Existence:
        return lambda freq: b""
    raise ValueError(f"format {type(fmt).__name__} is not supported by SegmentBuilder")


def _values_encoder(fmt):
    """freqs -> the block's value list as the postings writer would hold it."""
    if _value_encoder(fmt) is pack_uint:
        return lambda fs: [pack(f"!{len(fs)}I", *fs)]
    return lambda fs: []


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


def _analyse_in_workers(folder: str, corpus: Corpus, procs: int, bar,
                        model: Path | None) -> list:
    """Parse and index the corpus's pending files and its documents in
    ``procs`` processes; return the segments they wrote.

    Each worker loads pyvi once, takes batches of files off a queue (so the
    faster one takes more), parses them, and writes one segment into
    ``folder``; it sends each document back (the manifest and the accent
    model need them), or why a file was skipped. The accent model is
    trained here meanwhile, on a thread fed with the documents as they come.
    Spawned, not forked: a worker must not inherit the build lock or a
    thread's lock.
    """
    ctx = multiprocessing.get_context("spawn")
    jobs, results = ctx.Queue(maxsize=2 * procs), ctx.Queue()
    workers = [ctx.Process(target=_worker, args=(folder, jobs, results, os.getpid()),
                           daemon=True) for _ in range(procs)]
    for w in workers:
        w.start()
    segments: list = []
    # In file order, as a one-process build reads them: the accent model is
    # trained in this order, so it does not depend on which worker is faster.
    items = sorted([("doc", d) for d in corpus.documents] + [("file", f) for f in corpus.pending],
                   key=lambda item: item[1].path if item[0] == "doc" else item[1][0])
    corpus.documents, corpus.pending = [], []
    received = 0
    trainer = _Trainer(model) if model else None

    def handle(kind, value) -> None:
        nonlocal received
        if kind == "error":
            raise RuntimeError(f"an indexing worker failed:\n{value}")
        if kind == "segment":
            segments.append(value)
            return
        i, parsed = value
        parsed = parsed or items[i][1]  # None: a document parsed here, sent as is
        received += 1
        if isinstance(parsed, Document):
            corpus.documents.append(parsed)
            bar.update(len(parsed.paragraphs))
        else:
            corpus.skipped.append(parsed)
        if trainer:
            trainer.feed(i, parsed if isinstance(parsed, Document) else None)
        if received == len(items):
            bar.total = bar.n
            bar.set_description(WRITING)

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
        for batch in _batches(list(enumerate(items))):
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
        if trainer:
            trainer.finish()
        corpus.documents.sort(key=lambda d: d.path)
    except BaseException:
        for w in workers:
            w.kill()
            w.join()
        # Batches nobody will read would hold up interpreter exit.
        jobs.cancel_join_thread()
        results.cancel_join_thread()
        if trainer:
            trainer.abandon()
        raise
    return [s for s in segments if s is not None]


class _Trainer:
    """Trains the accent model on a thread, on the documents as they come,
    put back in file order."""

    def __init__(self, model: Path):
        self.model, self.docs = model, queue.SimpleQueue()
        self.waiting: dict[int, Document | None] = {}
        self.next = 0
        self.error: BaseException | None = None
        self.cancelled = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def feed(self, i: int, doc: Document | None) -> None:
        """The ``i``-th file's document (None: the file was skipped)."""
        self.waiting[i] = doc
        while self.next in self.waiting:
            doc = self.waiting.pop(self.next)
            self.next += 1
            if doc is not None:
                self.docs.put(doc)

    def _paragraphs(self):
        while (doc := self.docs.get()) is not None:
            yield from doc.paragraphs
        if self.cancelled:
            raise _Cancelled

    def _run(self) -> None:
        try:
            AccentModel.train(self._paragraphs()).save(self.model)
        except BaseException as e:  # re-raised by finish()
            self.error = e

    def finish(self) -> None:
        assert not self.waiting, "documents missing from the accent model's sequence"
        self.docs.put(None)
        self.thread.join()
        if self.error:
            raise self.error

    def abandon(self) -> None:
        """Stop without saving: the generation is being thrown away."""
        self.cancelled = True
        self.docs.put(None)
        self.thread.join()


class _Cancelled(Exception):
    pass


def _batches(items):
    """Jobs of about ``_BATCH_PARAGRAPHS`` paragraphs, of ``(i, item)`` with
    items ("doc", Document) or ("file", (path, raw bytes, sha256))."""
    batch, size = [], 0
    for i, (kind, item) in items:
        batch.append((i, kind, item))
        size += len(item.paragraphs) if kind == "doc" else estimated_paragraphs(item[1], item[0].suffix)
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
        builder = SegmentBuilder(whoosh_index.open_dir(folder))
        batch = jobs.get()
        point("worker")
        while batch is not None:
            for i, kind, item in batch:
                parsed = item if kind == "doc" else parse_file(*item)
                if isinstance(parsed, Document):
                    builder.add(parsed)
                # A document the parent sent is not sent back.
                results.put(("parsed", (i, None if kind == "doc" else parsed)))
            batch = jobs.get()
        results.put(("segment", builder.finish()))
    except BaseException:
        results.put(("error", traceback.format_exc()))


def _exit_with(parent: int) -> None:
    """Exit when the parent does: a killed build must not leave workers behind."""
    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
