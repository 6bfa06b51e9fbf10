"""Administrative abbreviations, expanded both ways at query time.

``ubnd`` also finds ``Ủy ban nhân dân``, and ``ủy ban nhân dân`` also finds
``UBND``: the words that spell one side become one group whose alternatives
are the other side. The list is data (abbreviations.tsv), matched folded, so
``HĐND``, ``hdnd`` and ``Hội đồng nhân dân`` are all the same entry.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from .text import fold
from .tokens import syllables

DATA = Path(__file__).with_name("abbreviations.tsv")


def _syllables(text: str) -> tuple[str, ...]:
    return tuple(fold(w) for w, *_ in syllables(text))


@lru_cache(maxsize=1)
def table() -> dict[tuple[str, ...], set[tuple[str, ...]]]:
    """Folded syllables of each side -> folded syllables of the other sides."""
    out: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        short, full = (_syllables(part) for part in line.split("\t"))
        out.setdefault(short, set()).add(full)
        out.setdefault(full, set()).add(short)
    return out


def expand(groups: list) -> list:
    """The query's word groups with abbreviation alternatives attached.

    A run of consecutive groups spelling a full form (longest first) is merged
    into one group, so a paragraph with ``UBND`` counts as having all of
    ``ủy ban nhân dân``.
    """
    known = table()
    longest = max((len(k) for k in known), default=0)
    out, i = [], 0
    while i < len(groups):
        for j in range(len(groups), i, -1):
            run = groups[i:j]
            folded = tuple(s for g in run for s in g.folded)
            if len(folded) <= longest and folded in known:
                exact = None
                if all(g.exact is not None for g in run):
                    exact = tuple(s for g in run for s in g.exact)
                out.append(replace(run[0], folded=folded, exact=exact,
                                   alternatives=tuple(sorted(known[folded]))))
                i = j
                break
        else:
            out.append(groups[i])
            i += 1
    return out
