"""A document's title when its first line is not a usable one.

Pages saved from the web often start with the URL slug ("hoi nghi ban chap
hanh dang bo tinh lan thu 9 khoa xix") or with the page's date line ("Thứ tư,
28/10/2020"). As titles in a result list these read badly, and the slug is
the one line of the document a reader cannot search with accents.

The body usually spells the slug's words somewhere, so the accents come from
the document itself: first from runs of body words that fold to a run of the
title's words (the run keeps "lần thứ" from becoming "lần thư", which word by
word frequency would give in a text full of "Bí thư"), then word by word.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import cache

from ..lang.numerals import roman
from ..lang.text import LETTER_RUN, fold, has_diacritics, normal_text
from .boilerplate import is_boilerplate_line

_WORD = re.compile(r"[^\W_]+")
# Body text is "accented Vietnamese" when this share of its words has marks.
_MIN_ACCENTED_SHARE = 0.2
_MAX_HEADING_WORDS = 25
# A first line longer than this is a paragraph, not a title to mend: each of
# its words is looked up in the body, so a 40,000-word line of "tinh" over a
# body of "tỉnh ủy" would cost minutes (4,000 words: 10.7 s before the body
# was indexed, 5.8 s after; capped, 0.01 s).
_MAX_TITLE_WORDS = 60

# Words the body may never spell, fixed by their neighbour: before a Roman
# numeral, "khoa" is the term of a committee or assembly ("khóa XIX").
_BEFORE_NUMERAL = {"khoa": "khóa", "ky": "kỳ"}

# A day, a date, a time, and the words around them on a page's date line.
_DATE_TOKENS = re.compile(
    r"\d{1,2}[/.\-]\d{1,2}(?:[/.\-]\d{2,4})?|\d{1,2}[:h]\d{2}(?::\d{2})?|\d{1,4}"
    r"|\b(?:thu\s+(?:hai|ba|tu|nam|sau|bay)|thu|chu\s+nhat|cn|t[2-7]|ngay|thang|nam"
    r"|luc|gio|cap\s+nhat|dang\s+luc|gmt|utc|am|pm|sang|chieu|toi"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
)
_DAY_OR_DATE = re.compile(r"\d{1,2}[/.\-]\d{1,2}|\bthu\s+(?:hai|ba|tu|nam|sau|bay)\b|\bchu\s+nhat\b")


def _clean(text: str) -> str:
    return normal_text(text).strip()


# The words _DATE_TOKENS can take away (and the h of 12h30, the t of t2): a
# line with any other word keeps it after the substitution, so it is no date
# line. Most lines say so with their first word, before the two scans over
# the whole line (15 us a paragraph: metadata asks it of every paragraph).
_DATE_WORDS = frozenset(
    "thu hai ba tu nam sau bay chu nhat cn t ngay thang luc gio cap dang gmt utc am pm sang "
    "chieu toi monday tuesday wednesday thursday friday saturday sunday h".split())


# Lines longer than this are first read by their start: a word of the folded
# start that ends before it is a word of the folded line (fold goes
# character by character), so the line is no date line when one is not a
# date word, and the whole line is not folded. metadata asks this of every
# paragraph: folding them whole was 1.4 % of a one-process build of
# corpus-10000 (py-spy, 2 Dec 2026).
_HEAD_CHARS = 48


def is_date_line(text: str) -> bool:
    """Whether a line says only when (a day, a date, a time), not what."""
    line = _clean(text)
    if len(line) > _HEAD_CHARS:
        head = fold(line[:_HEAD_CHARS])
        if any(m.end() < len(head) and m.group() not in _DATE_WORDS for m in LETTER_RUN.finditer(head)):
            return False
    folded = fold(line)
    if any(m.group() not in _DATE_WORDS for m in LETTER_RUN.finditer(folded)):
        return False
    if not _DAY_OR_DATE.search(folded):
        return False
    rest = _DATE_TOKENS.sub(" ", folded)
    return not _WORD.search(rest)


def _heading_like(text: str, accented: Callable[[], bool]) -> bool:
    text = _clean(text)
    words = _WORD.findall(text)
    return (
        2 <= len(words) <= _MAX_HEADING_WORDS
        and not text.endswith(".")
        and not is_date_line(text)
        and not is_boilerplate_line(text)
        # In an accented document a line without marks is another slug.
        and (any(has_diacritics(w) for w in words) or not accented())
    )


def _first_heading(paragraphs: list[str], accented: Callable[[], bool]) -> str | None:
    return next((p for p in paragraphs if _heading_like(p, accented)), None)


def headline(title: str, paragraphs: list[str]) -> str | None:
    """When ``title`` is only a date line, the first of ``paragraphs`` shaped
    like a heading, as written; None for any other title, or when none is."""
    clean = _clean(title)
    if not is_date_line(clean):
        return None
    body = [p for p in paragraphs if _clean(p) != clean]
    # Reading the whole body is the costly part: only for a line without marks.
    return _first_heading(body, cache(lambda: _Body(body).accented))


class _Body:
    """The body's words, folded, with where each sentence starts."""

    def __init__(self, paragraphs: list[str]):
        self.paragraphs: list[list[tuple[str, str, bool]]] = []
        for p in paragraphs:
            text = _clean(p)
            words, start = [], True
            for m in _WORD.finditer(text):
                words.append((m.group(), fold(m.group()), start))
                # Punctuation after the word that ends a sentence.
                tail = text[m.end() : m.end() + 2].lstrip()
                start = tail[:1] in (".", "!", "?", ":")
            self.paragraphs.append(words)
        all_words = [w for para in self.paragraphs for w, _, _ in para]
        accented = sum(1 for w in all_words if has_diacritics(w))
        self.accented = bool(all_words) and accented / len(all_words) >= _MIN_ACCENTED_SHARE
        self._pairs: dict[tuple[str, str], list[tuple[int, int]]] | None = None
        self._forms: dict[str, Counter] = {}

    def _index(self) -> None:
        # Where each pair of folded words is, and each word's spellings, in
        # body order (the order ties are broken in): one pass over the body
        # instead of one per word of the title (a 4,000-word slug took 10.7 s).
        self._pairs, self._forms = {}, {}
        for k, para in enumerate(self.paragraphs):
            for j, (w, f, start) in enumerate(para):
                if j + 1 < len(para):
                    self._pairs.setdefault((f, para[j + 1][1]), []).append((k, j))
                self._forms.setdefault(f, Counter())[w] += 1 if not start else 0.5

    def longest_run(self, folded: list[str]) -> tuple[int, str | None]:
        """Longest prefix of ``folded`` the body has as a run, and its spelling."""
        if self._pairs is None:
            self._index()
        if not folded:
            return 0, None
        starts = self._pairs.get((folded[0], folded[1]), ()) if len(folded) > 1 else ()
        if not starts:
            # No run of two: a run of one is the word's own spellings.
            forms = self._forms.get(folded[0])
            return (1, forms.most_common(1)[0][0]) if forms else (0, None)
        best, spellings = 0, Counter()
        for k, j in starts:
            para = self.paragraphs[k]
            n = 0
            while n < len(folded) and j + n < len(para) and para[j + n][1] == folded[n]:
                n += 1
            if n < best or n == 0:
                continue
            if n > best:
                best, spellings = n, Counter()
            spelling = " ".join(w for w, _, _ in para[j : j + n])
            # A sentence's first word has a capital of position, not of name.
            spellings[spelling] += 1 if not para[j][2] else 0.5
        return best, (spellings.most_common(1)[0][0] if spellings else None)

    def frequent_form(self, folded: str) -> str | None:
        """The body's most frequent spelling of one folded word.

        Counted without case first ("tỉnh" against "tinh"), then the most
        frequent case of the winner ("Ban" against "ban").
        """
        if self._pairs is None:
            self._index()
        forms = self._forms.get(folded)
        if not forms:
            return None
        spellings = Counter()
        for w, c in forms.items():
            spellings[w.lower()] += c
        winner = spellings.most_common(1)[0][0]
        return max((w for w in forms if w.lower() == winner), key=forms.__getitem__)


def _restore(words: list[str], body: _Body) -> tuple[list[str], int]:
    """The title's words respelled, and how many the body or a rule vouched for."""
    folded = [fold(w) for w in words]
    out, vouched, i = [], 0, 0
    while i < len(words):
        n, spelling = body.longest_run(folded[i:])
        if n >= 2:
            out.extend(spelling.split())
            vouched += n
            i += n
            continue
        word, nxt = folded[i], folded[i + 1] if i + 1 < len(words) else ""
        form = body.frequent_form(word)
        if form is None and word in _BEFORE_NUMERAL and roman(nxt):
            form = _BEFORE_NUMERAL[word]
        if form is None and roman(word) and len(word) > 1:
            form = word.upper()
        if form is None and word.isdigit():
            form = word
        if form is None:
            out.append(words[i])
        else:
            out.append(form)
            vouched += 1
        i += 1
    return out, vouched


def better_title(title: str, paragraphs: list[str]) -> str:
    """A readable title for a document whose first line is ``title``.

    ``paragraphs`` are the document's paragraphs (the title among them or
    not). A title with diacritics, or any title of an unaccented document,
    comes back as it is.
    """
    clean = _clean(title)
    if is_date_line(clean):
        heading = headline(title, paragraphs)
        return _clean(heading) if heading else title
    body_paragraphs = [p for p in paragraphs if _clean(p) != clean]
    if " " not in clean:
        clean = re.sub(r"[-_]+", " ", clean)  # a URL slug: hyphens were spaces
    words = _WORD.findall(clean)
    if not words or len(words) > _MAX_TITLE_WORDS or any(has_diacritics(w) for w in words):
        return title
    # Reading the whole body is the costly part: only for a title to mend.
    body = _Body(body_paragraphs)
    if not body.accented:
        return title
    restored, vouched = _restore(words, body)
    if vouched * 2 < len(words):
        heading = _first_heading(body_paragraphs, lambda: body.accented)
        return _clean(heading) if heading else title
    spelled = iter(restored)
    text = _WORD.sub(lambda m: next(spelled), clean)
    return text[0].upper() + text[1:]
