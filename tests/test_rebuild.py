"""Rebuilds and crashes never take search down."""

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from click.testing import CliRunner
from werkzeug.serving import make_server

from conftest import SEEDS
from search.cli import main
from search import build_index
from search import Engine
from search.index.store import current_generation
from web import create_app

QUERIES = ["tinh uy", "Ban Chấp hành", "che thai nguyen", "GRDP", "05-CT/TW", "nghi quyet"]


def copy_seeds(dest: Path, copies: int = 1) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for n in range(copies):
        for p in SEEDS.glob("*.txt"):
            shutil.copy(p, dest / f"{p.stem}-{n}.txt")
    return dest


def test_queries_keep_answering_during_rebuilds(tmp_path, pauses):
    source = copy_seeds(tmp_path / "src")
    index = tmp_path / "index"
    build_index(source, index)
    engine = Engine(index)
    expected = {q: engine.search(q)["total"] for q in QUERIES}
    assert all(expected.values())
    server = make_server("127.0.0.1", 0, create_app(engine=engine), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.port}/api/search?q="
    failed: list[str] = []
    lock = threading.Lock()

    def library_total(q):
        return engine.search(q)["total"]

    def http_total(q):
        with urllib.request.urlopen(url + urllib.request.quote(q), timeout=60) as r:
            return json.load(r)["total"]

    def answered(total_of, q) -> bool:
        try:
            total = total_of(q)
            outcome = None if total == expected[q] else f"{total_of.__name__} {q}: {total} != {expected[q]}"
        except Exception as e:  # counted, not raised: we want the tally
            outcome = f"{total_of.__name__} {q}: {e!r}"
        if outcome:
            with lock:
                failed.append(outcome)
        return outcome is None

    # Meanwhile, queries at whatever instants the machine's speed gives (the
    # swap among them): none may fail; how many fit is not the point.
    stop = threading.Event()

    def background(total_of, seed: int):
        rnd = random.Random(seed)
        while not stop.is_set():
            answered(total_of, rnd.choice(QUERIES))
            time.sleep(0.01)  # leave the GIL to the build

    threads = [threading.Thread(target=background, args=(library_total, i)) for i in range(4)]
    threads.append(threading.Thread(target=background, args=(http_total, 99)))
    for t in threads:
        t.start()
    # And a fixed number at known states of each build: every query, through
    # the library and HTTP, while the build is held at each point.
    points = ("generation", "segment", "swap")
    pauses.hold(*points)
    held, built = 0, {engine.manifest["built_at"]}
    errors: list[BaseException] = []

    def rebuild():
        try:
            build_index(source, index, full=True)  # an unchanged source is otherwise a no-op update
        except BaseException as e:
            errors.append(e)

    try:
        for _ in range(3):
            build = threading.Thread(target=rebuild)
            build.start()
            for point in points:
                pauses.wait(point, build=build)
                held += sum(answered(total_of, q) for q in QUERIES for total_of in (library_total, http_total))
                pauses.release(point)
            build.join()
            assert errors == []
            built.add(engine.manifest["built_at"])  # the engine moved to the new generation
    finally:
        stop.set()
        for t in threads:
            t.join()
        server.shutdown()
        server.server_close()
    print(f"\nduring 3 rebuilds: {held} queries at held points, {len(failed)} failed")
    assert failed == []
    assert held == 3 * len(points) * 2 * len(QUERIES)
    assert len(built) == 4


def test_kill_9_during_index_leaves_previous_index_serving(tmp_path, pauses):
    source = copy_seeds(tmp_path / "src", copies=6)
    index = tmp_path / "index"
    small = copy_seeds(tmp_path / "small")
    build_index(small, index)
    before = current_generation(index)
    engine = Engine(index)
    expected = engine.search("tinh uy")["total"]
    cmd = [sys.executable, "-m", "search.cli", "index", "--source", str(source), "--index", str(index)]
    for point in ("locked", "generation", "segment", "swap"):
        pauses.hold(point)
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pauses.wait(point, build=proc)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert current_generation(index) == before, point
        assert engine.search("tinh uy")["total"] == expected
        assert Engine(index).search("tinh uy")["total"] == expected
    pauses.hold()
    # The next build recovers: no lock held, debris cleaned, new index live.
    report = build_index(source, index)
    assert report.documents == 30
    assert Engine(index).search("tinh uy")["total"] == expected * 6
    assert len(list(index.glob("gen-*"))) <= 2
    assert not list(index.glob(".current.*"))


def test_corrupted_index_is_explained_without_traceback(tmp_path):
    index = tmp_path / "index"
    build_index(copy_seeds(tmp_path / "src"), index)
    gen = current_generation(index)
    for f in gen.glob("*.toc"):
        f.write_bytes(b"garbage")
    out = CliRunner().invoke(main, ["search", "tinh uy", "--index", str(index)])
    assert out.exit_code == 1
    assert "Lỗi: không mở được chỉ mục" in out.output and "vnsearch index" in out.output
    assert "Traceback" not in out.output
    out = CliRunner().invoke(main, ["serve", "--index", str(index), "--port", "1"])
    assert out.exit_code == 1 and "vnsearch index" in out.output


def test_index_vanishing_under_the_server_gives_503_page(tmp_path):
    index = tmp_path / "index"
    build_index(copy_seeds(tmp_path / "src"), index)
    client = create_app(engine=Engine(index), TESTING=True).test_client()
    shutil.rmtree(index)
    r = client.get("/search?q=tinh")
    assert r.status_code == 503 and "không sẵn sàng" in r.get_data(as_text=True)
    assert client.get("/api/search?q=tinh").status_code == 503
