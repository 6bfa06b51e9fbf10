"""Lines of an article that are about the page, not what it reports.

A saved news page keeps, among the article's own paragraphs, lines that say
where the page lives, when and by whom it ran, and what its photos show:

- the URL slug ("hoi nghi ban chap hanh dang bo tinh lan thu 9 khoa xix"),
  seed 000 has it twice, and as a paragraph it came first for ``BCH`` and
  most unaccented queries, since it is the one line every folded word hits;
- datelines ("Thứ tư, 28/10/2020", "Thái Nguyên, ngày 16 tháng 4 năm 2024");
- bylines and credits ("Nguyễn Kiều - Kim Oanh | 02/07/2021, 19:20",
  "Bài và ảnh: Minh Hằng", a last line "PHÙNG KHIÊM");
- photo captions ("Toàn cảnh hội nghị", "Các đại biểu tham dự hội nghị",
  "Đồng chí … phát biểu kết luận tại hội nghị", anything "… Ảnh: VGP");
- links to other stories inside the article ("Xem thêm: …", ">> …").

``content_lines`` says which paragraphs to index. The rules look at the
shape of a line (short, one clause, a caption's opening and ending), not at
one site's markup; what a line says still reaches the document's facts, as
``metadata.extract`` reads every line (the byline is the publication date).

Measured on the seeds: 49 paragraphs indexed before, 37 after; each of the
twelve dropped is listed in tests/test_junk_lines.py, with every kept one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from collections import Counter

from ..lang.text import fold, has_diacritics, normal_text

# Whole lines, uncached: fold's cache is for words, and lines would crowd it.
_fold_text = fold.__wrapped__
from .titles import is_date_line

_WORD = re.compile(r"[^\W_]+")
# Share of accented words that makes a document "written with accents",
# where a line without any is a slug (as in titles.py).
_MIN_ACCENTED_SHARE = 0.2

# "Name | 02/07/2021, 19:20": who and when, as news sites print them.
DMY = r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})"
_TIME = r"(?:\s*[,-]?\s*\d{1,2}\s*[:h]\s*\d{2}(?:\s*\(?gmt[^)]*\)?)?)?"
BYLINE = re.compile(r"(?P<a>[^|\d]{2,80}?)\s*\|\s*%s%s\Z" % (DMY, _TIME))
CREDIT = re.compile(r"(?:bai|tin|anh|bai va anh|tin va anh|bai, anh|tin, anh)\s*:\s*")
_SOURCE = re.compile(r"(?:theo|nguon)\s*:\s*")
_MAX_CREDIT_CHARS = 60

# "Thái Nguyên, ngày 16 tháng 4 năm 2024" / "Hà Nội, 16/4/2024": a place and a date.
_PLACE_DATE = re.compile(
    r"[^\W\d_]+(?:[\s-]+[^\W\d_]+){0,4}\s*,\s*(?:ngay\s+)?\d{1,2}"
    r"(?:\s+thang\s+\d{1,2}(?:\s*,?\s*nam\s+\d{4})?|\s*[/.\-]\s*\d{1,2}(?:\s*[/.\-]\s*\d{4})?)\W*\Z")

_MAX_DATELINE_CHARS = 80
# Longer than any line below (the longest junk line of the seeds has 97
# characters, a caption of 45 words with its credit about 300): content.
_MAX_JUNK_CHARS = 400

# Captions. The scene: "Toàn cảnh hội nghị", "Quang cảnh buổi làm việc".
_SCENE = re.compile(r"\(?(?:toan canh|quang canh|mot goc|khung canh|canh)\b")
_MAX_SCENE_WORDS = 15
# The people in the photo, doing what people do in a photo, at the event.
_SUBJECT = re.compile(
    r"\(?(?:cac\s+)?(?:dong chi|dai bieu|dong chi dai bieu|lanh dao|bi thu|pho bi thu"
    r"|chu tich|pho chu tich|ong|ba|thu truong|bo truong|tong bi thu|thu tuong)\b")
_EVENT = (r"(?:hoi nghi|dai hoi|buoi lam viec|buoi le|le|phien hop|ky hop|cuoc hop|hoi thao"
          r"|toa dam|buoi gap mat|buoi tiep|chuong trinh|su kien)(?:\s+(?:nay|truc tuyen|lan nay))?")
# A moment only a photo shows ("phát biểu tại hội nghị"), even with a stop.
_SNAPSHOT = re.compile(
    r"(?:phat bieu(?:\s+\w+){0,2}|trao doi|trinh bay(?:\s+\w+){0,3}|bao cao(?:\s+\w+){0,3}"
    r"|chup anh(?:\s+luu niem)?|trao(?:\s+\w+){0,6}|tang(?:\s+\w+){0,6}|tham luan)"
    r"(?:\s+tai)?\s+%s\W*\Z" % _EVENT)
# Being there: a caption without a stop ("Các đại biểu dự hội nghị"), but a
# sentence with one ("Đồng chí Bí thư Tỉnh ủy chủ trì hội nghị.").
_PRESENT = re.compile(r"(?:tham du|du|chu tri|dong chu tri|gop y|thao luan)(?:\s+tai)?\s+%s\s*\Z"
                      % _EVENT)
_MAX_CAPTION_WORDS = 35
# A photo's credit ends its caption: "Quang cảnh hội nghị. Ảnh: VGP/Minh Anh".
_PHOTO_CREDIT = re.compile(r"(?:^|[\s.(\-–—])\(?anh\s*:\s*[^.:;()]{1,50}\)?\W*\Z")
_ILLUSTRATION = re.compile(r"\W*anh\s+minh\s+hoa\W*\Z")

# Links to other stories: "Xem thêm: …", "Tin liên quan: …", ">> …".
_LINK = re.compile(r"(?:xem them|doc them|xem tiep|tin lien quan|bai lien quan|tin cung chu de)"
                   r"\s*(?::|>+|»+|\.{3}|…|[-–])|(?:>>|»)\s*\S")
_MAX_LINK_WORDS = 40
_URL = re.compile(r"(?:https?://|www\.)\S+\Z")
_SENTENCE_END = re.compile(r"[.!?;:]\s+\S")


def _clean(text: str) -> str:
    return normal_text(text).strip()


# ``junk_kind`` asks each predicate in turn of the same line, and each
# cleaned it (four times a line) and folded it (three) again: 0.02 ms a
# paragraph of a build's 1.2 (cProfile, corpus-10000). Kept for the last few
# lines, and only for lines short enough to be junk (metadata.py asks
# ``is_dateline`` of whole paragraphs).
@lru_cache(maxsize=16)
def _cleaned(line: str) -> str:
    return _clean(line)


@lru_cache(maxsize=16)
def _folded(line: str) -> str:
    return _fold_text(_cleaned(line))


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _accented_words(paragraphs: list[str]) -> set[str] | None:
    """The folded forms of the words the document writes with marks (what a
    slug is an echo of), or None when it is not written with accents."""
    counts = Counter(w for p in paragraphs for w in _words(normal_text(p)))
    marked = {w for w in counts if has_diacritics(w)}
    total = sum(counts.values())
    if not total or sum(counts[w] for w in marked) / total < _MIN_ACCENTED_SHARE:
        return None
    return {fold(w) for w in marked}


def _slug_shaped(text: str) -> str | None:
    """``text`` as the words of a slug (hyphens as spaces), if it has the
    shape of one: lower case, no marks, no punctuation, three words or more."""
    text = re.sub(r"\.(?:html?|aspx?|php)\Z", "", text, flags=re.I)
    if " " not in text and text.count("-") >= 2:
        text = re.sub(r"[-_]+", " ", text)
    if text != text.lower() or re.search(r"[^\w\s]", text) or not text.isascii():
        return None
    return text if len(_words(text)) >= 3 else None


def is_slug(line: str, marked: set[str] | None) -> bool:
    """A URL slug in a document written with accents (``marked``: its
    accented words, folded): mostly words the document spells with marks."""
    text = _slug_shaped(_cleaned(line))
    if text is None or not marked:
        return False
    letters = [w for w in _words(text) if not w.isdigit()]
    return bool(letters) and 2 * sum(w in marked for w in letters) >= len(letters)


def is_caption(line: str) -> bool:
    """A photo's caption: a credit ("Ảnh: …"), a scene ("Toàn cảnh hội
    nghị"), or one clause of people posing at the event."""
    text, folded = _cleaned(line), _folded(line)
    words = _words(folded)
    if not words or len(words) > _MAX_CAPTION_WORDS + 10:
        return False
    credit = _PHOTO_CREDIT.search(folded)
    # "Ảnh:" with its accent: "anh" alone is also "elder brother".
    if credit and "ảnh" in text[credit.start():].lower():
        return True
    if _ILLUSTRATION.match(folded) and "ảnh" in text.lower():
        return True
    if len(words) > _MAX_CAPTION_WORDS or re.search(r"[:;]", text) or _SENTENCE_END.search(text):
        return False
    if _SCENE.match(folded):
        return len(words) <= _MAX_SCENE_WORDS
    # A caption shows a moment; "đã" and "sẽ" tell a story about the meeting.
    if re.search(r"(?<!\w)(?:đã|sẽ|đang)(?!\w)", text.lower()):
        return False
    return bool(_SUBJECT.match(folded) and (_SNAPSHOT.search(folded) or _PRESENT.search(folded)))


def is_link(line: str) -> bool:
    folded = _folded(line)
    return bool(_URL.match(folded)) or (
        bool(_LINK.match(folded)) and len(_words(folded)) <= _MAX_LINK_WORDS)


def is_credit(line: str) -> bool:
    """A byline ("Tên | 02/07/2021, 19:20") or a credit ("Bài và ảnh: Tên",
    "Theo: Báo Nhân Dân")."""
    folded = _folded(line)
    if BYLINE.match(folded):
        return True
    m = CREDIT.match(folded) or _SOURCE.match(folded)
    return bool(m) and len(folded) - m.end() <= _MAX_CREDIT_CHARS


def is_dateline(line: str) -> bool:
    short = len(line) <= _MAX_JUNK_CHARS  # (kept by _cleaned and _folded)
    text = _cleaned(line) if short else _clean(line)
    # Both are short: a long line is never folded here.
    return len(text) <= _MAX_DATELINE_CHARS and (
        is_date_line(text) or bool(_PLACE_DATE.match(_folded(line) if short else _fold_text(text))))


def _signature(line: str) -> bool:
    """The last line naming the writer: "PHÙNG KHIÊM", "Minh Anh", "Thu Hà - Quang Minh"."""
    text = _clean(line)
    words = text.split()
    names = [w for w in words if w not in "-–"]
    return (2 <= len(names) <= 6 and len(text) <= 40
            and all(_WORD.fullmatch(w) and w[0].isupper() for w in names)
            and (text.isupper() or all(not w[1:] or w[1:].islower() for w in names)))


def junk_kind(line: str, marked: set[str] | None = None) -> str | None:
    """"slug", "dateline", "credit", "caption" or "link" for a line that is
    not content, else None. ``marked``: the document's accented words folded
    (no slug is recognised without them)."""
    if len(line) > _MAX_JUNK_CHARS:
        return None
    if marked is not None and is_slug(line, marked):
        return "slug"
    if is_dateline(line):
        return "dateline"
    if is_credit(line):
        return "credit"
    if is_caption(line):
        return "caption"
    if is_link(line):
        return "link"
    return None


def content_lines(paragraphs: list[str]) -> list[int]:
    """Indices of the paragraphs to index: all but the slug, date, byline,
    caption and link lines, a repeat of the title, and a signature as the
    last line. The title (the first paragraph) goes only when it is a slug
    or a date (the document's title is then another line, titles.better_title).
    A document with nothing else keeps its every line: nothing is lost for
    being short.

    Only short lines are looked at (every junk line is), and the document's
    accented words only when a line has a slug's shape: a 4.2 MB page of
    9,000 seed lines took 3.3 s to parse before this module, 8.6 s with its
    first version, 3.6 s now (notes/12-ingest.md).
    """
    title = _clean(paragraphs[0]) if paragraphs else ""
    title_words = _words(_fold_text(title))
    marked: list = []  # computed once, when first needed

    def slug(text: str) -> bool:
        if _slug_shaped(text) is None:
            return False
        if not marked:
            marked.append(_accented_words(paragraphs))
        return is_slug(text, marked[0])

    keep = []
    for i, p in enumerate(paragraphs):
        text = _clean(p)
        kind = None
        if len(text) <= _MAX_JUNK_CHARS:
            kind = "slug" if slug(text) else junk_kind(text)
            if i == 0 and kind not in ("slug", "dateline"):
                kind = None
            # The headline again, word for word (seed 002's photo is
            # captioned with it): one paragraph of it is enough.
            if (kind is None and i > 0 and len(title_words) >= 3 and abs(len(text) - len(title)) <= 3
                    and _words(_fold_text(text)) == title_words):
                kind = "repeat"
            if kind is None and i == len(paragraphs) - 1 and i > 0 and _signature(text):
                kind = "credit"
        if kind is None:
            keep.append(i)
    return keep or list(range(len(paragraphs)))
