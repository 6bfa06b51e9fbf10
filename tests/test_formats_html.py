"""Reading .html sources: the article, not the page around it; charsets.

Pages are written here from the seeds' text (no binary fixture is committed).
"""

from __future__ import annotations

import re
import unicodedata
from html import escape

import pytest

from search.ingest.formats import read_html, read_paragraphs
from test_formats import (PDF_TITLE, S001, S002, TABLE, TABLE_ROWS, docx_bytes, font, nfc,  # noqa: F401
                          report, report_docx)

# --- .html -------------------------------------------------------------------

ARTICLE = S001[:15]  # title, byline, lead, caption, body, caption, body
TITLE, BYLINE, LEAD, CAPTION1, BODY1, BODY2, CAPTION2, *BODY = ARTICLE
TEASERS = [(S001[n].lstrip("• "), S001[n + 1]) for n in range(21, len(S001) - 1, 2)]  # title, summary
MENU = ["Trang chủ", "Thời sự", "Kinh tế", "Môi trường", "Tài nguyên", "Pháp luật", "Xã hội"]
FOOTER = "Cơ quan chủ quản: Bộ Tài nguyên và Môi trường. Giấy phép số 123/GP-BTTTT."


def semantic_page(charset: str = "utf-8") -> str:
    e = escape
    menu = "".join(f'<li><a href="/{i}">{e(w)}</a></li>' for i, w in enumerate(MENU))
    related = "".join(f'<li><a href="/r{i}"><h3>{e(t)}</h3></a><p>{e(s)}</p></li>'
                      for i, (t, s) in enumerate(TEASERS[:3]))
    more = "".join(f'<div class="story"><a href="/m{i}">{e(t)}</a><p class="sapo">{e(s)}</p></div>'
                   for i, (t, s) in enumerate(TEASERS[3:]))
    body = "\n".join(f"<p>{e(p)}</p>" for p in BODY)
    author, when = BYLINE.split(" | ")
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="{charset}"><title>{e(TITLE)} | Báo Tài nguyên &amp; Môi trường</title>
<style>.menu li {{ display: inline }} body::before {{ content: "Tin mới" }}</style>
<script>window.dataLayer = []; dataLayer.push("Đọc nhiều nhất trong ngày hôm nay, xem ngay");</script>
</head><body>
<header class="site-header"><div class="logo"><a href="/">Báo Tài nguyên &amp; Môi trường</a></div>
<nav class="menu"><ul>{menu}</ul></nav>
<form class="search"><input name="q" placeholder="Tìm kiếm"><button>Tìm</button></form></header>
<div class="container"><main>
<div class="breadcrumb"><a href="/">Trang chủ</a> › <a href="/thoi-su">Thời sự</a></div>
<article class="detail">
<h1 class="title">{e(TITLE)}</h1>
<div class="meta"><span class="author">{e(author)}</span> | <time>{e(when)}</time></div>
<p class="sapo"><strong>{e(LEAD)}</strong></p>
<figure><img src="/a.jpg" alt=""><figcaption>{e(CAPTION1)}</figcaption></figure>
<div class="content">
<p>{e(BODY1)}</p>
<p>{e(BODY2)}</p>
<figure><img src="/b.jpg" alt=""><figcaption>{e(CAPTION2)}</figcaption></figure>
{body}
<div class="related-inline"><a href="/r9">Xem thêm: {e(TEASERS[0][0])}</a> — {e(TEASERS[0][1])}</div>
</div>
<div class="share"><a href="#">Chia sẻ</a> <a href="#">In bài</a></div>
</article>
<section class="comments"><h3>(0) Bình luận</h3><textarea>Ý kiến của bạn</textarea></section>
<section class="more"><h2>Đừng bỏ lỡ</h2>{more}</section>
</main>
<aside class="sidebar"><h2>Bài liên quan</h2><ul>{related}</ul></aside></div>
<footer><p>{e(FOOTER)}</p><p>POWERED BY ONECMS - A PRODUCT OF NEKO</p></footer>
<script>console.log("Tin nổi bật")</script>
</body></html>"""


def table_layout_page() -> str:
    """An older portal: layout tables and class names, no semantic tags."""
    e = escape
    menu = " ".join(f'<a class="item" href="/{i}">{e(w)}</a>' for i, w in enumerate(MENU))
    related = "".join(f'<div class="item"><a href="/r{i}">{e(t)}</a><div class="sum">{e(s)}</div></div>'
                      for i, (t, s) in enumerate(TEASERS[:3]))
    more = "".join(f'<div class="box"><a href="/m{i}"><b>{e(t)}</b></a><br><span>{e(s)}</span></div>'
                   for i, (t, s) in enumerate(TEASERS[3:]))
    body = "\n".join(f"<p style='text-align:justify'>{e(p)}</p>" for p in BODY)
    return f"""<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>{e(TITLE)}</title></head>
<body><div id="wrapper"><div class="top"><div class="menutop">{menu}</div></div>
<table width="100%"><tr><td valign="top" class="col-left">
<div class="detail-title">{e(TITLE)}</div>
<div class="detail-time">{e(BYLINE)}</div>
<div class="detail-sapo"><b>{e(LEAD)}</b></div>
<table class="image"><tr><td><img src="/a.jpg"></td></tr><tr><td class="caption">{e(CAPTION1)}</td></tr></table>
<div class="detail-content"><p>{e(BODY1)}</p><p>{e(BODY2)}</p>
<table class="image"><tr><td><img src="/b.jpg"></td></tr><tr><td class="caption">{e(CAPTION2)}</td></tr></table>
{body}</div>
<div class="tinkhac"><div class="title">Tin khác</div>{more}</div>
</td><td valign="top" class="col-right"><div class="title">Bài liên quan</div>{related}</td></tr></table>
<div class="bottom">{e(FOOTER)}<br>POWERED BY ONECMS - A PRODUCT OF NEKO</div>
</div></body></html>"""


@pytest.mark.parametrize("page", [semantic_page, table_layout_page])
def test_html_article_only(page):
    got = read_html(page().encode("utf-8"))
    assert got == ARTICLE
    leaked = set(got) & ({t for pair in TEASERS for t in pair} | set(MENU) | {FOOTER})
    assert not leaked


def test_html_table_rows_inside_the_article():
    rows = "".join(f"<tr>{''.join(f'<td>{escape(c)}</td>' for c in row)}</tr>" for row in TABLE)
    html = semantic_page().replace('<div class="related-inline">', f'<table>{rows}</table><div class="related-inline">')
    got = read_html(html.encode())
    assert got == ARTICLE + TABLE_ROWS


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 spells a tone as a combining mark after the base letter."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        d = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in d if c not in tones))
        out.append(base + "".join(c for c in d if c in tones))
    return "".join(out).encode("cp1258", errors="xmlcharrefreplace")


@pytest.mark.parametrize("encode", [
    lambda: encode_cp1258(semantic_page("windows-1258")),
    lambda: semantic_page("utf-16").encode("utf-16"),  # with its BOM
    lambda: b"\xef\xbb\xbf" + semantic_page("").encode("utf-8"),
    lambda: semantic_page("").replace('<meta charset="">', "").encode("utf-8"),  # nothing declared
    # Declared Latin-1 but written in UTF-8: believing the label gives mojibake.
    lambda: semantic_page("iso-8859-1").encode("utf-8"),
    lambda: ('<?xml version="1.0" encoding="utf-8"?>\n' + semantic_page()).encode("utf-8"),
])
def test_html_charsets(encode):
    assert read_html(encode()) == ARTICLE


@pytest.mark.parametrize("raw, reason", [
    (bytes(range(256)) * 4, r"^trang HTML không phải tệp văn bản \(có byte NUL\)$"),
    (b"", "^(không phải trang HTML hợp lệ|trang HTML không có chữ)$"),
    ("<html><body><nav><a href='/'>Trang chủ</a></nav><script>x()</script></body></html>".encode(),
     "^trang HTML không có chữ$"),
    (b"\xff\xfe\x00\xd8\x00\xd8", "^trang HTML mở đầu bằng dấu nhận dạng UTF-16 nhưng không viết bằng bảng mã đó$"),
])
def test_html_without_text_is_refused(raw, reason):
    with pytest.raises(ValueError, match=reason):
        read_html(raw)


# --- dispatch ----------------------------------------------------------------


def test_read_paragraphs_dispatches_by_suffix(report):
    html = semantic_page().encode()
    assert read_paragraphs(".HTM", html) == read_paragraphs(".html", html) == ARTICLE
    assert read_paragraphs(".pdf", report)[0] == PDF_TITLE
    assert read_paragraphs(".docx", docx_bytes(report_docx))[0] == S002[0]
    for suffix, reason in ((".txt", "định dạng không hỗ trợ: .txt"),
                           (".doc", "không phải tệp Word .doc hợp lệ"),
                           (".rtf", "định dạng không hỗ trợ: .rtf (hãy lưu lại thành .docx)"),
                           ("", "định dạng không hỗ trợ (tệp không có đuôi)")):
        with pytest.raises(ValueError, match=f"^{re.escape(reason)}$"):
            read_paragraphs(suffix, b"x")
