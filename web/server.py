"""``vnsearch serve``: gunicorn's pre-forked ``gthread`` workers sharing a
warmed index.

Why processes: a Python process runs Python code on one core at a time (the
GIL), and a search is mostly Python (parsing, ranking glue, snippets); so one
worker process per core, each with a few threads that overlap the waits on
sockets (reading requests, writing answers). The app itself answers one
request at a time in a worker (web/__init__.py ``_one_at_a_time``): numpy's
releases of the GIL made two answers at once trade it back and forth.

Why preload: the master opens the index and warms it before it forks
(per-paragraph arrays, vocabulary, accent model, the postings of WARM_QUERIES);
what it loaded is shared copy-on-write by the workers, and ``gc.freeze()``
keeps the workers' garbage collector from writing to (so copying) those pages.

Why the master closes its searcher: Whoosh reads its files with seek+read, and
a file opened before a fork shares its offset between processes. Each worker
thread opens its own searchers (the ``Engine`` opens one per thread, lazily);
the hot postings' files are read by position (``os.pread``), shared on purpose.

A rebuilt index is picked up by each worker thread when ``current`` moves (the
``Engine`` reopens). The master warms the new generation before it next forks
(a replacement worker starts warm on it) and lets go of the old one then.

Memory: glibc gives each thread that contends for malloc an arena of its own
(up to 8 per core) and keeps what is freed in them; with numpy arrays coming
and going in every request thread that is tens of MB per worker. The master
limits arenas to two before it forks (a process that mostly holds the GIL
needs no more; MALLOC_ARENA_MAX in the environment wins) and each worker gives
free pages back every 30 s. Measured at 100k paragraphs, 2 workers x 4
threads, result cache on: PSS after load 351 MB without either, 284 MB with
both, CPU per request the same within noise.

Slow and idle clients: the workers are gunicorn's ``gthread`` with request
heads read in each worker's event loop (web/worker.py), so a client that
connects and sends nothing, or sends its head a byte a second, holds a socket
and a few bytes, never a thread; its head must be complete within
``head_seconds``. In production a buffering reverse proxy stands in front
anyway (docs/deploy.md).

Supervision is gunicorn's: a worker that dies is replaced; SIGTERM stops the
workers (each finishes the requests in hand) and then the master, exit status
0; Ctrl-C stops them at once; a worker whose master died exits within a second.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import socket
import threading
import time
from pathlib import Path

from gunicorn.app.base import BaseApplication

log = logging.getLogger("vnsearch.serve")

# Loaded before the fork, so that no worker pays for them on a first request:
# the common words' postings and the per-generation arrays.
WARM_QUERIES = (
    "tỉnh ủy", "tinh uy", "nghị quyết", "nghi quyet", "kinh tế xã hội", "kinh te xa hoi",
    "ban chấp hành", "ban chap hanh", "ủy ban nhân dân", "uy ban nhan dan", "UBND", "HĐND",
    "Đảng bộ", "dang bo", "phát triển", "phat trien", "năm", "nam", "của", "và", "xyzzy",
)

# Enough to finish a request in hand, not long enough to hang a Ctrl-C.
STOP_GRACE_SECONDS = 5
BACKLOG = 2048  # gunicorn's default
MALLOC_ARENAS = 2
TRIM_SECONDS = 30.0  # a trim costs a few ms, and the pages must fault back in


class CannotListen(Exception):
    pass


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound here rather than by gunicorn: a busy port
    is then one clear message (gunicorn retries five times, logging each),
    and port 0 tells us the port it got."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError as e:
        sock.close()
        raise CannotListen(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    return sock


def _libc():
    """The C library's own symbols, or None where ctypes cannot reach them."""
    try:
        return ctypes.CDLL(None)
    except OSError:
        return None


def limit_malloc_arenas() -> None:
    libc = _libc()
    if "MALLOC_ARENA_MAX" not in os.environ and hasattr(libc, "mallopt"):  # glibc only
        M_ARENA_MAX = -8
        libc.mallopt(M_ARENA_MAX, MALLOC_ARENAS)


def trim_malloc_forever(worker) -> None:
    """gunicorn's post_worker_init hook: a thread that hands the pages malloc
    holds free back to the system, every TRIM_SECONDS."""
    trim = getattr(_libc(), "malloc_trim", None)  # glibc only
    if trim is None:
        return

    def loop():
        while True:
            time.sleep(TRIM_SECONDS)
            trim(0)

    threading.Thread(target=loop, name="malloc-trim", daemon=True).start()


class WarmEngine:
    """The master's engine, warmed for the generation ``current`` points at
    whenever it is about to fork, with no searcher left open."""

    def __init__(self, engine):
        self.engine = engine
        self.generation = None
        self.refresh()

    def refresh(self) -> None:
        try:
            gen = self.engine.current()
            if gen == self.generation:
                return
            gc.unfreeze()  # a superseded generation's objects may be in cycles
            self.engine.warm(WARM_QUERIES)
            self.generation = gen
        except Exception as e:  # noqa: BLE001 - mid-swap or damaged: the workers answer per request
            log.warning("could not warm the index: %s", e)
        self.engine.close()
        gc.collect()
        gc.freeze()

    def pre_fork(self, server, worker) -> None:
        """gunicorn's hook, in the master before each fork."""
        self.refresh()


class Gunicorn(BaseApplication):
    """gunicorn run from Python, on an app made before it forks."""

    def __init__(self, app, options: dict):
        self.app, self.options = app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.app


def serve(index_dir: str | Path, host: str = "127.0.0.1", port: int = 8000,
          workers: int | None = None, threads: int = 4, cache_size: int | None = None,
          echo=print, head_seconds: float | None = None) -> None:
    """Serve the app on ``host:port`` until SIGTERM or Ctrl-C, then exit the
    process (gunicorn's ``SystemExit``; 0 on a normal stop)."""
    from search import Engine
    from search.index.workers import cores

    from . import create_app
    from .cache import DEFAULT_ENTRIES
    from .worker import HeadFirstWorker

    workers = workers or cores()
    engine = Engine(index_dir)  # IndexMissing: the caller explains it
    sock = bind(host, port)
    limit_malloc_arenas()
    echo(f"serving {index_dir} on http://{host}:{sock.getsockname()[1]} with gunicorn "
         f"({workers} worker process{'es' if workers > 1 else ''} x {threads} threads)")
    warm = WarmEngine(engine)
    if head_seconds is not None:
        HeadFirstWorker.head_seconds = head_seconds
    app = create_app(engine=engine,
                     SEARCH_CACHE_SIZE=DEFAULT_ENTRIES if cache_size is None else cache_size)
    Gunicorn(app, {
        "bind": f"fd://{sock.detach()}",  # gunicorn takes the descriptor over
        "workers": workers,
        "worker_class": HeadFirstWorker,
        "threads": threads,
        "preload_app": True,
        "pre_fork": warm.pre_fork,
        "post_worker_init": trim_malloc_forever,
        "graceful_timeout": STOP_GRACE_SECONDS,
        # gunicorn 25+ opens a control socket in $HOME (one path for every
        # server of the user) and serves it from a thread of the master,
        # which would be inherited mid-flight by every later fork.
        "control_socket_disable": True,
    }).run()
