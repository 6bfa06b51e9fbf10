"""Parsing and analysing a big batch in worker processes.

Each worker loads pyvi once, takes jobs off a queue (so the faster one
takes more), each the files of one segment (``chunks.py``), parses them and
writes that segment into the new generation with a ``SegmentBuilder``; it sends each document back (the
manifest and the accent model need them), or why a file was skipped. The
accent model is trained in the parent meanwhile, on a thread fed with the
documents as they come. Spawned, not forked: a worker must not inherit the
build lock or a thread's lock. A worker exits when its parent does, so a
killed build leaves no process behind.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import threading
import time
import traceback
from collections import deque
from pathlib import Path

from whoosh import index as whoosh_index

from ..ingest.corpus import Corpus, Document, parse_file
from .chunks import weight
from .pause import point
from .training import Trainer
from .whoosh_write import SegmentBuilder

# Paragraphs a message to a worker holds: its queue holds 4, so the parent
# never has more than a few hundred paragraphs' bytes pickled at once.
BATCH_PARAGRAPHS = 100
# The bar counts paragraphs analysed; writing the postings comes after, and
# takes about as long again.
WRITING = "Đang ghi chỉ mục"


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class ParallelBuild:
    """Parse and index a corpus's pending files and its documents in
    ``procs`` worker processes writing into ``folder``.

    ``items`` are the corpus's (``chunks.ordered_items``), ``runs`` the
    indices of each segment's items and ``ids`` their segment ids
    (``chunks``): run n is written as one segment by worker ``n % procs``,
    its files sent to that worker's own queue ``BATCH_PARAGRAPHS`` at a
    time (a whole run in one message would hold a copy of half the corpus's
    bytes in each process at once). ``run()`` returns the segments in the
    runs' order and leaves the corpus's documents (in file order) and skips
    in ``corpus``; the accent model, when ``model`` is given, is trained
    into it meanwhile.
    """

    def __init__(self, folder: str, corpus: Corpus, procs: int, bar, model: Path | None,
                 items: list, runs: list[list[int]], ids: list[str]):
        self.corpus, self.procs, self.bar = corpus, procs, bar
        ctx = multiprocessing.get_context("spawn")
        self.queues = [ctx.Queue(maxsize=4) for _ in range(procs)]
        self.results = ctx.Queue()
        self.workers = [ctx.Process(target=_worker, args=(folder, q, self.results, os.getpid()), daemon=True)
                        for q in self.queues]
        # In file order, as a one-process build reads them: the accent model is
        # trained in this order, so it does not depend on which worker is faster.
        self.items, self.runs, self.ids = items, runs, ids
        corpus.documents, corpus.pending = [], []
        self.received = 0
        self.segments: dict[int, object] = {}
        self.trainer = Trainer(model) if model else None

    def run(self) -> list:
        for w in self.workers:
            w.start()
        try:
            outbox = [deque() for _ in self.workers]
            for n, (segid, run) in enumerate(zip(self.ids, self.runs)):
                batches = list(_batches([(i, *self.items[i]) for i in run]))
                outbox[n % self.procs].extend((n, segid, batch, b == len(batches) - 1)
                                              for b, batch in enumerate(batches))
            for box in outbox:
                box.append(None)  # no more runs
            while any(outbox):
                sent = False
                for q, box in zip(self.queues, outbox):
                    while box:
                        try:
                            q.put_nowait(box[0])
                        except queue.Full:
                            break
                        box.popleft()
                        sent = True
                self._receive(wait=0 if sent else 0.05)
            while len(self.segments) < len(self.runs):
                exited = all(w.exitcode == 0 for w in self.workers)
                self._receive(wait=2 if exited else 0.5)  # the last message may land just after its exit
                if exited and len(self.segments) < len(self.runs):
                    raise RuntimeError("các tiến trình lập chỉ mục đã dừng mà không trả về "
                                       "phần chỉ mục của mình")
            for w in self.workers:
                w.join()
            if self.trainer:
                self.trainer.finish()
            self.corpus.documents.sort(key=lambda d: d.path)
        except BaseException:
            for w in self.workers:
                w.kill()
                w.join()
            # Batches nobody will read would hold up interpreter exit.
            for q in self.queues:
                q.cancel_join_thread()
            self.results.cancel_join_thread()
            if self.trainer:
                self.trainer.abandon()
            raise
        return [s for _, s in sorted(self.segments.items()) if s is not None]

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
        i, parsed = value
        parsed = parsed or self.items[i][1]  # None: a document parsed here, sent as is
        self.received += 1
        if isinstance(parsed, Document):
            self.corpus.documents.append(parsed)
            self.bar.update(len(parsed.paragraphs))
        else:
            self.corpus.skipped.append(parsed)
        if self.trainer:
            self.trainer.feed(i, parsed if isinstance(parsed, Document) else None)
        if self.received == len(self.items):
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


def _worker(folder: str, jobs, results, parent: int) -> None:
    # Ctrl-C reaches the whole process group: the parent decides and kills us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
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
            builder = builder or SegmentBuilder(ix, segid)
            for i, kind, item in batch:
                parsed = item if kind == "doc" else parse_file(*item)
                if isinstance(parsed, Document):
                    builder.add(parsed)
                # A document the parent sent is not sent back.
                results.put(("parsed", (i, None if kind == "doc" else parsed)))
            if last:  # the run's last files: its segment is complete
                results.put(("segment", (n, builder.finish())))
                builder = None
            job = jobs.get()
    except BaseException:
        results.put(("error", traceback.format_exc()))


def _exit_with(parent: int) -> None:
    """Exit when the parent does: a killed build must not leave workers behind."""
    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
