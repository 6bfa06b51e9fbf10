"""Where the query's words are in a paragraph, by exact character offsets.

The paragraph is re-tokenized with the index's own scan and its syllables
compared through the index's own term forms (``analysis.terms``), so every
span covers exactly the characters of the original text that matched,
whatever their accents, case or Unicode form. The library returns offsets;
the web page and the command line each render them their own way.
"""

from __future__ import annotations

from functools import lru_cache

from ..analysis.terms import accented, folded
from ..lang.tokens import syllables
from .parse import Group

SNIPPET_CHARS = 320
_CONTEXT_BEFORE = 60


@lru_cache(maxsize=512)
def _scan(text: str):
    """Syllables of a paragraph, their folded forms, and where each form is.

    Cached: the same paragraphs come back for query after query. A paragraph
    scanned holds about 16 KB (measured at 100k: 4,096 of them were 57 MB a
    server process); a repeated query is answered by the result cache anyway.
    """
    tokens = list(syllables(text))
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
    """The stretch of ``size`` characters holding the most marks."""
    if len(text) <= size:
        return 0, len(text)
    best, best_count = 0, -1
    for s, _ in spans or [(0, 0)]:
        start = max(0, min(s - _CONTEXT_BEFORE, len(text) - size))
        count = sum(1 for a, b in spans if a >= start and b <= start + size)
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
