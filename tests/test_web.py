import re
from pathlib import Path

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
    # Paragraph by paragraph (the seeds hold 5 documents: one page grouped).
    r1 = client.get("/search", query_string={"q": "tinh", "group": "none"}).get_data(as_text=True)
    r2 = client.get("/search", query_string={"q": "tinh", "group": "none", "page": 2}).get_data(as_text=True)
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
    assert data.pop("generation").startswith("gen-")
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
    # As typed (raw=1): since issue 13 the words are otherwise corrected and found.
    r = client.get("/search", query_string={"q": "ngih quyett xyzzy", "raw": "1"})
    html = r.get_data(as_text=True)
    assert "Có phải bạn muốn tìm" in html and "nghị quyết xyzzy</a>" in html
    data = client.get("/api/search", query_string={"q": "ngih quyett", "raw": "1"}).get_json()
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


# --- issue 12: grouped results, filters that stay, the browse page, downloads ---

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TITLES = {  # the seeds' documents as the page titles them
    "000_506b92b0bc4a87dd": "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 9 khóa XIX",
    "001_de1c8456ea6a90a5": "BCH Đảng bộ tỉnh Thái Nguyên: Đánh giá công tác lãnh đạo thực hiện "
                            "nhiệm vụ 6 tháng đầu năm 2021",
    "002_e74cd34c562d7255": "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 31, khóa XX, nhiệm kỳ 2020-2025",
    "003_d85fbd8a0fbef35e": "Ban Chấp hành Đảng bộ tỉnh sơ kết công tác 6 tháng đầu năm",
    "004_5ea7245c79653926": "Khẩn trương tổ chức quán triệt, triển khai Nghị quyết Đại hội Đảng bộ "
                            "tỉnh lần thứ XX",
}


def html_of(client, path, **args):
    r = client.get(path, query_string=args) if args else client.get(path)
    assert r.status_code == 200, (path, args, r.status_code)
    return r.get_data(as_text=True)


def result_titles(html):
    return re.findall(r'<a class="title" href="[^"]*">([^<]*)</a>', html)


def facet_values(html, heading):
    """[(label, count, chosen)] of one facet section of the filter block."""
    section = re.search(rf"<h2>{heading}</h2>(.*?)</section>", html, re.S).group(1)
    return [(label.removeprefix("✓ "), int(count.replace(".", "")), bool(chosen))
            for chosen, label, count in re.findall(
                r'<li( class="chosen")?>\s*<a [^>]*><span>([^<]*)</span>'
                r'<span class="count">([\d.]+)(?: ✕)?</span></a>', section)]


def test_results_are_grouped_each_document_once(client):
    html = html_of(client, "/search", q="Tỉnh ủy Thái Nguyên")
    titles = result_titles(html)
    assert sorted(titles) == sorted(t.replace(",", ",") for t in TITLES.values())  # all 5, once each
    assert "Tìm thấy <strong>5</strong> văn kiện" in html
    # The other matches of a document open it at one of them, with the query.
    more = re.findall(r'<a class="more" href="/doc/([^?"]+)\?q=[^"#]*#p(\d+)">(\d+) đoạn khác trong văn kiện này', html)
    assert len(more) == 5 and all(int(n) > 0 for _, _, n in more)
    # Paragraph by paragraph on request, as before.
    flat = result_titles(html_of(client, "/search", q="Tỉnh ủy Thái Nguyên", group="none"))
    assert len(flat) == 10 and len(set(flat)) < 10


def test_every_facet_value_stays_with_its_count_after_choosing_one(client):
    before = html_of(client, "/search", q="tinh uy thai nguyen")
    assert facet_values(before, "Tỉnh, thành") == [("Thái Nguyên", 32, False), ("Lạng Sơn", 5, False)]
    after = html_of(client, "/search", q="tinh uy thai nguyen", province="Lạng Sơn")
    assert facet_values(after, "Tỉnh, thành") == [("Thái Nguyên", 32, False), ("Lạng Sơn", 5, True)]
    assert result_titles(after) == [TITLES["003_d85fbd8a0fbef35e"]]
    # The chosen value's link removes it; the others replace it.
    assert '<a href="/search?q=tinh+uy+thai+nguyen" aria-current="true"' in after
    # Terms as the documents write them, in the facet too.
    terms = facet_values(html_of(client, "/search", q="tinh uy thai nguyen", term="20"), "Khóa")
    assert terms == [("khóa XX", 21, True), ("khóa XIX", 11, False)]


def test_a_page_past_the_end_goes_to_the_last_page(client):
    r = client.get("/search", query_string={"q": "tinh uy thai nguyen", "page": 9})
    assert r.status_code == 302 and r.headers["Location"] == "/search?q=tinh+uy+thai+nguyen"
    r = client.get("/search", query_string={"q": "tinh", "group": "none", "page": 9, "year": 2021})
    assert r.status_code == 302
    assert r.headers["Location"] == "/search?q=tinh&year=2021&group=none&page=2"
    html = html_of(client, "/search", q="tinh", group="none", year=2021, page=2)
    assert "Tìm thấy <strong>12</strong> đoạn văn trong 1 văn kiện" in html and '<ol class="hits" start="11">' in html
    assert len(result_titles(html)) == 2


def test_filters_travel_with_the_header_box_the_document_and_back(client):
    html = html_of(client, "/search", q="tinh", group="none", province="Thái Nguyên",
                   sort="date", page=2)
    box = re.search(r'<form class="box".*?</form>', html, re.S).group(0)
    assert '<input type="hidden" name="province" value="Thái Nguyên">' in box
    assert '<input type="hidden" name="sort" value="date">' in box
    assert 'name="page"' not in box  # a new search starts at its first page
    link = re.search(r'<a class="title" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "province=Th%C3%A1i+Nguy%C3%AAn" in link and "sort=date" in link and "page=2" in link
    doc = html_of(client, link.split("#")[0])
    back = re.search(r'<p class="back"><a href="([^"]+)">‹ Quay lại kết quả', doc).group(1)
    assert back.replace("&amp;", "&") == ("/search?q=tinh&province=Th%C3%A1i+Nguy%C3%AAn"
                                          "&sort=date&group=none&page=2")


def test_date_range_in_dd_mm_yyyy_on_the_page_and_the_api(client):
    api = client.get("/api/search", query_string={"q": "tinh uy", "from": "01/07/2021",
                                                  "to": "31/12/2021"}).get_json()
    iso = client.get("/api/search", query_string={"q": "tinh uy", "from": "2021-07-01",
                                                  "to": "2021-12-31"}).get_json()
    assert api["total"] == iso["total"] == 12 and api["hits"] == iso["hits"]
    html = html_of(client, "/search", q="tinh uy", **{"from": "1/7/2021"})
    assert 'name="from" value="01/07/2021"' in html  # shown as written in documents
    assert "từ 01/07/2021 ✕" in html
    assert sorted(result_titles(html)) == sorted([TITLES["001_de1c8456ea6a90a5"],
                                                  TITLES["002_e74cd34c562d7255"]])  # 2021, 2024
    r = client.get("/search", query_string={"q": "tinh", "to": "31/02/2021"})
    assert r.status_code == 400 and "dd/mm/yyyy" in r.get_data(as_text=True)


def test_dates_terms_and_timings_are_written_the_vietnamese_way(client):
    html = html_of(client, "/search", q="tinh uy thai nguyen")
    assert "khóa XX · hội nghị lần thứ 8 · họp ngày 02/07/2021" in html
    assert "khóa XIX" in html and "khóa 19" not in html and "2021-07-02" not in html
    assert re.search(r"\(\d+,\d ms\)", html)
    assert "hội nghị lần thứ 31 · họp khoảng tháng 04/2024 (suy ra từ nội dung)" in html


@pytest.mark.parametrize("path", ["/", "/search?q=", "/search?q=che", "/search?q=xyzzy",
                                  "/search?q=che&page=x", "/docs",
                                  "/doc/000_506b92b0bc4a87dd?q=che", "/doc/nope"])
def test_every_page_has_one_h1(client, path):
    html = client.get(path).get_data(as_text=True)
    assert len(re.findall(r"<h1[ >]", html)) == 1, path


def test_browse_page_lists_every_document_newest_first(client):
    html = html_of(client, "/docs")
    ids = re.findall(r'<a class="title" href="/doc/([^"]+)">', html)
    assert len(ids) == 5 and set(ids) == set(TITLES)
    # Newest first: the 2024 meeting, whose date is implied, first.
    assert ids == ["002_e74cd34c562d7255", "001_de1c8456ea6a90a5", "004_5ea7245c79653926",
                   "003_d85fbd8a0fbef35e", "000_506b92b0bc4a87dd"]
    assert "họp khoảng tháng 04/2024 (suy ra từ nội dung)" in html  # a month, not an invented day
    assert "họp ngày 02/07/2021 ·" in html
    by_title = re.findall(r'<a class="title" href="/doc/([^"]+)">', html_of(client, "/docs", sort="title"))
    assert by_title[:2] == ["003_d85fbd8a0fbef35e", "001_de1c8456ea6a90a5"] and sorted(by_title) == sorted(ids)
    # Filtered by a facet, the other values stay on offer, counting documents.
    xx = html_of(client, "/docs", term="XX")
    assert len(re.findall(r'<a class="title"', xx)) == 3
    assert facet_values(xx, "Khóa") == [("khóa XX", 3, True), ("khóa XIX", 1, False)]
    assert 'href="/docs"' in html_of(client, "/") and 'href="/docs"' in html  # linked from the header
    assert client.get("/docs?sort=relevance").status_code == 400


def test_undated_documents_say_so_and_come_last(make_engine):
    engine = make_engine({
        "a.txt": "Hội nghị Tỉnh ủy Thái Nguyên\nNgày 02/07/2021, Tỉnh ủy họp bàn về chè.\n",
        "b.txt": "Ghi chép về cây chè\nMột đoạn không nói năm nào về chè.\n",
    })
    client = create_app(engine=engine, TESTING=True).test_client()
    html = html_of(client, "/docs")
    assert re.findall(r'<a class="title" href="/doc/([^"]+)">', html) == ["a", "b"]
    assert html.count("không rõ ngày</div>") == 1
    assert "không rõ ngày" in html_of(client, "/search", q="che")


def test_original_file_downloads_as_it_is(client):
    with client.get("/doc/001_de1c8456ea6a90a5/goc") as r:
        assert r.status_code == 200
        assert r.data == (SEEDS / "001_de1c8456ea6a90a5.txt").read_bytes()
        assert r.headers["Content-Type"] == "text/plain"
        assert r.headers["Content-Disposition"] == "attachment; filename=001_de1c8456ea6a90a5.txt"
    doc = html_of(client, "/doc/001_de1c8456ea6a90a5")
    assert 'href="/doc/001_de1c8456ea6a90a5/goc"' in doc
    for path in ["/doc/nope/goc", "/doc/..%2F..%2Fetc%2Fpasswd/goc", "/doc/..%2Fseeds/goc",
                 "/doc/%2Fetc%2Fpasswd/goc"]:
        assert client.get(path).status_code == 404, path


def test_original_with_an_odd_name_is_a_safe_attachment(make_engine):
    name = 'Nghị quyết "số 1"; khóa XX.txt'
    engine = make_engine({name: "Nghị quyết của Tỉnh ủy Thái Nguyên về chè.\n"})
    client = create_app(engine=engine, TESTING=True).test_client()
    doc_id = engine.documents()["documents"][0]["doc_id"]
    with client.get(f"/doc/{doc_id}/goc") as r:
        assert r.status_code == 200 and r.data.decode() == "Nghị quyết của Tỉnh ủy Thái Nguyên về chè.\n"
        disposition = r.headers["Content-Disposition"]
    disposition.encode("latin-1")  # a header of plain bytes, whatever the name
    assert disposition.startswith("attachment;") and "\n" not in disposition
    assert "filename*=UTF-8''Ngh%E1%BB%8B%20quy%E1%BA%BFt%20%22s%E1%BB%91%201%22%3B%20kh%C3%B3a%20XX.txt" \
        in disposition
    assert r.headers["Content-Security-Policy"].startswith("sandbox")


def test_document_page_steps_from_match_to_match(client):
    html = html_of(client, "/doc/001_de1c8456ea6a90a5", q="tinh uy")
    matched = re.findall(r'<p id="p(\d+)" class="match">', html)
    assert len(matched) > 3
    first, second, third = matched[:3]
    steps = re.search(rf'<p id="p{second}" class="match">.*?</p>', html, re.S).group(0)
    assert f'href="#p{first}" rel="prev"' in steps and f'href="#p{third}" rel="next"' in steps


def test_the_line_where_approximate_accents_begin(seed_engine):
    """"chè": one document says chè (000), the four others only chế; the
    line comes between them and takes no number of the list."""
    client = create_app(engine=seed_engine, TESTING=True).test_client()
    html = html_of(client, "/search", q="chè")
    line = html.index("Các kết quả dưới đây khớp gần đúng (khác dấu)")
    hits = [m.start() for m in re.finditer(r'<li class="hit', html)]
    assert len(hits) == 5 and hits[0] < line < hits[1]
    assert re.findall(r'<li class="hit[^"]*" value="(\d+)"', html) == ["1", "2", "3", "4", "5"]
    assert 'href="/search?q=ch%C3%A8&amp;accents=exact">Chỉ kết quả đúng dấu</a>' in html
    # No line when every hit is exact (a query typed without accents).
    plain = html_of(create_app(engine=seed_engine, TESTING=True).test_client(), "/search", q="che")
    assert "khớp gần đúng" not in plain


def test_accents_argument(client):
    from web.params import HAS_ACCENTS

    assert client.get("/api/search?q=che&accents=maybe").status_code == 400
    exact = client.get("/api/search", query_string={"q": "chè", "accents": "exact"}).get_json()
    anyway = client.get("/api/search", query_string={"q": "chè"}).get_json()
    if HAS_ACCENTS:
        assert exact["total"] < anyway["total"] and all(h["exact"] for h in exact["hits"])
    else:
        assert exact["total"] == anyway["total"]
