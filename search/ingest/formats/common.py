"""What every reader does to the text it finds: whitespace, empty paragraphs,
and the budget that stops a hostile file while it is being read."""

from __future__ import annotations

import re

from ...lang.text import normal_text

_SPACES = re.compile(r"[ \t\n\r\f\v]+")  # ASCII only: a no-break space is text

# A file's budget, checked while it is read (issue 16): past it, the file is
# skipped before it can take the build's memory. Measured: the seeds hold
# 5-15 paragraphs and 2,870-8,293 characters; bench/make_corpus.py's 1,987
# documents (100,000 paragraphs) at most 80 paragraphs and 44,635
# characters; a 300-page report would be about 3,000 paragraphs and 1M
# characters. A .docx of 49,000 paragraphs and 4.6M characters reads in 2.4 s
# and 6 MB; one of 5.86M one-character paragraphs took > 300 s and 3.4 GB
# before, it now stops at the 50,001st paragraph.
MAX_PARAGRAPHS = 50_000  # empty ones included: reading them costs the same
MAX_TEXT_CHARS = 5_000_000


def number(n: float) -> str:
    """A number as the pages write it (web/display.py): dots between
    thousands, 50.000, no decimals (sizes in MB are rounded)."""
    return f"{n:,.0f}".replace(",", ".")


class Budget:
    """Paragraphs and characters read so far from one file."""

    def __init__(self) -> None:
        self.paragraphs = 0
        self.chars = 0

    def count(self, paragraphs: int = 0, chars: int = 0) -> None:
        """Add what was just read; ``ValueError`` (the skip reason) past either limit."""
        self.paragraphs += paragraphs
        self.chars += chars
        if self.paragraphs > MAX_PARAGRAPHS:
            raise ValueError(f"có hơn {number(MAX_PARAGRAPHS)} đoạn (giới hạn cho một tệp)")
        if self.chars > MAX_TEXT_CHARS:
            raise ValueError(f"có hơn {number(MAX_TEXT_CHARS)} ký tự (giới hạn cho một tệp)")


def clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def keep(paragraphs, budget: Budget | None = None) -> list[str]:
    """The non-empty paragraphs, cleaned; each one read is counted in ``budget``
    as it comes, so a generator is stopped at the limit."""
    budget = budget or Budget()
    out = []
    for p in paragraphs:
        budget.count(1, len(p))
        p = clean(p)
        if p and normal_text(p).strip():  # not only invisible characters
            out.append(p)
    return out
