"""Where the query's words are in a paragraph, by exact character offsets.

The paragraph is re-tokenized with the index's own scan and its syllables
compared through the index's own term forms (``analysis.terms``), so every
span covers exactly the characters of the original text that matched,
whatever their accents, case or Unicode form (``reference_marks``). The
same marks are found without scanning the paragraph whenever that can be
done (``fastmarks``: 98.6 % of the paragraphs at 100k; snippets of a
distinct request's ten hits 2.7-2.9 ms of CPU before, 0.54-0.56 ms after,
bench/profile_requests.py's queries). The library returns offsets; the web
page and the command line each render them their own way.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from ..analysis.terms import accented, folded
from ..lang.tokens import syllables
from . import fastmarks
from .caching import SharedLRU
from .fastmarks import pairs as _pairs
from .parse import Group

SNIPPET_CHARS = 320
_CONTEXT_BEFORE = 60


# Paragraph scans kept (for the paragraphs ``fastmarks`` leaves to the
# reference: 1-2 % of them), weighed in bytes estimated from the paragraph's
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
# The scans serve only what query/fastmarks.py leaves to the reference (1-2 %
# of hits, and the document page's odd paragraphs): 4 MB, ~170 paragraphs
# of the seeds' mean length, where 16 MB served every hit before it.
SCAN_BUDGET = 4_000_000
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


def marks(text: str, groups: list[Group], runs=None) -> list[tuple[int, int, frozenset]]:
    """``(start, end, indices of the groups it shows)`` for each mark in
    ``text``, sorted and non-overlapping (``reference_marks``).

    Found without scanning the whole paragraph when it can be
    (``fastmarks``: the same marks), by the reference scan otherwise.
    """
    found = fastmarks.marks(text, groups, runs)
    return reference_marks(text, groups, runs) if found is None else found


def reference_marks(text: str, groups: list[Group], runs=None) -> list[tuple[int, int, frozenset]]:
    """``(start, end, indices of the groups it shows)`` for each mark in
    ``text``, sorted and non-overlapping: the reference, scanning the whole
    paragraph (``marks`` takes it when ``fastmarks`` cannot tell).

    A group typed with accents marks its exact occurrences when the
    paragraph has any, and its folded ones otherwise (that is how it matched).
    Groups typed side by side ("Tỉnh ủy Thái Nguyên") whose matches stand
    side by side in the text (spaces only between) are one mark, as a phrase
    or an abbreviation's full form already is. A group seen so joined in the
    paragraph is not marked where it stands alone: the query's "ủy" is the
    "ủy" of "Tỉnh ủy", not the "Ủy" of "Ủy ban" (issue 12: the first hit for
    ``Tỉnh ủy Thái Nguyên`` marked two stray "Ủy" and "Tỉnh ủy" as two
    pieces).
    """
    tokens, forms, at = _scan(text)
    found = []  # (first token, past the last, group)
    spelled = None  # the paragraph's accented forms, made when a group has accents
    for k, g in enumerate(groups):
        for seq, exact in [(g.folded, g.exact)] + [(alt, None) for alt in g.alternatives]:
            n = len(seq)
            hits = [i for i in at.get(seq[0], ()) if tuple(forms[i:i + n]) == seq]
            if exact is not None:
                # Over every syllable, not only the folded hits: "sĩ" is
                # exactly "sỹ" (analysis.terms.accented), folded "si" and "sy".
                if spelled is None:
                    spelled = [accented(t[0]) for t in tokens]
                exact_hits = [i for i, w in enumerate(spelled)
                              if w == exact[0] and tuple(spelled[i:i + n]) == exact]
                hits = exact_hits or hits
            found.extend((i, i + n, k) for i in hits)
    if not found:
        return []
    found.sort(key=lambda f: (f[0], -f[1]))
    # Overlapping matches are one (a word typed twice, a phrase and its words).
    merged: list[list] = []  # [first, past, groups, joined]
    for first, past, k in found:
        if merged and first < merged[-1][1]:
            merged[-1][1] = max(past, merged[-1][1])
            merged[-1][2].add(k)
        else:
            merged.append([first, past, {k}, False])
    pairs = _pairs(groups, runs) if len(groups) > 1 else set()
    joined: list[list] = []
    for m in merged:
        prev = joined[-1] if joined else None
        if (prev is not None and m[0] == prev[1] and not tokens[m[0]][3]
                and any((groups[a].folded[-1], groups[b].folded[0]) in pairs
                        for a in prev[2] for b in m[2])):
            prev[1] = m[1]
            prev[2] |= m[2]
            prev[3] = True
        else:
            joined.append(m)
    together = set().union(*(m[2] for m in joined if m[3]))
    return [(tokens[first][1], tokens[past - 1][2], frozenset(ks))
            for first, past, ks, is_joined in joined
            if is_joined or not ks <= together]


def marked_spans(text: str, groups: list[Group], runs=None) -> list[tuple[int, int]]:
    """Sorted, non-overlapping ``(start, end)`` offsets of the query's marks
    in ``text`` (``marks``)."""
    return [(s, e) for s, e, _ in marks(text, groups, runs)]


def _window(text: str, spans, size: int, groups=None) -> tuple[int, int]:
    """The stretch of ``size`` characters showing the most distinct query
    groups, then the most marks (``spans``: sorted and non-overlapping, as
    ``marked_spans`` gives them; ``groups``: the groups each span shows,
    every span a group of its own when not given).

    Distinct first (issue 12): a window of five stray "tỉnh" beat the one
    with "Tỉnh ủy" and "Thái Nguyên" when marks were only counted.
    """
    if len(text) <= size:
        return 0, len(text)
    if groups is None:
        groups = [(i,) for i in range(len(spans))]
    # A window [start, start + size] holds the marks from the first that
    # starts at or after ``start`` up to the last that ends by its end;
    # spans are sorted and do not overlap, so starts and ends both ascend,
    # and so do both bounds as the start moves right: two pointers, and a
    # count per group of the marks between them. Linear in the marks
    # (counting every span for every window was quadratic: 18k matches in
    # one paragraph took 7.7 s, issue 16).
    n = len(spans)
    count: dict = {}
    distinct = lo = hi = 0
    best, best_key = 0, (-1, -1)
    for s, _ in spans or [(0, 0)]:
        start = max(0, min(s - _CONTEXT_BEFORE, len(text) - size))
        while lo < n and spans[lo][0] < start:
            if lo < hi:
                for k in groups[lo]:
                    count[k] -= 1
                    distinct -= count[k] == 0
            lo += 1
        hi = max(hi, lo)
        while hi < n and spans[hi][1] <= start + size:
            for k in groups[hi]:
                count[k] = count.get(k, 0) + 1
                distinct += count[k] == 1
            hi += 1
        key = (distinct, hi - lo)
        if key > best_key:
            best, best_key = start, key
    start, end = best, best + size
    # Cut between words, never inside one.
    if start > 0:
        space = text.find(" ", start, start + 30)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", end - 30, end)
        end = space if space > start else end
    return start, end


def snippet(text: str, groups: list[Group], size: int = SNIPPET_CHARS, runs=None) -> dict:
    """Where the query's words are in ``text`` and which stretch to show:
    ``{"spans": [[start, end], ...], "fragment": [start, end]}``, offsets into
    ``text`` (``runs``: the parsed query's, for which groups were typed side
    by side). The fragment is the whole paragraph, or when it is long its
    ``size`` characters showing the most distinct query words, then the
    most marks, cut between words. Rendering (HTML marks, bold on a
    terminal) is the caller's."""
    found = marks(text, groups, runs)
    spans = [(s, e) for s, e, _ in found]
    start, end = _window(text, spans, size, [ks for _, _, ks in found])
    return {"spans": [list(s) for s in spans], "fragment": [start, end]}
