"""Publishing a finished generation to a replica's index folder.

A generation is immutable and its manifest records the sha256 of each of its
files (store.py), so it is the unit of replication: build once, copy the
generation folder to each replica, check every copied file against those
sums *on the replica*, and only then move the replica's ``current`` with the
builder's own rename (``store.switch_current``), pruning as a build does (the
new generation and the one it replaces are kept). A failed copy or a sum
that differs leaves the replica serving what it served, and the half-made
copy is removed.

Local destination (another folder, on this machine or a mounted disk): the
files are copied under the replica's build lock (a build or another publish
there waits its turn: ``IndexBusy``); a file the replica's current
generation already holds under the same name and sum (an incremental build
keeps its unchanged segments) is hard-linked from there instead. Then every
file is read back and hashed, the manifest against the source's own sha256.

Remote destination (``host:path`` or ``ssh://[user@]host[:port]/path``): two
commands, no daemon: ``rsync -a`` of the generation folder to
``host:path/<name>/`` (``--link-dest=../current``: unchanged files become hard
links to the replica's current generation), then over ssh the replica's own
``vnsearch publish --index path --generation <name> --manifest-sha256 <sum>
path``, i.e. the local publish above with the generation already in place:
it hashes every file there, checks the manifest's sum and switches. The
replica needs rsync >= 3.2.3 (``--mkpath``) and vnsearch.

Reading back what was just written hashes the page cache: this catches a
copy that went wrong (a truncated transfer, a full disk, a file changed
during the copy), not a disk that later rots; readers check sizes, times and
inodes before each search, and the sums when they open a generation.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .store import (
    CURRENT,
    FILES,
    MANIFEST,
    IndexMissing,
    build_lock,
    current_generation,
    read_manifest,
    recover,
    same_file,
    sha256_file,
    switch_current,
)

GENERATION_NAME = re.compile(r"gen-[0-9A-Za-z_.-]+")
# scp's syntax: a colon before any slash (``./a:b`` is a local path).
SCP_LIKE = re.compile(r"(?P<host>[^/:]+):(?P<path>.*)")
SSH_URL = re.compile(r"ssh://(?P<host>[^/:]+)(?::(?P<port>\d+))?(?P<path>/.*)")


class PublishError(Exception):
    """What went wrong, in Vietnamese; the destination serves what it did."""


@dataclass
class Published:
    generation: str
    destination: str
    files: int
    bytes: int
    copied: int  # files copied; the others were hard-linked or already there
    previous: str | None  # what the destination served before
    switched: bool  # False: the destination already served this generation
    seconds: float
    remote_output: str = ""


@dataclass(frozen=True)
class Remote:
    host: str  # as ssh takes it, user@ included
    path: str
    port: int | None = None

    def __str__(self) -> str:
        return f"{self.host}:{self.path}"


def parse_destination(text: str) -> Path | Remote:
    """A local folder, or a remote one written ``host:path`` or
    ``ssh://[user@]host[:port]/path``."""
    m = SSH_URL.fullmatch(text)
    if m:
        return Remote(m["host"], m["path"], int(m["port"]) if m["port"] else None)
    if text.startswith("ssh://"):
        raise PublishError(f"địa chỉ đích không hợp lệ: {text} (dạng ssh://máy/đường/dẫn)")
    m = SCP_LIKE.fullmatch(text)
    if m:
        if not m["path"]:
            raise PublishError(f"thiếu đường dẫn thư mục chỉ mục sau '{m['host']}:'")
        return Remote(m["host"], m["path"])
    return Path(text)


def source_generation(index_dir: Path, name: str | None = None) -> Path:
    """The generation to publish: ``current``'s, or the one named."""
    index_dir = Path(index_dir)
    if name is None:
        return current_generation(index_dir)
    if not GENERATION_NAME.fullmatch(name):
        raise PublishError(f"tên thế hệ chỉ mục không hợp lệ: {name!r} (dạng gen-…)")
    generation = index_dir / name
    if not (generation / MANIFEST).is_file():
        raise IndexMissing(f"không có thế hệ chỉ mục hoàn chỉnh {name} trong {index_dir}")
    return generation


def copy_file(source: Path, target: Path) -> None:
    """One file of the generation onto the replica (tests replace it)."""
    shutil.copy2(source, target)


def publish_local(generation: Path, dest: Path, manifest_sha256: str | None = None) -> Published:
    """Copy ``generation`` into the index folder ``dest`` under its name,
    verify it there, then switch ``dest``'s ``current`` to it.

    With ``dest`` already holding a folder of that name (the generation
    sent by rsync, or published before) it is verified in place, copied
    again only if it differs. ``manifest_sha256``: the manifest's sum as the
    sender knows it (by default, that of ``generation``'s)."""
    started = time.perf_counter()
    generation, dest = Path(generation), Path(dest)
    try:
        manifest_bytes = (generation / MANIFEST).read_bytes()
        sums = read_manifest(generation).get(FILES)
    except (OSError, ValueError) as e:
        raise PublishError(f"không đọc được bản kê của {generation} ({e})") from None
    if not sums:
        raise PublishError(f"bản kê của {generation} không ghi mã sha256 của các tệp (lập bằng "
                           f"phiên bản cũ): lập lại chỉ mục rồi đưa lên")
    expected = manifest_sha256 or _sha256_bytes(manifest_bytes)
    with build_lock(dest):
        recover(dest)
        try:
            before = current_generation(dest)
        except IndexMissing:
            before = None
        target = dest / generation.name
        copied = 0
        bad = _differences(target, sums, expected) if target.is_dir() else None
        if bad and not (before is not None and before.name == target.name):
            # A leftover (a publish stopped half-way, or a damaged copy):
            # not served, so replaced. The generation served is never touched.
            if not same_file(target, generation):
                shutil.rmtree(target)
                bad = None
        if bad is None:
            copied = _copy(generation, target, sums, before)
            bad = _differences(target, sums, expected)
        if bad:
            kept = before.name if before is not None else "không có chỉ mục nào"
            if before is None or before.name != target.name:
                shutil.rmtree(target, ignore_errors=True)
            raise PublishError(
                f"bản sao của {generation.name} tại {dest} không khớp với bản kê "
                f"({', '.join(bad)}: mã sha256 khác); không chuyển sang nó, {dest} vẫn dùng {kept}")
        switched = before is None or before.name != target.name
        if switched:
            switch_current(dest, target, {before.name} if before is not None else set())
    size = sum((target / name).stat().st_size for name in sums) + len(manifest_bytes)
    return Published(target.name, str(dest), len(sums) + 1, size, copied,
                     before.name if before is not None else None, switched,
                     time.perf_counter() - started)


def _copy(generation: Path, target: Path, sums: dict[str, str], before: Path | None) -> int:
    """The generation's files into ``target``, the manifest last (a folder
    without one is half-made: ``store.recover`` removes it). Files the
    replica's current generation holds with the same name and sum are
    hard-linked from it. The number of files copied."""
    known = {}
    if before is not None:
        try:
            known = read_manifest(before).get(FILES) or {}
        except (OSError, ValueError):
            known = {}
    copied = 0
    target.mkdir(parents=True, exist_ok=True)
    try:
        for name in sorted(sums):
            if known.get(name) == sums[name]:
                try:
                    os.link(before / name, target / name)
                    continue
                except OSError:
                    pass  # gone, or another file system: copied below
            copy_file(generation / name, target / name)
            copied += 1
        copy_file(generation / MANIFEST, target / MANIFEST)
    except OSError as e:
        shutil.rmtree(target, ignore_errors=True)
        raise PublishError(f"không chép được {e.filename or generation.name} vào {target.parent} "
                           f"({e.strerror or e}); {target.parent} vẫn dùng chỉ mục cũ") from None
    return copied + 1


def _differences(target: Path, sums: dict[str, str], manifest_sha256: str) -> list[str]:
    """The files of ``target`` that are not what the manifest says (the
    manifest itself against ``manifest_sha256``), by name."""
    bad = []
    for name, want in [(MANIFEST, manifest_sha256), *sorted(sums.items())]:
        try:
            got = sha256_file(target / name)
        except OSError:
            got = None
        if got != want:
            bad.append(name)
    return bad


def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def remote_commands(generation: Path, remote: Remote, ssh: str = "ssh", rsync: str = "rsync",
                    vnsearch: str = "vnsearch") -> list[list[str]]:
    """The two commands of a remote publish: rsync the generation folder
    next to the replica's current one, then the replica's own ``vnsearch
    publish`` verifies it there and switches."""
    ssh_cmd = shlex.split(ssh) + (["-p", str(remote.port)] if remote.port else [])
    folder = remote.path.rstrip("/") or "/"
    name = generation.name
    manifest_sha = sha256_file(generation / MANIFEST)
    copy = [rsync, "-a", "--mkpath", "-e", shlex.join(ssh_cmd),
            f"--link-dest=../{CURRENT}/", "--exclude=*WRITELOCK", f"--exclude={MANIFEST}.tmp",
            f"{generation}/", f"{remote.host}:{folder}/{name}/"]
    switch = [*ssh_cmd, remote.host, shlex.join(
        [*shlex.split(vnsearch), "publish", "--index", folder, "--generation", name,
         "--manifest-sha256", manifest_sha, folder])]
    return [copy, switch]


def publish_remote(generation: Path, remote: Remote, ssh: str = "ssh", rsync: str = "rsync",
                   vnsearch: str = "vnsearch") -> Published:
    started = time.perf_counter()
    copy, switch = remote_commands(generation, remote, ssh, rsync, vnsearch)
    for cmd, what in [(copy, "chép bằng rsync"), (switch, "kiểm tra và chuyển chỉ mục")]:
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        except OSError as e:
            raise PublishError(f"không chạy được {cmd[0]} ({e.strerror or e}); "
                               f"{remote} vẫn dùng chỉ mục cũ") from None
        if done.returncode != 0:
            said = " ".join(done.stderr.split())[-500:] or "không có thông báo"
            raise PublishError(f"{what} trên {remote.host} thất bại (mã {done.returncode}: {said}); "
                               f"{remote} vẫn dùng chỉ mục cũ")
    files = [p for p in generation.iterdir() if p.is_file() and "WRITELOCK" not in p.name]
    return Published(generation.name, str(remote), len(files),
                     sum(p.stat().st_size for p in files), len(files), None, True,
                     time.perf_counter() - started, remote_output=done.stdout.strip())


def publish(index_dir: Path, destination: str | Path, generation: str | None = None,
            manifest_sha256: str | None = None, ssh: str = "ssh", rsync: str = "rsync",
            vnsearch: str = "vnsearch") -> Published:
    """Publish ``index_dir``'s current generation (or ``generation``) to
    ``destination``: a local index folder or a remote ``host:path``."""
    source = source_generation(index_dir, generation)
    dest = parse_destination(destination) if isinstance(destination, str) else destination
    if isinstance(dest, Remote):
        return publish_remote(source, dest, ssh, rsync, vnsearch)
    return publish_local(source, dest, manifest_sha256)
