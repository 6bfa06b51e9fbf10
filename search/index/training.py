"""Training the accent model (``lang.restore``) on documents already parsed.

A build counts the model as it indexes (``lang/accent_counts.py``: in
``build._write`` and, a run per process, in ``workers.ParallelBuild``); this
is what is left for a build that indexed nothing new.
"""

from __future__ import annotations

from pathlib import Path

from ..lang.restore import AccentModel


def train(docs, model: Path) -> None:
    """Train on ``docs``' paragraphs, in order, and save to ``model``."""
    AccentModel.train(p for d in docs for p in d.paragraphs).save(model)
