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
from waitress.server import create_server

from conftest import SEEDS
from search.cli import main
from search.indexer import build_index
from search.searcher import Engine
from search.store import current_generation
from web import create_app

QUERIES = ["tinh uy", "Ban Chấp hành", "che thai nguyen", "GRDP", "05-CT/TW", "nghi quyet"]


def copy_seeds(dest: Path, copies: int = 1) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for n in range(copies):
        for p in SEEDS.glob("*.txt"):
            shutil.copy(p, dest / f"{p.stem}-{n}.txt")
    return dest


def test_queries_keep_answering_during_rebuilds(tmp_path):
    source = copy_seeds(tmp_path / "src")
    index = tmp_path / "index"
    build_index(source, index)
    engine = Engine(index)
    expected = {q: engine.search(q)["total"] for q in QUERIES}
    assert all(expected.values())
    server = create_server(create_app(engine=engine), host="127.0.0.1", port=0, threads=2)
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{server.effective_port}/api/search?q="
    stop = threading.Event()
    counts = {"ok": 0, "failed": [], "http_ok": 0}
    lock = threading.Lock()

    def library_total(q):
        return engine.search(q)["total"]

    def http_total(q):
        with urllib.request.urlopen(url + urllib.request.quote(q), timeout=10) as r:
            return json.load(r)["total"]

    def worker(total_of, tally: str, seed: int):
        rnd = random.Random(seed)
        while not stop.is_set():
            q = rnd.choice(QUERIES)
            try:
                total = total_of(q)
                outcome = None if total == expected[q] else f"{tally} {q}: {total} != {expected[q]}"
            except Exception as e:  # counted, not raised: we want the tally
                outcome = f"{tally} {q}: {e!r}"
            with lock:
                if outcome:
                    counts["failed"].append(outcome)
                else:
                    counts[tally] += 1
            time.sleep(0.1)  # leave the GIL to the build, or it takes minutes

    threads = [threading.Thread(target=worker, args=(library_total, "ok", i)) for i in range(8)]
    threads.append(threading.Thread(target=worker, args=(http_total, "http_ok", 99)))
    for t in threads:
        t.start()
    try:
        for _ in range(3):
            build_index(source, index, full=True)  # an unchanged source is otherwise a no-op update
    finally:
        stop.set()
        for t in threads:
            t.join()
        server.close()
    print(f"\nduring 3 rebuilds: {counts['ok']} library and {counts['http_ok']} HTTP queries answered, "
          f"{len(counts['failed'])} failed")
    assert counts["failed"] == []
    assert counts["ok"] > 50 and counts["http_ok"] > 5


def test_kill_9_during_index_leaves_previous_index_serving(tmp_path):
    source = copy_seeds(tmp_path / "src", copies=6)
    index = tmp_path / "index"
    small = copy_seeds(tmp_path / "small")
    build_index(small, index)
    before = current_generation(index)
    expected = Engine(index).search("tinh uy")["total"]
    cmd = [sys.executable, "-m", "search.cli", "index", "--source", str(source), "--index", str(index)]
    rnd = random.Random(7)
    kills = 0
    for _ in range(4):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rnd.uniform(0.3, 2.5))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait()
        if current_generation(index) == before:
            assert Engine(index).search("tinh uy")["total"] == expected
    assert kills >= 2
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
    assert "cannot be opened" in out.output and "vnsearch index" in out.output
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
