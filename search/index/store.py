"""Where index generations live and how a new one is swapped in.

    index/
      current -> gen-1732371234567     symlink, replaced atomically
      gen-1732371234567/               a complete Whoosh index + manifest.json
      .lock                            held while a build runs

Readers resolve ``current`` once and keep their open files: a swap never
pulls an index from under a running search, and a build that fails or is
killed never touches ``current``.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

from .pause import point

CURRENT = "current"
MANIFEST = "manifest.json"


class IndexMissing(Exception):
    """No usable index at the given location."""


class IndexBusy(Exception):
    """Another build holds the lock."""


def current_generation(index_dir: Path) -> Path:
    link = Path(index_dir) / CURRENT
    try:
        target = os.readlink(link)
    except FileNotFoundError:
        raise IndexMissing(f"no index in {index_dir}") from None
    except OSError as e:
        raise IndexMissing(f"{link} is not an index link ({e.strerror})") from None
    gen = Path(index_dir) / target
    if not (gen / MANIFEST).is_file():
        raise IndexMissing(f"index {gen} is incomplete")
    return gen


def read_manifest(generation: Path) -> dict:
    with open(generation / MANIFEST, encoding="utf-8") as f:
        return json.load(f)


@contextmanager
def build_lock(index_dir: Path):
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusy(f"một lần lập chỉ mục {index_dir} khác đang chạy") from None
        yield


def new_generation(index_dir: Path) -> Path:
    gen = index_dir / f"gen-{time.time_ns()}"
    gen.mkdir()
    return gen


def link_generation(index_dir: Path, source: Path) -> Path:
    """A new generation holding hard links to ``source``'s index files.

    Safe because Whoosh never writes to a file it has finished: a commit
    writes new segment files and a new TOC (under a temporary name, then
    renamed), deletions live in the TOC, and a merge writes a new segment
    and unlinks the old ones. Unlinking in the new folder leaves ``source``
    whole. The lock file and the manifest are the new generation's own.
    """
    gen = new_generation(index_dir)
    for f in source.iterdir():
        if f.name.startswith(MANIFEST) or "WRITELOCK" in f.name or not f.is_file():
            continue
        try:
            os.link(f, gen / f.name)
        except OSError:  # a file system without hard links: pay for a copy
            shutil.copy2(f, gen / f.name)
    return gen


def publish(index_dir: Path, generation: Path, manifest: dict) -> None:
    """Write the manifest, point ``current`` at ``generation``, prune.

    The generation ``current`` pointed at before is kept one more round: a
    search that resolved ``current`` just before the swap can still open it.
    """
    tmp = generation / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, generation / MANIFEST)
    try:
        previous = {current_generation(index_dir).name}
    except IndexMissing:
        previous = set()
    link_tmp = index_dir / f".{CURRENT}.{os.getpid()}"
    if link_tmp.is_symlink():
        link_tmp.unlink()
    os.symlink(generation.name, link_tmp)
    point("swap")
    os.replace(link_tmp, index_dir / CURRENT)
    remove_generations(index_dir, keep={generation.name} | previous)


def recover(index_dir: Path) -> None:
    """Clean what a killed build left: half-written generations, temp links.

    Call with the build lock held.
    """
    for link in index_dir.glob(f".{CURRENT}.*"):
        link.unlink(missing_ok=True)
    complete = {p.name for p in index_dir.glob("gen-*") if (p / MANIFEST).is_file()}
    remove_generations(index_dir, keep=complete)


def remove_generations(index_dir: Path, keep: set[str]) -> None:
    """Delete generations not in ``keep`` (files open in readers stay readable)."""
    for p in index_dir.glob("gen-*"):
        if p.name not in keep:
            shutil.rmtree(p, ignore_errors=True)
