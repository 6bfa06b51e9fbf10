"""Walking the source folder: every file of the tree that may be read.

A document's id is its path inside the source without the extension,
'/'-separated (``2025/bao-cao`` for ``SOURCE/2025/bao-cao.docx``; a file at
the top keeps its bare name), so two ``bao-cao.docx`` in ``2025/`` and
``2026/`` are two documents. The walk keeps the rules of the one-level scan
it replaced (issue 16): only regular files are read; a link is followed only
to a regular file inside the source (``passwd.txt -> /etc/passwd`` was
indexed, ``-> /dev/zero`` ran out of memory); devices, FIFOs and sockets are
never opened; hidden names are passed over.

Links to folders are never followed: one inside the tree points at files the
walk reaches by their own path (following it would read them twice, and a
link to a parent folder would never end), one outside is reported. Each
folder is entered once (by device and inode: a bind mount cannot loop
either), at most ``MAX_DEPTH`` levels down, and the walk stops listing after
``MAX_ENTRIES`` entries, so a hostile tree costs a bounded amount.
"""

from __future__ import annotations

import errno
import os
import unicodedata
from pathlib import Path, PurePosixPath

# The archives this is for are filed by year and unit: 3-4 levels. Deeper
# is a mistake (or a trap), and would make ids no one can read.
MAX_DEPTH = 32
# Files and folders listed in one walk: 50x the biggest archive we expect
# (bench/make_corpus.py's 100,000 paragraphs are 1,987 files).
MAX_ENTRIES = 100_000

# The system's reasons are English ("Permission denied"): the usual ones in
# the page's language, any other as the system says it.
_OS_REASONS = {errno.ENOENT: "không tìm thấy tệp", errno.EACCES: "không có quyền đọc",
               errno.EPERM: "không có quyền đọc", errno.ELOOP: "quá nhiều tầng liên kết",
               errno.EIO: "lỗi đọc đĩa"}


def cannot_read(e: OSError) -> str:
    """Why a file could not be read, for the warning."""
    return f"không đọc được ({_OS_REASONS.get(e.errno) or e.strerror or e})"


def shown_name(name: str) -> str:
    """A file name as it can be printed and stored: bytes that are not UTF-8
    (Python decodes them as lone surrogates, which no encoder accepts) and
    control characters (a newline would forge a line of the report) as U+FFFD."""
    name = os.fsencode(name).decode("utf-8", "replace")
    return "".join("\ufffd" if unicodedata.category(c) == "Cc" else c for c in name)


def relative_name(rel: PurePosixPath | Path) -> str:
    """A path inside the source as it is shown and stored: '/'-separated."""
    return shown_name(PurePosixPath(rel).as_posix())


def walk(source: Path) -> tuple[list[tuple[Path, Path, PurePosixPath]], list[tuple[str, str]]]:
    """``(files, refused)``: each file to read as (path, real path to read,
    path inside ``source``), sorted by the latter; each entry refused as
    (its path inside ``source`` as shown, why)."""
    root = source.resolve()
    files, refused = [], []
    seen_dirs: set[tuple[int, int]] = set()
    try:
        info = os.stat(source)
        seen_dirs.add((info.st_dev, info.st_ino))
    except OSError:
        pass
    pending = [(source, PurePosixPath(), 0)]
    listed = 0
    while pending:
        folder, rel_folder, depth = pending.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:  # a folder without the right to list it
            refused.append((relative_name(rel_folder) + "/", cannot_read(e)))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            listed += 1
            if listed > MAX_ENTRIES:
                refused.append((relative_name(rel_folder / entry.name),
                                f"thư mục nguồn có hơn {MAX_ENTRIES:,} tệp và thư mục "
                                "(giới hạn); phần còn lại không được đọc".replace(",", ".")))
                return sorted(files, key=lambda f: f[2]), refused
            rel, path = rel_folder / entry.name, folder / entry.name
            why = _take(entry, path, rel, root, depth, files, pending, seen_dirs)
            if why:
                refused.append((relative_name(rel), why))
    return sorted(files, key=lambda f: f[2]), refused


def _take(entry: os.DirEntry, path: Path, rel: PurePosixPath, root: Path, depth: int,
          files: list, pending: list, seen_dirs: set) -> str | None:
    """Queue one entry (a file to read, a folder to enter); the reason it is refused, if it is."""
    try:
        if entry.is_dir(follow_symlinks=False):
            info = entry.stat(follow_symlinks=False)
            if (info.st_dev, info.st_ino) in seen_dirs:
                return None  # reached another way already (a bind mount)
            seen_dirs.add((info.st_dev, info.st_ino))
            if depth + 1 > MAX_DEPTH:
                return f"thư mục lồng quá sâu (quá {MAX_DEPTH} tầng)"
            pending.append((path, rel, depth + 1))
            return None
        if entry.is_file(follow_symlinks=False):
            files.append((path, path, rel))
            return None
        if not entry.is_symlink():
            return "không phải tệp thường"  # a FIFO, a device, a socket
        to_folder = entry.is_dir()  # raises on a link to itself: "Too many levels of symbolic links"
    except OSError as e:
        return cannot_read(e)
    real = Path(os.path.realpath(path))
    inside = real == root or root in real.parents
    if to_folder:
        # Inside: its files are read where they are. Outside: not ours to read.
        return None if inside else "là liên kết tới thư mục nằm ngoài thư mục nguồn"
    if not real.exists():
        return f"không đọc được ({_OS_REASONS[errno.ENOENT]})"
    if not inside:
        return "là liên kết tới tệp nằm ngoài thư mục nguồn"
    if real.is_file():
        files.append((path, real, rel))
        return None
    return "không phải tệp thường"
