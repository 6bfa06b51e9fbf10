"""Parsing and analysing a big batch in this process and worker processes.

The segments' runs of files (``chunks.py``) are shared out: the building
process writes the first, each worker process another, from its own queue
of files. Each parses its files and writes its run's segment into the new
generation with a ``SegmentBuilder``, counting the accent model's syllables
as it goes (``lang/accent_counts.py``); a worker sends each document back
(the manifest needs them) or why a file was skipped, then its segment and
its counts, which the building process joins in file order. Spawned, not
forked: a worker must not inherit the build lock or a thread's lock. A
worker exits when its parent does, so a killed build leaves no process
behind.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import signal
import threading
import time
import traceback
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index

from ..ingest.corpus import Corpus, Document, Skipped, parse_file
from ..lang.accent_counts import Tally
from .chunks import weight
from .pause import point
from .whoosh_write import SegmentBuilder

# Paragraphs a message to a worker holds: its queue holds 4, so the parent
# never has more than a few hundred paragraphs' bytes pickled at once.
BATCH_PARAGRAPHS = 100
# The bar counts paragraphs analysed; writing the postings comes after, and
# takes about as long again.
WRITING = "Đang ghi chỉ mục"


# Python's young-generation threshold while indexing (700 by default): a
# build allocates millions of short-lived objects, and the collections they
# trigger found nothing to free. corpus-10000, the building process of a
# 2-process build: 917 collections, 0.23 s; with 100,000: 4, 0.11 s
# (gc.callbacks, 2 Dec 2026); likewise in the worker.
GC_YOUNG = 100_000


@contextmanager
def fewer_collections():
    """Collect garbage less often for the duration (see ``GC_YOUNG``)."""
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], GC_YOUNG), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class ParallelBuild:
    """Parse and index a corpus's pending files and its documents in this
    process and ``procs - 1`` worker processes, writing into ``ix``'s folder.

    ``items`` are the corpus's (``chunks.ordered_items``), ``runs`` the
    indices of each segment's items and ``ids`` their segment ids
    (``chunks``): run n is written as one segment by process ``n % procs``,
    0 being this one, which writes its runs while the workers write theirs
    (it had only the accent model to train: one spawned process fewer, whose
    start and imports cost ~0.3 s of CPU, and no pickling of half the corpus
    there and back). A worker's files go to its own queue ``BATCH_PARAGRAPHS``
    at a time, from a thread (a whole run in one message would hold a copy of
    half the corpus's bytes in each process at once). ``run()`` returns the
    segments in the runs' order and leaves the corpus's documents (in file
    order) and skips in ``corpus``; the accent model, when ``model`` is
    given, is counted where each run is indexed and saved into it.
    """

    def __init__(self, ix, corpus: Corpus, procs: int, bar, model: Path | None,
                 items: list, runs: list[list[int]], ids: list[str]):
        self.ix, self.corpus, self.procs, self.bar, self.model = ix, corpus, procs, bar, model
        ctx = multiprocessing.get_context("spawn")
        self.queues = [ctx.Queue(maxsize=4) for _ in range(procs - 1)]
        self.results = ctx.Queue()
        self.workers = [ctx.Process(target=_worker, daemon=True,
                                    args=(ix.storage.folder, q, self.results, os.getpid(), model is not None))
                        for q in self.queues]
        self.items, self.runs, self.ids = items, runs, ids
        corpus.documents, corpus.pending = [], []
        self.parsed: dict[int, Document | Skipped] = {}
        self.segments: dict[int, object] = {}
        self.tallies: dict[int, object] = {}  # run -> its Tally, or a worker's Tally.state()
        self.absorbed = 1  # runs whose counts are in the first run's tally
        self.stop = threading.Event()

    def run(self) -> list:
        for w in self.workers:
            w.start()
        feeders = [threading.Thread(target=self._feed, args=(p,), daemon=True)
                   for p in range(1, self.procs)]
        try:
            for f in feeders:
                f.start()
            for n in range(0, len(self.runs), self.procs):
                self._write_run(n)
            while len(self.segments) < len(self.runs):
                exited = all(w.exitcode == 0 for w in self.workers)
                self._receive(wait=2 if exited else 0.5)  # the last message may land just after its exit
                if exited and len(self.segments) < len(self.runs):
                    raise RuntimeError("các tiến trình lập chỉ mục đã dừng mà không trả về "
                                       "phần chỉ mục của mình")
            for w in self.workers:
                w.join()
            if self.model:
                self._train()
        except BaseException:
            self.stop.set()
            for w in self.workers:
                w.kill()
                w.join()
            # Batches nobody will read would hold up interpreter exit.
            for q in self.queues:
                q.cancel_join_thread()
            self.results.cancel_join_thread()
            raise
        finally:
            self.stop.set()
            for f in feeders:
                if f.ident is not None:
                    f.join()
        for i in sorted(self.parsed):
            parsed = self.parsed[i]
            (self.corpus.documents if isinstance(parsed, Document) else self.corpus.skipped).append(parsed)
        return [s for _, s in sorted(self.segments.items()) if s is not None]

    def _feed(self, p: int) -> None:
        """Send worker ``p`` its runs' files, a batch at a time, then None."""
        q = self.queues[p - 1]
        jobs = []
        for n in range(p, len(self.runs), self.procs):
            batches = list(_batches([(i, *self.items[i]) for i in self.runs[n]]))
            jobs += [(n, self.ids[n], batch, b == len(batches) - 1) for b, batch in enumerate(batches)]
        for job in [*jobs, None]:
            while True:
                if self.stop.is_set():
                    return
                try:
                    q.put(job, timeout=0.2)
                    break
                except queue.Full:
                    pass

    def _write_run(self, n: int) -> None:
        """Run ``n``, in this process, as a worker would write it."""
        builder = SegmentBuilder(self.ix, self.ids[n])
        if self.model:
            # The first run's counts are the model's; the others join them in order.
            builder.tally = Tally(counting=n == 0)
        try:
            for i in self.runs[n]:
                kind, item = self.items[i]
                parsed = item if kind == "doc" else parse_file(*item)
                if isinstance(parsed, Document):
                    builder.add(parsed)
                self._handle("parsed", (i, parsed))
                self._receive()
            if builder.tally is not None:
                self.tallies[n] = builder.tally
                self._absorb()
            self.segments[n] = builder.finish()
        except BaseException:
            builder.cancel()
            raise

    def _absorb(self) -> None:
        """Join the runs' counts that can be, in file order, into the first's."""
        if 0 not in self.tallies:
            return
        tally = self.tallies[0]
        while self.absorbed < len(self.runs) and self.absorbed in self.tallies:
            other = self.tallies.pop(self.absorbed)
            tally.absorb(*(other if isinstance(other, tuple) else other.state()))
            self.absorbed += 1

    def _train(self) -> None:
        """Every run's counts joined, in file order: the model, saved."""
        self._absorb()
        assert self.absorbed == len(self.runs), "counts missing from the accent model"
        self.tallies[0].model().save(self.model)

    def _receive(self, wait: float = 0) -> None:
        """Handle every message there is, after waiting up to ``wait`` s for one."""
        try:
            message = self.results.get(timeout=wait) if wait else self.results.get_nowait()
            while True:
                self._handle(*message)
                message = self.results.get_nowait()
        except queue.Empty:
            pass
        dead = [w.exitcode for w in self.workers if w.exitcode not in (None, 0)]
        if dead:
            raise RuntimeError(f"một tiến trình lập chỉ mục bị dừng đột ngột (mã thoát {dead[0]})")

    def _handle(self, kind: str, value) -> None:
        if kind == "error":
            raise RuntimeError(f"một tiến trình lập chỉ mục gặp lỗi:\n{value}")
        if kind == "segment":
            n, segment = value
            self.segments[n] = segment
            return
        if kind == "counts":
            n, counts = value
            self.tallies[n] = counts
            self._absorb()
            return
        i, parsed = value
        parsed = parsed or self.items[i][1]  # None: a document parsed here, sent as is
        self.parsed[i] = parsed
        if isinstance(parsed, Document):
            self.bar.update(len(parsed.paragraphs))
        if len(self.parsed) == len(self.items):
            self.bar.total = self.bar.n
            self.bar.set_description(WRITING)


def _batches(items):
    """``items`` (``(i, kind, item)``) in lists of about ``BATCH_PARAGRAPHS``."""
    batch, size = [], 0
    for entry in items:
        batch.append(entry)
        size += weight(entry[1], entry[2])
        if size >= BATCH_PARAGRAPHS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _worker(folder: str, jobs, results, parent: int, tally: bool) -> None:
    # Ctrl-C reaches the whole process group: the parent decides and kills us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])  # as fewer_collections(), till exit
    _exit_with(parent)
    try:
        from ..lang.segment import load_crf

        load_crf()
        ix = whoosh_index.open_dir(folder)
        builder = None
        job = jobs.get()
        point("worker")
        while job is not None:
            n, segid, batch, last = job
            if builder is None:
                builder = SegmentBuilder(ix, segid)
                builder.tally = Tally(counting=False) if tally else None
            for i, kind, item in batch:
                parsed = item if kind == "doc" else parse_file(*item)
                if isinstance(parsed, Document):
                    builder.add(parsed)
                # A document the parent sent is not sent back.
                results.put(("parsed", (i, None if kind == "doc" else parsed)))
            if last:  # the run's last files: its segment is complete
                # The counts first: the parent joins them into the accent
                # model while this segment is written (~0.1 s off the end).
                if builder.tally:
                    results.put(("counts", (n, builder.tally.state())))
                results.put(("segment", (n, builder.finish())))
                builder = None
            job = jobs.get()
    except BaseException:
        results.put(("error", traceback.format_exc()))
        return
    # Done: once the results are in the pipe, exit without tearing down the
    # heap (the caches, a segment's worth of arrays), which took ~0.25 s
    # while the parent waited in join().
    results.close()
    results.join_thread()
    os._exit(0)


def _exit_with(parent: int) -> None:
    """Exit when the parent does: a killed build must not leave workers behind."""
    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
