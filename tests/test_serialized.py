"""One answer at a time in a process (query/engine.py ``_running``): two
threads searching at once take turns inside the engine, so that numpy's
releases of the GIL do not hand it back and forth between them."""

import threading

from search.query import ranking


def test_two_threads_take_turns_in_the_engine(seed_engine, monkeypatch):
    inside, most = [0], [0]
    lock = threading.Lock()
    first_in, second_done = threading.Event(), threading.Event()
    original = ranking.Ranker.rank

    def rank(self, *args, **kwargs):
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        first_in.set()
        # Whoever is in waits (at most 1 s) for the other to come in too:
        # taking turns, it cannot.
        second_done.wait(timeout=1.0)
        try:
            return original(self, *args, **kwargs)
        finally:
            with lock:
                inside[0] -= 1

    def second():
        first_in.wait(timeout=10)
        found.append(seed_engine.search("kinh tế"))
        second_done.set()

    monkeypatch.setattr(ranking.Ranker, "rank", rank)
    found = []
    other = threading.Thread(target=second)
    other.start()
    found.append(seed_engine.search("tỉnh ủy"))
    other.join(timeout=30)
    assert len(found) == 2 and all(f["total"] > 0 for f in found)
    assert most[0] == 1
