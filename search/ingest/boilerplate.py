"""Web-page boilerplate among a document's paragraphs, so it stays out of the index.

Articles saved from news sites carry the page around them: section headings
("Bài liên quan", "Đừng bỏ lỡ"), comment counters, share buttons, tag lists,
copyright and "powered by" lines, and at the end a block of unrelated
headlines with their teasers. Indexed, these make a search for "bình luận" or
"PV GAS" land in a meeting report that never mentions them.

Two kinds of rules, both about the shape of the page rather than one site:

- a line on its own is boilerplate when it is short, has no sentence in it,
  and is made only of navigation vocabulary; or when it is a tag list, or a
  copyright / "powered by" line;
- a tail block: from a "related articles" heading or a run of bullet
  headlines to the end of the document, every paragraph is a heading, a
  headline, or the one teaser paragraph under a headline. The whole block
  goes, because its teasers are ordinary sentences that no line rule could
  tell from the article.

Words are compared folded (no diacritics), so "Bình luận", "BINH LUAN" and
"bình luận" are the same heading.
"""

from __future__ import annotations

import re

from ..lang.text import fold, normal_text

# Headings that open a list of other articles: after one, headlines follow.
_RELATED = [
    "lien quan", "xem them", "doc them", "tin khac", "bai khac", "cung chuyen muc",
    "noi bat", "dung bo lo", "co the ban quan tam", "ban co the quan tam",
    "tin moi", "moi nhat", "doc nhieu", "xem nhieu", "quan tam nhat", "tieu diem",
    "tin tuc khac", "goi y cho ban", "cung su kien",
]
# Other page furniture: comments, sharing, tags, navigation.
_FURNITURE = [
    "binh luan", "y kien ban doc", "gui y kien", "phan hoi", "luot xem", "luot thich",
    "chia se", "tags", "tag", "tu khoa", "facebook", "twitter", "zalo", "linkedin",
    "email", "e mail", "in bai", "ban in", "quay lai", "len dau trang", "ve dau trang",
    "trang chu", "theo doi", "dang ky", "share", "print", "like", "tweet", "copy link",
    "sao chep lien ket", "gui bai", "luu bai", "comments", "comment", "related",
]
# Words that dress such a heading without changing what it is
# ("Các tin khác", "Bài viết liên quan", "Tin mới nhất").
_FILLER = {"tin", "bai", "viet", "cac", "nhung", "khac", "moi", "nhat", "nhieu",
           "hay", "cung", "ban", "doc", "ve", "va", "tuc", "nay", "muc", "chuyen",
           "anh", "video", "qua"}
_MAX_NAV_WORDS = 8

_PHRASES = sorted(
    ((tuple(p.split()), p in _RELATED) for p in _RELATED + _FURNITURE),
    key=lambda item: len(item[0]), reverse=True,
)

# Lines that name the site's owner or software rather than say anything.
_FOOTER = re.compile(
    r"©|\(c\)\s*\d{4}|copyright|all rights reserved|bao luu (moi|tat ca cac) quyen"
    r"|ban quyen (thuoc|cua)|giu ban quyen|powered by|designed by|a product of"
    r"|thiet ke boi|giay phep (so|xuat ban|hoat dong)|ghi ro nguon|khong duoc sao chep"
)
_MAX_FOOTER_WORDS = 40
_TAGS = re.compile(r"^(tags?|tu khoa|chu de)\s*:")

_TOKEN = re.compile(r"[^\W_]+")
_SENTENCE_PUNCT = re.compile(r"[.!?;]")
# Typographic bullets start lists of links; a dash or plus often starts a
# list inside the article, so those count only under a "related" heading.
_STRONG_BULLET = re.compile(r"^[•●◦▪▫■□►▸‣⁃➤➢]\s*")
_WEAK_BULLET = re.compile(r"^[-–+*»›]\s+")
_MAX_HEADLINE_WORDS = 30
_MAX_TEASER_WORDS = 150


def _folded(text: str) -> str:
    return fold(normal_text(text).strip())


def _nav_kind(words: list[str]) -> str | None:
    """"related" / "furniture" when every word is navigation vocabulary."""
    i, related, found = 0, False, False
    while i < len(words):
        for phrase, is_related in _PHRASES:
            if tuple(words[i : i + len(phrase)]) == phrase:
                found, related = True, related or is_related
                i += len(phrase)
                break
        else:
            if not (words[i] in _FILLER or words[i].isdigit()):
                return None
            i += 1
    if not found:
        return None
    return "related" if related else "furniture"


def _line_kind(text: str) -> str | None:
    """"related", "furniture" or "footer" for a boilerplate line, else None."""
    folded = _folded(text)
    words = _TOKEN.findall(folded)
    if not words:
        return None
    if len(words) <= _MAX_FOOTER_WORDS and (_FOOTER.search(folded) or _TAGS.match(folded)):
        return "footer"
    # A heading is not a sentence; a trailing colon ("Xem thêm:") is allowed.
    if len(words) <= _MAX_NAV_WORDS and not _SENTENCE_PUNCT.search(folded.rstrip(": ")):
        return _nav_kind(words)
    return None


def is_boilerplate_line(text: str) -> bool:
    """Whether one paragraph, on its own, is page furniture."""
    return _line_kind(text) is not None


def _words(text: str) -> int:
    return len(_TOKEN.findall(text))


def _headline(text: str) -> bool:
    """Short, and not ending like a sentence or a clause."""
    stripped = normal_text(text).strip()
    return 2 <= _words(stripped) <= _MAX_HEADLINE_WORDS and not stripped.endswith((".", ";", ",", ":"))


def _bullet(text: str, weak_ok: bool) -> bool:
    stripped = normal_text(text).strip()
    m = _STRONG_BULLET.match(stripped) or (weak_ok and _WEAK_BULLET.match(stripped))
    return bool(m) and _headline(stripped[m.end():])


def _tail_from(paragraphs: list[str], kinds: list[str | None], k: int) -> bool:
    """Whether everything from ``k`` to the end is a block of other articles."""
    n = len(paragraphs)
    related = False
    bullets = 0
    i = k
    while i < n:
        if kinds[i]:
            related = related or kinds[i] == "related"
            i += 1
            continue
        if _bullet(paragraphs[i], weak_ok=related):
            bullets += 1
        elif not (related and _headline(paragraphs[i])):
            return False
        i += 1
        # The one teaser a headline may have: any paragraph that is not
        # itself a heading, a bullet or something longer than a teaser.
        if (i < n and not kinds[i] and not _bullet(paragraphs[i], weak_ok=True)
                and _words(paragraphs[i]) <= _MAX_TEASER_WORDS):
            i += 1
    if related:
        return True
    # Bullets with no heading: a list of other articles, unless the article
    # introduced it ("… gồm các nội dung:").
    before = next((paragraphs[j] for j in range(k - 1, -1, -1) if not kinds[j]), "")
    return bullets >= 3 and not normal_text(before).rstrip().endswith(":")


def strip_boilerplate(paragraphs: list[str]) -> list[int]:
    """Indices of the paragraphs to keep, in order."""
    kinds = [_line_kind(p) for p in paragraphs]
    end = len(paragraphs)
    # The first paragraph is the title: never the start of a tail.
    for k in range(1, len(paragraphs)):
        starts = kinds[k] == "related" or _bullet(paragraphs[k], weak_ok=False)
        if starts and _tail_from(paragraphs, kinds, k):
            end = k
            break
    return [i for i in range(end) if kinds[i] is None]
