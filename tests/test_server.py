"""`vnsearch serve`: pre-forked workers, their supervision, the result cache."""

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
from web.serving import Master


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
    if proc.poll() is None:
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


def test_workers_serve_are_replaced_and_stop_with_sigterm(index):
    proc, port = start(index, "--workers", "2", "--threads", "2")
    try:
        workers = wait_for(lambda: len(children(proc.pid)) == 2 and children(proc.pid), what="2 workers")
        expected = total(port, "tinh uy")
        assert expected > 0
        # Many connections: both workers answer, the same.
        assert {total(port, "tinh uy") for _ in range(20)} == {expected}
        victim = sorted(workers)[0]
        os.kill(victim, signal.SIGKILL)
        replaced = wait_for(lambda: (lambda k: len(k) == 2 and victim not in k and k)(children(proc.pid)),
                            what="a new worker")
        assert total(port, "tinh uy") == expected
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
        wait_for(lambda: not any(alive(p) for p in replaced), 10, "workers to stop")
        out, err = proc.communicate()
        assert "2 worker processes" in out and f"worker {victim} exited" in err
    finally:
        stop(proc)


def test_ctrl_c_stops_everything(index):
    proc, port = start(index, "--workers", "2")
    try:
        workers = wait_for(lambda: len(children(proc.pid)) == 2 and children(proc.pid), what="2 workers")
        # Ctrl-C in a terminal signals the whole foreground group.
        for pid in [proc.pid, *workers]:
            os.kill(pid, signal.SIGINT)
        assert proc.wait(timeout=15) == 0
        wait_for(lambda: not any(alive(p) for p in workers), 10, "workers to stop")
        with pytest.raises(OSError):
            get_json(port, "/healthz")
    finally:
        stop(proc)


def test_workers_die_with_a_killed_master(index):
    proc, port = start(index, "--workers", "2")
    try:
        workers = wait_for(lambda: len(children(proc.pid)) == 2 and children(proc.pid), what="2 workers")
        proc.kill()
        proc.wait(timeout=10)
        wait_for(lambda: not any(alive(p) for p in workers), 10, "orphaned workers to stop")
    finally:
        stop(proc)


def test_single_process_mode_stops_with_sigterm(index):
    proc, port = start(index, "--workers", "1")
    try:
        assert children(proc.pid) == set()
        assert total(port, "GRDP") == 2
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    finally:
        stop(proc)


def test_workers_pick_up_a_rebuilt_index_and_answer_during_rebuilds(tmp_path, index):
    source = tmp_path / "src"
    proc, port = start(index, "--workers", "2", "--threads", "2")
    stop_flag = threading.Event()
    failures, answered = [], [0]

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while not stop_flag.is_set():
            try:
                status, data = get_json(port, "/api/search?q=tinh+uy", conn)
                if status != 200 or not data["total"]:
                    failures.append((status, data))
                answered[0] += 1
            except Exception as e:  # counted, not raised
                failures.append(repr(e))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            time.sleep(0.05)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(3)]
    try:
        assert total(port, "quokkaword") == 0
        for t in threads:
            t.start()
        (source / "new.txt").write_text("Tiêu đề\nMột đoạn về quokkaword ở Thái Nguyên.\n",
                                        encoding="utf-8")
        build_index(source, index)
        build_index(source, index, full=True)
        # Every worker (fresh connections land on either) sees the new document.
        assert all(total(port, "quokkaword") == 1 for _ in range(12))
    finally:
        stop_flag.set()
        for t in threads:
            t.join()
        stop(proc)
    assert failures == [] and answered[0] > 5


def test_cache_answers_repeats_and_forgets_an_old_generation(tmp_path, index):
    source = tmp_path / "src"
    engine = Engine(index)
    client = create_app(engine=engine, TESTING=True, SEARCH_CACHE_SIZE=10).test_client()
    cache: SearchCache = client.application.extensions["search_cache"]
    first = client.get("/api/search?q=quokkaword").get_json()
    again = client.get("/api/search?q=quokkaword").get_json()
    assert first["total"] == again["total"] == 0
    assert (cache.hits, cache.misses) == (1, 1)
    assert {k: v for k, v in first.items() if k != "took_ms"} == \
        {k: v for k, v in again.items() if k != "took_ms"}
    page = client.get("/search?q=quokkaword").get_data(as_text=True)
    assert (cache.hits, cache.misses) == (2, 1)  # the page asks the same 10 results
    (source / "new.txt").write_text("Tiêu đề\nMột đoạn về quokkaword.\n", encoding="utf-8")
    build_index(source, index)
    assert client.get("/api/search?q=quokkaword").get_json()["total"] == 1
    assert "quokkaword" in client.get("/search?q=quokkaword").get_data(as_text=True)
    assert "Tìm thấy" not in page
    # Bounded by the characters it holds: the oldest requests go first.
    for n in range(15):
        client.get(f"/api/search?q=tinh+{n}")
    assert 0 < cache.held <= cache.budget == 10 * CHARS_PER_RESULT
    hits = cache.hits
    client.get("/api/search?q=tinh+14")
    assert cache.hits == hits + 1
    client.get("/api/search?q=tinh+0")
    assert cache.hits == hits + 1


def test_cache_off_by_default_in_the_app(index):
    app = create_app(engine=Engine(index), TESTING=True)
    client = app.test_client()
    client.get("/api/search?q=tinh")
    client.get("/api/search?q=tinh")
    cache = app.extensions["search_cache"]
    assert cache.hits == 0 and cache.held == 0


def test_serve_on_a_busy_port_says_so(index):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        out = CliRunner().invoke(main, ["serve", "--index", str(index), "--port", str(port)])
    assert out.exit_code == 1 and "cannot listen on 127.0.0.1" in out.output
    assert "Traceback" not in out.output


def test_master_lets_go_of_a_superseded_generation(tmp_path, index):
    import gc
    import weakref

    engine = Engine(index)
    master = Master(engine, lambda e: create_app(engine=e), socket.socket(), 2, 1)
    try:
        master._prepare_fork()  # what it does before forking: warm, close its searcher
        assert master.generation is not None
        master._release_old_generation()  # nothing changed: kept
        assert master.engine is engine
        (tmp_path / "src" / "new.txt").write_text("Tiêu đề\nMột đoạn mới.\n", encoding="utf-8")
        build_index(tmp_path / "src", index)
        old = weakref.ref(engine)
        del engine
        master._release_old_generation()
        assert master.generation is None and old() is None
        assert master.app.extensions["engine"] is master.engine
        master._prepare_fork()  # the next fork gets the new generation warmed
        assert master.generation is not None
    finally:
        gc.unfreeze()
        master.sock.close()
