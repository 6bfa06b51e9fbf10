"""A meeting's date implied by a report that writes none (issue 12, item 6).

``metadata.extract`` takes the dates a report writes ("Sáng 2/7" with the
byline's 02/07/2021, "ngày 27 tháng 6 năm 2024"). Many reports write no day
at all, yet say when they are: the meeting reviews a period that has just
ended, or belongs to a term whose years are printed. Three of the five seeds
were undated, so "Mới nhất" put the 2024 meeting after 2017 and the year
filter could not reach it. ``implied_date`` reads, in this order:

1. the period the lead reviews or plans, with its year: "Quý I năm 2024",
   "quý I/2024", "6 tháng đầu năm 2021", "9 tháng năm 2023", "nhiệm vụ
   tháng 11 năm 2020". A review meets right after its period: the date is
   the first day after the earliest period named in the latest year named
   ("quý I, … quý II năm 2017" -> 1/4/2017; "quý I năm 2024" -> 1/4/2024).
2. the term's years ("khóa XX, nhiệm kỳ 2020-2025"): the year the text
   names most inside them, the earliest of a tie ("năm 2023", not "đến năm
   2030", not a plan's "giai đoạn 2023-2025"; seed 004 names 2020's targets
   and 2021's budget: a report speaks of its year and plans the next), else
   the term's first year; the month is the one
   the lead sets tasks for ("nhiệm vụ trọng tâm trong tháng 11"), else
   January.

Such a date is the first day of a month: exact to the month at best (rule 1)
or to the year (rule 2), and ``extract`` marks it ``date_inferred``. On the
seeds: 000 -> 2017-04-01 (rule 1), 002 -> 2024-04-01 (rule 1), 004 ->
2020-11-01 (rule 2 with "tháng 11"; the congress of term XX met in October
2020, and this meeting sets tasks for November).
"""

from __future__ import annotations

import datetime as _dt
import re

from ..lang.numerals import roman
from ..lang.text import fold, normal_text

# Whole lines, uncached: fold's cache is for words, and lines would crowd it.
_fold_text = fold.__wrapped__

_YEAR = r"((?:19|20)\d\d)\b"
_OF_YEAR = r"\s*(?:,\s*)?(?:nam\s+|/\s*)" + _YEAR
# A quarter, with its year or not: in "quý I, … quý II năm 2017" the year
# of the list's last quarter is every one's.
_QUARTER = re.compile(r"\bquy\s+(iv|i{1,3}|[1-4])\b(?:" + _OF_YEAR + ")?")
# "6 tháng đầu năm 2021" reviews January to June; "9 tháng" to September.
_MONTHS_OF = re.compile(r"\b(3|6|9|sau|chin|ba)\s+thang\s+(?:dau\s+|cuoi\s+)?nam\s+" + _YEAR)
_WORD_NUMBERS = {"ba": 3, "sau": 6, "chin": 9}
_MONTH = re.compile(r"\b(?:nhiem vu|ke hoach|chuong trinh)(?:\s+\w+){0,3}?\s+(?:trong\s+)?thang\s+"
                    r"(\d{1,2})\b(?:" + _OF_YEAR + ")?")
# The two patterns read every paragraph: each is written to start with
# literal characters, so that re skips to them rather than trying every
# position (ingest/scanning.py); the \b and lookbehinds that opened them are
# checked after the first letter, with the same matches. corpus-10000:
# 0.1 s -> 0.03 of a build's 8.
_TERM = re.compile(r"nhiem(?<!\wnhiem)\s+ky\s+((?:19|20)\d\d)\s*[-–—]\s*((?:19|20)\d\d)\b")
# A year on its own ("năm 2023", "02/07/2021"), not the end of a plan ("đến năm 2030"):
# r"(?<!den )(?<!toi )\bnam\s+" + _YEAR + r"(?!\s*[-–—]\s*\d)|\d{1,2}/\d{1,2}/" + _YEAR.
_SINGLE_YEAR = re.compile(r"[n\d](?:(?<=n)(?<!den n)(?<!toi n)(?<!\wn)am\s+" + _YEAR + r"(?!\s*[-–—]\s*\d)"
                          r"|(?<=\d)\d?/\d{1,2}/" + _YEAR + ")")


def _folded(texts: list[str]) -> str:
    return "\n".join(_fold_text(normal_text(t)) for t in texts)


def _quarter(raw: str) -> int:
    return int(raw) if raw.isdigit() else roman(raw)


def _periods(text: str) -> list[tuple[int, int]]:
    """``(year, first month after the period)`` for each period with its year."""
    out, waiting = [], []
    for m in _QUARTER.finditer(text):
        waiting.append(_quarter(m[1]))
        if m[2]:
            out += [(int(m[2]), 3 * q + 1) for q in waiting]
            waiting = []
    for m in _MONTHS_OF.finditer(text):
        months = int(m[1]) if m[1].isdigit() else _WORD_NUMBERS[m[1]]
        out.append((int(m[2]), months + 1))
    for m in _MONTH.finditer(text):
        if m[2] and 1 <= int(m[1]) <= 12:
            out.append((int(m[2]), int(m[1])))  # tasks for a month: meets as it starts
    return out


def _first_day(year: int, month: int) -> _dt.date:
    return _dt.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def implied_date(lead: list[str], content: list[str]) -> _dt.date | None:
    """The date ``lead`` (headline and first paragraphs) and ``content``
    (every paragraph) imply, by the rules above; None when they imply none."""
    lead_text, all_text = _folded(lead), _folded(content)
    terms = [(int(a), int(b)) for a, b in _TERM.findall(all_text) if 0 < int(b) - int(a) <= 5]
    term = max(set(terms), key=terms.count) if terms else None

    def in_term(year: int) -> bool:
        return term is None or term[0] <= year <= term[1]

    periods = [(y, m) for y, m in _periods(lead_text) if in_term(y)]
    if periods:
        latest = max(y for y, _ in periods)
        return _first_day(latest, min(m for y, m in periods if y == latest))
    if term is None:
        return None
    years = [int(a or b) for a, b in _SINGLE_YEAR.findall(all_text)]
    years = sorted(y for y in years if in_term(y))
    year = max(years, key=years.count) if years else term[0]
    months = [int(m[1]) for m in _MONTH.finditer(lead_text) if not m[2] and 1 <= int(m[1]) <= 12]
    return _first_day(year, months[0] if months else 1)
