"""Training the accent model (``lang.restore``) alongside a parallel build,
on the documents as the workers send them back, put back in file order."""

from __future__ import annotations

import queue
import threading
from pathlib import Path

from ..ingest.corpus import Document
from ..lang.restore import AccentModel


def train(docs, model: Path) -> None:
    """Train on ``docs``' paragraphs, in order, and save to ``model``."""
    AccentModel.train(p for d in docs for p in d.paragraphs).save(model)


class Trainer:
    """Trains the accent model on a thread, on the documents as they come,
    in file order (the model does not depend on which worker was faster)."""

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
