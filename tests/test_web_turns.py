"""The app answers one request at a time in a process (web/__init__.py
``_one_at_a_time``), the health check excepted: the server's threads wait
their turn instead of handing the GIL back and forth, and a load balancer's
check is answered while a long request is in progress."""

import threading

from web import create_app


def _slow_search(engine, monkeypatch):
    """engine.search, made to wait inside until ``release`` is set; counts
    how many requests are in it at once."""
    state = {"inside": 0, "most": 0, "entered": threading.Event(), "release": threading.Event()}
    lock = threading.Lock()
    search = engine.search

    def slow(*args, **kwargs):
        with lock:
            state["inside"] += 1
            state["most"] = max(state["most"], state["inside"])
        state["entered"].set()
        # Long enough for any machine: the tests set it as soon as they have looked.
        state["release"].wait(timeout=30.0)
        try:
            return search(*args, **kwargs)
        finally:
            with lock:
                state["inside"] -= 1

    monkeypatch.setattr(engine, "search", slow)
    return state


def test_two_requests_take_turns(seed_engine, monkeypatch):
    app = create_app(engine=seed_engine)
    state = _slow_search(seed_engine, monkeypatch)
    codes = []

    def get(q):
        codes.append(app.test_client().get("/api/search", query_string={"q": q}).status_code)

    first = threading.Thread(target=get, args=("tỉnh ủy",))
    first.start()
    assert state["entered"].wait(timeout=10)
    second = threading.Thread(target=get, args=("kinh tế",))
    second.start()
    second.join(timeout=0.5)  # it cannot come in while the first is inside
    assert state["inside"] == 1
    state["release"].set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert codes == [200, 200] and state["most"] == 1


def test_health_check_does_not_wait_for_a_request(seed_engine, monkeypatch):
    app = create_app(engine=seed_engine)
    state = _slow_search(seed_engine, monkeypatch)
    busy = threading.Thread(target=lambda: app.test_client().get("/api/search?q=t%E1%BB%89nh"))
    busy.start()
    assert state["entered"].wait(timeout=10)
    health = app.test_client().get("/healthz")
    still_inside = state["inside"]
    state["release"].set()
    busy.join(timeout=30)
    assert health.status_code == 200 and health.get_json()["status"] == "ok"
    assert still_inside == 1  # answered while the search was still in progress
