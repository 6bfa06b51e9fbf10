"""The request's arguments as the library's values, and back as the links of
the page: the filters in force travel with every link and form (a new search
from the header box, "Quay lại kết quả", the pages), written the way people
read them (dates dd/mm/yyyy)."""

from __future__ import annotations

from dataclasses import fields, replace

from flask import request

from search import Filters
from search.query.facets import parse_date, parse_term

from .display import date_from_int

# The filters a link carries, in the order they appear in a URL.
FILTER_ARGS = ("province", "term", "year", "kind", "issuer", "from", "to", "sort", "accents")
FACETS = ("province", "term", "year", "kind", "issuer")
# Filters(accents=...) comes with typed-accent matching (issue 12 item 5);
# until the library has it, the argument is accepted and has no effect.
HAS_ACCENTS = "accents" in {f.name for f in fields(Filters)}


class BadRequest(ValueError):
    pass


def int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name, "")
    if raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"'{name}' phải là số nguyên (nhận được {raw[:20]!r})") from None
    if not low <= value <= high:
        raise BadRequest(f"'{name}' phải nằm trong khoảng {low}–{high}")
    return value


def date_arg(name: str) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return parse_date(raw[:40])
    except ValueError:
        raise BadRequest(f"'{name}' phải là một ngày dạng dd/mm/yyyy, ví dụ 02/07/2021 "
                         f"(nhận được {raw[:20]!r})") from None


def term_arg() -> int | None:
    raw = request.args.get("term", "").strip()
    if not raw:
        return None
    try:
        value = parse_term(raw[:20])
    except ValueError:
        raise BadRequest(f"'term' phải là số khóa, ví dụ XX hoặc 20 (nhận được {raw[:20]!r})") from None
    if not 0 < value <= 100:
        raise BadRequest("'term' phải nằm trong khoảng 1–100")
    return value


def group_arg(default: str) -> str:
    group = request.args.get("group", "").strip() or default
    if group not in ("doc", "none"):
        raise BadRequest("'group' chỉ nhận doc hoặc none")
    return group


def filters_arg(sorts=("relevance", "date")) -> Filters:
    """The filters of the request; BadRequest names the argument at fault."""
    sort = request.args.get("sort", "").strip() or sorts[0]
    if sort not in sorts:
        raise BadRequest(f"'sort' chỉ nhận {' hoặc '.join(sorts)}")
    accents = request.args.get("accents", "").strip() or "any"
    if accents not in ("any", "exact"):
        raise BadRequest("'accents' chỉ nhận any hoặc exact")
    province = request.args.get("province", "").strip()[:100] or None
    year = int_arg("year", 0, 0, 9999) or None
    extra = {"accents": accents} if HAS_ACCENTS else {}
    # An official document's type and issuer, as the facet offers them.
    extra.update({name: " ".join(request.args.get(name, "").split())[:200] or None
                  for name in ("kind", "issuer")})
    return Filters(province=province, term=term_arg(), year=year, date_from=date_arg("from"),
                   date_to=date_arg("to"), sort=sort if sort in ("relevance", "date") else "relevance",
                   **extra)


def current_args(filters: Filters, sort: str, default_sort: str, accents: str = "any") -> dict:
    """The filters in force as link arguments, in the page's own spelling
    (term as a number, dates dd/mm/yyyy); the defaults left out."""
    out = {}
    if filters.province:
        out["province"] = filters.province
    if filters.term:
        out["term"] = str(filters.term)
    if filters.year:
        out["year"] = str(filters.year)
    for name in ("kind", "issuer"):
        if getattr(filters, name, None):
            out[name] = getattr(filters, name)
    if filters.date_from:
        out["from"] = date_from_int(filters.date_from)
    if filters.date_to:
        out["to"] = date_from_int(filters.date_to)
    if sort != default_sort:
        out["sort"] = sort
    if accents != "any":
        out["accents"] = accents
    return out


def lenient_current() -> dict:
    """The filters a document page was opened with, to take back to the
    results: what does not parse is dropped, never an error on that page."""
    try:
        filters = filters_arg()
    except BadRequest:
        return {}
    return current_args(filters, request.args.get("sort", "relevance"), "relevance",
                        request.args.get("accents", "any"))


def without(filters: Filters, name: str) -> Filters:
    return replace(filters, **{name: None})
