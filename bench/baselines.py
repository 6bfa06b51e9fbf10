"""The engines people would otherwise use, built the plain way, for comparison.

- plain Whoosh: RegexTokenizer | LowercaseFilter | CharsetFilter(accent_map),
  query words OR-ed, BM25F.
- SQLite FTS5: tokenize='unicode61 remove_diacritics 2', query words OR-ed, bm25.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile

from whoosh import index as whoosh_index
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.qparser import OrGroup, QueryParser
from whoosh.support.charset import accent_map


class PlainWhoosh:
    name = "plain Whoosh (accent_map)"

    def __init__(self, paragraphs: list[tuple[str, str]]):
        analyzer = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
        schema = Schema(key=ID(stored=True), body=TEXT(analyzer=analyzer), raw=STORED())
        self._dir = tempfile.TemporaryDirectory(prefix="plain-whoosh-")
        ix = whoosh_index.create_in(self._dir.name, schema)
        with ix.writer(limitmb=256) as w:
            for key, text in paragraphs:
                w.add_document(key=key, body=text)
        self.searcher = ix.searcher()
        self.parser = QueryParser("body", schema, group=OrGroup)

    def search(self, query: str, limit: int = 10) -> list[str]:
        words = re.findall(r"\w+", query)
        if not words:
            return []
        q = self.parser.parse(" ".join(words))
        return [hit["key"] for hit in self.searcher.search(q, limit=limit)]


class SqliteFts5:
    name = "SQLite FTS5 (unicode61 remove_diacritics 2)"

    def __init__(self, paragraphs: list[tuple[str, str]]):
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.execute("CREATE VIRTUAL TABLE p USING fts5(key UNINDEXED, body, "
                        "tokenize='unicode61 remove_diacritics 2')")
        self.db.executemany("INSERT INTO p(key, body) VALUES (?, ?)", paragraphs)
        self.db.commit()

    def search(self, query: str, limit: int = 10) -> list[str]:
        words = re.findall(r"\w+", query)
        if not words:
            return []
        match = " OR ".join('"%s"' % w for w in words)
        rows = self.db.execute("SELECT key FROM p WHERE p MATCH ? ORDER BY bm25(p) LIMIT ?",
                               (match, limit))
        return [r[0] for r in rows]
