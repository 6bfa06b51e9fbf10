"""From what a person typed to a Whoosh query.

The only operators are ``"a phrase"`` and ``-word``; every other character is
text. Nothing here raises on odd input: an unbalanced quote is dropped and
the rest is searched as plain words.

Ranking is a ladder built into the query's scores, each rung worth more than
everything below it can add up to (``build_queries``):

1. how many of the typed words (or phrases) a paragraph has     COVER each
2. how many of them it has with the accents as typed            EXACT each
3. BM25F over accented and folded syllables, plus the query's
   compounds (``uy ban`` -> ``uy_ban``) found in the index's lexicon
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as Q
from whoosh.matching import NullMatcherClass, WrappingMatcher
from whoosh.query.wrappers import WrappingQuery

from .analysis import SyllableTokenizer
from .text import canonical_tones, fold, has_diacritics, normalize

COVER = 1_000_000.0
EXACT = 1_000.0
EXACT_BOOST = 2.0
COMPOUND_BOOST = 2.0
MAX_COMPOUND = 4
# Like the big web engines: words past this many are ignored, so a pasted
# page cannot build a query tree thousands of nodes deep.
MAX_GROUPS = 32

_QUOTES = str.maketrans({c: '"' for c in "“”„‟«»＂"})
_CHUNK = re.compile(r'(-?)"([^"]*)"|(\S+)')
_tokenizer = SyllableTokenizer()


@dataclass(frozen=True)
class Group:
    """Syllables that must appear together: a typed word, a code such as
    ``05-CT/TW``, or a quoted phrase."""

    folded: tuple[str, ...]
    exact: tuple[str, ...] | None  # canonical lower-case, if typed with accents


@dataclass
class ParsedQuery:
    text: str
    words: list[Group] = field(default_factory=list)
    phrases: list[Group] = field(default_factory=list)  # quoted: required
    excluded: list[Group] = field(default_factory=list)

    @property
    def positive(self) -> list[Group]:
        return self.phrases + self.words

    @property
    def empty(self) -> bool:
        return not self.positive


def _syllables(chunk: str) -> list[str]:
    return [t.text for t in _tokenizer(chunk)]


def _group(syllables: list[str], exact: bool) -> Group:
    syllables = syllables[:MAX_GROUPS]
    return Group(
        folded=tuple(fold(s) for s in syllables),
        exact=tuple(canonical_tones(s.lower()) for s in syllables) if exact else None,
    )


def parse_query(text: str) -> ParsedQuery:
    text = normalize(text or "")[0].translate(_QUOTES).strip()
    if text.count('"') % 2:
        # An unbalanced quote is not an operator; drop the last one.
        i = text.rfind('"')
        text = text[:i] + " " + text[i + 1:]
    chunks = []  # (kind, syllables)
    for m in _CHUNK.finditer(text):
        minus, quoted, bare = m.groups()
        if quoted is not None:
            chunks.append(("not" if minus else "phrase", _syllables(quoted)))
        elif bare.startswith("-") and len(bare) > 1 and bare[1].isalpha():
            chunks.append(("not", _syllables(bare[1:])))
        else:
            chunks.append(("word", _syllables(bare)))
    # A person who types any diacritic types them all: then "ban" means ban,
    # not bàn. Without any, every word is a folded word.
    accented = any(has_diacritics(s) for kind, syls in chunks if kind != "not" for s in syls)
    parsed = ParsedQuery(text)
    for kind, syls in chunks:
        if not syls or len(parsed.positive) + len(parsed.excluded) >= MAX_GROUPS:
            continue
        if kind == "not":
            parsed.excluded.append(_group(syls, any(has_diacritics(s) for s in syls)))
        elif kind == "phrase":
            parsed.phrases.append(_group(syls, accented))
        else:
            parsed.words.append(_group(syls, accented))
    return parsed


class Bonus(WrappingQuery):
    """Adds ``bonus`` to the score of every document ``child`` matches.

    Unlike ``ConstantScoreQuery`` it keeps the child's own score and its
    matcher stays lazy (no list of every matching id is built).
    """

    def __init__(self, child: Q.Query, bonus: float):
        super().__init__(child)
        self.bonus = bonus

    def __eq__(self, other):
        return type(self) is type(other) and self.child == other.child and self.bonus == other.bonus

    def __hash__(self):
        return hash(self.child) ^ hash(self.bonus)

    def _rewrap(self, child):
        return self.__class__(child, self.bonus)

    def matcher(self, searcher, context=None):
        m = self.child.matcher(searcher, context)
        if isinstance(m, NullMatcherClass):
            return m
        return _BonusMatcher(m, self.bonus)


class _BonusMatcher(WrappingMatcher):
    def __init__(self, child, bonus: float):
        super().__init__(child)
        self.bonus = bonus

    def copy(self):
        return _BonusMatcher(self.child.copy(), self.bonus)

    def _replacement(self, newchild):
        return _BonusMatcher(newchild, self.bonus)

    def replace(self, minquality=0):
        r = self.child.replace(max(0.0, minquality - self.bonus))
        return self if r is self.child else self._replacement(r)

    def skip_to_quality(self, minquality):
        return self.child.skip_to_quality(minquality - self.bonus)

    def max_quality(self):
        return self.child.max_quality() + self.bonus

    def block_quality(self):
        return self.child.block_quality() + self.bonus

    def score(self):
        return self.child.score() + self.bonus


def _match(fieldname: str, words: tuple[str, ...], boost: float = 1.0) -> Q.Query:
    if len(words) == 1:
        return Q.Term(fieldname, words[0], boost=boost)
    return Q.Phrase(fieldname, list(words), boost=boost)


def _group_match(g: Group, exact_bonus: bool = False) -> Q.Query:
    """Documents having the group, folded or with the accents as typed; with
    ``exact_bonus`` the exact ones score EXACT more."""
    folded = _match("fold", g.folded)
    if g.exact is None:
        return folded
    exact = _match("syl", g.exact, EXACT_BOOST)
    return Q.Or([Bonus(exact, EXACT) if exact_bonus else exact, folded])


def _compounds(parsed: ParsedQuery, reader) -> list[Q.Query]:
    """Runs of 2-4 query syllables that the index knows as a compound."""
    out = []
    runs = [g.folded for g in parsed.positive]
    exact_runs = [g.exact for g in parsed.positive if g.exact is not None]
    folded = [s for run in runs for s in run]
    exact = [s for run in exact_runs for s in run] if len(exact_runs) == len(runs) else []
    for fieldname, seq in (("fcomp", folded), ("comp", exact)):
        for n in range(2, MAX_COMPOUND + 1):
            for i in range(len(seq) - n + 1):
                term = "_".join(seq[i:i + n])
                if (fieldname, term) in reader:
                    out.append(Q.Term(fieldname, term, boost=COMPOUND_BOOST))
    return out


def build_queries(parsed: ParsedQuery, reader) -> tuple[Q.Query, Q.Query] | None:
    """``(all_words, any_words)`` Whoosh queries; ``None`` when nothing can match.

    ``any_words`` ranks every paragraph having at least one word by the whole
    ladder. ``all_words`` finds only the paragraphs having every word, which
    come first in that ranking with the same order and scores: it is far
    cheaper to run, so the searcher tries it first.
    """
    if parsed.empty:
        return None
    groups = [_group_match(g, exact_bonus=True) for g in parsed.positive]
    compounds = _compounds(parsed, reader)

    def finish(q: Q.Query) -> Q.Query:
        if parsed.excluded:
            q = Q.AndNot(q, Q.Or([
                _match("syl", g.exact) if g.exact is not None else _match("fold", g.folded)
                for g in parsed.excluded
            ]))
        return q

    every: Q.Query = Q.And(groups) if len(groups) > 1 else groups[0]
    if compounds:
        every = Q.AndMaybe(every, Q.Or(compounds))
    every = Bonus(every, COVER * len(groups))
    some: Q.Query = Q.Or([Bonus(g, COVER) for g in groups] + compounds)
    if parsed.phrases:
        some = Q.AndMaybe(Q.And([_group_match(g) for g in parsed.phrases]), some)
    return finish(every), finish(some)
