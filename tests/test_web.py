import re

import pytest

from web import create_app


@pytest.fixture(scope="module")
def client(seed_engine):
    app = create_app(engine=seed_engine, TESTING=True)
    return app.test_client()


def test_home_is_vietnamese_and_mobile_ready(client):
    r = client.get("/")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert '<html lang="vi">' in html and 'name="viewport"' in html
    assert 'name="q"' in html and "Tìm kiếm" in html


def test_search_page_lists_highlighted_results(client):
    r = client.get("/search", query_string={"q": "cay che thai nguyen"})
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "Tìm thấy" in html and " ms)" in html
    assert "<mark>cây chè</mark>" in html  # words typed and found side by side: one mark
    first = re.search(r'href="(/doc/[^"]+)"', html).group(1)
    assert first.startswith("/doc/000_506b92b0bc4a87dd?q=") and first.endswith("#p6")


def test_search_page_paginates(client):
    r1 = client.get("/search", query_string={"q": "tinh"}).get_data(as_text=True)
    r2 = client.get("/search", query_string={"q": "tinh", "page": 2}).get_data(as_text=True)
    assert "Trang sau" in r1 and "Trang trước" in r2
    assert '<ol class="hits" start="11">' in r2
    assert re.findall(r'#p\d+', r1)[:10] != re.findall(r'#p\d+', r2)[:10]


def test_empty_and_no_result_messages(client):
    assert "Hãy nhập từ khóa" in client.get("/search?q=").get_data(as_text=True)
    r = client.get("/search", query_string={"q": "xyzzy plugh"})
    assert r.status_code == 200
    assert "Không tìm thấy kết quả nào" in r.get_data(as_text=True)


def test_bad_page_is_a_clear_400(client):
    r = client.get("/search?q=che&page=abc")
    assert r.status_code == 400 and "phải là số nguyên" in r.get_data(as_text=True)


def test_document_view_anchors_and_highlight(client):
    r = client.get("/doc/000_506b92b0bc4a87dd", query_string={"q": "che"})
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert 'id="p1"' in html and 'id="p11"' in html
    assert "<mark>chè</mark>" in html


def test_unknown_document_is_404_page(client):
    for path in ["/doc/nope", "/doc/..%2F..%2Fetc%2Fpasswd", "/doc/../seeds"]:
        r = client.get(path)
        assert r.status_code == 404, path
    assert "Không tìm thấy" in client.get("/doc/nope").get_data(as_text=True)


def test_api_search_json(client):
    r = client.get("/api/search", query_string={"q": "tinh uy", "limit": 3, "offset": 1})
    assert r.status_code == 200 and r.is_json
    data = r.get_json()
    assert data["query"] == "tinh uy" and data["total"] > 3 and len(data["hits"]) == 3
    all_hits = client.get("/api/search", query_string={"q": "tinh uy", "limit": 4}).get_json()["hits"]
    assert data["hits"] == all_hits[1:4]


@pytest.mark.parametrize("qs", ["q=che&limit=abc", "q=che&limit=0", "q=che&limit=1000",
                                "q=che&offset=-1", "q=che&offset=x", "q=" + "a" * 501])
def test_api_bad_parameters_are_400_json(client, qs):
    r = client.get("/api/search?" + qs)
    assert r.status_code == 400 and "error" in r.get_json()


def test_healthz(client):
    data = client.get("/healthz").get_json()
    assert data == {"status": "ok", "documents": 5, "paragraphs": 37}


def test_security_headers(client):
    r = client.get("/")
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_query_with_markup_is_shown_as_text(client):
    q = '<script>alert(1)</script> "><b>x'
    html = client.get("/search", query_string={"q": q}).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_no_result_page_suggests_the_closest_words(client):
    r = client.get("/search", query_string={"q": "ngih quyett xyzzy"})
    html = r.get_data(as_text=True)
    assert "Có phải bạn muốn tìm" in html and "nghị quyết xyzzy</a>" in html
    data = client.get("/api/search", query_string={"q": "ngih quyett"}).get_json()
    assert data["total"] == 0 and data["suggestion"] == "nghị quyết"


def test_unaccented_query_is_offered_its_accents(client):
    data = client.get("/api/search", query_string={"q": "uy ban nhan dan tinh"}).get_json()
    assert data["total"] > 0 and data["suggestion"] == "ủy ban nhân dân tỉnh"
    html = client.get("/search", query_string={"q": "tinh uy thai nguyen"}).get_data(as_text=True)
    assert "Có phải bạn muốn tìm" in html and "tỉnh ủy thái nguyên</a>" in html
    # typed with accents: nothing to offer
    assert client.get("/api/search", query_string={"q": "tỉnh ủy"}).get_json()["suggestion"] is None


@pytest.mark.parametrize("path", ["/search", "/api/search", "/doc/x"])
def test_a_wrong_method_is_our_vietnamese_405(client, path):
    r = client.post(path)
    assert r.status_code == 405 and "GET" in r.headers["Allow"]
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    if path.startswith("/api/"):
        assert r.get_json() == {"error": "Địa chỉ này không nhận phương thức yêu cầu đó."}
    else:
        html = r.get_data(as_text=True)
        assert "Lỗi 405" in html and "không nhận phương thức" in html and "Method Not Allowed" not in html


@pytest.mark.parametrize("path", ["//doc//x", "//static//style.css", "/static//style.css",
                                  "//search", "/doc//000_506b92b0bc4a87dd"])
def test_no_redirect_names_the_request_host(client, path):
    """Werkzeug's slash-merging redirect was absolute, built from the Host
    header: a 308 to http://evil.example/... from our own server."""
    r = client.get("/", environ_overrides={"PATH_INFO": path, "HTTP_HOST": "evil.example"})
    assert r.status_code in (200, 404) and "Location" not in r.headers, \
        (path, r.status_code, r.headers.get("Location"))
