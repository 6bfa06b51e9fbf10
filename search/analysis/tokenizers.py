"""The Whoosh tokenizer: ``lang.tokens.syllables`` as Whoosh tokens.

    >>> [(t.text, t.startchar, t.endchar) for t in SyllableTokenizer()("Uỷ ban", chars=True)]
    [('Uỷ', 0, 2), ('ban', 3, 6)]

Offsets (``startchar``/``endchar``) always point into the text given to the
tokenizer, even when that text is NFD or holds zero-width characters.
"""

from __future__ import annotations

from whoosh.analysis import Token, Tokenizer

from ..lang.tokens import syllables


class SyllableTokenizer(Tokenizer):
    """Splits text into syllables (and numbers, codes' parts, foreign words).

    Each token carries ``before``: the punctuation between it and the previous
    syllable (word segmentation and the pairs across punctuation need it).
    """

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 mode="", **kwargs):
        # Token() is costly per syllable; copying its attributes is not.
        template = Token(positions, chars, removestops=removestops, mode=mode,
                         **kwargs).__dict__
        template["boost"], template["stopped"] = 1.0, False
        new = Token.__new__
        for pos, (word, s, e, before) in enumerate(syllables(value), start=start_pos):
            t = new(Token)
            t.__dict__.update(template)
            t.text = word
            t.before = before
            if keeporiginal:
                t.original = word
            if positions:
                t.pos = pos
            if chars:
                t.startchar, t.endchar = start_char + s, start_char + e
            yield t
