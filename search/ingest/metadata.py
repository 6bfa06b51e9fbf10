"""Meeting facts read from a report's own words.

``extract`` answers: which province, which body met, its term (khóa), the
meeting's number, the meeting and publication dates, and the byline. Every
answer comes from evidence in the text and is ``None`` when the text does not
say; nothing is guessed from what such reports usually contain.

Matching runs on ``fold``-ed text whose characters stay aligned with the NFC
original, so a match can still be checked for its accents and capitals (which
is what tells ``tỉnh Hà Nam`` from ``tinh``, or the province ``Hòa Bình`` from
the word ``hòa bình``).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import Counter
from functools import lru_cache

from ..lang.numerals import roman
from ..lang.provinces import MERGED_2025, PROVINCES  # noqa: F401
from ..lang.text import LETTER_RUN, OneCharTable, canonical_tones, char_counts, fold, normal_text
from .dates import implied_date
from .junk import BYLINE, CREDIT, DMY, content_lines, is_dateline
from .scanning import finditer, first_letters
from .titles import headline, is_date_line

# --- provinces ---------------------------------------------------------------

# MERGED_2025 and PROVINCES: lang/provinces.py (tests read them here too).

# Other spellings seen in print; tone placement (Hoà/Hòa) needs no entry.
_VARIANTS = {
    "Bắc Kạn": ["Bắc Cạn"], "Đắk Lắk": ["Đắc Lắc", "Đăk Lăk", "Đắk Lăk", "Daklak"],
    "Đắk Nông": ["Đắc Nông", "Đăk Nông"], "Kon Tum": ["Kontum"],
}
# Abbreviations (folded regexes); they carry no accents to check.
_ABBREVIATIONS = {
    "Hồ Chí Minh": [r"tp\W{0,2}hcm", r"hcmc"],
    "Bà Rịa - Vũng Tàu": [r"br\W?vt"],
    "Thừa Thiên Huế": [r"tt\W{0,2}hue"],
}
# "Hồ Chí Minh" alone is the man (tư tưởng Hồ Chí Minh), not the city.
_NEEDS_PREFIX = {"Hồ Chí Minh"}
# Provincial papers' datelines at the head of a story.
_DATELINES = {"LSO": "Lạng Sơn", "QTO": "Quảng Trị", "QNO": "Quảng Nam", "BTO": "Bình Thuận"}
# Places and office-holders that name no province but belong to one: (folded
# phrase, province, folded word the paragraph must also hold, or "").
# The people were Bí thư Tỉnh ủy there in the 2015–2020 term; later posts
# elsewhere are why a paragraph must also say "Tỉnh ủy".
_KNOWN = [
    ("ho nui coc", "Thái Nguyên", ""),  # lake and tourist area near Thái Nguyên city
    ("diem thuy", "Thái Nguyên", ""),  # industrial park in Phú Bình
    ("tran quoc to", "Thái Nguyên", "tinh uy"),
    ("tran sy thanh", "Lạng Sơn", "tinh uy"),
]

_SEP = r"[\s.\-–—]*"
_PREFIXES = {"tinh uy": "tỉnh ủy", "tinh": "tỉnh", "thanh pho": "thành phố",
             "thanh uy": "thành ủy", "tp": "tp", "thu do": "thủ đô"}
_PREFIX_RUNS = {k.replace(" ", ""): v.replace(" ", "") for k, v in _PREFIXES.items()}
# A bare name after these is a person or a smaller place (xã Hòa Bình).
_NOT_BEFORE_BARE = set(
    "nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dinh luong "
    "trinh dao mai ta lam ha cao chu quach to trieu van thi xa phuong huyen quan "
    "thon xom ban ap khu duong pho song nui cau cang".split())


def _runs(s: str) -> str:
    return "".join(canonical_tones(w).lower() for w in LETTER_RUN.findall(s))


def _name_key(folded: str) -> str:
    return re.sub(r"[\W_]", "", folded)


def _build_names():
    keys, accented, patterns = {}, {}, []
    for name in PROVINCES:
        for form in [name] + _VARIANTS.get(name, []):
            key = _name_key(fold(form))
            keys[key] = name
            accented.setdefault(key, set()).add(_runs(form))
            patterns.append(_SEP.join(map(re.escape, fold(form).replace("-", " ").split())))
    for name, regexes in _ABBREVIATIONS.items():
        patterns += regexes
    patterns.sort(key=len, reverse=True)
    prefixes = [_SEP.join(p.split()) for p in sorted(_PREFIXES, key=len, reverse=True)]
    regex = re.compile(r"(?<![^\W_])(?:(?P<pre>%s)%s)?(?P<name>%s)(?![^\W_])"
                       % ("|".join(prefixes), _SEP, "|".join(patterns)))
    # A match starts with a prefix or a name (scanning.finditer).
    return keys, accented, regex, first_letters(prefixes + patterns)


_NAME_KEYS, _NAME_ACCENTS, _NAME_RE, _NAME_STARTS = _build_names()
_ABBR_RES = [(re.compile(r + r"\Z"), name) for name, rs in _ABBREVIATIONS.items() for r in rs]


def _one_char_fold(ch: str) -> str:
    f = fold(ch)
    return f if len(f) == 1 else (ch.lower() if len(ch.lower()) == 1 else "?")


_ONE_CHAR_FOLD = OneCharTable(_one_char_fold)


@lru_cache(maxsize=4096)  # one report's paragraphs are read by every field
def _aligned(text: str) -> tuple[str, str]:
    """``(original, folded)`` of equal length, position for position."""
    original = normal_text(text)
    folded = _ONE_CHAR_FOLD.apply(original)
    # "Thái Bình Dương" is the Pacific, not two provinces (the regex only where it may match).
    return original, re.sub(r"thai\s+binh\s+duong", lambda m: "#" * len(m.group()), folded) if "duong" in folded else folded


def _accented(original: str) -> bool:
    # Per character: fold caches its arguments, and paragraphs would crowd it.
    return any(fold(c) != c.lower() for c in char_counts(original))


def _candidates(text: str) -> list[tuple[int, int, str]]:
    """``(tier, position, province)`` for every sign of a province in ``text``.

    Tier 0: a prefixed name (``tỉnh X``, ``Tỉnh ủy X``, ``thành phố X``,
    ``TP.HCM``) or a paper's dateline; 1: a place or person of ``_KNOWN``;
    2: a bare capitalised name.
    """
    original, folded = _aligned(text)
    strict = _accented(original)  # accented text must spell names with accents
    out = []
    for m in finditer(_NAME_RE, _NAME_STARTS, folded):
        key = _name_key(m.group("name"))
        name = _NAME_KEYS.get(key) or next(n for r, n in _ABBR_RES if r.match(m.group("name")))
        seg = original[m.start("name"):m.end("name")]
        abbr = key not in _NAME_KEYS
        if strict and not abbr and _runs(seg) not in _NAME_ACCENTS[key]:
            continue
        pre = m.group("pre")
        if pre and strict and _runs(original[m.start("pre"):m.end("pre")]) != _runs(
                _PREFIX_RUNS[_name_key(pre)]):
            pre = None
        if key == "hue" and pre and pre.startswith("tinh"):
            name = "Thừa Thiên Huế"  # "tỉnh Huế" can only be the old province
        if pre or abbr:
            out.append((0, m.start(), name))
            continue
        before = folded[max(0, m.start("name") - 12):m.start("name")].split()
        if name in _NEEDS_PREFIX or (before and before[-1] in _NOT_BEFORE_BARE):
            continue
        words = LETTER_RUN.findall(seg)
        if words and all(w[0].isupper() for w in words):
            out.append((2, m.start(), name))
    for m in re.finditer(r"(?m)^\W{0,2}(%s)\)?\s*[-–—:]" % "|".join(_DATELINES), original):
        out.append((0, m.start(), _DATELINES[m.group(1)]))
    for phrase, name, needs in _KNOWN:
        if phrase not in folded:  # the usual case: no regex over every line
            continue
        for line in re.finditer(r"[^\n]+", folded):
            for m in re.finditer(r"\b%s\b" % phrase, line.group()):
                if needs in line.group():
                    out.append((1, line.start() + m.start(), name))
    return out


def _pick(candidates) -> str | None:
    if not candidates:
        return None
    best = min(t for t, _, _ in candidates)
    ranked = [(p, n) for t, p, n in candidates if t == best]
    counts = Counter(n for _, n in ranked)
    first = {}
    for p, n in sorted(ranked):
        first.setdefault(n, p)
    return max(counts, key=lambda n: (counts[n], -first[n]))


def province_of(text: str) -> str | None:
    """The province ``text`` points to: prefixed names and datelines first,
    then the ``_KNOWN`` table, then bare names; the most mentioned wins, the
    earliest breaks a tie."""
    return _pick(_candidates(text))


# --- which body, which term, which meeting ----------------------------------

_BODY = [
    (r"(?:ban thuong vu|btv) tinh uy", "Ban Thường vụ Tỉnh ủy"),
    (r"(?:ban thuong vu|btv) thanh uy", "Ban Thường vụ Thành ủy"),
    (r"(?:ban chap hanh|bch) dang bo tinh|hoi nghi tinh uy", "Ban Chấp hành Đảng bộ tỉnh"),
    (r"(?:ban chap hanh|bch) dang bo (?:thanh pho|tp)|hoi nghi thanh uy",
     "Ban Chấp hành Đảng bộ thành phố"),
    (r"dai hoi (?:dai bieu )?dang bo tinh", "Đảng bộ tỉnh"),
    (r"dai hoi (?:dai bieu )?dang bo (?:thanh pho|tp)", "Đảng bộ thành phố"),
]
_BODY_RE = re.compile("|".join("(?P<b%d>%s)" % (i, p.replace(" ", r"\W+"))
                               for i, (p, _) in enumerate(_BODY)))
_BODY_STARTS = re.compile("ban|btv|bch|hoi|dai")  # every _BODY's first word
# Mentions that name a body without it meeting: the congress's resolution, etc.
_NOT_MEETING = re.compile(r"(?:nghi quyet|van kien|chuong trinh|chao mung|tieu ban|phuc vu"
                          r"|chuan y|quy che|uy vien|cua)\W*$")
_CONVENES = re.compile(r"\W*(?:\w+\W+){0,8}?(?:to chuc|hop|tien hanh|khai mac|be mac)\W+hoi nghi")
_DECIDES = re.compile(r"\W*(?:(?:da|cung|nhat tri)\W+)*(?:dong y|thong nhat|thong qua|quyet dinh"
                      r"|bieu quyet)\b")


def _bodies(text: str):
    folded = _aligned(text)[1]
    for m in finditer(_BODY_RE, _BODY_STARTS, folded):
        yield m, _BODY[int(m.lastgroup[1:])][1], folded


def _body(title: str, lead: list[str], article: list[str]) -> str | None:
    for m, body, folded in _bodies(title):
        if not _NOT_MEETING.search(folded[max(0, m.start() - 30):m.start()]):
            return body
    for para in lead:
        for m, body, folded in _bodies(para):
            before = folded[max(0, m.start() - 30):m.start()]
            congress = body.startswith("Đảng bộ")
            if re.search(r"hoi nghi\W*$", before) or _CONVENES.match(folded, m.end()) or (
                    congress and not _NOT_MEETING.search(before)):
                return body
    for para in article:
        for m, body, folded in _bodies(para):
            before = folded[max(0, m.start() - 30):m.start()]
            if re.search(r"hoi nghi\W*$", before) or _DECIDES.match(folded, m.end()):
                return body
    return None


# The nearest of these before "khóa"/"lần thứ" in the same sentence says whose
# term or meeting it is.
_OURS = ["hoi nghi", "ban chap hanh", "bch", "ban thuong vu", "dang bo tinh",
         "dang bo thanh pho", "dang bo tp", "tinh uy", "thanh uy"]
_THEIRS = ["trung uong", "hdnd", "hoi dong nhan dan", "quoc hoi", "bo chinh tri", "ban bi thu",
           "ubnd", "uy ban nhan dan", "mat tran", "doan thanh nien", "cong doan", "huyen uy",
           "dang bo huyen", "thi uy", "quan uy", "dang uy", "chi bo", "dich", "dot", "ky hop"]
_CONGRESS = ["dai hoi dai bieu dang bo", "dai hoi dang bo"]
_KEYWORDS = re.compile(r"\b(%s)\b" % "|".join(
    sorted(_OURS + _THEIRS + _CONGRESS + ["dai hoi", "lan thu"], key=len, reverse=True)))


def _owner(folded: str, at: int) -> str | None:
    window = folded[max(0, at - 120):at]
    # A sentence ends at . ; ! ? or a line break, but not at "TP. Hồ Chí Minh".
    ends = [b.end() for b in re.finditer(r"(?<!tp)[.;!?](?:\s|$)|\n", window)]
    hits = _KEYWORDS.findall(window[ends[-1] if ends else 0:])
    return hits[-1] if hits else None


# r"\bkhoa\s+(?=\w)" and r"\blan thu\s+", the \b turned into a lookbehind
# after the words: the same matches, found by skipping to the words
# (scanning.py; 79 ms each over corpus-10000 -> 8 and 10).
_KHOA = re.compile(r"khoa(?<!\wkhoa)\s+(?=\w)")
_LAN_THU = re.compile(r"lan thu(?<!\wlan thu)\s+")
_UNITS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5, "sau": 6,
          "bay": 7, "tam": 8, "chin": 9}


_YEAR_AFTER = re.compile(r"\s+\d{4}")


def _number(original: str, folded: str, at: int, words_too: bool = True) -> int | None:
    """The number written at ``at``: digits, upper-case Roman, or words."""
    m = re.compile(r"(\d{1,3})(?!\d)|([ivxlc]+)\b").match(folded, at)
    if m and m.group(1):
        return int(m.group(1))
    if m and (original[m.start(2):m.end(2)].isupper() or not _accented(original)):
        value = roman(m.group(2))
        if value and value < 100:  # terms and meetings are numbered below C
            return value
    if not words_too:
        return None
    words = re.compile(r"([a-z]+)(?:\s+([a-z]+))?(?:\s+([a-z]+))?").match(folded, at)
    if not words:
        return None
    w = [x for x in words.groups() if x]
    # "năm" before a year is the word "year": "lần thứ mười năm 2024" is 10.
    # Matched in place: a copy of the rest of the paragraph per number made
    # a paragraph of many "lần thứ" quadratic.
    if len(w) > 1 and w[-1] == "nam" and _YEAR_AFTER.match(folded, words.end()):
        w.pop()
    if w[0] == "nhat":
        return 1
    if w[0] == "muoi":
        return 10 + (_UNITS.get(w[1], 0) if len(w) > 1 else 0)
    if w[0] in _UNITS:
        if len(w) > 1 and w[1] == "muoi" and _UNITS[w[0]] > 1:
            return _UNITS[w[0]] * 10 + (_UNITS.get(w[2], 0) if len(w) > 2 else 0)
        return _UNITS[w[0]]
    return None


def _term(texts: list[str]) -> int | None:
    congress = None
    for text in texts:
        original, folded = _aligned(text)
        for m in _KHOA.finditer(folded):
            if _owner(folded, m.start()) in _OURS + _CONGRESS + ["lan thu"]:
                n = _number(original, folded, m.end(), words_too=False)
                if n and n < 100:
                    return n
        for m in _LAN_THU.finditer(folded):
            if congress is None and _owner(folded, m.start()) in _CONGRESS:
                congress = _number(original, folded, m.end())
    return congress


def _meeting(texts: list[str]) -> int | None:
    for text in texts:
        original, folded = _aligned(text)
        for m in _LAN_THU.finditer(folded):
            if _owner(folded, m.start()) not in _OURS:
                continue
            n = _number(original, folded, m.end())
            after = folded[m.end():m.end() + 60]
            if n and not re.match(r"\w+\W+(?:ban chap hanh\W+|bch\W+)?trung uong", after):
                return n
    return None


# --- dates and byline -------------------------------------------------------

_LEAD_WINDOW = 30  # paragraphs searched for the lead's four
_WHEN = re.compile(
    r"(?<![^\W_])(?:(?P<part>sang|chieu|trua|toi)(?P<n1>\s+nay)?(?:\s+ngay)?"
    r"|(?P<n2>hom\s+nay)|ngay)\s*[,(]?\s*"
    # "ngày 27 và 28/6": a two-day meeting starts on the first
    r"(?:(?P<d>\d{1,2})(?:\s*(?:va|[-–,])\s*\d{1,2}(?=\s*/))?\s*[/.\-]\s*(?P<m>\d{1,2})"
    r"(?:\s*[/.\-]\s*(?P<y>\d{4}))?(?![\d/])"
    r"|(?P<d2>\d{1,2})\s+thang\s+(?P<m2>\d{1,2})(?:\s*,?\s*nam\s+(?P<y2>\d{4}))?)")
_NOT_WHEN = re.compile(r"(?:\b(?:den|toi|truoc|sau)|\bso\s+\S+\s*,?)\s*$")
# r"(?<!den )\bnam\s+((?:19|20)\d\d)\b|\d{1,2}/\d{1,2}/((?:19|20)\d\d)\b", its
# first character taken first and checked after, so that re skips to an n or
# a digit (scanning.py): the same matches, 185 ms -> 68 over corpus-10000.
_YEAR = re.compile(r"[n\d](?:(?<=n)(?<!den n)(?<!\wn)am\s+((?:19|20)\d\d)\b"
                   r"|(?<=\d)\d?/\d{1,2}/((?:19|20)\d\d)\b)")


def _date(y, m, d) -> _dt.date | None:
    try:
        return _dt.date(int(y), int(m), int(d))
    except (TypeError, ValueError):
        return None


def _years(text: str) -> list[int]:
    return [int(a or b) for a, b in _YEAR.findall(_aligned(text)[1])]


def _lead_date(paras: list[str]):
    """``(day, month, year or None, says_today, paragraph)`` of the meeting."""
    for para in paras:
        original, folded = _aligned(para)
        for m in _WHEN.finditer(folded):
            if _NOT_WHEN.search(folded[max(0, m.start() - 30):m.start()]):
                continue
            if m.group("part") == "toi" and original[m.start():m.start() + 3].lower() != "tối":
                continue
            d, mo = m.group("d") or m.group("d2"), m.group("m") or m.group("m2")
            y = m.group("y") or m.group("y2")
            if _date(y or 2000, mo, d):
                return int(d), int(mo), y and int(y), bool(m.group("n1") or m.group("n2")), para
    return None


def _says_when(line: str) -> bool:
    """A date line or a byline: when, or who and when, and nothing else."""
    return is_date_line(line) or bool(BYLINE.match(_aligned(line)[1].strip()))


def _author_line(line: str) -> str | None:
    original = _aligned(line)[0].strip()
    folded = _aligned(original)[1]
    m = CREDIT.match(folded)
    if m and len(original) - m.end() <= 60:
        return original[m.end():].strip(" .") or None
    words = original.split()
    if (2 <= len(words) <= 5 and len(original) <= 40 and original.isupper()
            and all(LETTER_RUN.fullmatch(w) or w == "-" for w in words)):
        return original
    return None


def _split(title: str, paragraphs: list[str]) -> tuple[str, list[str], list[str]]:
    """``(heading, article, content)``: the headline (the title, unless the
    title is only a date line: ``titles.headline``), the lines after the
    title, and those of them that are neither the headline nor a date or byline."""
    article = [p.strip() for p in paragraphs if p and _aligned(p)[0].strip()]
    title = title.strip()
    if article and article[0] == title:
        article = article[1:]
    heading = headline(title, article) or title
    return heading, article, [p for p in article if p != heading and not _says_when(p)]


def _dates(head_lines: list[str], lead: list[str], content: list[str]):
    """``(meeting_date, published, byline author, whether the meeting date's
    year was inferred)``; the rules are in ``extract``."""
    published, header, author = None, None, None
    for line in head_lines:
        folded = _aligned(line)[1].strip()
        byline = BYLINE.match(folded)
        if byline:
            published = _date(byline[4], byline[3], byline[2])
            author = _aligned(line)[0].strip()[:byline.end("a")].strip(" -") or None
            break
        plain = re.search(DMY, folded) if header is None and is_date_line(line) else None
        if plain:
            header = _date(plain[3], plain[2], plain[1])
    years = _years("\n".join(content))
    found = _lead_date(lead)
    if published is None and header:
        today_elsewhere = found and found[3] and (found[0], found[1]) != (header.day, header.month)
        stale = years and max(years) < header.year - 1
        if not (today_elsewhere or stale):
            published = header
    if not found:
        return None, published, author, False
    d, m, y, today, para = found
    if y is None and published:
        y = published.year - ((m, d) > (published.month, published.day))
    inferred = y is None  # the year is the story's, not the date's own
    if y is None:
        own = _years(para)
        y = own[0] if own else max(sorted(years), key=years.count, default=None)
    meeting_date = _date(y, m, d) if y else None
    return meeting_date, published or (meeting_date if today else None), author, inferred


def extract(title: str, paragraphs: list[str], filename: str = "") -> dict:
    """Meeting facts of one report: ``province``, ``body``, ``term``,
    ``meeting``, ``meeting_date``, ``published`` (ISO dates), ``author``,
    ``date_inferred``.

    ``paragraphs`` may start with the title; they are read as
    ``corpus.parse_document`` leaves them, the page's boilerplate and related
    headlines already cut (``boilerplate.py``). A slug ``filename`` is read
    last, for province, term and meeting only.

    Dates: a byline's date ("Tên | 02/07/2021, 19:20") is the publication
    date. A bare date line ("Thứ tư, 28/10/2020") is taken as one only if the
    story does not contradict it, since a page shows the day it was saved too.
    It is contradicted when the lead says "sáng nay (27/6)" of another day, or
    when the story's latest year is more than a year older. A lead date
    without a year takes the publication date's year (the year before if the
    day would fall after publication), else a year its paragraph names
    ("những tháng cuối năm 2017"), else the story's most mentioned year.
    "Sáng nay"/"hôm nay" with no other publication date means it ran that day.
    With no date written, ``dates.implied_date`` reads the period reviewed
    ("Quý I năm 2024") or the term's years ("nhiệm kỳ 2020-2025"), and
    ``date_inferred`` says so; it is also True when a written day took its
    year from the story rather than from the date or the byline.
    """
    heading, article, content = _split(title, paragraphs)
    # The lead is the first paragraphs of content proper: no caption, slug or
    # link; a place and date ("Thái Nguyên, ngày 27 tháng 6 năm 2024") stays.
    # Judged after the headline, as in the document; the first lines suffice.
    head = content[:_LEAD_WINDOW]
    keep = {i - 1 for i in content_lines([heading] + head)}
    lead = [p for i, p in enumerate(head) if i in keep or is_dateline(p)][:4]
    meeting_date, published, author, inferred = _dates(
        [title] + article[:3], [heading] + lead, content)
    if meeting_date is None and published is None:
        meeting_date = implied_date([heading] + lead, [heading] + content)
        inferred = meeting_date is not None
    if author is None:
        credits = [p for p in content if CREDIT.match(_aligned(p)[1])]
        author = next(filter(None, map(_author_line, content[-1:] + credits)), None)
    slug = [re.sub(r"[-_]+", " ", re.sub(r"\.\w+$", "", filename))] if filename else []
    texts = [heading] + content
    return {
        "province": next(filter(None, map(province_of, [heading, "\n".join(article), *slug])),
                         None),
        "body": _body(heading, lead, content),
        "term": _term(texts) or _term(slug),
        "meeting": _meeting(texts) or _meeting(slug),
        "meeting_date": meeting_date.isoformat() if meeting_date else None,
        "published": published.isoformat() if published else None,
        "author": author,
        "date_inferred": bool(inferred and meeting_date),
    }
