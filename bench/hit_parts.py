"""CPU per distinct /api/search request of the parts that build a result
page's hits, without a profiler's per-call overhead: each part's calls timed
with time.process_time (the snippets, the hits' stored fields, the web's
rendered snippets, the JSON), beside the whole request's CPU.

    .venv/bin/python bench/hit_parts.py --index bench/data/index-100000 [--requests 1000]
        [--root /path/to/another/checkout]

``--root``: measure another revision's code (a worktree: bench/revision.py),
with this venv's packages; run both in turns, the machine is noisy.
"""

from __future__ import annotations

import argparse
import sys
import time
import urllib.parse
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--warm", type=int, default=200)
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = ap.parse_args()
    root = args.root.resolve()
    sys.path[:0] = [str(root), str(root / "bench")]
    index = args.index.resolve()

    import flask.json.provider
    from whoosh.reading import MultiReader

    import search.query.engine
    from load import distinct_queries
    from profile_requests import call
    from search import Engine
    from web import create_app
    from web.server import WARM_QUERIES

    spent: dict[str, float] = {}

    def timed(owner, name: str, part: str):
        real = getattr(owner, name)

        def run(*a, **k):
            start = time.process_time()
            try:
                return real(*a, **k)
            finally:
                spent[part] = spent.get(part, 0.0) + time.process_time() - start
        setattr(owner, name, run)

    timed(search.query.engine, "snippet", "snippets")
    timed(MultiReader, "stored_fields", "stored fields")  # before the engine binds it
    timed(flask.json.provider.DefaultJSONProvider, "dumps", "json")
    engine = Engine(index)
    engine.warm(WARM_QUERIES)
    app = create_app(engine=engine, SEARCH_CACHE_SIZE=0)
    timed(app.extensions["search_cache"], "prepare", "rendered snippets")
    paths = [f"/api/search?q={urllib.parse.quote(q)}"
             for q in distinct_queries(index, args.requests + args.warm)]
    for p in paths[args.requests:]:
        call(app, p)
    spent.clear()
    start = time.process_time()
    for p in paths[:args.requests]:
        call(app, p)
    whole = time.process_time() - start
    n = args.requests
    parts = ", ".join(f"{k} {v * 1000 / n:.3f}" for k, v in spent.items())
    print(f"{root}: {whole * 1000 / n:.2f} ms CPU a request; {parts} (ms a request)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
