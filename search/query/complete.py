"""Autocomplete: the index's own words and compounds that begin with what
was typed, accents aside ("nguy" -> "nguyễn", "nghi quy" -> "nghị quyết",
"tinh u" -> "tỉnh ủy"), the most paragraphs first.

Built once per generation, on first need (``Generation.completer``), from
the accented syllables (``syl``) and compounds (``comp``), each keyed by its
folded form, sorted: a prefix is a ``bisect`` range of the keys, and the
most frequent of the range are picked with ``argpartition`` over their
paragraph counts. A query of several words completes its last word given
those before it: first whole compounds that begin with its last words
("nghi quy" -> "nghị quyết"), then the folded pairs of adjacent words
(``fbig``: "ban ch" -> "ban chấp", the pair's second word shown in its most
frequent accented form), then the last word alone.

Measured with bench/suggest.py (``make bench-suggest``) on
bench/make_corpus.py's 100,000 paragraphs (99,920 indexed, 2 segments), the
shared 2-core machine under load from other builds: 9,972 words and
compounds and 35,778 pairs, built in 1.5 s (read a segment at a time: 8.4 s
for fbig alone through Whoosh's MultiReader), 6 MB held; every prefix of
bench/scale.py's 40 queries typed a letter at a time (550 prefixes x 3):
``Engine.complete`` p50 0.07 ms, p95 0.11 ms, p99 4.2 ms;
``/api/suggest`` through Flask's test client p50 0.28 ms, p95 0.51 ms.
Since the next word's form comes from the accent model (once a pair, then
remembered), same bench, 2 rounds, a 1M-paragraph build running alongside:
p50 0.09 ms, p95 0.69 ms, p99 0.80 ms (without it, in that run: 0.07 /
0.11 / 0.14 ms); ``/api/suggest`` p50 0.29 ms.
``Engine.warm`` builds it at start-up, so no keystroke waits for it.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left

import numpy as np

from ..lang.text import fold
from .whoosh_read import field_terms, leaves

MAX_LIMIT = 8
MAX_AFTER = 100_000  # forms of a next word remembered, at most (~10 MB)
# Words of the query looked at for a compound: the longest compounds of the
# index have about this many syllables.
MAX_TAIL = 4
_END = "\U0010ffff"
# A word: letters and digits; quotes, signs and slashes around it stay as typed.
_WORD = re.compile(r"\w+")


class _Sorted:
    """Folded keys, sorted, with what each shows and its paragraph count."""

    def __init__(self, entries: dict[tuple[str, str], int]):
        items = sorted(entries.items())
        self.keys = [k for (k, _), _ in items]
        self.shown = [s for (_, s), _ in items]
        self.df = np.fromiter((df for _, df in items), dtype=np.int64, count=len(items))

    def range(self, prefix: str) -> tuple[int, int]:
        return bisect_left(self.keys, prefix), bisect_left(self.keys, prefix + _END)

    def top(self, prefix: str, limit: int) -> list[int]:
        """Indices of the ``limit`` most frequent keys beginning with
        ``prefix``, most frequent first (ties: by key)."""
        lo, hi = self.range(prefix)
        if hi <= lo:
            return []
        df = self.df[lo:hi]
        if hi - lo > limit:
            # Every index at the limit-th count kept, so that ties break
            # by key, not by argpartition's whim.
            cut = np.partition(df, len(df) - limit)[len(df) - limit]
            picked = np.flatnonzero(df >= cut)
        else:
            picked = np.arange(hi - lo)
        order = picked[np.lexsort((picked, -df[picked]))]
        return (order[:limit] + lo).tolist()


def _terms(parts, fieldname: str) -> dict[str, int]:
    """``term -> paragraphs`` over every segment. A segment at a time: at
    100k paragraphs (2 segments) fbig's 137k terms took 8.4 s through
    Whoosh's MultiReader (a heap merge in Python) and 0.9 s this way."""
    out: dict[str, int] = {}
    for reader, _ in parts:
        for term, df in field_terms(reader, fieldname):
            out[term] = out.get(term, 0) + df
    return out


class Completer:
    def __init__(self, searcher):
        parts = leaves(searcher)
        words: dict[tuple[str, str], int] = {}
        for term, df in _terms(parts, "syl").items():
            words[(fold(term), term)] = df
        # The accented form of each folded word most paragraphs hold.
        self.accented: dict[str, tuple[int, str]] = {}
        for (key, shown), df in words.items():
            if df > self.accented.get(key, (0, ""))[0]:
                self.accented[key] = (df, shown)
        entries = dict(words)
        for term, df in _terms(parts, "comp").items():
            shown = term.replace("_", " ")
            key = fold(shown)
            entries[(key, shown)] = max(df, entries.get((key, shown), 0))
        self.entries = _Sorted(entries)
        pairs: dict[tuple[str, str], int] = {}
        for term, df in _terms(parts, "fbig").items():
            first, sep, second = term.partition("_")
            if sep and first and second and "_" not in second and "~" not in term:
                pairs[(f"{first} {second}", second)] = df
        self.pairs = _Sorted(pairs)
        # (word before as typed, folded next word) -> its form there; one
        # generation's, as the accent model given is (Engine.complete).
        self._after: dict[tuple[str, str], str] = {}

    def complete(self, text: str, limit: int = MAX_LIMIT, accents=None) -> list[str]:
        """Up to ``limit`` completions of ``text``: the text with its last
        words replaced by a word or compound of the index they begin, or,
        after a space, followed by the word that most often comes next.

        Ordered: compounds beginning with the last words (the longest run
        first), then the words that follow the word before in the index
        (adjacent pairs), then words and compounds beginning with the last
        word alone; within each, forms matching the accents typed first,
        then the most paragraphs. The word that follows is shown in the
        form the index writes after the word before (``accents``, the
        generation's AccentModel: "hoi nghi lan th" -> "lần thứ", not the
        commoner "thư"), else in its commonest form."""
        limit = max(1, min(int(limit), MAX_LIMIT))
        text = unicodedata.normalize("NFC", text or "")
        spans = [m.span() for m in _WORD.finditer(text)]
        if not spans or not (_WORD.match(text[-1]) or text[-1].isspace()):
            return []  # nothing typed, or a quote or sign last: no word to complete
        open_end = not text[-1].isspace()  # the last word is still being typed
        folded = [fold(text[s:e]) for s, e in spans]
        out: dict[str, str] = {}  # one spelling each, the first offered

        def offer(start: int, indices: list[int], shown_of, need_space: bool):
            typed = " ".join(text[start:].lower().split())
            indices = sorted(indices, key=lambda i: not shown_of(i).startswith(typed))
            for i in indices:
                shown = shown_of(i)
                if need_space and " " not in shown:
                    continue
                if text[start:start + 1].isupper():  # "Nguy" -> "Nguyễn"
                    shown = shown[:1].upper() + shown[1:]
                full = text[:start] + shown
                if full.lower() != text.lower():
                    # "nghi quyết" (a pair) after "nghị quyết" (a compound)
                    # says nothing new; "nguyên" and "nguyễn" both do.
                    head, _, last = full.lower().rpartition(" ")
                    out.setdefault(f"{fold(head)} {last}", full)

        def compounds(k_low: int, k_high: int = MAX_TAIL):
            for k in range(min(len(spans), k_high), k_low - 1, -1):
                prefix = " ".join(folded[-k:]) + ("" if open_end else " ")
                offer(spans[-k][0], self.entries.top(prefix, limit), self.entries.shown.__getitem__,
                      need_space=k > 1 or not open_end)

        def following():
            prev, partial = (folded[-2], folded[-1]) if open_end else (folded[-1], "")
            start = spans[-1][0] if open_end else len(text)
            before = text[slice(*spans[-2 if open_end else -1])].lower()  # as typed: its marks bind

            def shown(i: int) -> str:
                second = self.pairs.shown[i]
                if accents is None:
                    return self.accented.get(second, (0, second))[1]
                key = (before, second)
                if key not in self._after:  # the same pairs come back at every key typed
                    if len(self._after) >= MAX_AFTER:
                        self._after.clear()
                    self._after[key] = accents.restore_words([before, second])[1]
                return self._after[key]

            offer(start, self.pairs.top(f"{prev} {partial}", limit), shown, need_space=False)

        if open_end:
            compounds(2)
            if len(spans) >= 2:
                following()
            if len(out) < limit:
                compounds(1, 1)
        else:  # after a space: compounds the last words begin, then what follows
            compounds(1)
            following()
        return list(out.values())[:limit]
