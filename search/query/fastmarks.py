"""The query's marks in a paragraph without scanning all of it (issue 15).

``highlight.reference_marks`` cuts the whole paragraph into syllables (a
Python step per syllable), folds each one and indexes them, then looks the
query's syllables up: ~110-175 us a hit at 100k paragraphs (mean 426
characters), and a distinct query's ten hits are ten paragraphs seen for the
first time. Here the same marks come from C-level passes over the paragraph:

* its code units go through a table (numpy) to its folded text, one
  character for each of its characters, so offsets stay the paragraph's:
  taken only when every letter and digit folds to one letter or digit of
  the same kind and the text is NFC (``_folded_char``, ``_codes``);
* a syllable of letters (the query's usual word) is a token exactly where it
  is a whole run of letters and digits, unless a digit stands right before a
  letter somewhere in the paragraph ("1.5km": 1.5 and km): one
  ``str.find`` of " syllable " in the text with everything else made a
  space (``_Paragraph._find_plain``); the next syllable of a phrase is the
  next run;
* otherwise (numbers such as 13,4, such paragraphs) a regex per syllable
  over the folded text finds candidates, and the tokenizer's own pattern
  (``lang.tokens._TOKEN``) checks each at its offsets (``is_token``): still
  only the query's syllables are tokenized, not the paragraph.

Marks are then worked out in character offsets: tokens do not overlap and
come in order, so "token i before token j" is "starts before it ends", and
two syllables are next to each other with no punctuation between exactly
when only white space stands between them.

Anything else (text not NFC or with zero-width characters, a letter whose
folded form is longer: æ, Cyrillic х -> kh; ² whose is a digit; a group the
reference would fail on) returns None and the caller takes the reference
scan: 1.2 % of the hits of bench/profile_requests.py's queries at 100k
paragraphs. tests/test_fastmarks.py holds ``marks`` to the reference over
the seeds and many kinds of queries and texts; bench/fastmarks.py over a
whole corpus.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from functools import lru_cache

import numpy as np

from ..analysis.terms import accented, folded
from ..lang.text import normalize
from ..lang.tokens import _TOKEN, syllables

_WORD_CHAR = re.compile(r"[^\W_]")  # what _TOKEN's syllables are made of
_DIGIT = re.compile(r"\d")
_NOT_SPACE = re.compile(r"\S")
_BETWEEN = re.compile(r"[\W_]*")  # between two syllables in a row: no letter, no digit

# What each character of the Basic Multilingual Plane stands as in a
# paragraph folded whole (``_folded_char``), 0 for those not yet seen or known
# not to fold so; and the same with every character but a letter or digit a
# space. A paragraph is folded by one numpy gather over its UTF-32 code
# units: 15 us for 1,471 characters, where str.translate through a dict took
# 50 us (and a set of its characters 30 more to check them). Filled as
# paragraphs bring new characters (a few hundred in a corpus); a store into
# an array is atomic, and two threads at worst work one character out twice.
_fold_codes = np.zeros(0x10000, dtype=np.uint32)
_spaced_codes = np.zeros(0x10000, dtype=np.uint32)
_unsafe: set[int] = {0}  # NUL folds to 0: it cannot tell itself from an unknown


def _folded_char(c: str) -> str | None:
    """What ``c`` stands as in a paragraph folded whole, or None when it
    cannot. The text's offsets must be the normalized text's
    (``lang.text.normalize``): ``c`` is NFC on its own, or a space it makes
    a plain space (no-break spaces: white space either way), not a
    zero-width character it drops, nor a combining mark (NFC text can hold
    one no letter takes). Anything but a letter or digit is never
    in a syllable's folded form (a number's . and , fold to themselves): it
    stays as it is ("°" would fold to "deg"). A letter or digit must fold
    to one character, a letter or digit as it is one and a digit as it is
    one (so the patterns below match at the same places in both texts), and
    fold the same once lower-cased (``accented`` lower-cases first, and its
    candidates are found by the folded form)."""
    normal, origin = normalize(c)
    if origin is not None and not (normal == " " and c.isspace()):
        return None
    if unicodedata.combining(c):
        # A text with a no-break space is normalized cluster by cluster, a
        # mark's offsets its cluster's: "quí\u0301" spans the mark as well.
        return None
    if not _WORD_CHAR.match(c):
        return c
    f = folded(c)
    lower = c.lower()
    if (len(f) == 1 and _WORD_CHAR.match(f) and bool(_DIGIT.match(c)) == bool(_DIGIT.match(f))
            and len(lower) == 1 and folded(lower) == f):
        return f
    return None


def _codes(text: str) -> tuple[np.ndarray, str] | None:
    """``text``'s code units and its letters and digits folded, everything
    else a space (``_spaced_codes``), when each of its letters and digits
    folds to one character (``_folded_char``) and it is NFC, else None."""
    try:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        spaced = _spaced_codes[codes].tobytes().decode("utf-32-le")
    except UnicodeEncodeError:  # a lone surrogate
        return None
    except IndexError:  # a character past the Basic Multilingual Plane
        return None
    if "\0" in spaced:  # characters not seen yet, or that cannot be (0: ``_spaced_codes``)
        unknown = np.unique(codes[_spaced_codes[codes] == 0]).tolist()
        if _unsafe.intersection(unknown):
            return None
        for code in unknown:
            f = _folded_char(chr(code))
            if f is None:
                _unsafe.add(code)
                return None
            _fold_codes[code] = ord(f)
            _spaced_codes[code] = ord(f) if _WORD_CHAR.match(f) else 32  # last: found, both are there
        spaced = _spaced_codes[codes].tobytes().decode("utf-32-le")
    if not unicodedata.is_normalized("NFC", text):
        return None
    return codes, spaced


_PLAIN = re.compile(r"[^\W\d_][^\W_]*")  # a syllable of letters and digits, a letter first
# A digit right before a letter: where a number can end and a word start
# with nothing between ("1.5km": 1.5 and km), the one place a syllable
# starts right after a letter or digit.
_JUNCTION = re.compile(r"\d[^\W\d_]")
_SPACES = re.compile(" *")


@lru_cache(maxsize=1024)  # compiled patterns: ~0.7 KB each (tracemalloc)
def _syllable(s: str, either_iy: bool) -> re.Pattern:
    """A regex over the folded text finding the syllable ``s`` (folded) where
    a token could start and end: not after a letter (after a digit it can:
    "1.5a" is 1.5 and a), nor a digit after a digit; not before a letter or
    digit when it ends with a letter, nor a digit when it ends with one.
    Necessary, not sufficient: ``_Paragraph.is_token`` decides.
    ``either_iy``: every y may be an i (``accented`` spells sĩ and sỹ alike
    as sỹ: a word it calls "sỹ" folds to "sy" or "si")."""
    body = "".join("[iy]" if either_iy and ch == "y" else re.escape(ch) for ch in s)
    # The test of what stands before comes after the syllable, looking back
    # past it: a pattern that starts with a literal is searched for it (in
    # C), one that starts with a look-behind is tried at every offset (4.8
    # us a search, measured, where the seeds' paragraphs need ~1).
    before = r"[^\W_]" if _DIGIT.match(s) else r"[^\W\d_]"
    after = r"(?!\d)" if _DIGIT.match(s[-1:]) else r"(?![^\W_])"
    return re.compile(f"{body}(?<!{before}{body}){after}")


@lru_cache(maxsize=8192)
def _plain(s: str) -> bool:
    return _PLAIN.fullmatch(s) is not None


class _Paragraph:
    """A paragraph, its text folded two ways (made when first asked for), and
    the reference's token spans (made only if a candidate's place needs them:
    ``is_token``)."""

    __slots__ = ("text", "codes", "_folded", "spaced", "strict", "_spans")

    def __init__(self, text: str, codes: np.ndarray, spaced: str):
        self.text = text
        self.codes = codes
        self._folded = None
        # Letters and digits folded, everything else a space, one more space
        # at each end: a syllable of letters is " syllable " there.
        self.spaced = f" {spaced} "
        self.strict = _JUNCTION.search(self.spaced) is None
        self._spans = None

    @property
    def folded(self) -> str:
        """Letters and digits folded, everything else as it is."""
        if self._folded is None:
            self._folded = _fold_codes[self.codes].tobytes().decode("utf-32-le")
        return self._folded

    def spans(self) -> set[tuple[int, int]]:
        if self._spans is None:
            self._spans = {(s, e) for _, s, e, _ in syllables(self.text)}
        return self._spans

    def is_token(self, p: int, q: int) -> bool:
        """Whether the tokenizer makes ``text[p:q]`` one syllable (``text[p]``
        is a letter or digit: it folds to the first character of one).

        The scan restarts after any character outside a token: a space, or
        punctuation, which is in a token only as the separator inside a
        number ("13,4": a . or , with a digit each side). So where the
        character before ``p`` is such, ``_TOKEN`` matched at ``p`` is what
        the scan finds there. The cases that need the text before them (a
        letter or digit before: "1.5a" parts after a number, "a1b" does not;
        the patterns leave only a digit before a letter; a number's separator
        before a digit) ask the reference's scan of the whole paragraph,
        once."""
        text = self.text
        if p > 0:
            before = text[p - 1]
            if _WORD_CHAR.match(before):
                return (p, q) in self.spans()
            if before in ".," and p > 1 and _DIGIT.match(text, p - 2) and _DIGIT.match(text, p):
                return (p, q) in self.spans()
        m = _TOKEN.match(text, p)
        return m is not None and m.start(1) == p and m.end(1) == q

    def find(self, seq: tuple[str, ...], exact: tuple[str, ...] | None = None) -> list[tuple[int, int]]:
        """``(start, end)`` of each place the tokens ``seq`` (folded) stand in
        a row; with ``exact``, of those whose accented forms are ``exact``
        (``seq`` is then their folded forms)."""
        if self.strict and all(map(_plain, seq)):
            spellings = _iy_spellings(seq) if exact is not None else (seq,)
            if spellings is not None:
                found = []
                for spelling in spellings:
                    found += self._find_plain(spelling, exact)
                return found
        return self._find_pattern(seq, exact)

    def _find_plain(self, seq: tuple[str, ...], exact) -> list[tuple[int, int]]:
        """``find`` in a strict paragraph (no digit right before a letter)
        for syllables of letters and digits, a letter first: there each is a
        token exactly where it is a whole run of letters and digits, one
        ``str.find`` of " syllable " in ``spaced`` (no regex to compile for
        each new word: 35 us each); the next syllable in a row is the next
        run, past the spaces."""
        spaced, text = self.spaced, self.text
        first, rest = f" {seq[0]} ", [f"{s} " for s in seq[1:]]
        found = []
        i = spaced.find(first)
        while i != -1:
            # spaced[i] is the space before: the syllable is text[i:end].
            end = i + len(first) - 2
            places = [(i, end)]
            for s in rest:
                j = _SPACES.match(spaced, end + 1).end()
                if not spaced.startswith(s, j):
                    break
                end = j - 1 + len(s) - 1
                places.append((j - 1, end))
            else:
                if exact is None or tuple(accented(text[p:q]) for p, q in places) == exact:
                    found.append((i, end))
            i = spaced.find(first, i + 1)
        return found

    def _find_pattern(self, seq: tuple[str, ...], exact) -> list[tuple[int, int]]:
        """``find`` by regexes over ``folded``, each candidate checked
        (``is_token``). The first syllable is searched; the others are
        matched after it, past what stands between (``_BETWEEN``, greedy: a
        syllable starts with a letter or digit, so it starts where that
        stops)."""
        patterns = [_syllable(s, exact is not None) for s in seq]
        text, folded_text = self.text, self.folded
        search, rest, is_token = patterns[0].search, patterns[1:], self.is_token
        found = []
        m = search(folded_text)
        while m is not None:
            at = m.start() + 1  # matches may overlap: "a a" in "a a a"
            places = [m.span()]
            for pattern in rest:
                m = pattern.match(folded_text, _BETWEEN.match(folded_text, places[-1][1]).end())
                if m is None:
                    break
                places.append(m.span())
            else:
                if (all(is_token(p, q) for p, q in places)
                        and (exact is None or tuple(accented(text[p:q]) for p, q in places) == exact)):
                    found.append((places[0][0], places[-1][1]))
            m = search(folded_text, at)
        return found


@lru_cache(maxsize=4096)
def _iy_spellings(seq: tuple[str, ...]) -> tuple[tuple[str, ...], ...] | None:
    """Every spelling of ``seq`` with each y as y or i (``accented`` calls
    both "sỹ"), or None past 16 of them (the regexes take those)."""
    ys = sum(s.count("y") for s in seq)
    if ys > 4:
        return None
    out = [()]
    for s in seq:
        forms = [""]
        for ch in s:
            forms = [f + c for f in forms for c in ("yi" if ch == "y" else ch)]
        out = [o + (f,) for o in out for f in forms]
    return tuple(out)


@lru_cache(maxsize=4096)
def _searches(group) -> tuple | None:
    """``(folded syllables, accented ones or None, the folded form of those)``
    for a group's own form, then for each of its other spellings; None for
    a group the reference would fail on (an empty form)."""
    if (not group.folded or not all(group.alternatives)
            or (group.exact is not None and len(group.exact) != len(group.folded))):
        return None
    own = (group.folded, group.exact,
           None if group.exact is None else tuple(folded(w) for w in group.exact))
    return (own,) + tuple((alt, None, None) for alt in group.alternatives)


def pairs(groups, runs) -> set[tuple[str, str]]:
    """Folded syllables typed one right after the other (no punctuation
    between): the query's adjacencies, where two groups' marks join into one.
    Without ``runs``, the groups' own order stands for what was typed."""
    if runs is None:
        return {(a.folded[-1], b.folded[0]) for a, b in zip(groups, groups[1:])}
    out = set()
    for run in runs:
        for (a, _), (b, before) in zip(run, run[1:]):
            if not before:
                out.add((folded(a), folded(b)))
    return out


# The last query's searches and adjacencies: a result page marks ten
# paragraphs for the same groups (the same Group objects, in a new list
# each time). One tuple, swapped whole between threads.
_last: tuple = ((), None, None, None)


def _prepared(groups, runs) -> tuple:
    """``([_searches(g) for g in groups] or None, pairs(groups, runs) or
    None)``, kept for the next call with the same groups and runs."""
    global _last
    kept_groups, kept_runs, searches, adjacent = _last
    if (len(kept_groups) == len(groups) and all(map(operator.is_, kept_groups, groups))
            and kept_runs == runs):
        return searches, adjacent
    searches = [_searches(g) for g in groups]
    if None in searches:
        searches = None
    adjacent = pairs(groups, runs) if len(groups) > 1 else None
    # A copy of runs: a list changed in place after would still equal itself.
    _last = (tuple(groups), None if runs is None else list(runs), searches, adjacent)
    return searches, adjacent


def marks(text: str, groups, runs=None) -> list[tuple[int, int, frozenset]] | None:
    """``highlight.reference_marks(text, groups, runs)``, the same list, or
    None when this way cannot tell (the module's docstring)."""
    if not groups:
        return []
    searches, adjacent = _prepared(groups, runs)
    if searches is None:
        return None
    coded = _codes(text)
    if coded is None:
        return None
    para = _Paragraph(text, *coded)
    found = []  # (start, -end, group): sorted by start, the longest first
    for k, group_searches in enumerate(searches):
        for seq, exact, exact_folded in group_searches:
            # Over every syllable, not only the folded hits: "sĩ" is exactly
            # "sỹ", folded "si" and "sy"; the folded ones when none is (as
            # the reference).
            hits = exact is not None and para.find(exact_folded, exact)
            found += [(s, -e, k) for s, e in hits or para.find(seq)]
    if not found:
        return []
    found.sort()  # (ties in another order than the reference's: merged below all the same)
    # Overlapping matches are one (tokens in order: first before past's last
    # token exactly when it starts before that token ends).
    merged: list[list] = []  # [start, end, groups, joined]
    for start, end, k in found:
        end = -end
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(end, merged[-1][1])
            merged[-1][2].add(k)
        else:
            merged.append([start, end, {k}, False])
    if not adjacent:  # nothing joins: every match is a mark
        return [(start, end, frozenset(ks)) for start, end, ks, _ in merged]
    joined: list[list] = []
    for m in merged:
        prev = joined[-1] if joined else None
        # The next syllable with no punctuation before it: only spaces between.
        if (prev is not None and _NOT_SPACE.search(text, prev[1], m[0]) is None
                and any((groups[a].folded[-1], groups[b].folded[0]) in adjacent
                        for a in prev[2] for b in m[2])):
            prev[1] = m[1]
            prev[2] |= m[2]
            prev[3] = True
        else:
            joined.append(m)
    together = set().union(*(m[2] for m in joined if m[3]))
    return [(start, end, frozenset(ks)) for start, end, ks, is_joined in joined
            if is_joined or not ks <= together]
