"""Vietnam's provinces and the short forms people type for them, so that a
document's province can be found by any of them ("TP.HCM", "BR-VT").

One line a province: its name as metadata writes it, then its usual short
forms. Spellings that differ only by accents need no entry: the index folds
them ("lang son" finds Lạng Sơn).
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
