"""From what a person typed to a parsed query (ranking is in ranking.py).

Each word becomes the terms the index holds (``analysis.terms``): folded,
and accented when the query was typed with any diacritic.

The only operators are ``"a phrase"`` and ``-word``; every other character is
text. Nothing here raises on odd input: an unbalanced quote is dropped and
the rest is searched as plain words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..analysis.terms import accented, folded
from ..lang.abbreviations import expand
from ..lang.docnumbers import DocNumber, named_in
from ..lang.numerals import ordinals
from ..lang.text import has_diacritics, normal_text
from ..lang.tokens import syllables

# Like the big web engines: words past this many are ignored, so a pasted
# page cannot build a query tree thousands of nodes deep.
MAX_GROUPS = 32

_QUOTES = str.maketrans({c: '"' for c in "“”„‟«»＂"})
_CHUNK = re.compile(r'(-?)"([^"]*)"|(\S+)')


@dataclass(frozen=True)
class Group:
    """Syllables that must appear together: a typed word, a code such as
    ``05-CT/TW``, or a quoted phrase."""

    folded: tuple[str, ...]
    exact: tuple[str, ...] | None  # canonical lower-case, if typed with accents
    # Other spellings that count as this group (UBND for ủy ban nhân dân).
    alternatives: tuple[tuple[str, ...], ...] = ()
    # A question word or filler ("ai", "là gì", "bao nhiêu"): found or not,
    # it does not decide the ranking (query.ranking), see QUESTION_WORDS.
    optional: bool = False
    # Typed without diacritics in a query that has some ("tinh giản bien
    # chế"): it prefers its unaccented form, yet any accent is a match as
    # good (query.ranking: it puts no paragraph below the exact tier).
    bare: bool = False
    # A word the index does not know, searched as its closest known word
    # (``suggest.corrections``): its matches count less than a typed word's.
    fuzzy: bool = False


@dataclass
class ParsedQuery:
    text: str
    words: list[Group] = field(default_factory=list)
    phrases: list[Group] = field(default_factory=list)  # quoted: required
    excluded: list[Group] = field(default_factory=list)
    accented: bool = False  # typed with diacritics: groups have their exact forms
    # The words and phrases as typed, in order: runs of (syllable, punctuation
    # before it), a run broken by an excluded word. Pairs of adjacent
    # syllables and compounds are read off these, as the index reads them
    # off a paragraph (analysis.terms).
    runs: list[tuple[tuple[str, str], ...]] = field(default_factory=list)
    # Document numbers the query names ("05-NQ/TU", "NQ 05"): query.numbers.
    numbers: list[DocNumber] = field(default_factory=list)

    @property
    def positive(self) -> list[Group]:
        return self.phrases + self.words

    @property
    def empty(self) -> bool:
        return not self.positive


# Syllables kept for pairs and compounds: a pasted page asks for no more.
MAX_RUN_SYLLABLES = 2 * MAX_GROUPS


def _syllables(chunk: str) -> list[str]:
    return [word for word, *_ in syllables(chunk)]


def _group(syllables: list[str], exact: bool) -> Group:
    syllables = syllables[:MAX_GROUPS]
    return Group(
        folded=tuple(folded(s) for s in syllables),
        exact=tuple(accented(s) for s in syllables) if exact else None,
        bare=exact and not any(has_diacritics(s) for s in syllables),
    )


# Question words and fillers: a question's words that name nothing the answer
# is about ("ai chủ trì hội nghị lần thứ 9": the answer is a name, not the
# word "ai"). They stay in the index and in the query, as optional words
# (Group.optional): a paragraph is not ranked by whether it has them.
# Accented: matched on the canonical forms, so only as typed ("nào", not
# "não"). Typed without accents only the phrases of two or more syllables
# count, which nothing else folds to ("bao nhieu", "o dau"): a bare "co",
# "da", "nhung", "nao" may as well be cô, đá, nhung, não.
QUESTION_WORDS = (
    "như thế nào", "thế nào", "bao nhiêu", "ở đâu", "khi nào", "bao giờ", "tại sao",
    "vì sao", "là gì", "là ai", "ai", "là", "gì", "nào", "đâu", "mấy", "có", "không",
    "được", "đã", "những", "các",
)
_QUESTION = {tuple(accented(w) for w in phrase.split()) for phrase in QUESTION_WORDS}
_FOLDED_QUESTION = {tuple(folded(w) for w in phrase.split())
                    for phrase in QUESTION_WORDS if " " in phrase}
_LONGEST_QUESTION = max(len(q) for q in _QUESTION)
# Their syllables, folded: never taken for typos (query.suggest), even where
# an index happens not to hold them ("ai" is no misspelt "án").
QUESTION_SYLLABLES = frozenset(folded(w) for phrase in QUESTION_WORDS for w in phrase.split())


def _questions(groups: list[Group]) -> list[Group]:
    """``groups`` with the question words and fillers among them optional
    (longest phrase first); all of them, if nothing else was typed ("ai là
    ai" is searched as it is)."""
    one = [g.exact if g.exact is not None else g.folded for g in groups]
    optional = [False] * len(groups)
    i = 0
    while i < len(groups):
        for n in range(min(_LONGEST_QUESTION, len(groups) - i), 0, -1):
            run = groups[i:i + n]
            if any(len(g.folded) != 1 or g.alternatives for g in run):
                continue
            words = tuple(w[0] for w in one[i:i + n])
            if all(g.exact is not None for g in run):
                found = words in _QUESTION
            else:
                found = tuple(g.folded[0] for g in run) in _FOLDED_QUESTION
            if found:
                optional[i:i + n] = [True] * n
                i += n
                break
        else:
            i += 1
    if all(optional):
        return groups
    return [replace(g, optional=True) if o else g for g, o in zip(groups, optional)]


def _numbers(groups: list[Group]) -> list[Group]:
    """A number written out after an ordinal word becomes its digits, as the
    index holds it too (``analysis.terms``): "lần thứ tám" asks for 8, which
    finds "lần thứ 8", "lần thứ tám" and "lần thứ VIII" alike."""
    words = [(g.exact or g.folded)[0] if len(g.folded) == 1 else "" for g in groups]
    found = ordinals(words)
    if not found:
        return groups
    out, i = [], 0
    for start, end, value in found:
        out += groups[i:start]
        digits = (str(value),)
        out.append(Group(digits, digits if groups[start].exact is not None else None))
        i = end
    return out + groups[i:]


def _padded(groups: list[Group], numbers: list[DocNumber]) -> list[Group]:
    """The number of a document number typed with or without its leading
    zero matches either way ("5-NQ/TU" finds "05-NQ/TU" and the reverse:
    ``lang.docnumbers``: one number), as an alternative spelling of its group."""
    digits = {n.number for n in numbers if n.number < 100}
    out = []
    for g in groups:
        first = g.folded[0]
        if first.isdigit() and int(first) in digits and g.exact in (None, g.folded):
            spellings = {str(int(first)), f"{int(first):02d}"} - {first}
            extra = tuple((s,) + g.folded[1:] for s in sorted(spellings))
            g = replace(g, alternatives=g.alternatives + extra)
        out.append(g)
    return out


def parse_query(text: str) -> ParsedQuery:
    text = normal_text(text or "").translate(_QUOTES).strip()
    if text.count('"') % 2:
        # An unbalanced quote is not an operator; drop the last one.
        i = text.rfind('"')
        text = text[:i] + " " + text[i + 1:]
    chunks = []  # (kind, text, syllables)
    for m in _CHUNK.finditer(text):
        minus, quoted, bare = m.groups()
        if quoted is not None:
            chunks.append(("not" if minus else "phrase", quoted, _syllables(quoted)))
        elif bare.startswith("-") and len(bare) > 1 and bare[1].isalpha():
            chunks.append(("not", bare[1:], _syllables(bare[1:])))
        else:
            chunks.append(("word", bare, _syllables(bare)))
    # A person who types any diacritic types them all: then "ban" means ban,
    # not bàn. Without any, every word is a folded word.
    typed_accents = any(has_diacritics(s) for kind, _, syls in chunks if kind != "not" for s in syls)
    parsed = ParsedQuery(text, accented=typed_accents, numbers=named_in(text.replace('"', " ")))
    runs: list[list[str]] = [[]]
    for kind, chunk, syls in chunks:
        if len(parsed.positive) + len(parsed.excluded) >= MAX_GROUPS:
            break
        if kind == "not":
            if syls:
                parsed.excluded.append(_group(syls, any(has_diacritics(s) for s in syls)))
                runs.append([])
            continue
        runs[-1].append(chunk)  # punctuation alone stays: it parts the syllables around it
        if syls:
            (parsed.phrases if kind == "phrase" else parsed.words).append(_group(syls, typed_accents))
    parsed.words = _questions(expand(_numbers(parsed.words)))
    parsed.words = _padded(parsed.words, parsed.numbers)
    budget = MAX_RUN_SYLLABLES
    for run in runs:
        scanned = tuple((w, b) for w, _s, _e, b in syllables(" ".join(run)))[:budget]
        budget -= len(scanned)
        if scanned:
            parsed.runs.append(scanned)
    return parsed
