""""Did you mean": closest words of the index's own vocabulary.

Only for queries that found nothing: each word unknown to the index is
replaced by the known word nearest to it once folded (edit distance with
swapped letters as one slip, then the most paragraphs), or split in two known
words when it is two run together ("kinhte" -> "kinh te").

Since issue 13 the same search also corrects the words of every query the
index does not know (``corrections``, used by query.engine): they are
searched as their closest known words, counted below typed words.

Why not whoosh3's ``reader.terms_within`` (and its ``ReaderCorrector``, built
on it): measured on the seeds' index, it took 10.8 ms a word against 0.37 ms
here (it builds a Levenshtein automaton per word, in Python), and it counts a
swap of neighbours as two edits, so "ngih" never reaches "nghi".
"""

from __future__ import annotations

from ..lang.docnumbers import number_spans
from ..lang.numerals import ordinals
from ..lang.syllable import split_tones
from ..analysis.terms import accented as syl_form
from ..lang.text import fold, has_diacritics
from ..lang.tokens import syllables
from .parse import QUESTION_SYLLABLES
from .whoosh_read import field_terms

MAX_DISTANCE = 2
# Words past this many are not searched (query.parse.MAX_GROUPS is 32), nor
# corrected; longer words are not split: a pasted page costs no more than a
# query.
MAX_CORRECTED_SYLLABLES = 64
MAX_SPLIT_LETTERS = 20


class Vocabulary:
    """The folded words of the index with their paragraph counts, bucketed by
    first letter and length so a lookup compares a few hundred words, not all."""

    def __init__(self, reader):
        self.df: dict[str, int] = {}
        self._buckets: dict[tuple[str, int], list[str]] = {}
        for word, df in field_terms(reader, "fold"):
            self.df[word] = df
            self._buckets.setdefault((word[:1], len(word)), []).append(word)
        # Each folded word's accented forms, the most frequent first: what a
        # correction shows ("ngih" -> "nghị") and which tones it may keep.
        forms: dict[str, list[tuple[int, str]]] = {}
        for word, df in field_terms(reader, "syl"):
            forms.setdefault(fold(word), []).append((-df, word))
        # The words of the documents' fields (title, province, meeting) are
        # known too ("lang son" is Lạng Sơn, not a typo), after the text's.
        self.fields: set[str] = set()
        if "dsyl" in reader.schema:
            for word, _ in field_terms(reader, "dsyl"):
                self.fields.add(fold(word))
                forms.setdefault(fold(word), []).append((1, word))
        self.forms = {k: list(dict.fromkeys(w for _, w in sorted(v))) for k, v in forms.items()}

    def knows(self, word: str) -> bool:
        """Whether the folded ``word`` is in a paragraph or a document's fields."""
        return word in self.df or word in self.fields

    def closest(self, word: str) -> list[tuple[int, str]]:
        """``(distance, known word)`` for every folded word within reach of
        the folded ``word``: one edit up to five letters, two beyond, a swap
        of neighbours one edit. Looked up among words of the same first
        letter, and of its second for a swap there ("yu" -> "uy")."""
        limit = 1 if len(word) <= 5 else MAX_DISTANCE
        firsts = dict.fromkeys([word[:1], word[1:2]]) if len(word) > 1 else [word[:1]]
        out = []
        for first in firsts:
            for length in range(len(word) - limit, len(word) + limit + 1):
                for cand in self._buckets.get((first, length), ()):
                    d = _distance(word, cand, limit)
                    if d <= limit and cand != word and len(cand) > 1:
                        out.append((d, cand))
        return out

    def nearest(self, word: str) -> str | None:
        best, best_key = None, None
        limit = 1 if len(word) < 4 else MAX_DISTANCE
        # A slip rarely hits the first letter; looking only there keeps this fast.
        for length in range(len(word) - limit, len(word) + limit + 1):
            for cand in self._buckets.get((word[:1], length), ()):
                d = _distance(word, cand, limit)
                if d <= limit:
                    key = (d, -self.df[cand], cand)
                    if best_key is None or key < best_key:
                        best, best_key = cand, key
        if best_key is not None and best_key[0] == 1:
            return best
        for i in range(2, len(word) - 1):
            if word[:i] in self.df and word[i:] in self.df:
                return f"{word[:i]} {word[i:]}"
        return best


def _distance(a: str, b: str, limit: int) -> int:
    """Edit distance counting a swap of neighbours as one edit, or limit+1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2, prev = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if prev2 is not None and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def did_you_mean(query: str, vocabulary: Vocabulary) -> str | None:
    """The query with unknown words corrected, or None if nothing was."""
    out, at, changed = [], 0, False
    for word, start, end, _ in syllables(query):
        folded = fold(word)
        if folded.isdigit() or folded in vocabulary.df:
            continue
        better = vocabulary.nearest(folded)
        if better:
            out.append(query[at:start])
            out.append(better)
            at, changed = end, True
    if not changed:
        return None
    out.append(query[at:])
    return "".join(out).strip()


def corrections(text: str, vocabulary: Vocabulary, adjacent,
                accented: bool | None = None) -> list[tuple[int, int, str, str, str]]:
    """The words of ``text`` the index does not know, each with the known word
    to search instead: ``(start, end, replacement, typed, shown)``.

    ``replacement`` goes into the text (folded when the query was typed
    without marks, so it stays such a query; ``accented``: whether it was,
    by default whether ``text`` has marks), ``shown`` is what the page shows
    (the word's most frequent accented form: "ngih" -> "nghị"). Among the
    words within reach (``Vocabulary.closest``) the one that the index holds
    next to the neighbouring words wins (``adjacent(a, b)``: the paragraphs
    holding the folded pair: "tinh yu" -> uy, not y), then the fewest edits,
    then the paragraphs holding those pairs ("uy ban nhn dan": "ban nhà" and
    "nhà dân" may be in the index, "nhân dân" is in more paragraphs), then
    the word's paragraphs. A word typed with marks keeps its tone as typed
    (a mark typed twice with its vowel is one), no mark in an accented word
    being the level tone: only a known form with the same tone will do
    ("chóo" may become chó, never chò); a word typed bare
    may take any tone, as everywhere in a half-accented query ("đại học quc
    gia" -> quốc). A word whose marks no word of the index has, folded to
    a known word ("phát trển": trên), is corrected only where a neighbour
    backs the correction.
    Left as typed: numbers (digits, and number words read as digits), codes
    and acronyms (GRDP, TW), document numbers (``05-nq/tu``, ``nq 05``),
    one-letter words, question words and fillers
    (``parse.QUESTION_WORDS``), quoted and excluded words.
    """
    words = syllables(text)[:MAX_CORRECTED_SYLLABLES]
    accented_query = any(has_diacritics(w) for w, *_ in words) if accented is None else accented
    folded = [fold(w) for w, *_ in words]
    # "lần thứ chín" is searched as 9 (query.parse): its number words are no typos.
    numbers = {k for start, end, _ in ordinals([w for w, *_ in words]) for k in range(start, end)}
    codes = number_spans(text)  # "05-nq/tu", "nq 05": document numbers, not typos
    out = []
    for k, (word, start, end, _) in enumerate(words):
        f = folded[k]
        if (k in numbers or f in QUESTION_SYLLABLES
                or len(f) < 2 or not f.isalpha() or not f.isascii()
                or word.isupper() or text[:start].count('"') % 2 or any(a <= start < b for a, b in codes)
                or (start and text[start - 1] == "-" and (start == 1 or text[start - 2].isspace()))):
            continue
        # Known once folded, but typed with marks no word of the index has
        # ("phát trển": trên is known, trển is nobody's word): a slip too,
        # corrected only where a neighbour backs the correction (below).
        misspelt = (vocabulary.knows(f) and accented_query and has_diacritics(word)
                    and f not in vocabulary.fields
                    and syl_form(word) not in vocabulary.forms.get(f, ()))
        if vocabulary.knows(f) and not misspelt:
            continue
        # A word typed bare in an accented query may be any tone (issue 13's
        # half-accented queries), as in a query typed bare.
        tone = _tone(word) if accented_query and has_diacritics(word) else None
        best, best_key = None, None
        for d, cand in vocabulary.closest(f):
            forms = vocabulary.forms.get(cand) or [cand]
            if tone is not None:
                forms = [x for x in forms if split_tones(x)[1] == tone]
                if not forms:
                    continue
            pairs = [adjacent(folded[k - 1], cand) if k > 0 else 0,
                     adjacent(cand, folded[k + 1]) if k + 1 < len(words) else 0]
            key = (-sum(map(bool, pairs)), d, -sum(pairs), -vocabulary.df[cand], cand)
            if best_key is None or key < best_key:
                best, best_key = (cand, forms[0]), key
        if misspelt and (best_key is None or best_key[0] == 0):
            continue
        if not accented_query and len(f) <= MAX_SPLIT_LETTERS and (best_key is None or best_key[1] > 1):
            best = _split(f, vocabulary) or best  # two words run together: "kinhte"
        if best is None:
            continue
        folded[k] = best[0].split()[-1]  # the next word's context is the corrected one
        replacement = best[1] if accented_query else best[0]
        out.append((start, end, replacement, word.lower(), best[1]))
    return out


def _tone(word: str) -> str:
    """The tone typed on ``word``, no mark being the level tone; a mark typed
    twice with its doubled vowel ("thàành") is one tone, two different
    marks are none we can keep (any will do)."""
    marks = set(split_tones(word.lower())[1])
    return marks.pop() if len(marks) == 1 else "" if not marks else None


def _split(word: str, vocabulary: Vocabulary) -> tuple[str, str] | None:
    """``(folded, shown)`` of two known words run together, at most one of
    them one slip off ("ngiquyet" -> nghị quyết); of several splits, the one
    with the fewest slips, then the rarer half the most frequent."""
    best, best_key = None, None
    for i in range(2, len(word) - 1):
        halves = []
        for half in (word[:i], word[i:]):
            if half in vocabulary.df:
                halves.append((0, half))
            else:
                near = [c for c in vocabulary.closest(half) if c[0] == 1 and len(c[1]) > 1]
                if not near or len(half) < 2:
                    break
                halves.append(min(near, key=lambda c: (-vocabulary.df[c[1]], c[1])))
        if len(halves) < 2:
            continue
        key = (halves[0][0] + halves[1][0], -min(vocabulary.df[h] for _, h in halves))
        if best_key is None or key < best_key:
            best, best_key = [h for _, h in halves], key
    if best is None or best_key[0] > 1:
        return None
    return " ".join(best), " ".join((vocabulary.forms.get(h) or [h])[0] for h in best)
