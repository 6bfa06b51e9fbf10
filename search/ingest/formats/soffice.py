"""LibreOffice headless as a converter, one profile per process.

``soffice --convert-to`` refuses to run, or waits, while another soffice
uses the same user profile: each process (each indexing worker) gets its own
``-env:UserInstallation`` folder, made on first use and removed at exit. A
call runs in its own session and is killed with its children (oosplash
starts soffice.bin) when it passes ``TIMEOUT``.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

# Measured on this machine (2 cores shared with other builds): 1.8-2.7 s a
# small file with a warm profile, ~5 s the first call of a process (the
# profile is created). A file that takes 20x that is not a meeting record.
TIMEOUT = 90

ORPHAN_SECONDS = 3600

_profile: tuple[int, Path] | None = None


class ConversionFailed(Exception):
    """The reason, in Vietnamese, as a skip reason ends."""


def available() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_orphans() -> None:
    """Profiles of processes that were killed (a build's workers, SIGKILLed
    with it) and so never removed their own: ~5 MB each once used. Only
    those untouched for an hour: a process of another PID namespace sharing
    /tmp may look dead from here."""
    now = time.time()
    for old in Path(tempfile.gettempdir()).glob("vnsearch-lo-*-*"):
        pid = old.name.split("-")[2]
        try:
            idle = now - old.stat().st_mtime
        except OSError:
            continue
        if pid.isdigit() and idle > ORPHAN_SECONDS and not _alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)


def _profile_dir() -> Path:
    """This process's own profile (a forked child makes its own)."""
    global _profile
    if _profile is None or _profile[0] != os.getpid():
        _remove_orphans()
        path = Path(tempfile.mkdtemp(prefix=f"vnsearch-lo-{os.getpid()}-"))
        atexit.register(shutil.rmtree, path, True)
        _profile = (os.getpid(), path)
    return _profile[1]


def convert(source: Path, target: str, outdir: Path, timeout: float | None = None) -> Path:
    """``source`` converted by LibreOffice to ``target`` (``docx:MS Word
    2007 XML``), the path of the file written into ``outdir``."""
    program = available()
    if program is None:
        raise ConversionFailed("chưa cài LibreOffice")
    command = [program, "--headless", "--norestore", "--nologo", "--nolockcheck",
               f"-env:UserInstallation={_profile_dir().as_uri()}",
               "--convert-to", target, "--outdir", str(outdir), str(source)]
    limit = TIMEOUT if timeout is None else timeout
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        proc.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise ConversionFailed(f"LibreOffice chưa chuyển xong sau {limit:g} giây") from None
    finally:
        try:  # what it left running in its session (soffice.bin)
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    out = outdir / (source.stem + "." + target.split(":", 1)[0])
    if not out.is_file():
        raise ConversionFailed("LibreOffice không đọc được tệp này")
    return out
