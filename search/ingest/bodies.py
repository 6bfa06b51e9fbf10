"""Names of issuing bodies, from the capitals of a document's header.

"ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN" is written in running text "Ủy ban nhân
dân tỉnh Thái Nguyên"; "TỈNH ỦY" under "ĐẢNG BỘ TỈNH THÁI NGUYÊN" is "Tỉnh ủy
Thái Nguyên"; "VĂN PHÒNG" under "TỈNH ỦY THÁI NGUYÊN" is "Văn phòng Tỉnh ủy
Thái Nguyên". Used by official.py (the issuer facet's values: one spelling a
body, tone marks in one place, so "TỈNH UỶ" and "TỈNH ỦY" are one value).
"""

from __future__ import annotations

import re

from ..lang.text import canonical_tones, fold

_LEVELS = ("thành phố", "thị xã", "thị trấn", "tỉnh", "huyện", "quận", "xã", "phường")
# Party committees named for their level: "TỈNH ỦY" under "ĐẢNG BỘ TỈNH THÁI NGUYÊN".
_COMMITTEE = re.compile(r"(tỉnh|thành|huyện|quận|thị|đảng) ủy\Z")
# Words a name of a body writes with a capital (Quy định 66 and NĐ 30's
# appendices write them so); the rest of a body's name is lower case.
CAPITALISED = {p.lower(): p for p in [
    "Ban Chấp hành", "Ban Thường vụ", "Bộ Chính trị", "Ban Bí thư", "Trung ương", "Ủy ban nhân dân",
    "Hội đồng nhân dân", "Mặt trận Tổ quốc", "Việt Nam", "Quốc hội", "Chính phủ", "Tỉnh ủy",
    "Thành ủy", "Huyện ủy", "Quận ủy", "Thị ủy", "Đảng ủy", "Đảng bộ", "Đảng", "Văn phòng",
    "Ủy ban Kiểm tra"]}
_HEADS = {"ban", "sở", "bộ", "cục", "vụ", "phòng", "viện", "tổng cục"}
# Kept in capitals: Roman numerals ("KHÓA XX") and the usual abbreviations.
_KEEP = re.compile(r"(?:[IVXLC]+|UBND|HĐND|MTTQ|BCH|BTV|TW|TP\.?)\Z")



def readable(caps: str, places: bool = True) -> str:
    """A body's name written in capitals as running text writes it:
    "ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN" -> "Ủy ban nhân dân tỉnh Thái Nguyên",
    "HUYỆN ỦY ĐẠI TỪ" -> "Huyện ủy Đại Từ"; Roman numerals stay ("KHÓA XX").
    ``places=False``: no word is taken for a place's name (a title's words)."""
    original = " ".join(caps.split()).split()
    words = _mended(canonical_tones(" ".join(original).lower()).split())
    out = [w.upper() if _KEEP.match(o) else w for w, o in zip(words, original)]
    for i in range(len(words) if places else 0):
        after_level = next((len(level.split()) for level in _LEVELS
                            if words[i:i + len(level.split())] == level.split()), 0)
        after_committee = 2 if i + 1 < len(words) and words[i + 1] == "ủy" and \
            words[i] in ("tỉnh", "thành", "huyện", "quận", "thị") else 0
        n = after_committee or after_level
        if n and i + n < len(words) and words[i + n] != "ủy":
            out[i + n:] = [w[:1].upper() + w[1:] for w in out[i + n:]]  # the place's name
            break
    text = " ".join(out)
    for phrase, written in CAPITALISED.items():
        text = re.sub(r"(?<!\w)%s(?!\w)" % phrase, written, text)
    words = text.split()
    for head in _HEADS:  # "Ban Tuyên giáo", "Sở Y tế"
        n = len(head.split())
        if [w.lower() for w in words[:n]] == head.split() and len(words) > n:
            words[n] = words[n][:1].upper() + words[n][1:]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


# A committee's level as written, by its letters: OCR misreads the mark
# ("TĨNH ỦY" for "TỈNH ỦY": Tesseract's Vietnamese model on a clean scan).
# Only before "ủy", where no place name stands: Hà Tĩnh is a province.
_LEVEL_BY_LETTERS = {fold(w): w for w in ("tỉnh", "thành", "huyện", "quận", "thị", "đảng")}


def _mended(words: list[str]) -> list[str]:
    out = list(words)
    for i in range(len(out) - 1):
        if fold(out[i + 1]) == "uy" and fold(out[i]) in _LEVEL_BY_LETTERS:
            out[i], out[i + 1] = _LEVEL_BY_LETTERS[fold(out[i])], "ủy"
    return out


def place_name(caps: str) -> tuple[str, str] | None:
    """("tỉnh", "Thái Nguyên") from "ĐẢNG BỘ TỈNH THÁI NGUYÊN"."""
    words = readable(caps).split()
    low = [w.lower() for w in words]
    for level in _LEVELS:
        n = len(level.split())
        for i in range(len(low) - n):
            if low[i:i + n] == level.split() and low[i + n] != "ủy":
                return level, " ".join(words[i + n:])
    return None


def issuer_of(lines: list[str]) -> tuple[str | None, str | None]:
    """(issuer, parent) from the capitals lines of the left column."""
    merged: list[str] = []
    for line in lines:  # "ỦY BAN NHÂN DÂN" / "TỈNH THÁI NGUYÊN" is one name over two lines
        low = canonical_tones(line.lower())
        if merged and place_name(line) and not place_name(merged[-1]) and \
                low.split()[0] in {l.split()[0] for l in _LEVELS} and not _COMMITTEE.search(low):
            merged[-1] += " " + line
        elif merged and canonical_tones(merged[-1].lower()).split()[-1] in {l.split()[-1] for l in _LEVELS} \
                and not _COMMITTEE.search(low) and len(line.split()) <= 4:
            merged[-1] += " " + line  # "BAN CHẤP HÀNH ĐẢNG BỘ TỈNH" / "THÁI NGUYÊN"
        else:
            merged.append(line)
    if not merged:
        return None, None
    unit = readable(merged[-1])
    parent = readable(merged[-2]) if len(merged) > 1 else None
    low = unit.lower()
    committee = re.match(r"(tỉnh|thành|huyện|quận|thị|đảng) ủy(?: (.*))?\Z", low)
    place = place_name(merged[-2]) if parent else None
    if committee and not committee.group(2) and committee.group(1) == "đảng" and parent and \
            parent.lower().startswith("đảng bộ "):
        # "ĐẢNG ỦY" under "ĐẢNG BỘ XÃ TÂN ĐỨC" / "ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH".
        unit = f"{unit} {parent[len('đảng bộ '):]}"
    elif committee and not committee.group(2) and place:
        # "TỈNH ỦY" under "ĐẢNG BỘ TỈNH THÁI NGUYÊN": "Tỉnh ủy Thái Nguyên".
        unit = f"{unit} {place[1]}"
    elif parent and not committee and not place_name(merged[-1]) and (
            low.split()[0] in _HEADS or low.startswith(("văn phòng", "ủy ban kiểm tra"))):
        # A department: "VĂN PHÒNG" under "TỈNH ỦY THÁI NGUYÊN", "SỞ Y TẾ" under "UBND TỈNH X".
        unit = f"{unit} {parent}" if re.match(r"(tỉnh|thành|huyện|quận|thị|đảng) ủy ", parent.lower()) \
            else (f"{unit} {place[0]} {place[1]}" if place else unit)
    return unit, parent
