"""Answering queries: parsing, Whoosh's read side (``whoosh_read``), ranking,
facets, match spans, suggestions, and the ``Engine``."""
