"""Metadata facets: filter by province, term, year, date, and an official
document's type (``kind``) and issuer; count per value.

Each paragraph carries its document's metadata in sortable Whoosh columns
(``index.schema.column_values``); they are read once per generation into
arrays, so a filter is a mask and the facet counts are one ``np.bincount``
over the matching paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import numpy as np

from ..lang.numerals import roman
from ..lang.text import fold
from .whoosh_read import column


@dataclass(frozen=True)
class Filters:
    province: str | None = None
    term: int | None = None
    year: int | None = None
    date_from: int | None = None  # yyyymmdd
    date_to: int | None = None
    kind: str | None = None  # an official document's type, "nghị quyết" (accents aside)
    issuer: str | None = None  # its issuing body, "Tỉnh ủy Thái Nguyên" (accents aside)
    sort: str = "relevance"  # or "date"
    # "exact": only paragraphs whose every matched word has the accents as
    # typed (query.ranking); "any" also those matched through other accents.
    accents: str = "any"

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.province, self.term, self.year,
                                          self.date_from, self.date_to, self.kind, self.issuer))


_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def parse_date(raw: str) -> int:
    """A date as people type it (02/07/2021, 2/7/2021, 2021-07-02) as the
    index keeps it (20210702); ValueError when it is not a date."""
    raw = raw.strip()
    m = _DMY.fullmatch(raw)
    day = date(int(m[3]), int(m[2]), int(m[1])) if m else date.fromisoformat(raw)
    return int(day.strftime("%Y%m%d"))


def parse_term(raw: str) -> int:
    """A term as written (XIX) or as a number (19); ValueError otherwise."""
    raw = raw.strip()
    value = int(raw) if raw.isdigit() else roman(raw)
    if not value:
        raise ValueError(f"not a term number: {raw!r}")
    return value


class FacetColumns:
    def __init__(self, leaves, n: int):
        names: dict[str, int] = {"": 0}
        self.province = np.zeros(n, dtype=np.int32)
        self.term = np.zeros(n, dtype=np.int32)
        self.year = np.zeros(n, dtype=np.int32)
        self.date = np.zeros(n, dtype=np.int32)
        for reader, offset in leaves:
            count = reader.doc_count_all()
            provinces = column(reader, "province")
            if provinces is None:
                continue
            self.province[offset:offset + count] = [names.setdefault(p, len(names)) for p in provinces]
            for name in ("term", "year", "date"):
                getattr(self, name)[offset:offset + count] = column(reader, name)
        self.province_names = list(names)
        # Type and issuer: counted on their own (a value per document, few
        # of them); in the combined code below they would multiply its size.
        self.labels = {name: self._labels(leaves, n, name) for name in ("kind", "issuer")}
        self._by_fold = {fold(p): i for p, i in names.items() if p}
        # One code per (province, term, year) combination: counting all three
        # facets is then one gather and one bincount, not three of each.
        self._terms, term_code = np.unique(self.term, return_inverse=True)
        self._years, year_code = np.unique(self.year, return_inverse=True)
        self._shape = (len(self.province_names), len(self._terms), len(self._years))
        self._combo = np.ravel_multi_index(
            (self.province, term_code.ravel(), year_code.ravel()), self._shape).astype(np.int32)
        self._runs = self._run_codes = None
        self._orders: dict = {}  # per facet: its values, and their indices in value order

    @staticmethod
    def _labels(leaves, n: int, name: str) -> tuple[np.ndarray, list[str], dict]:
        """(code of each paragraph, the values by code, code by folded value)."""
        codes = np.zeros(n, dtype=np.int32)
        values: dict[str, int] = {"": 0}
        for reader, offset in leaves:
            got = column(reader, name)  # None in a segment written before the column existed
            if got is not None:
                codes[offset:offset + len(got)] = [values.setdefault(v, len(values)) for v in got]
        return codes, list(values), {fold(v): i for v, i in values.items() if v}

    def mask(self, filters: Filters) -> np.ndarray | None:
        if not filters.active:
            return None
        keep = np.ones(len(self.province), dtype=bool)
        if filters.province is not None:
            keep &= self.province == self._by_fold.get(fold(filters.province), -1)
        if filters.term is not None:
            keep &= self.term == filters.term
        if filters.year is not None:
            keep &= self.year == filters.year
        if filters.date_from is not None:
            keep &= self.date >= filters.date_from
        if filters.date_to is not None:
            keep &= (self.date <= filters.date_to) & (self.date > 0)
        for name in ("kind", "issuer"):
            value = getattr(filters, name, None)
            if value is not None:
                codes, _, by_fold = self.labels[name]
                keep &= codes == by_fold.get(fold(" ".join(value.split())), -1)
        return keep

    def counts(self, docnums: np.ndarray) -> dict:
        """{"province": {name: n}, "term": {19: n}, "year": {2021: n}, "kind":
        {"nghị quyết": n}, "issuer": {"Tỉnh ủy Thái Nguyên": n}} over docnums."""
        size = int(np.prod(self._shape))
        cube = np.bincount(self._combo[docnums], minlength=size)
        labels = {name: np.bincount(codes[docnums], minlength=len(values))
                  for name, (codes, values, _) in self.labels.items()}
        return self._named(cube, labels)

    def counts_by_run(self, runs, per_run: np.ndarray) -> dict:
        """The same as ``counts`` over the paragraphs ``per_run`` counts in
        each run of ``runs`` (query/runs.py: a run's paragraphs share every
        facet value), so the bincounts are over runs, not paragraphs."""
        if self._runs is not runs:  # each run's codes, once for the generation's runs
            first = runs.starts
            self._run_codes = (self._combo[first], {name: codes[first] for name, (codes, _, _)
                                                    in self.labels.items()})
            self._runs = runs
        combo, label_codes = self._run_codes
        size = int(np.prod(self._shape))
        cube = np.bincount(combo, weights=per_run, minlength=size).astype(np.int64)
        labels = {name: np.bincount(label_codes[name], weights=per_run, minlength=len(values)).astype(np.int64)
                  for name, (_, values, _) in self.labels.items()}
        return self._named(cube, labels)

    def _named(self, cube: np.ndarray, labels: dict) -> dict:
        cube = cube.reshape(self._shape)
        out = {}
        for name, counts in (("province", cube.sum(axis=(1, 2))), ("term", cube.sum(axis=(0, 2))),
                             ("year", cube.sum(axis=(0, 1))), *labels.items()):
            out[name] = self._ordered(name, counts)
        return out

    def _ordered(self, name: str, counts: np.ndarray) -> dict:
        """{value: count} of the values counted, most first, ties by value
        (as ``sorted`` orders them); 0 / "" is "unknown": not a value to
        offer. By name order then a stable sort by count (numpy), where a
        Python sort of (value, count) pairs cost ~50 us a query for the
        ~100 years of the generated 100k corpus."""
        kept = self._orders.get(name)
        if kept is None:
            names = (self.province_names if name == "province" else self._terms.tolist()
                     if name == "term" else self._years.tolist() if name == "year"
                     else self.labels[name][1])
            by_name = np.array(sorted((i for i, v in enumerate(names) if v),
                                      key=names.__getitem__), dtype=np.intp)
            kept = self._orders[name] = (names, by_name)
        names, by_name = kept
        at = by_name[counts[by_name] > 0]
        at = at[np.argsort(-counts[at], kind="stable")]
        return dict(zip([names[i] for i in at.tolist()], counts[at].tolist()))

    def columns(self) -> tuple[np.ndarray, ...]:
        """Every paragraph's facet codes, one array a facet (query/runs.py
        cuts runs where any changes)."""
        return (self._combo, *(codes for codes, _, _ in self.labels.values()))

