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
    box = page.get_by_role("combobox", name="Từ khóa tìm kiếm")
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


# --- issue 12: the phone layout, filters that stay, grouped results ---

TAPPABLE = ".filters summary, .filters a, .filters button, .filters input, .hits a, .pages a, .chosen-line a"


def small_targets(page) -> list:
    """The visible links, buttons and fields of the filters and results
    less than 44 px high, as (text, height)."""
    out = []
    for el in page.locator(TAPPABLE).all():
        box = el.bounding_box()
        if box is not None and el.is_visible() and box["height"] < 44:
            out.append((el.inner_text()[:30] or el.get_attribute("name"), round(box["height"], 1)))
    return out


@pytest.fixture
def phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    yield page
    page.set_viewport_size({"width": 1000, "height": 900})


def test_phone_filters_fold_above_the_results_with_44px_targets(base_url, phone):
    page = phone
    page.goto(base_url + "/search?q=tinh+uy+thai+nguyen&term=20")
    filters, first = page.locator("details.filters"), page.locator("li.hit").first
    assert filters.bounding_box()["y"] < first.bounding_box()["y"]
    # Folded: the results start on the first screen, the filter values hidden.
    assert first.bounding_box()["y"] < 844
    xix = page.locator(".filters a", has_text="khóa XIX")
    assert xix.count() == 1 and not xix.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("details.filters > summary").click()
    assert xix.is_visible()
    assert small_targets(page) == []
    page.screenshot(path=str(ARTIFACTS / "search-phone-filters.png"), full_page=True)
    page.goto(base_url + "/docs?province=Th%C3%A1i+Nguy%C3%AAn")
    page.locator("details.filters > summary").click()
    assert small_targets(page) == []


def test_phone_home_placeholder_is_whole(base_url, phone):
    page = phone
    page.goto(base_url + "/")
    box = page.get_by_role("combobox", name="Từ khóa tìm kiếm")
    # The placeholder's width in the box's own font, against the room inside it.
    needed, room = box.evaluate("""el => {
        const s = getComputedStyle(el), c = document.createElement('canvas').getContext('2d');
        c.font = s.fontWeight + ' ' + s.fontSize + ' ' + s.fontFamily;
        return [c.measureText(el.placeholder).width,
                el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight)];
    }""")
    assert needed <= room, (needed, room)


def test_filters_survive_a_new_search_and_the_way_back(base_url, page):
    page.goto(base_url + "/search?q=tinh+uy+thai+nguyen")
    page.locator(".filters").get_by_role("link", name="Lạng Sơn").click()
    page.wait_for_url("**province=*")
    box = page.get_by_role("combobox", name="Từ khóa tìm kiếm")
    box.fill("nghi quyet")
    box.press("Enter")
    page.wait_for_url("**q=nghi+quyet*")
    assert "province=L%E1%BA%A1ng+S%C6%A1n" in page.url
    assert page.locator(".chosen-line").inner_text().startswith("Đang lọc:")
    assert "Lạng Sơn" in page.locator(".chosen-line").inner_text()
    wheres = page.locator("li.hit .where").all_inner_texts()
    assert wheres and all(w.startswith("Lạng Sơn") for w in wheres)
    # The other province is still offered, with its count.
    assert page.locator(".filters li", has_text="Thái Nguyên").locator(".count").inner_text().isdigit()

    # Page 2 of a filtered search, a document, and back: the same page.
    page.goto(base_url + "/search?q=tinh&group=none&province=Th%C3%A1i+Nguy%C3%AAn&sort=date")
    page.locator(".pages").get_by_role("link", name="2", exact=True).click()
    page.wait_for_url("**page=2*")
    shown = page.locator("li.hit a.title").evaluate_all("els => els.map(e => e.href)")
    page.locator("li.hit a.title").first.click()
    page.wait_for_url("**/doc/**")
    page.get_by_role("link", name="Quay lại kết quả", exact=False).click()
    page.wait_for_url("**/search?**")
    assert "page=2" in page.url and "province=" in page.url and "sort=date" in page.url
    assert page.locator("li.hit a.title").evaluate_all("els => els.map(e => e.href)") == shown
    assert page.locator(".pages .current").inner_text() == "2"


def test_results_grouped_by_document_in_the_browser(base_url, page):
    page.goto(base_url + "/search?q=" + "Tỉnh ủy Thái Nguyên")
    titles = page.locator("li.hit a.title").all_inner_texts()
    assert len(titles) == 5 and len(set(titles)) == 5
    assert page.get_by_role("heading", level=1).count() == 1
    more = page.locator("li.hit a.more").first
    assert "đoạn khác trong văn kiện này" in more.inner_text()
    more.click()
    page.wait_for_url("**/doc/**#p*")
    target = page.locator("p:target")
    assert target.locator("mark").count() > 0
    # Next match: another marked paragraph.
    here = target.get_attribute("id")
    link = target.locator("a[rel=next], a[rel=prev]").first
    link.click()
    assert page.locator("p:target").get_attribute("id") != here
    assert page.locator("p:target mark").count() > 0


# --- issue 13: autocomplete under the CSP, by keyboard, and without scripts ---

def test_autocomplete_by_keyboard(base_url, page):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(base_url + "/")
    box = page.get_by_role("combobox", name="Từ khóa tìm kiếm")
    box.press_sequentially("nghi quy")
    listbox = page.get_by_role("listbox")
    first = listbox.get_by_role("option").first
    first.wait_for()
    assert first.inner_text() == "nghị quyết"
    assert box.get_attribute("aria-expanded") == "true"
    box.press("ArrowDown")
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    box.press("Enter")
    page.wait_for_url("**/search?q=*")
    assert page.get_by_role("combobox", name="Từ khóa tìm kiếm").input_value() == "nghị quyết"
    assert "Tìm thấy" in page.locator(".stats").inner_text()

    # Esc closes the list; Enter then searches what was typed.
    box = page.get_by_role("combobox", name="Từ khóa tìm kiếm")
    box.fill("")
    box.press_sequentially("tinh u")
    page.get_by_role("option", name="tỉnh ủy", exact=True).wait_for()
    page.screenshot(path=str(ARTIFACTS / "autocomplete.png"))
    box.press("Escape")
    assert page.get_by_role("listbox").is_hidden()
    assert box.get_attribute("aria-expanded") == "false"
    box.press("Enter")
    page.wait_for_url("**q=tinh+u*")
    assert errors == []  # nothing refused by the CSP, nothing thrown


def test_search_box_works_with_scripts_off(base_url, page):
    context = page.context.browser.new_context(java_script_enabled=False)
    try:
        plain = context.new_page()
        plain.goto(base_url + "/")
        box = plain.get_by_role("searchbox", name="Từ khóa tìm kiếm")  # no script: a plain box
        box.fill("nghi quyet")
        box.press("Enter")
        plain.wait_for_url("**/search?q=nghi+quyet*")
        assert "Tìm thấy" in plain.locator(".stats").inner_text()
        assert plain.get_by_role("listbox").count() == 0
    finally:
        context.close()
