"""``vnsearch serve``: waitress in pre-forked worker processes.

One Python process serves one request at a time on the CPU (the GIL), so the
master binds the listening socket, opens the index and warms it (per-paragraph
arrays, vocabulary, accent model, postings of common queries), then forks
WORKERS processes that each run waitress on the inherited socket. What was
loaded before the fork is shared copy-on-write; each worker opens its own
Whoosh searchers (they read files with seek+read, so file handles must not be
shared between processes: the master closes its searcher before forking).

The master only supervises: a worker that dies is replaced; SIGTERM or SIGINT
(Ctrl-C) stops the workers (each finishes its requests in hand) and then the
master; a worker whose master dies is told to stop by the kernel
(PR_SET_PDEATHSIG) and, where that is missing, notices within a second.

A rebuilt index is picked up by each worker thread as before (the Engine
reopens when ``current`` changes), each worker loading the new generation's
arrays for itself; the master, which looks at ``current`` every second, then
lets go of the old generation, and warms the new one before it forks again.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import mmap
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path

log = logging.getLogger("vnsearch.serve")

# Loaded before the fork, so that no worker pays for them on a first request:
# the common words' postings and the per-generation arrays.
WARM_QUERIES = (
    "tỉnh ủy", "tinh uy", "nghị quyết", "nghi quyet", "kinh tế xã hội", "kinh te xa hoi",
    "ban chấp hành", "ban chap hanh", "ủy ban nhân dân", "uy ban nhan dan", "UBND", "HĐND",
    "Đảng bộ", "dang bo", "phát triển", "phat trien", "năm", "nam", "của", "và", "xyzzy",
)

# Enough to wait for a request in hand, not long enough to hang a Ctrl-C.
STOP_GRACE_SECONDS = 5.0
# A worker that dies sooner than this after its start counts as a crash loop.
MIN_WORKER_LIFE = 1.0


def bind(host: str, port: int, backlog: int = 1024) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(backlog)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def waitress_options(threads: int) -> dict:
    return {
        "threads": threads,
        "backlog": 1024,
        # poll() rather than select(): no 1024-descriptor limit, cheaper per wakeup.
        "asyncore_use_poll": True,
    }


_LIBC = None


def _libc():
    """The C library's own symbols (no find_library: it runs ldconfig in a
    subprocess, a child the master would then have to tell from its workers)."""
    global _LIBC
    if _LIBC is None:
        _LIBC = ctypes.CDLL(None, use_errno=True)
    return _LIBC


def limit_malloc_arenas(arenas: int = 2) -> None:
    """glibc gives each thread that contends for malloc an arena of its own (up
    to 8 per core) and returns little of it: with numpy arrays coming and going
    in every thread that is tens of MB per worker. Two arenas are enough for a
    process that mostly holds the GIL. MALLOC_ARENA_MAX in the environment wins."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return
    try:
        M_ARENA_MAX = -8
        _libc().mallopt(M_ARENA_MAX, arenas)
    except (OSError, AttributeError):  # not glibc
        pass


def trim_malloc() -> None:
    """Give the pages malloc holds free back to the system (glibc): arrays of
    a superseded generation, freed, would otherwise stay counted in RSS."""
    try:
        _libc().malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


# A worker gives freed memory back this often (a few ms of work each time).
TRIM_SECONDS = 30.0


def _die_with_parent() -> None:
    """Ask the kernel to SIGTERM this process when its parent exits (Linux)."""
    try:
        PR_SET_PDEATHSIG = 1
        _libc().prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the watchdog thread covers it
        pass


def _watch_parent(parent: int) -> None:
    def watch():
        last_trim = time.monotonic()
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os.kill(os.getpid(), signal.SIGTERM)
                return
            if time.monotonic() - last_trim > TRIM_SECONDS:
                trim_malloc()
                last_trim = time.monotonic()

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


IDLE_SLOT = 1 << 30  # a slot with no live worker: never the least loaded


class Balance:
    """Open connections per worker, in memory shared by all of them.

    Keep-alive clients stay on the worker that accepted them, and the first
    worker to wake up tends to accept them all (6 of 8 measured): a worker
    takes a new connection only when no other worker holds fewer.
    """

    def __init__(self, workers: int):
        self.workers = workers
        self._mem = mmap.mmap(-1, 8 * workers)
        for slot in range(workers):
            self.set(slot, IDLE_SLOT)

    def set(self, slot: int, count: int) -> None:
        self._mem[8 * slot:8 * slot + 8] = count.to_bytes(8, "little")

    def get(self, slot: int) -> int:
        return int.from_bytes(self._mem[8 * slot:8 * slot + 8], "little")

    def least(self) -> int:
        return min(self.get(s) for s in range(self.workers))

    def install(self, server, slot: int) -> None:
        """Make ``server`` (a waitress server in this worker) publish its open
        connections and listen only while it holds no more than the others."""
        readable = server.readable
        conn_map = server._map
        base = len(conn_map)  # the listener and waitress's trigger

        def balanced_readable():
            mine = len(conn_map) - base
            self.set(slot, mine)
            return readable() and mine <= self.least()

        server.readable = balanced_readable
        self.set(slot, 0)


def _run_worker(app, sock: socket.socket, threads: int, parent: int,
                balance: Balance | None = None, slot: int = 0) -> None:
    """In the child: serve until SIGTERM, then finish the requests in hand."""
    from waitress.server import create_server

    _die_with_parent()
    if os.getppid() != parent:  # the master died before prctl took effect
        os._exit(0)
    _watch_parent(parent)
    # Ctrl-C reaches the whole process group: the master alone decides.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _raise_exit)
    server = create_server(app, sockets=[sock], **waitress_options(threads))
    if balance is not None:
        balance.install(server, slot)
    server.run()  # returns on SystemExit after shutting the task threads down


def _raise_exit(signum, frame):
    raise SystemExit(0)


class CannotListen(Exception):
    pass


class _Stop(Exception):
    pass


def _raise_stop(signum, frame):
    raise _Stop(signum)


class Master:
    """Forks and supervises the workers; replaces any that die."""

    # How often the master looks at `current` while it waits on its workers.
    POLL_SECONDS = 1.0

    def __init__(self, engine, make_app, sock: socket.socket, workers: int, threads: int):
        self.engine, self.make_app, self.sock = engine, make_app, sock
        self.app = make_app(engine)
        self.workers, self.threads = workers, threads
        self.children: dict[int, tuple[float, int]] = {}  # pid -> start time, slot
        self.generation = None
        self.balance = Balance(workers)

    def _prepare_fork(self) -> None:
        """Warm the current generation if it changed and close the master's
        own searcher: workers open their own files."""
        from search.index.store import current_generation

        try:
            gen = current_generation(self.engine.index_dir)
        except Exception:  # noqa: BLE001 - a worker will report it per request
            gen = None
        if gen is not None and gen != self.generation:
            try:
                self.engine.warm(WARM_QUERIES)
                self.generation = gen
            except Exception as e:  # noqa: BLE001 - serve anyway, warm later
                log.warning("could not warm %s: %s", gen, e)
            finally:
                self.engine.close()
        # Objects made so far stay put in shared pages: the workers' garbage
        # collector does not touch them.
        gc.collect()
        gc.freeze()

    def _release_old_generation(self) -> None:
        """Once ``current`` moved on, the workers load the new generation
        themselves (each Engine thread reopens) and let go of the arrays they
        shared with the master; the master lets go of them too, or they would
        stay in memory as its own. A worker forked later gets the new one
        warmed (``_prepare_fork``)."""
        from search import Engine
        from search.index.store import current_generation

        if self.generation is None:
            return
        try:
            gen = current_generation(self.engine.index_dir)
            if gen == self.generation:
                return
            engine = Engine(self.engine.index_dir)
            engine.close()
        except Exception:  # noqa: BLE001 - mid-swap or gone: look again later
            return
        self.engine, self.app, self.generation = engine, self.make_app(engine), None
        gc.unfreeze()  # the old app and engine are in reference cycles
        gc.collect()
        trim_malloc()

    def spawn(self, slot: int) -> int:
        self._prepare_fork()
        sys.stdout.flush()
        sys.stderr.flush()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                # The master's handlers first: a SIGTERM while this worker
                # starts is a quiet exit, not the master's stop.
                signal.signal(signal.SIGTERM, _raise_exit)
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.signal(signal.SIGHUP, signal.SIG_IGN)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                _run_worker(self.app, self.sock, self.threads, parent, self.balance, slot)
            except (SystemExit, _Stop):
                pass
            except BaseException:  # noqa: BLE001 - a worker must never return into the master's code
                logging.getLogger("vnsearch.serve").exception("worker %d failed", os.getpid())
                code = 1
            finally:
                os._exit(code)
        self.children[pid] = (time.monotonic(), slot)
        return pid

    def run(self) -> int:
        import waitress.server  # noqa: F401 - imported once, shared by the workers

        old = {s: signal.signal(s, _raise_stop) for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
        quick_deaths = 0
        try:
            for slot in range(self.workers):
                self.spawn(slot)
            while True:
                pid, status = os.waitpid(-1, os.WNOHANG)
                if pid == 0:
                    time.sleep(self.POLL_SECONDS)  # a signal ends it with _Stop
                    self._release_old_generation()
                    continue
                if pid not in self.children:
                    continue
                started, slot = self.children.pop(pid)
                self.balance.set(slot, IDLE_SLOT)
                code = os.waitstatus_to_exitcode(status)
                log.warning("worker %d exited (%s); starting another", pid, code)
                quick_deaths = quick_deaths + 1 if time.monotonic() - started < MIN_WORKER_LIFE else 0
                if quick_deaths >= 5:
                    log.error("workers keep dying at start; stopping")
                    return 1
                time.sleep(min(5.0, 0.1 * 2 ** quick_deaths) if quick_deaths else 0)
                self.spawn(slot)
        except _Stop:
            return 0
        finally:
            for s in old:
                signal.signal(s, signal.SIG_IGN)
            self.stop()
            for s, handler in old.items():
                signal.signal(s, handler)

    def stop(self) -> None:
        for pid in list(self.children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                self.children.pop(pid, None)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while self.children and time.monotonic() < deadline:
            for pid in list(self.children):
                try:
                    done, _ = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    done = pid
                if done:
                    self.children.pop(pid, None)
            time.sleep(0.02)
        for pid in list(self.children):
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.children.pop(pid, None)
        self.sock.close()


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def serve(index_dir: str | Path, host: str = "127.0.0.1", port: int = 8000,
          workers: int | None = None, threads: int = 4, cache_size: int | None = None,
          echo=print) -> int:
    """Serve the app on ``host:port`` until SIGTERM/SIGINT; returns the exit status.

    ``workers`` 1 serves in this process (no fork)."""
    from search import Engine

    from . import create_app

    workers = workers or default_workers()
    limit_malloc_arenas()
    engine = Engine(index_dir)  # IndexMissing: the caller explains it
    from .cache import DEFAULT_ENTRIES

    def make_app(engine):
        return create_app(engine=engine,
                          SEARCH_CACHE_SIZE=DEFAULT_ENTRIES if cache_size is None else cache_size)

    try:
        sock = bind(host, port)
    except OSError as e:
        raise CannotListen(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    echo(f"serving {index_dir} on http://{host}:{sock.getsockname()[1]} "
         f"({workers} worker process{'es' if workers > 1 else ''} x {threads} threads)")
    if workers == 1 or not hasattr(os, "fork"):
        from waitress.server import create_server

        engine.warm(WARM_QUERIES)
        server = create_server(make_app(engine), sockets=[sock], **waitress_options(threads))
        old = signal.signal(signal.SIGTERM, _raise_exit)
        try:
            server.run()  # until Ctrl-C or SIGTERM
        finally:
            signal.signal(signal.SIGTERM, old)
            sock.close()
        return 0
    return Master(engine, make_app, sock, workers, threads).run()
