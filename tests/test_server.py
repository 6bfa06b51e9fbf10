"""`vnsearch serve`: gunicorn's pre-forked workers, their supervision, rebuilds
while serving, the result cache."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, SEEDS
from search.cli import main
from search import build_index
from search import Engine
from web import create_app
from web.cache import CHARS_PER_RESULT, SearchCache
from search.query.generation import Generation
from web.server import WarmEngine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> set[int]:
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.add(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            pass
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(cond, timeout: float = 20.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def get_json(port: int, path: str, conn=None):
    c = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    if conn is None:
        c.close()
    return r.status, json.loads(body)


def total(port: int, q: str, conn=None) -> int:
    status, data = get_json(port, "/api/search?q=" + urllib.parse.quote(q), conn)
    assert status == 200, data
    return data["total"]


def start(index: Path, *args: str):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "search.cli", "serve", "--index", str(index),
                             "--port", str(port), *args],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def up():
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.communicate()}")
        try:
            return get_json(port, "/healthz")[0] == 200
        except OSError:
            return False

    wait_for(up, 60, "the server to answer")
    return proc, port


def stop(proc) -> None:
    """Stop the server and its workers (SIGTERM; SIGKILL if it hangs)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    proc.communicate(timeout=10)


def copy_source(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for p in SEEDS.glob("*.txt"):
        shutil.copy(p, dest / p.name)
    return dest


@pytest.fixture
def index(tmp_path):
    source = copy_source(tmp_path / "src")
    build_index(source, tmp_path / "index")
    return tmp_path / "index"


def workers(proc, n: int) -> set[int]:
    """The master's ``n`` worker processes, once it has that many."""
    return wait_for(lambda: (lambda k: len(k) == n and k)(children(proc.pid)), 60, f"{n} workers")


def ask_each(pids, port: int, q: str) -> dict[int, int]:
    """``q``'s total as each worker answers it on a fresh connection: the
    other workers are stopped meanwhile (SIGSTOP), so that only this one can
    accept it, whichever would have won the race."""
    out = {}
    for pid in pids:
        others = [p for p in pids if p != pid]
        for p in others:
            os.kill(p, signal.SIGSTOP)
        try:
            out[pid] = total(port, q)
        finally:
            for p in others:
                os.kill(p, signal.SIGCONT)
    return out


def open_index_files(index: Path) -> list[str]:
    """The files under ``index`` this process holds open, but the flat
    postings and stored fields (index/hot.py, index/flatstored.py), read by
    position (pread) and shared by the workers on purpose: no offset
    between them."""
    out = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # the descriptor listdir itself used
            continue
        if target.startswith(str(index)) and ".hot_" not in target and ".stored_flat." not in target:
            out.append(target)
    return out


def test_a_killed_worker_is_replaced(index):
    proc, port = start(index, "--workers", "2", "--threads", "2")
    try:
        first = workers(proc, 2)
        expected = total(port, "tinh uy")
        assert expected > 0
        assert set(ask_each(first, port, "tinh uy").values()) == {expected}
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        # The survivor answers at once: the listening socket is shared.
        assert {total(port, "tinh uy") for _ in range(10)} == {expected}
        replaced = wait_for(lambda: (lambda k: len(k) == 2 and victim not in k and k)(children(proc.pid)),
                            60, "a new worker")
        assert set(ask_each(replaced, port, "tinh uy").values()) == {expected}
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        out, err = proc.communicate()
        assert "2 worker processes" in out and f"Worker (pid:{victim}) was sent SIGKILL" in err
    finally:
        stop(proc)


def assert_all_stopped(proc, pids: list[int], port: int) -> None:
    """The master exited 0, every worker is gone, nothing listens any more."""
    assert proc.wait(timeout=30) == 0
    wait_for(lambda: not any(alive(p) for p in pids), 30, "workers to stop")
    with pytest.raises(OSError):
        get_json(port, "/healthz")


def test_sigterm_stops_the_master_and_every_worker(index):
    proc, port = start(index, "--workers", "2")
    try:
        pids = workers(proc, 2)
        assert total(port, "GRDP") == 2
        proc.send_signal(signal.SIGTERM)
        assert_all_stopped(proc, pids, port)
        assert "Traceback" not in proc.communicate()[1]
    finally:
        stop(proc)


def test_ctrl_c_stops_everything(index):
    proc, port = start(index, "--workers", "2")
    try:
        pids = workers(proc, 2)
        # Ctrl-C in a terminal signals the whole foreground group.
        for pid in [proc.pid, *pids]:
            os.kill(pid, signal.SIGINT)
        assert_all_stopped(proc, pids, port)
    finally:
        stop(proc)


def test_workers_die_with_a_killed_master(index):
    proc, port = start(index, "--workers", "2")
    try:
        pids = workers(proc, 2)
        proc.kill()
        proc.wait(timeout=10)
        wait_for(lambda: not any(alive(p) for p in pids), 30, "orphaned workers to stop")
    finally:
        stop(proc)


def test_one_worker(index):
    proc, port = start(index, "--workers", "1")
    try:
        workers(proc, 1)
        assert total(port, "GRDP") == 2
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        stop(proc)


def test_workers_answer_during_rebuilds_and_pick_up_the_new_index(tmp_path, index, pauses):
    source = tmp_path / "src"
    proc, port = start(index, "--workers", "2", "--threads", "2")
    pids = workers(proc, 2)
    expected = total(port, "tinh uy")
    stop_flag = threading.Event()
    failures, answered = [], [0]

    def client():
        # Keep-alive, whichever worker holds the connection; a worker stopped
        # by ask_each delays it, hence the long timeout.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while not stop_flag.is_set():
            try:
                status, data = get_json(port, "/api/search?q=tinh+uy", conn)
                if status != 200 or data["total"] != expected:
                    failures.append((status, data))
                answered[0] += 1
            except Exception as e:  # counted, not raised
                failures.append(repr(e))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            time.sleep(0.01)  # leave the cores to the build
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(2)]
    points = ("generation", "segment", "swap")
    held = []
    try:
        # Each worker has the old generation open before the rebuilds.
        assert ask_each(pids, port, "quokkaword") == {p: 0 for p in pids}
        for t in threads:
            t.start()
        (source / "new.txt").write_text("Tiêu đề\nMột đoạn về quokkaword ở Thái Nguyên.\n",
                                        encoding="utf-8")
        for full in (False, True):  # an update, then a rebuild that prunes the old generation
            pauses.hold(*points)
            errors = []
            build = threading.Thread(target=lambda: _build(source, index, full, errors))
            build.start()
            for point in points:
                pauses.wait(point, build=build)
                held.append(ask_each(pids, port, "tinh uy"))
                pauses.release(point)
            build.join()
            assert errors == []
            # Every worker answers from the new generation, without a restart.
            assert ask_each(pids, port, "quokkaword") == {p: 1 for p in pids}
            assert {total(port, "quokkaword") for _ in range(6)} == {1}
    finally:
        stop_flag.set()
        for t in threads:
            t.join()
        stop(proc)
    assert held == [{p: expected for p in pids}] * 2 * len(points)
    assert failures == [] and answered[0] > 0


def _build(source, index, full, errors):
    try:
        build_index(source, index, full=full)
    except BaseException as e:  # reported by the test
        errors.append(e)


def test_master_warms_a_rebuilt_index_before_it_forks(tmp_path, index):
    import gc

    engine = Engine(index)
    warm = WarmEngine(engine)
    try:
        first = warm.generation
        assert first == engine.current()
        # Warm, and no searcher left open for a worker to inherit.
        assert open_index_files(index) == []
        warm.pre_fork(None, None)  # nothing changed
        assert warm.generation == first
        (tmp_path / "src" / "new.txt").write_text("Tiêu đề\nMột đoạn mới.\n", encoding="utf-8")
        build_index(tmp_path / "src", index)
        warm.pre_fork(None, None)
        assert warm.generation == engine.current() != first
        assert open_index_files(index) == []
        gc.unfreeze()  # frozen objects are hidden from get_objects
        gc.collect()
        kept = {g.path for g in gc.get_objects() if isinstance(g, Generation) and g.path.parent == index}
        assert kept == {warm.generation}  # the old generation let go
    finally:
        gc.unfreeze()


def test_cache_answers_repeats_and_forgets_an_old_generation(tmp_path, index):
    source = tmp_path / "src"
    engine = Engine(index)
    client = create_app(engine=engine, TESTING=True, SEARCH_CACHE_SIZE=10).test_client()
    cache: SearchCache = client.application.extensions["search_cache"]
    first = client.get("/api/search?q=quokkaword").get_json()
    assert cache.results.weight == 0  # asked once: only the request remembered
    client.get("/api/search?q=quokkaword")  # asked again: kept
    again = client.get("/api/search?q=quokkaword").get_json()
    assert first["total"] == again["total"] == 0
    assert (cache.hits, cache.misses) == (1, 2)
    assert {k: v for k, v in first.items() if k != "took_ms"} == \
        {k: v for k, v in again.items() if k != "took_ms"}
    page = client.get("/search?q=quokkaword&group=none").get_data(as_text=True)
    assert (cache.hits, cache.misses) == (2, 2)  # the page, paragraph by paragraph, asks the same 10 results
    (source / "new.txt").write_text("Tiêu đề\nMột đoạn về quokkaword.\n", encoding="utf-8")
    build_index(source, index)
    assert client.get("/api/search?q=quokkaword").get_json()["total"] == 1
    assert "quokkaword" in client.get("/search?q=quokkaword").get_data(as_text=True)
    assert "Tìm thấy" not in page
    # Bounded by the characters it holds: the oldest requests go first.
    for n in range(15):
        client.get(f"/api/search?q=tinh+{n}")
        client.get(f"/api/search?q=tinh+{n}")
    assert 0 < cache.results.weight <= cache.results.budget == 10 * CHARS_PER_RESULT
    hits = cache.hits
    client.get("/api/search?q=tinh+14")
    assert cache.hits == hits + 1
    client.get("/api/search?q=tinh+0")
    assert cache.hits == hits + 1


def test_requests_asked_once_do_not_push_out_the_kept(index):
    client = create_app(engine=Engine(index), TESTING=True, SEARCH_CACHE_SIZE=3).test_client()
    cache: SearchCache = client.application.extensions["search_cache"]
    for _ in range(2):
        client.get("/api/search?q=tinh+uy")  # popular: asked twice, kept
    for n in range(50):
        client.get(f"/api/search?q=nghi+quyet+{n}")  # each asked once
    hits = cache.hits
    client.get("/api/search?q=tinh+uy")
    assert cache.hits == hits + 1
    assert len(cache.results) == 1  # the one asked twice, only


def test_cache_off_by_default_in_the_app(index):
    app = create_app(engine=Engine(index), TESTING=True)
    client = app.test_client()
    client.get("/api/search?q=tinh")
    client.get("/api/search?q=tinh")
    cache = app.extensions["search_cache"]
    assert cache.hits == 0 and cache.results.weight == 0


def test_serve_on_a_busy_port_says_so(index):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        out = CliRunner().invoke(main, ["serve", "--index", str(index), "--port", str(port)])
    assert out.exit_code == 1 and "cannot listen on 127.0.0.1" in out.output
    assert "Traceback" not in out.output



