"""Another revision's code, to serve or index with (bench/load.py --baseline-rev)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_with(root: Path) -> dict:
    """subprocess arguments that run ``python -m search.cli`` with the code of
    ``root`` (this venv's python: its packages serve every revision)."""
    return {"cwd": root, "env": dict(os.environ, PYTHONPATH=str(root))}


def git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


@contextmanager
def checkout(rev: str | None, folder: Path):
    """``(short hash, root)`` of ``rev`` checked out under ``folder`` (a git
    worktree, removed after); ``(None, None)`` for no ``rev``."""
    if not rev:
        yield None, None
        return
    rev = git("rev-parse", "--short", rev)
    root = folder / f"rev-{rev}"
    git("worktree", "add", "--detach", str(root), rev)
    try:
        yield rev, root
    finally:
        git("worktree", "remove", "--force", str(root))


def build_index(root: Path, source: Path, index: Path) -> None:
    """Index ``source`` into ``index`` with the code of ``root`` (an update
    when ``index`` holds an earlier build of the same source)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "search.cli", "index", "--source", str(source),
                           "--index", str(index)], capture_output=True, text=True,
                          **run_with(root))
    if done.returncode:
        raise SystemExit(f"indexing with {root} failed:\n{done.stderr[-2000:]}")
    print(f"{index}: {'; '.join(done.stdout.strip().splitlines())} "
          f"({time.perf_counter() - started:.0f} s with the code of {root})")


RATIO_COLUMNS = [("req/s", "rps"), ("p50", "p50"), ("p95", "p95"), ("p99", "p99"),
                 ("CPU ms/req", "cpu_ms_per_request")]


def print_ratios(pairs, streams, file=sys.stdout) -> None:
    """``pairs``: (configuration, baseline result, new result) as
    bench/load.py's compare() returns them. new/baseline for each
    configuration and stream as a Markdown table (req/s: higher is better;
    the rest: lower is better)."""
    print("\n| configuration | stream | " + " | ".join(c for c, _ in RATIO_COLUMNS)
          + " | PSS MB |", file=file)
    print("|---" * (len(RATIO_COLUMNS) + 3) + "|", file=file)
    for spec, base, new in pairs:
        pss = f"{base['memory']['pss']:.0f} / {new['memory']['pss']:.0f} = " \
              f"{new['memory']['pss'] / base['memory']['pss']:.2f}"
        for name in streams:
            b, n = base[name], new[name]
            cells = [f"{b[k]:.1f} / {n[k]:.1f} = {n[k] / b[k]:.2f}" for _, k in RATIO_COLUMNS]
            print(f"| {spec} | {name} | " + " | ".join(cells) + f" | {pss} |", file=file)
            pss = ""
    print("(each cell: baseline / new = new/baseline)", file=file)
