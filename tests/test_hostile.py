"""Whatever a public search box receives: a clear answer, never a 500.

`make fuzz` runs the same property with FUZZ_EXAMPLES=10000 (the search
API and page, autocomplete and the document page).
"""

import os
import unicodedata
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from web import create_app

PIECES = [
    '"', '""', '"ban chap', "-", "--", "-tinh", "AND", "OR", "NOT", "*", "?", ":", "~", "^",
    "text:foo", "syl:tinh", "fold:*", "(", ")", "[", "]", "{", "}", "\\", "/", "%", "&", "#",
    "\x00", "\x01", "\x1b[31m", "\r\n", "\t", "\u200b", "\ufeff", "\u202e", "\u0301", "\u0323\u0309",
    "😀", "👩‍👩‍👧", "مرحبا", "שלום", "漢字", "Ⅻ", "ﬁ", "İ", "ß",
    unicodedata.normalize("NFD", "Tỉnh uỷ Hoà Bình"), "tỉnh ủy", "tinh uy", "05-CT/TW", "13,4%",
    "<script>alert(1)</script>", '"><b>', "<img src=x onerror=alert(1)>", "%00", "../../etc/passwd",
]
QUERIES = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=12).map(" ".join),
    st.lists(st.sampled_from(PIECES), max_size=12).map("".join),
)


@pytest.fixture(scope="module")
def client(seed_engine):
    return create_app(engine=seed_engine, TESTING=True).test_client()


def fuzz(client, engine, examples: int) -> Counter:
    seen = Counter()

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(QUERIES)
    def one(q):
        seen["examples"] += 1
        result = engine.search(q)
        assert result["total"] >= len(result["hits"])
        for path in ("/api/search", "/search", "/api/suggest"):
            r = client.get(path, query_string={"q": q})
            seen[r.status_code] += 1
            assert r.status_code in (200, 400), (path, q, r.status_code)
        r = client.get("/doc/" + q.replace("/", "%2F").replace("?", "%3F").replace("#", "%23"))
        seen[r.status_code] += 1
        assert r.status_code in (200, 404, 308), q

    one()
    return seen


def test_hostile_queries_never_break(client, seed_engine):
    examples = int(os.environ.get("FUZZ_EXAMPLES", "500"))
    seen = fuzz(client, seed_engine, examples)
    print(f"\nfuzzed {seen['examples']} queries: {dict(seen)}; server errors: {seen[500]}")
    assert seen["examples"] >= examples
    assert seen[500] == 0


def test_ten_thousand_character_queries(client, seed_engine):
    for q in ["tinh uy " * 1250, "\u0301" * 10_000, '"' * 10_000, "-" * 10_000, "a" * 10_000]:
        assert seed_engine.search(q)["total"] >= 0
        r = client.get("/api/search", query_string={"q": q})
        assert r.status_code == 400 and "500" in r.get_json()["error"]
        page = client.get("/search", query_string={"q": q})
        assert page.status_code == 400 and "Truy vấn quá dài" in page.get_data(as_text=True)


def test_limits_at_the_edges(client):
    assert client.get("/api/search?q=che&limit=100&offset=1000").status_code == 200
    assert client.get("/api/search?q=che&limit=101").status_code == 400
    assert client.get("/api/search?q=che&offset=1001").status_code == 400
    # The highest page accepted; past the seeds' end, so on to their last page.
    r = client.get("/search?q=che&page=100")
    assert r.status_code == 302 and r.headers["Location"] == "/search?q=che"
    assert client.get("/search?q=che&page=101").status_code == 400
    assert client.get("/search?q=che&page=0").status_code == 400
    assert client.get("/api/search?q=" + "a" * 500).status_code == 200


XSS_DOC = (
    '<script>alert("title")</script> Nghị quyết\n'
    'Hội nghị bàn <img src=x onerror=alert(1)> về chè "><b>đậm</b> và <script>alert(2)</script>.\n'
)


@pytest.fixture
def xss_client(make_engine):
    engine = make_engine({"xss.txt": XSS_DOC})
    return create_app(engine=engine, TESTING=True).test_client()


@pytest.mark.parametrize("path", [
    "/search?q=che", "/search?q=<script>alert(3)</script> che", "/doc/xss?q=che",
    '/doc/xss?q="><b>x', "/search?q=<img src=x onerror=alert(4)>",
])
def test_markup_in_documents_and_queries_is_shown_as_text(xss_client, path):
    r = xss_client.get(path)
    html = r.get_data(as_text=True)
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert '"><b>' not in html
    assert "&lt;script&gt;" in html or "&lt;img" in html


def test_api_returns_markup_escaped_in_snippet_and_raw_in_text(xss_client):
    hit = xss_client.get("/api/search?q=che").get_json()["hits"][0]
    assert "&lt;img src=x onerror=alert(1)&gt;" in hit["snippet"]
    assert "<img src=x onerror=alert(1)>" in hit["text"]  # JSON carries the text as it is
    assert hit["title"].startswith("<script>")


@pytest.mark.parametrize("path", ["/doc/..%2F..%2Fetc%2Fpasswd", "/doc/%2Fetc%2Fpasswd",
                                  "/doc/..", "/doc/.", "/doc/%2e%2e", "/doc/seeds%2F000_506b92b0bc4a87dd",
                                  "/doc//etc/passwd", "/doc/000_506b92b0bc4a87dd.txt"])
def test_document_ids_are_never_paths(client, path):
    assert client.get(path).status_code == 404
