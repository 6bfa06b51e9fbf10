"""The web front end: a Flask app factory over the search library."""

from __future__ import annotations

import logging
import threading

from flask import Flask


def create_app(engine=None, index_dir: str | None = None, **config) -> Flask:
    """Create the app around an ``Engine`` (or open one on ``index_dir``)."""
    app = Flask(__name__)
    app.config.update(config)
    app.json.ensure_ascii = False  # Vietnamese stays readable in the JSON
    app.json.sort_keys = False
    # No routing redirects: Werkzeug builds them as absolute URLs from the
    # request's Host header, so `//doc//x` with `Host: evil.example` was a 308
    # to http://evil.example/doc/x; it is now a 404 like any unknown path. (The
    # other kind, adding a missing "/", needs a rule ending in "/": only "/".)
    app.url_map.merge_slashes = False
    if engine is None:
        from search import Engine

        engine = Engine(index_dir or "index")
    app.extensions["engine"] = engine
    from .cache import SearchCache
    from .marks import marked, with_snippets
    from .views import bp

    # Off unless asked for (`vnsearch serve` asks): results of repeated
    # requests, kept with their snippets rendered.
    app.extensions["search_cache"] = SearchCache(engine, app.config.get("SEARCH_CACHE_SIZE", 0),
                                                 prepare=with_snippets)

    app.add_template_filter(marked)
    from .display import install

    install(app)

    app.register_blueprint(bp)
    app.logger.setLevel(logging.INFO)
    app.wsgi_app = _one_at_a_time(app.wsgi_app)
    return app


def _one_at_a_time(wsgi_app):
    """The app answers one request at a time in a process; the server's
    threads still read requests and write answers meanwhile (the body is
    written after this returns). The engine already searches one at a time
    (search/query/engine.py ``_running``: numpy's GIL releases handed the GIL
    between threads); the rest of a request (the snippets' HTML, the JSON)
    then did the same against the next search. Measured (gunicorn, 2
    workers, 8 clients, distinct queries at 100k, in turns): 4 threads took
    5.97 and 6.07 ms of CPU a request, 1 thread 5.70 and 5.76; with this,
    5.57 and 5.30 against 5.49 and 5.82. A load balancer's health check
    (``/healthz``) does not wait for a long answer in progress."""
    lock = threading.Lock()

    def app(environ, start_response):
        if environ.get("PATH_INFO") == "/healthz":
            return wsgi_app(environ, start_response)
        with lock:
            return wsgi_app(environ, start_response)

    return app
