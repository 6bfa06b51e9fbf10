"""Where a distinct request's CPU goes, in one process: the Flask app (result
cache off) answers the distinct queries of bench/load.py through its WSGI
callable, under cProfile, after a warm-up; prints CPU ms per request and the
functions with the most time, by own time and by cumulative time.

    .venv/bin/python bench/profile_requests.py --index bench/data/index-new-corpus-100000
        [--requests 1000] [--top 30] [--path /api/search] [--no-profile]

One thread, no sockets: the server's own part (gunicorn's parsing and
writing, threads waiting for the GIL) is not in it; bench/load.py measures
the whole (CPU ms per request of the server's processes).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from load import distinct_queries  # noqa: E402


def call(app, path: str) -> bytes:
    """One GET through the WSGI callable, the response body read."""
    route, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": route, "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": True,
        "wsgi.run_once": False, "wsgi.version": (1, 0),
    }
    status = []
    body = b"".join(app(environ, lambda s, h, e=None: status.append(s)))
    if not status[0].startswith("200"):
        raise SystemExit(f"{path}: {status[0]}")
    return body


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--warm", type=int, default=200)
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--path", default="/api/search", help="/api/search or /search")
    ap.add_argument("--no-profile", action="store_true", help="only the CPU per request")
    args = ap.parse_args()

    from search import Engine
    from web import create_app
    from web.server import WARM_QUERIES

    engine = Engine(args.index)
    engine.warm(WARM_QUERIES)
    app = create_app(engine=engine, SEARCH_CACHE_SIZE=0)
    queries = distinct_queries(args.index, args.requests + args.warm)
    paths = [f"{args.path}?q={urllib.parse.quote(q)}" for q in queries]
    for p in paths[args.requests:]:
        call(app, p)
    measured = paths[:args.requests]
    # cProfile's default clock (wall time): with time.process_time as its
    # clock, a system call per event, the profile was mostly its own
    # overhead, spread over the functions called most often.
    profile = None if args.no_profile else cProfile.Profile()
    cpu0 = time.process_time()
    if profile:
        profile.enable()
    for p in measured:
        call(app, p)
    if profile:
        profile.disable()
    cpu = time.process_time() - cpu0
    print(f"{len(measured)} distinct requests to {args.path}: {cpu * 1000 / len(measured):.2f} ms "
          f"CPU each{' (under cProfile)' if profile else ''}")
    if profile:
        for key in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(key).print_stats(args.top)
            text = out.getvalue()
            print(text[text.find("   ncalls"):])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
