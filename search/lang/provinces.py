"""Vietnam's provinces and the short forms people type for them, so that a
document's province can be found by any of them ("TP.HCM", "BR-VT").

One line a province: its name as metadata writes it, then its usual short
forms. Spellings that differ only by accents need no entry: the index folds
them ("lang son" finds Lạng Sơn).

Also the 2025 merger (``MERGED_2025``) and the names of before it
(``PROVINCES``), which ``ingest/metadata.py`` looks for in reports.
"""

from __future__ import annotations

from functools import lru_cache

from .text import fold

_TABLE = """
An Giang
Bà Rịa - Vũng Tàu | Bà Rịa Vũng Tàu | BR-VT | BRVT | Vũng Tàu
Bạc Liêu
Bắc Giang
Bắc Kạn | Bắc Cạn
Bắc Ninh
Bến Tre
Bình Dương
Bình Định
Bình Phước
Bình Thuận
Cà Mau
Cao Bằng
Cần Thơ | TP Cần Thơ
Đà Nẵng | TP Đà Nẵng
Đắk Lắk | Đắc Lắc | Daklak
Đắk Nông | Đắc Nông | Daknong
Điện Biên
Đồng Nai
Đồng Tháp
Gia Lai
Hà Giang
Hà Nam
Hà Nội | TP Hà Nội | HN
Hà Tĩnh
Hải Dương
Hải Phòng | TP Hải Phòng
Hậu Giang
Hòa Bình
Hồ Chí Minh | TP Hồ Chí Minh | Thành phố Hồ Chí Minh | TP.HCM | TPHCM | HCM | Sài Gòn
Hưng Yên
Khánh Hòa
Kiên Giang
Kon Tum
Lai Châu
Lâm Đồng
Lạng Sơn
Lào Cai
Long An
Nam Định
Nghệ An
Ninh Bình
Ninh Thuận
Phú Thọ
Phú Yên
Quảng Bình
Quảng Nam
Quảng Ngãi
Quảng Ninh
Quảng Trị
Sóc Trăng
Sơn La
Tây Ninh
Thái Bình
Thái Nguyên
Thanh Hóa
Thừa Thiên Huế | Thừa Thiên - Huế | TT-Huế | Huế
Tiền Giang
Trà Vinh
Tuyên Quang
Vĩnh Long
Vĩnh Phúc
Yên Bái
"""


@lru_cache(maxsize=1)
def _by_fold() -> dict[str, tuple[str, ...]]:
    out = {}
    for line in _TABLE.strip().splitlines():
        names = tuple(n.strip() for n in line.split("|"))
        for n in names:
            out[fold(n)] = names
    return out


def province_names(name: str) -> tuple[str, ...]:
    """``name`` and its usual short forms (just ``name`` when the table does
    not know it)."""
    if not name:
        return ()
    return _by_fold().get(fold(name), (name,))


# Each provincial-level unit from 1 July 2025 (Resolution 202/2025/QH15) and the
# units of before that it was made from; the new unit kept one old name.
# Thừa Thiên Huế became the centrally-run city of Huế on 1 January 2025.
_UNITS_2025 = {
    "Hà Nội": ["Hà Nội"], "Huế": ["Thừa Thiên Huế"], "Lai Châu": ["Lai Châu"],
    "Điện Biên": ["Điện Biên"], "Sơn La": ["Sơn La"], "Lạng Sơn": ["Lạng Sơn"],
    "Quảng Ninh": ["Quảng Ninh"], "Thanh Hóa": ["Thanh Hóa"], "Nghệ An": ["Nghệ An"],
    "Hà Tĩnh": ["Hà Tĩnh"], "Cao Bằng": ["Cao Bằng"],
    "Tuyên Quang": ["Tuyên Quang", "Hà Giang"], "Lào Cai": ["Lào Cai", "Yên Bái"],
    "Thái Nguyên": ["Thái Nguyên", "Bắc Kạn"],
    "Phú Thọ": ["Phú Thọ", "Vĩnh Phúc", "Hòa Bình"],
    "Bắc Ninh": ["Bắc Ninh", "Bắc Giang"], "Hưng Yên": ["Hưng Yên", "Thái Bình"],
    "Hải Phòng": ["Hải Phòng", "Hải Dương"],
    "Ninh Bình": ["Ninh Bình", "Hà Nam", "Nam Định"],
    "Quảng Trị": ["Quảng Trị", "Quảng Bình"], "Đà Nẵng": ["Đà Nẵng", "Quảng Nam"],
    "Quảng Ngãi": ["Quảng Ngãi", "Kon Tum"], "Gia Lai": ["Gia Lai", "Bình Định"],
    "Khánh Hòa": ["Khánh Hòa", "Ninh Thuận"],
    "Lâm Đồng": ["Lâm Đồng", "Đắk Nông", "Bình Thuận"], "Đắk Lắk": ["Đắk Lắk", "Phú Yên"],
    "Hồ Chí Minh": ["Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"],
    "Đồng Nai": ["Đồng Nai", "Bình Phước"], "Tây Ninh": ["Tây Ninh", "Long An"],
    "Cần Thơ": ["Cần Thơ", "Sóc Trăng", "Hậu Giang"],
    "Vĩnh Long": ["Vĩnh Long", "Bến Tre", "Trà Vinh"],
    "Đồng Tháp": ["Đồng Tháp", "Tiền Giang"], "Cà Mau": ["Cà Mau", "Bạc Liêu"],
    "An Giang": ["An Giang", "Kiên Giang"],
}
MERGED_2025: dict[str, str] = {old: new for new, olds in _UNITS_2025.items() for old in olds}
# The 63 units of before 2025, then Huế, the one 2025 name that is new.
PROVINCES: list[str] = list(MERGED_2025) + ["Huế"]
