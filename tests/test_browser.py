"""A real browser: Debian's chromium driven by Playwright, against the app
served by werkzeug in a thread."""

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from web import create_app

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def base_url(seed_engine):
    server = make_server("127.0.0.1", 0, create_app(engine=seed_engine), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable, "chromium is not installed: run `make test` (it installs Debian's package)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1000, "height": 900})
        yield page
        browser.close()


def test_unaccented_query_typed_in_the_box_highlights_accented_words(base_url, page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(base_url + "/")
    box = page.get_by_role("searchbox")
    box.fill("phat trien ben vung cay che")
    box.press("Enter")
    page.wait_for_url("**/search?q=*")
    first = page.locator("li.hit").first
    marks = first.locator("mark").all_inner_texts()
    assert "phát triển bền vững cây chè" in marks  # typed and found side by side: one mark
    assert "Tìm thấy" in page.locator(".stats").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search-unaccented.png"), full_page=True)

    # The title link opens the document at that paragraph, still highlighted.
    first.locator("a.title").click()
    page.wait_for_url("**/doc/**#p*")
    target = page.locator("p:target")
    assert "cây chè" in target.locator("mark").all_inner_texts()
    assert dialogs == []


def test_phone_width_has_no_horizontal_scroll(base_url, page):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(base_url + "/search?q=tinh+uy+thai+nguyen")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(ARTIFACTS / "search-phone.png"), full_page=False)
    page.set_viewport_size({"width": 1000, "height": 900})


def test_markup_in_documents_and_queries_stays_text_in_the_browser(make_engine, page):
    from test_hostile import XSS_DOC

    engine = make_engine({"xss.txt": XSS_DOC})
    server = make_server("127.0.0.1", 0, create_app(engine=engine), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.port}"
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(base + "/search?q=" + "<script>alert(5)</script> che")
        assert page.get_by_text('<script>alert("title")</script> Nghị quyết').first.is_visible()
        assert "<img src=x onerror=alert(1)>" in page.locator("li.hit").first.inner_text()
        assert page.locator("li.hit img").count() == 0 and page.locator("li.hit b").count() == 0
        page.locator("a.title").first.click()
        page.wait_for_url("**/doc/xss**")
        assert page.locator("article img").count() == 0
        assert '"><b>đậm</b>' in page.locator("article").inner_text()
        page.wait_for_timeout(300)
    finally:
        server.shutdown()
        server.server_close()
    assert dialogs == []
