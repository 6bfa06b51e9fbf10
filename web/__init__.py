"""The web front end: a Flask app factory over the search library."""

from __future__ import annotations

import logging

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
    return app
