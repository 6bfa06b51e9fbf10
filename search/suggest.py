""""Did you mean": closest words of the index's own vocabulary.

Only for queries that found nothing: each word unknown to the index is
replaced by the known word nearest to it once folded (edit distance, then the
most paragraphs), or split in two known words when it is two run together
("kinhte" -> "kinh te").
"""

from __future__ import annotations

from .analysis import syllables
from .text import fold


def _known(reader, word: str) -> bool:
    return ("fold", word.encode("utf-8")) in reader


def _within(reader, word: str, distance: int) -> str | None:
    candidates = [c for c in reader.terms_within("fold", word, distance) if c != word]
    if not candidates:
        return None
    # Swapped letters ("ngih") are one slip, though two edits: prefer them.
    return max(candidates, key=lambda c: (sorted(c) == sorted(word),
                                          reader.doc_frequency("fold", c), c))


def _nearest(reader, word: str) -> str | None:
    found = _within(reader, word, 1)
    if found:
        return found
    for i in range(2, len(word) - 1):
        head, tail = word[:i], word[i:]
        if _known(reader, head) and _known(reader, tail):
            return f"{head} {tail}"
    return _within(reader, word, 2) if len(word) >= 4 else None


def did_you_mean(query: str, reader) -> str | None:
    """The query with unknown words corrected, or None if nothing was."""
    out, at, changed = [], 0, False
    for word, start, end, _ in syllables(query):
        folded = fold(word)
        if folded.isdigit() or _known(reader, folded):
            continue
        better = _nearest(reader, folded)
        if better:
            out.append(query[at:start])
            out.append(better)
            at, changed = end, True
    if not changed:
        return None
    out.append(query[at:])
    return "".join(out).strip()
