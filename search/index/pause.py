"""Named points of a build where a test can hold it (used only by tests).

Tests that kill a build, or query while one runs, must reach the state they
mean to test by an event, not by guessing how long the build takes: a guess
that fits one machine lands after the build on a faster one and before it on
a slower one. With ``VNSEARCH_PAUSE`` naming points (``"segment,swap"``) and
``VNSEARCH_PAUSE_DIR`` a folder, a process that reaches one of them writes
``<dir>/<point>.<pid>`` and waits until ``<dir>/<point>.go`` exists; it then
removes its marker and the go file (so the next build pauses again) and goes
on. Without ``VNSEARCH_PAUSE`` a point costs one environment lookup.

The points, in the order a build passes them: ``locked`` (the build lock is
held), ``generation`` (the new generation's folder exists), ``worker`` (a
worker process has its first batch), ``segment`` (the new segments are
written, the TOC is not), ``swap`` (the manifest is written and the new
``current`` link made under a temporary name, not yet renamed).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

POINTS = ("locked", "generation", "worker", "segment", "swap")


def point(name: str) -> None:
    """Hold here while a test asks to (see the module docstring)."""
    wanted = os.environ.get("VNSEARCH_PAUSE")
    if not wanted or name not in wanted.split(","):
        return
    assert name in POINTS, name
    folder = Path(os.environ["VNSEARCH_PAUSE_DIR"])
    marker, go = folder / f"{name}.{os.getpid()}", folder / f"{name}.go"
    marker.touch()
    while not go.exists():
        time.sleep(0.01)
    marker.unlink(missing_ok=True)
    go.unlink(missing_ok=True)
