"""Where the query's words are in a paragraph, by exact character offsets.

The paragraph is re-tokenized with the index's own scan and its syllables
compared through the index's own term forms (``analysis.terms``), so every
span covers exactly the characters of the original text that matched,
whatever their accents, case or Unicode form. The library returns offsets;
the web page and the command line each render them their own way.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from ..analysis.terms import accented, folded
from ..lang.tokens import syllables
from .caching import SharedLRU
from .parse import Group

SNIPPET_CHARS = 320
_CONTEXT_BEFORE = 60


# Paragraph scans kept, weighed in bytes estimated from the paragraph's
# length. Measured with tracemalloc (a scan's tokens, folded forms and
# positions, plus the paragraph kept as its key): 42-50 bytes a character on
# "nghị quyết" repeated 100-18,000 times, 62-68 on the seeds' paragraphs
# (mean 359 characters: 22 KB each; under 120 characters: 3.6 KB). The
# weight below is above all of these (tests/test_hardening_serve.py holds it
# so). The count-bounded lru_cache it replaces kept 512 scans whatever their
# size: 10-19 MB each for 199k-character paragraphs, and eight result pages
# of them took a worker from 40 MB to 1,571 MB (issue 16).
SCAN_BYTES_PER_CHAR = 64
SCAN_ENTRY_BYTES = 1_000
SCAN_BUDGET = 16_000_000  # bytes: ~670 paragraphs of the seeds' mean length
# Longer paragraphs are scanned again when asked for, not kept: one would
# weigh more than a result page of ordinary ones, and scanning costs about
# 0.3-0.4 microseconds a character (measured: 198k characters in 0.09 s, 22k in
# 6 ms), small beside rendering and sending it.
MAX_CACHED_CHARS = 20_000


def _scan_weight(text: str) -> int:
    return SCAN_ENTRY_BYTES + SCAN_BYTES_PER_CHAR * len(text)


_scans = SharedLRU(SCAN_BUDGET, lambda kept: kept[3])


def _scan(text: str):
    """Syllables of a paragraph, their folded forms, and where each form is.

    Kept (``_scans``): the same paragraphs come back for query after query,
    and the document page marks every paragraph of a document.
    """
    if len(text) > MAX_CACHED_CHARS:
        return _scan_now(text)
    return _scans.get(text, lambda: _scan_now(text) + (_scan_weight(text),))[:3]


def _scan_now(text: str):
    tokens = syllables(text)
    forms = [folded(t[0]) for t in tokens]
    at: dict[str, list[int]] = {}
    for i, f in enumerate(forms):
        at.setdefault(f, []).append(i)
    return tokens, forms, at


def marked_spans(text: str, groups: list[Group]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping ``(start, end)`` offsets of the groups in ``text``.

    A group typed with accents marks its exact occurrences when the paragraph
    has any, and its folded ones otherwise (that is how it matched).
    """
    tokens, forms, at = _scan(text)
    spans = []
    for g in groups:
        for seq, exact in [(g.folded, g.exact)] + [(alt, None) for alt in g.alternatives]:
            n = len(seq)
            hits = [i for i in at.get(seq[0], ()) if tuple(forms[i:i + n]) == seq]
            if exact is not None:
                exact_hits = [i for i in hits
                              if tuple(accented(t[0]) for t in tokens[i:i + n]) == exact]
                hits = exact_hits or hits
            spans.extend((tokens[i][1], tokens[i + n - 1][2]) for i in hits)
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def _window(text: str, spans: list[tuple[int, int]], size: int) -> tuple[int, int]:
    """The stretch of ``size`` characters holding the most marks (``spans``:
    sorted and non-overlapping, as ``marked_spans`` gives them)."""
    if len(text) <= size:
        return 0, len(text)
    # The marks inside [start, start + size] are those from the first that
    # starts at or after ``start`` up to the last that ends by its end: spans
    # are sorted and do not overlap, so starts and ends both ascend and two
    # bisections count them. (Counting every span for every window was
    # quadratic: 18k matches in one paragraph took 7.7 s, now 0.03 s.)
    starts = [a for a, _ in spans]
    ends = [b for _, b in spans]
    best, best_count = 0, -1
    for s, _ in spans or [(0, 0)]:
        start = max(0, min(s - _CONTEXT_BEFORE, len(text) - size))
        count = max(0, bisect_right(ends, start + size) - bisect_left(starts, start))
        if count > best_count:
            best, best_count = start, count
    start, end = best, best + size
    # Cut between words, never inside one.
    if start > 0:
        space = text.find(" ", start, start + 30)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", end - 30, end)
        end = space if space > start else end
    return start, end


def snippet(text: str, groups: list[Group], size: int = SNIPPET_CHARS) -> dict:
    """Where the query's words are in ``text`` and which stretch to show:
    ``{"spans": [[start, end], ...], "fragment": [start, end]}``, offsets into
    ``text``. The fragment is the whole paragraph, or when it is long its
    ``size`` characters holding the most marks, cut between words. Rendering
    (HTML marks, bold on a terminal) is the caller's."""
    spans = marked_spans(text, groups)
    start, end = _window(text, spans, size)
    return {"spans": [list(s) for s in spans], "fragment": [start, end]}
