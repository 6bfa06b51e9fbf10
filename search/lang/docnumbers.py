"""Numbers and symbols of official documents (số và ký hiệu văn bản).

Two grammars, from the two rules people write by:

- Party documents (Quy định 66-QĐ/TW, 2017): ``05-NQ/TU``, ``125-BC/TU``,
  ``36-KL/TW``: number, hyphen, the type's abbreviation, slash, the issuing
  body's abbreviation.
- State documents (Nghị định 30/2020/NĐ-CP): ``15/2021/NQ-HĐND``,
  ``123/QĐ-UBND``: number, the year when the type is a legal document,
  the type, hyphen, the issuer.

People type them with other separators or none (``05 NQ TU``, ``05nq/tu``),
without accents (``QD`` for ``QĐ``) and in either case; ``key`` is the one
spelling every such form comes to, so a number found in a header, in a
citation and in a query compare equal. ``05`` and ``5`` are one number.

    >>> [n.key for n in find_numbers("Căn cứ Nghị quyết số 05-NQ/TU ngày 02/7/2021 và 15/2021/NQ-HĐND")]
    ['5-nq/tu', '15/2021/nq-hdnd']
    >>> parse_number("05 nq tu").key
    '5-nq/tu'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import fold

# Abbreviations of document types (QĐ 66-QĐ/TW appendix; NĐ 30/2020 appendix
# III), folded and upper-case, with the type's name for display.
KINDS = {
    "NQ": "nghị quyết", "QD": "quyết định", "QDI": "quy định", "QYD": "quy định",
    "CT": "chỉ thị", "KL": "kết luận", "QC": "quy chế", "HD": "hướng dẫn",
    "BC": "báo cáo", "KH": "kế hoạch", "DA": "đề án", "CTR": "chương trình",
    "TB": "thông báo", "TTR": "tờ trình", "CV": "công văn", "BB": "biên bản",
    "TT": "thông tư", "ND": "nghị định", "PA": "phương án", "TTRI": "thông tri",
    "L": "luật",
}

_WORD = r"[A-Za-zĐđ]"
# Party form: 05-NQ/TU (the issuer may itself hold a hyphen: 12-NQ/ĐU-BCA).
_PARTY = re.compile(
    rf"(?<![\w/-])(\d{{1,5}})\s*-\s*({_WORD}{{1,5}})\s*/\s*({_WORD}{{1,8}}(?:-{_WORD}{{1,8}})*)(?![\w/])")
# State form: 15/2021/NQ-HĐND or 123/QĐ-UBND.
_STATE = re.compile(
    rf"(?<![\w/-])(\d{{1,5}})\s*/\s*(?:((?:19|20)\d\d)\s*/\s*)?({_WORD}{{1,5}})\s*-\s*({_WORD}{{1,10}}(?:-{_WORD}{{1,10}})*)(?![\w/])")


@dataclass(frozen=True)
class DocNumber:
    number: int
    kind: str  # folded, upper-case: "NQ", "QD"
    issuer: str  # folded, upper-case: "TU", "HDND"
    year: int | None
    state: bool  # written in the state form (number/year/KIND-ISSUER)
    text: str = ""  # as written in the source
    start: int = 0  # offsets of ``text`` in the string searched
    end: int = 0

    @property
    def key(self) -> str:
        """The spelling every way of writing this number comes to."""
        k, i = self.kind.lower(), self.issuer.lower()
        if self.state:
            year = f"{self.year}/" if self.year else ""
            return f"{self.number}/{year}{k}-{i}"
        return f"{self.number}-{k}/{i}"

    @property
    def kind_name(self) -> str | None:
        """The type's name (``nghị quyết``) when the abbreviation is known."""
        return KINDS.get(self.kind)

    @property
    def partial(self) -> bool:
        """Typed without its issuer (``NQ 05``, ``nghị quyết 05``)."""
        return not self.issuer

    def names(self, other: "DocNumber") -> bool:
        """Whether this number, perhaps typed in part, names ``other``: the
        same number and type (``QĐi`` = ``QYĐ``: one name), the same issuer
        and year where this one has them. The grammar it was written in is
        not compared: ``05 NQ TU`` typed loosely names ``05-NQ/TU``."""
        same_kind = self.kind == other.kind or (self.kind_name is not None
                                                 and self.kind_name == other.kind_name)
        return (self.number == other.number and same_kind
                and (not self.issuer or self.issuer == other.issuer)
                and (self.year is None or self.year == other.year))


def _up(s: str) -> str:
    return fold(s).upper()


def _known(kind: str) -> bool:
    return _up(kind) in KINDS


def _starts(text: str) -> list[int]:
    """Where a number may begin: the first digit of each run of digits that a
    hyphen or slash follows (spaces between), not after a letter, digit,
    slash or hyphen. Found with ``str.find`` on the separators: the two
    patterns run over every paragraph cost ~100 us one of 480 characters
    (measured on bench/make_corpus.py's text, 35 % of its paragraphs hold a
    hyphen or slash); anchored at these few places, ~6 us."""
    starts = set()
    for sep in "-/":
        i = text.find(sep)
        while i != -1:
            j = i - 1
            while j >= 0 and text[j].isspace():
                j -= 1
            if j >= 0 and text[j].isdigit():
                while j > 0 and text[j - 1].isdigit():
                    j -= 1
                if not (j and (text[j - 1].isalnum() or text[j - 1] in "_/-")):
                    starts.add(j)
            i = text.find(sep, i + 1)
    return sorted(starts)


def _party(m) -> DocNumber | None:
    if not m or not _known(m.group(2)):
        return None
    return DocNumber(int(m.group(1)), _up(m.group(2)), _up(m.group(3)), None, False, m.group(), m.start(), m.end())


def _state(m) -> DocNumber | None:
    if not m or not _known(m.group(3)):
        return None
    year = int(m.group(2)) if m.group(2) else None
    return DocNumber(int(m.group(1)), _up(m.group(3)), _up(m.group(4)), year, True, m.group(), m.start(), m.end())


def number_at(text: str, at: int) -> DocNumber | None:
    """The number written at offset ``at`` of ``text`` (after "Số "), or None."""
    return _party(_PARTY.match(text, at)) or _state(_STATE.match(text, at))


def find_numbers(text: str) -> list[DocNumber]:
    """Every document number written in ``text``, in order, with offsets.
    A type abbreviation must be a known one: ``20-25/10`` is not a number."""
    found: list[DocNumber] = []
    if "-" not in text and "/" not in text:
        return found
    starts = _starts(text)
    found = [n for n in (_party(_PARTY.match(text, at)) for at in starts) if n]
    for at in starts:
        n = _state(_STATE.match(text, at))
        if n and not any(f.start <= n.start < f.end for f in found):
            found.append(n)
    return sorted(found, key=lambda n: n.start)


_LOOSE = re.compile(r"^\s*(\d{1,5})[\s./-]*(?:((?:19|20)\d\d)[\s./-]+)?([a-zđ]{1,5})[\s./-]*([a-zđ]{1,10})?\s*$",
                    re.I)
# The type first, then the number, no issuer: "NQ 05", "nq-05".
_KIND_FIRST = re.compile(r"^\s*([a-zđ]{1,5})[\s./-]*(\d{1,5})\s*$", re.I)
# A bare number after a type's name: "nghị quyết 05", "nghị quyết số 15/2021".
_BARE = re.compile(r"^\s*(\d{1,5})(?:\s*/\s*((?:19|20)\d\d))?\s*$")
# Types by their folded names ("nghi quyet" -> NQ); "quy định" is QĐi.
_BY_NAME = {fold(name): kind for kind, name in reversed(KINDS.items())}
_NAME_WORDS = max(len(name.split()) for name in _BY_NAME)


def _named_kind(typed: str) -> tuple[str | None, str]:
    """``(the type's abbreviation, the rest)`` when ``typed`` begins with a
    type's name, with or without accents ("Nghị quyết số 05"), and perhaps
    "số"; else ``(None, typed)``."""
    words = typed.split()
    for n in range(min(_NAME_WORDS, len(words)), 0, -1):
        kind = _BY_NAME.get(" ".join(fold(w) for w in words[:n]))
        if kind is not None:
            rest = words[n:]
            if rest and fold(rest[0]).rstrip(":") == "so":
                rest = rest[1:]
            return kind, " ".join(rest)
    return None, typed


def parse_number(typed: str) -> DocNumber | None:
    """A number typed loosely as a whole query (``05 NQ TU``, ``05-nq/tu``;
    ``05nqtu`` is not split: letters run together are ambiguous), or None.

    It may be typed in part: without the issuer (``05-NQ``, ``NQ 05``) or
    as a type's name and a bare number (``nghị quyết 05``, ``nghi quyet so
    5``): then ``issuer`` is "" and ``partial`` is true, and it names every
    number it agrees with (``names``). A type's name before a whole number
    (``nghị quyết 05-NQ/TU``) is that number."""
    typed = typed.strip().strip('"').strip()
    found = find_numbers(typed)
    if len(found) == 1 and found[0].text.strip() == typed:
        return found[0]
    kind, rest = _named_kind(typed)
    if kind is not None:
        if not rest:
            return None
        whole = parse_number(rest)
        if whole is not None:
            return whole
        m = _BARE.match(rest)
        if not m:
            return None
        year = int(m.group(2)) if m.group(2) else None
        return DocNumber(int(m.group(1)), kind, "", year, year is not None, typed, 0, len(typed))
    m = _KIND_FIRST.match(typed)
    if m and _known(m.group(1)):
        return DocNumber(int(m.group(2)), _up(m.group(1)), "", None, False, typed, 0, len(typed))
    m = _LOOSE.match(typed)
    if not m or not _known(m.group(3)):
        return None
    year = int(m.group(2)) if m.group(2) else None
    return DocNumber(int(m.group(1)), _up(m.group(3)), _up(m.group(4) or ""), year, year is not None,
                     typed, 0, len(typed))


def named_in(query: str) -> list[DocNumber]:
    """The document numbers a query names: the whole query as one number,
    however loosely typed (``parse_number``), else each number written whole
    in it (``find_numbers``: "Nghị quyết 05-NQ/TU về phát triển chè")."""
    whole = parse_number(query)
    if whole is not None:
        return [whole]
    return find_numbers(query)


def number_spans(query: str) -> list[tuple[int, int]]:
    """Where ``query`` writes document numbers (``named_in``), as offsets:
    their letters are codes, not words to correct ("nq" is no typo)."""
    if parse_number(query) is not None:
        return [(0, len(query))]
    return [(n.start, n.end) for n in find_numbers(query)]
