"""How the page writes numbers and dates: as the documents do, in Vietnamese.

    >>> vdate("2021-07-02"), vdate(None), vdate("2024")
    ('02/07/2021', 'không rõ ngày', '2024')
    >>> to_roman(19), to_roman(20), to_roman(0)
    ('XIX', 'XX', '')
    >>> decimal(14.04), decimal(0.4567, 2), number(12345)
    ('14,0', '0,46', '12.345')
"""

from __future__ import annotations

_NUMERALS = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
             (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))

UNDATED = "không rõ ngày"


def to_roman(value) -> str:
    """A term or meeting number as the documents write it (khóa XIX); '' for
    nothing or a value outside 1..3999."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return ""
    if not 0 < n < 4000:
        return ""
    out = []
    for size, letters in _NUMERALS:
        while n >= size:
            out.append(letters)
            n -= size
    return "".join(out)


def vdate(iso) -> str:
    """``YYYY-MM-DD`` as dd/mm/yyyy; a partial date (``YYYY-MM``, ``YYYY``) as
    mm/yyyy or yyyy; nothing as "không rõ ngày"."""
    if not iso:
        return UNDATED
    parts = str(iso).split("-")
    return "/".join(reversed(parts))


def date_from_int(value: int | None) -> str:
    """The index's yyyymmdd as dd/mm/yyyy ('' for None)."""
    if not value:
        return ""
    s = f"{value:08d}"
    return f"{s[6:]}/{s[4:6]}/{s[:4]}"


def decimal(value, places: int = 1) -> str:
    """A decimal with the Vietnamese comma: 14,0."""
    return f"{float(value):.{places}f}".replace(".", ",")


def number(value) -> str:
    """A count with dots between thousands: 12.345."""
    return f"{int(value):,}".replace(",", ".")


def doc_date(meta: dict) -> str:
    """The date a document is known by (meeting, else publication), shown;
    "không rõ ngày" when it has none."""
    meta = meta or {}
    return vdate(meta.get("meeting_date") or meta.get("published"))


def when(meta: dict) -> str:
    """The meta line's date: "họp ngày 02/07/2021", "đăng ngày …", "không rõ
    ngày". An implied date (``date_inferred``) says so; one on the first of
    a month is a period's end (ingest/dates.py: exact to the month at best),
    shown as its month, not as a day nobody wrote.

    >>> when({"meeting_date": "2024-04-01", "date_inferred": True})
    'họp khoảng tháng 04/2024 (suy ra từ nội dung)'
    >>> when({"meeting_date": "2017-06-27", "date_inferred": True})
    'họp ngày 27/06/2017 (suy ra từ nội dung)'
    >>> when({"published": "2021-07-02"}), when({})
    ('đăng ngày 02/07/2021', 'không rõ ngày')
    """
    meta = meta or {}
    kind, iso = ("họp", meta.get("meeting_date")) if meta.get("meeting_date") else \
        ("đăng", meta.get("published"))
    if not iso:
        return UNDATED
    if not meta.get("date_inferred"):
        return f"{kind} ngày {vdate(iso)}"
    if str(iso).endswith("-01"):
        return f"{kind} khoảng tháng {vdate(str(iso)[:7])} (suy ra từ nội dung)"
    return f"{kind} ngày {vdate(iso)} (suy ra từ nội dung)"


def install(app) -> None:
    app.add_template_filter(when)
    app.add_template_filter(vdate)
    app.add_template_filter(to_roman, "roman")
    app.add_template_filter(decimal)
    app.add_template_filter(number)
    app.add_template_filter(doc_date)
