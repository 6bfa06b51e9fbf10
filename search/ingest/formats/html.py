"""Paragraphs of an .html page: the article, without the page around it.

Our own lxml pass, chosen over trafilatura 2.3.1 (readability-lxml 0.9
also tried) on two pages made from seed 001, a 15-paragraph article (title,
byline, lead, two photo captions, body) amid a menu, breadcrumb, sidebar of
related links, "more stories" teasers with long summaries, an inline
"related" box, comments, share links and a footer:

- header/nav/article/aside/footer page: trafilatura 12/15 (byline and both
  captions dropped), readability 11/15 (title, byline, lead, a caption),
  ours 15/15; none let boilerplate in.
- table-layout page with no semantic tags, as on older provincial portals:
  trafilatura with ``include_tables=True`` 0/15 (it returned the two photo
  tables only), 11/15 without tables; readability 12/15 plus "Tin khác";
  ours 15/15, nothing else.

Ours also spares trafilatura's dozen dependencies (dateparser, htmldate,
courlan, justext, ...).  It is readability's idea cut down: the element
whose paragraphs hold the most non-link text is the article; keep the blocks
from the page title (the last h1, or block quoted in <title>, before it) to
that element's end, less link-heavy blocks and elements named like menus,
sidebars, comments or related links.  trafilatura was tuned on thousands of
real pages and ours on these two: see the tests for what it is sure of.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from ..decoding import NotText, decode, foreign_script
from ..legacy import detect_and_convert
from .common import clean, keep

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([a-z0-9_.:-]+)""", re.I)
_SKIP = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
         "form", "button", "select", "textarea", "nav", "aside", "footer", "head", "map"}
_BLOCK = {"address", "article", "blockquote", "body", "caption", "center", "dd", "details", "div",
          "dl", "dt", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
          "li", "main", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot",
          "th", "thead", "tr", "ul", "br"}
_BOILERPLATE = re.compile(
    r"\b(menu|nav|sidebar|footer|breadcrumbs?|comments?|share|social|related|banner|ads?|advert\w*)\b", re.I)


# The encodings a web page may declare (the WHATWG Encoding Standard's list),
# by Python codec name, and the codec that reads them as browsers do. A label
# Python knows but that is no web encoding is ignored and the bytes are
# detected instead: "rot13", "base64", "zlib", "hex" and "uu" name codecs
# that are not text encodings at all (a <meta charset="rot13"> stopped the
# whole build with a LookupError), and "utf-7", "utf-32", "idna", EBCDIC
# "cp037" and the like read an ordinary page as garbage.
_WEB_ENCODINGS = {
    **{name: name for name in (
        "utf-8", "cp866", "koi8-r", "koi8-u", "mac-roman", "mac-cyrillic", "cp874", "gbk",
        "gb18030", "big5", "big5hkscs", "euc_jp", "iso2022_jp", "cp932", "cp949",
        *(f"cp{n}" for n in range(1250, 1259)),
        *(f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)))},
    # Labels the standard reads as a wider encoding.
    "ascii": "cp1252", "iso8859-1": "cp1252", "iso8859-9": "cp1254", "iso8859-11": "cp874",
    "tis-620": "cp874", "gb2312": "gbk", "shift_jis": "cp932", "euc_kr": "cp949",
    # A UTF-16 page has no ASCII "<meta" to find: the label is wrong, and
    # browsers read the page as UTF-8 (an ASCII page read as UTF-16 is CJK).
    "utf-16": "utf-8", "utf-16-le": "utf-8", "utf-16-be": "utf-8",
}


def _declared(raw: bytes) -> tuple[str, str] | None:
    """``(label, codec)`` for the page's own charset label, if it names a web encoding."""
    found = _META_CHARSET.search(raw[:4096])
    if not found:
        return None
    label = (found.group(1) or found.group(2)).decode("ascii").lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    encoding = _WEB_ENCODINGS.get(name)
    return (label, encoding) if encoding else None


def _decode_html(raw: bytes) -> tuple[str, str | None]:
    """The page's text, and its charset label when that label was believed."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                mark = "UTF-8" if encoding == "utf-8-sig" else "UTF-16"
                raise ValueError(f"trang HTML mở đầu bằng dấu nhận dạng {mark} "
                                 "nhưng không viết bằng bảng mã đó") from None
            if encoding == "utf-16" and foreign_script(text):
                raise ValueError("trang HTML mở đầu bằng dấu nhận dạng UTF-16 nhưng "
                                 "đọc ra chữ viết khác, không phải tiếng Việt: không phải UTF-16")
            return text, None
    declared = _declared(raw)
    if declared:
        label, encoding = declared
        if encoding != "utf-8":
            try:
                raw.decode("utf-8")
                # Valid UTF-8 with non-ASCII bytes is UTF-8 whatever the page
                # says: a mislabelled page would otherwise index as mojibake.
                if not raw.isascii():
                    encoding = "utf-8"
            except UnicodeDecodeError:
                pass
        if encoding != "utf-8" and not raw.isascii():
            # Old Vietnamese pages were typed in font encodings (TCVN3, VNI)
            # and labelled Windows-1252 or anything: the bytes decide when
            # they clearly read as Vietnamese in one (legacy.py).
            legacy = detect_and_convert(raw)
            if legacy is not None:
                return legacy[0], None
        try:
            text = raw.decode(encoding)
            return (unicodedata.normalize("NFC", text) if "1258" in encoding else text), label
        except UnicodeError:
            pass
    return _detected(raw), None


def _detected(raw: bytes) -> str:
    try:
        return decode(raw)[0]
    except NotText as e:
        raise ValueError(f"trang HTML {e}") from None


@dataclass
class _Block:
    text: str
    links: int  # characters inside <a>
    element: object


def _html_blocks(root) -> list[_Block]:
    blocks: list[_Block] = []
    parts: list[str] = []
    links = [0]

    def flush(element):
        text = clean("".join(parts))
        if text:
            blocks.append(_Block(text, links[0], element))
        parts.clear()
        links[0] = 0

    def inline(el, in_link):
        for child in el:
            if isinstance(child.tag, str) and child.tag not in _SKIP:
                walk(child, in_link)
            if child.tail:
                parts.append(child.tail)
                links[0] += len(child.tail.strip()) if in_link else 0

    def walk(el, in_link=False):
        tag = el.tag
        if tag == "header" and el.find(".//h1") is None:
            return  # a site header; an article's own header holds its title
        if tag == "tr" and not el.xpath(".//table|.//td/div|.//td/p[2]"):
            flush(el)  # a data row: one paragraph, cells joined
            cells = [clean(c.text_content()) for c in el if c.tag in ("td", "th")]
            link = sum(len(a.text_content().strip()) for a in el.iter("a"))
            blocks.append(_Block(" | ".join(c for c in cells if c), link, el)) if any(cells) else None
            return
        block = tag in _BLOCK
        in_link = in_link or tag == "a"
        if block:
            flush(el.getparent() if el.getparent() is not None else el)
        if el.text:
            parts.append(el.text)
            links[0] += len(el.text.strip()) if in_link else 0
        inline(el, in_link)
        if block:
            flush(el)

    walk(root)
    flush(root)
    return blocks


def _is_boilerplate(el) -> bool:
    return bool(_BOILERPLATE.search(" ".join((el.get("class", ""), el.get("id", "")))))


def read_html(raw: bytes) -> list[str]:
    text, label = _decode_html(raw)
    paragraphs = _article(text)
    if label and foreign_script(" ".join(paragraphs)):
        # Mostly letters of another script under the page's own label: a
        # Vietnamese page mislabelled (TCVN3 read as KOI8-R is Cyrillic), or
        # no Vietnamese page at all. Only the text counts, not the markup.
        try:
            text = decode(raw)[0]
        except NotText:
            raise ValueError(f"trang HTML khai báo bảng mã {label} nhưng "
                             "đọc ra chữ viết khác, không phải tiếng Việt") from None
        paragraphs = _article(text)
    return paragraphs


def _article(text: str) -> list[str]:
    import lxml.html
    from lxml import etree

    # lxml refuses a str that still declares its encoding.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        tree = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as e:
        raise ValueError("không phải trang HTML hợp lệ") from e
    total = len(tree.text_content())
    for el in list(tree.iter()):
        # A wrapper named "with-sidebar" still holds the article: keep big ones.
        if (isinstance(el.tag, str) and el.tag != "body" and el.getparent() is not None
                and _is_boilerplate(el) and el.find(".//h1") is None
                and len(el.text_content()) < total / 3):
            el.drop_tree()
    title = clean(tree.findtext(".//title") or "")
    body = tree.find("body")
    blocks = _html_blocks(body if body is not None else tree)
    if not blocks:
        raise ValueError("trang HTML không có chữ")

    score: Counter = Counter()
    for b in blocks:
        own = len(b.text) - b.links
        if own >= 25:
            parent = b.element.getparent()
            if parent is not None:
                score[parent] += own
                if parent.getparent() is not None:
                    score[parent.getparent()] += own / 2
    if score:
        best = score.most_common(1)[0][0]
        inside = [i for i, b in enumerate(blocks)
                  if b.element is best or best in b.element.iterancestors()]
        start, end = inside[0], inside[-1]
        for i in range(start):
            b = blocks[i]
            if b.element.tag == "h1" or (len(b.text) >= 10 and b.text in title):
                start = i  # the page title, then byline, lead, photo captions
        blocks = blocks[start:end + 1]
    paragraphs = keep(b.text for b in blocks if b.links <= len(b.text) / 2)
    if not paragraphs:
        raise ValueError("trang HTML không có nội dung bài viết")
    return paragraphs
