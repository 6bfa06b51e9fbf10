"""Word segmentation with pyvi's CRF model, on our own syllables.

pyvi's ``ViTokenizer.tokenize`` re-tokenizes its input and returns a string
whose spacing and punctuation differ from the source. We call its model on the
token sequence our tokenizer already made instead, so every label belongs to a
token whose offsets we know: alignment is exact by construction.

pyvi takes about a second to import; it is loaded on first use, once per
process, and only by indexing (queries use the index's own compound lexicon).
"""

from __future__ import annotations

import string
import warnings
from functools import lru_cache

_PUNCT = set(string.punctuation)
_model = None


def _pyvi():
    global _model
    if _model is None:
        with warnings.catch_warnings():
            # pyvi 0.1.1 has invalid escapes in regex literals (Python 3.12+).
            warnings.simplefilter("ignore", SyntaxWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            from pyvi.ViTokenizer import ViTokenizer
        _model = ViTokenizer
    return _model


@lru_cache(maxsize=128)
def joins(tokens: tuple[str, ...]) -> tuple[bool, ...]:
    """For each token, whether it continues the word begun before it.

    ``tokens`` is the sequence pyvi would see: syllables, numbers and single
    punctuation characters, in the source's order.
    """
    if not tokens:
        return ()
    vt = _pyvi()
    labels = vt.model.predict([vt.sent2features(list(tokens), False)])[0]
    out = [False]
    for i in range(1, len(tokens)):
        cur, prev = tokens[i], tokens[i - 1]
        # The same guard pyvi's own tokenize() applies to the model's labels.
        out.append(
            labels[i] == "I_W"
            and cur not in _PUNCT
            and prev not in _PUNCT
            and not cur[0].isdigit()
            and not prev[0].isdigit()
            and not (cur[0].istitle() and not prev[0].istitle())
        )
    return tuple(out)
