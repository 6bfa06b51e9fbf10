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


# A line of more than _MAX_FOOTER_WORDS words (the most any kind allows) is
# none: when its first characters, folded, hold that many, the line is
# neither folded nor scanned whole (fold goes character by character, so
# their words start the line's). Every paragraph comes here: 0.03 ms a
# paragraph of corpus-10000 -> 0.02 (2 Dec 2026).
_HEAD_CHARS = 320


def _line_kind(text: str) -> str | None:
    """"related", "furniture" or "footer" for a boilerplate line, else None."""
    line = normal_text(text).strip()
    if len(line) > _HEAD_CHARS and len(_TOKEN.findall(
            fold.__wrapped__(line[:_HEAD_CHARS]))) > _MAX_FOOTER_WORDS:
        return None
    folded = fold(line)
    words = _TOKEN.findall(folded)
    if not words:
        return None
    if len(words) <= _MAX_FOOTER_WORDS and (_FOOTER.search(folded) or _TAGS.match(folded)):
        return "footer"
    # A heading is not a sentence; a trailing colon ("Xem thêm:"), stop
    # ("Bài liên quan.") or ellipsis ("Xem thêm…") is allowed.
    if len(words) <= _MAX_NAV_WORDS and not _SENTENCE_PUNCT.search(folded.rstrip(":.… ")):
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


class _Tails:
    """Whether the paragraphs from ``k`` to the end are a block of other articles.

    The scan from ``k`` walks forward in a state (position, whether a
    "related" heading was passed) that alone decides the next step, so each
    state's outcome -- reaches the end or not, with which final state and
    how many bullets on the way -- is worked out once and shared by every
    start that walks through it. Asking every ``k`` of a document used to
    rescan to the end each time: 6,000 "• …" headlines with an ordinary
    last line took 75 s, 8,000 over 300 s; this is linear (8,000 in well
    under a second). tests/test_hostile_text.py checks it against the old
    scan, paragraph list by paragraph list.
    """

    def __init__(self, paragraphs: list[str], kinds: list[str | None]):
        self.paragraphs, self.kinds = paragraphs, kinds
        self.n = len(paragraphs)
        self._stripped: dict[int, str] = {}
        # (i, related) -> None when the scan fails, else (final related, bullets)
        self._outcome: dict[tuple[int, bool], tuple[bool, int] | None] = {}

    def _text(self, i: int) -> str:
        if i not in self._stripped:
            self._stripped[i] = normal_text(self.paragraphs[i]).strip()
        return self._stripped[i]

    def bullet(self, i: int, weak_ok: bool) -> bool:
        stripped = self._text(i)
        m = _STRONG_BULLET.match(stripped) or (weak_ok and _WEAK_BULLET.match(stripped))
        return bool(m) and _headline(stripped[m.end():])

    def _step(self, i: int, related: bool) -> tuple[int, bool, int] | None:
        """The next state and the bullets counted on the way, or None: no tail."""
        kinds, n = self.kinds, self.n
        if kinds[i]:
            return i + 1, related or kinds[i] == "related", 0
        if self.bullet(i, weak_ok=related):
            counted = 1
        elif related and _headline(self.paragraphs[i]):
            counted = 0
        else:
            return None
        i += 1
        # The one teaser a headline may have: any paragraph that is not
        # itself a heading, a bullet or something longer than a teaser.
        if (i < n and not kinds[i] and not self.bullet(i, weak_ok=True)
                and _words(self.paragraphs[i]) <= _MAX_TEASER_WORDS):
            i += 1
        return i, related, counted

    def _walk(self, k: int, related: bool) -> tuple[bool, int] | None:
        # Forward to the end or to a state already known, then back along
        # the path filling in each state's outcome: no recursion.
        path: list[tuple[tuple[int, bool], int]] = []
        state = (k, related)
        while state not in self._outcome:
            i, rel = state
            if i >= self.n:
                self._outcome[state] = (rel, 0)
                break
            step = self._step(i, rel)
            if step is None:
                self._outcome[state] = None
                break
            path.append((state, step[2]))
            state = (step[0], step[1])
        result = self._outcome[state]
        for visited, counted in reversed(path):
            if result is not None:
                result = (result[0], result[1] + counted)
            self._outcome[visited] = result
        return result

    def tail_from(self, k: int, before: str) -> bool:
        """``before``: the last paragraph before ``k`` that is not furniture."""
        result = self._walk(k, False)
        if result is None:
            return False
        related, bullets = result
        if related:
            return True
        # Bullets with no heading: a list of other articles, unless the article
        # introduced it ("… gồm các nội dung:").
        return bullets >= 3 and not normal_text(before).rstrip().endswith(":")


def strip_boilerplate(paragraphs: list[str]) -> list[int]:
    """Indices of the paragraphs to keep, in order."""
    kinds = [_line_kind(p) for p in paragraphs]
    tails = _Tails(paragraphs, kinds)
    end = len(paragraphs)
    before = paragraphs[0] if paragraphs and not kinds[0] else ""
    # The first paragraph is the title: never the start of a tail.
    for k in range(1, len(paragraphs)):
        starts = kinds[k] == "related" or tails.bullet(k, weak_ok=False)
        if starts and tails.tail_from(k, before):
            end = k
            break
        if not kinds[k]:
            before = paragraphs[k]
    # A "related" box inside the article: its headlines go with its heading,
    # up to the first line that is not one (the article going on). Marked
    # "box", not "related", so that no headline starts a scan again: linear.
    for k in range(1, end):
        if kinds[k] != "related":
            continue
        j = k + 1
        while j < end and kinds[j] is None and _headline(_WEAK_BULLET.sub("", _STRONG_BULLET.sub(
                "", normal_text(paragraphs[j]).strip()))):
            kinds[j] = "box"
            j += 1
    return [i for i in range(end) if kinds[i] is None]
