"""Word segmentation with pyvi's CRF model, on our own syllables.

pyvi's ``ViTokenizer.tokenize`` re-tokenizes its input and returns a string
whose spacing and punctuation differ from the source. We call its model on the
token sequence our tokenizer already made instead, so every label belongs to a
token whose offsets we know: alignment is exact by construction.

pyvi takes about a second to import; it is loaded on first use, once per
process, and only by indexing (queries use the index's own compound lexicon).

    >>> compound_spans([("Ủy", ""), ("ban", ""), ("nhân", ""), ("dân", ""), ("tỉnh", "")])
    [(0, 2), (2, 4)]
"""

from __future__ import annotations

import string
import warnings
from functools import lru_cache

from .crf import Model
from .text import canonical_tones

_PUNCT = set(string.punctuation)
_model = None
_crf = None  # (pycrfsuite Tagger, bi_grams, tri_grams): pyvi's model, read without pyvi
_MODEL_BYTES: list[bytes] = []
# The same model for crf.Model's tagging (None: crfsuite's, after a fallback).
_model_weights = None


def load_pyvi():
    global _model
    if _model is None:
        with warnings.catch_warnings():
            # pyvi 0.1.1 has invalid escapes in regex literals (Python 3.12+).
            warnings.simplefilter("ignore", SyntaxWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            from pyvi.ViTokenizer import ViTokenizer
        _model = ViTokenizer
    return _model


def load_crf():
    """pyvi's CRF tagger and word lists, what ``joins`` needs of pyvi.

    Importing pyvi imports scikit-learn (through sklearn_crfsuite, whose
    pickled estimator holds the model): 2.4 s of pyvi's 2.6 s import on the
    2-core machine, paid by every indexing worker and, for the manifest's
    ``analysis_version``, by the parent at the end of a build. Read here
    instead: the same pickle with sklearn_crfsuite's classes as plain
    objects, its model file's bytes handed to pycrfsuite, and words.txt split
    as ViTokenizer does (0.2 s). Any surprise (another pyvi) falls back to
    pyvi itself; tests/test_analysis.py holds ``joins`` to ``pyvi_joins``.
    """
    global _crf, _model_weights
    if _crf is None:
        try:
            _crf = _read_crf()
            try:
                _model_weights = Model(_MODEL_BYTES[-1])
            except Exception:  # another crfsuite format: crfsuite tags
                _model_weights = None
        except Exception:
            vt = load_pyvi()
            _crf = (vt.model.tagger_, vt.bi_grams, vt.tri_grams)
    return _crf


def _read_crf():
    import importlib.util
    import pickle
    from pathlib import Path

    import pycrfsuite

    spec = importlib.util.find_spec("pyvi")
    models = Path(next(iter(spec.submodule_search_locations))) / "models"

    class Plain:  # an sklearn_crfsuite object: only its state is read
        def __setstate__(self, state):
            self.__dict__.update(state)

    class Unpickler(pickle.Unpickler):
        def find_class(self, module, name):
            if module.split(".")[0] == "sklearn_crfsuite":
                return Plain
            return super().find_class(module, name)

    with open(models / "pyvi3.pkl", "rb") as f:
        crf = Unpickler(f).load()
    # crfsuite reads the model where it lies: the bytes must outlive the
    # tagger (_MODEL_BYTES keeps them for the process's life).
    _MODEL_BYTES.append(crf.modelfile.__dict__["__FILE_RESOURCE_DATA__"])
    tagger = pycrfsuite.Tagger()
    tagger.open_inmemory(_MODEL_BYTES[-1])
    bi, tri = set(), set()
    for token in (models / "words.txt").read_text(encoding="utf-8").split("\n"):
        n = len(token.split(" "))
        if n == 2:
            bi.add(token)
        elif n == 3:
            tri.add(token)
    return tagger, bi, tri


@lru_cache(maxsize=128)
def joins(tokens: tuple[str, ...]) -> tuple[bool, ...]:
    """For each token, whether it continues the word begun before it.

    ``tokens`` is the sequence pyvi would see: syllables, numbers and single
    punctuation characters, in the source's order.
    """
    if not tokens:
        return ()
    tagger = load_crf()[0]
    model = _model_weights
    labels = model.viterbi(_states(tokens, model)) if model is not None else tagger.tag(features(tokens))
    return _guard(tokens, labels)


def compound_spans(words, modern=None) -> list[tuple[int, int]]:
    """``(start, end)`` index ranges of the multi-syllable words pyvi finds
    in ``words``, a sequence of ``(syllable, before)`` as the tokenizer gives.

    pyvi sees the sequence it was trained on: syllables and punctuation, with
    the newer tone placement its dictionary uses (``modern``, when given,
    holds each syllable's already). Words never cross punctuation.
    """
    if not words:
        return []
    sequence, index_of = [], []
    for k, (word, before) in enumerate(words):
        sequence.extend(before)
        index_of.append(len(sequence))
        sequence.append(modern[k] if modern is not None else canonical_tones(word, modern=True))
    joined = joins(tuple(sequence))
    spans, start = [], 0
    for k in range(1, len(words)):
        i = index_of[k]
        if not (joined[i] and index_of[k - 1] == i - 1):
            if k - start > 1:
                spans.append((start, k))
            start = k
    if len(words) - start > 1:
        spans.append((start, len(words)))
    return spans


def pyvi_joins(tokens: tuple[str, ...]) -> tuple[bool, ...]:
    """``joins`` through pyvi's own feature extraction and ``predict``: the
    reference ``features`` is held to (tests), and the bench's limit."""
    if not tokens:
        return ()
    vt = load_pyvi()
    labels = vt.model.predict([vt.sent2features(list(tokens), False)])[0]
    return _guard(tokens, labels)


def _guard(tokens, labels) -> tuple[bool, ...]:
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


# pyvi's word2features builds a dict per token, with ~15 keys, from scratch;
# crfsuite reads it as attributes: "key:value" for a string value, the key
# with its value for a number or bool. ``features`` gives crfsuite the same
# attributes in the same order, as lists of names (weight 1.0), built from
# per-syllable pieces computed once. A False attribute weighs 0.0 and adds
# exactly nothing to a label's score, so it is left out; the labels are
# pyvi's (tests/test_analysis.py compares them with pyvi_joins).
@lru_cache(maxsize=200_000)
def _pieces(word: str) -> tuple[list[str], list[str], list[str]]:
    """A token's own attributes, and those it gives the tokens before and after it."""
    low, up, title = word.lower(), word.isupper(), word.istitle()
    own = ["bias", "word.lower():" + low]
    if up:
        own.append("word.isupper()")
    if title:
        own.append("word.istitle()")
    if word.isdigit():
        own.append("word.isdigit()")
    prev, nxt = ["-1:word.lower():" + low], ["+1:word.lower():" + low]
    if title:
        prev.append("-1:word.istitle()")
        nxt.append("+1:word.istitle()")
    if up:
        prev.append("-1:word.isupper()")
        nxt.append("+1:word.isupper()")
    return own, prev, nxt


# A token's attributes depend on it and the two tokens either side of it
# (None past either end): the same five tokens always make the same list,
# which crfsuite only reads. Building the list cost about half as much as
# tagging did; a dict look-up per token instead (worker profile, 10,000
# paragraphs). Bounded: cleared when full.
_WINDOWS: dict[tuple, list[str]] = {}
_WINDOWS_MAX = 200_000


def features(tokens) -> list[list[str]]:
    """crfsuite's input for ``tokens``, as pyvi's sent2features makes it."""
    padded = (None, None, *tokens, None, None)
    windows, out = _WINDOWS, []
    for i in range(len(tokens)):
        window = padded[i:i + 5]
        f = windows.get(window)
        if f is None:
            if len(windows) >= _WINDOWS_MAX:
                windows.clear()
            f = windows[window] = _window_features(*window)
        out.append(f)
    return out


# A window's state scores (crf.Model.state of its attributes), remembered as
# the attribute lists are above: tagging is then a look-up and Viterbi's few
# additions a token (crf.py).
_STATES: dict[tuple, tuple[float, ...]] = {}


def _states(tokens, model) -> list[tuple[float, ...]]:
    padded = (None, None, *tokens, None, None)
    states, out = _STATES, []
    for i in range(len(tokens)):
        window = padded[i:i + 5]
        s = states.get(window)
        if s is None:
            if len(states) >= _WINDOWS_MAX:
                states.clear()
            s = states[window] = (_window_state(*window) if len(model.labels) == 2
                                  else model.state(_window_features(*window)))
        out.append(s)
    return out


@lru_cache(maxsize=200_000)
def _scored(word: str) -> tuple[tuple[float, float], tuple, tuple]:
    """``_pieces(word)`` weighed by the model: the state its own attributes
    start a token with (summed in their order, from 0.0, as crfsuite does),
    and the (B, I) weights of those it gives the tokens after and before it,
    in order, the model's unknown attributes left out."""
    own, prev, nxt = _pieces(word)
    model = _model_weights
    return model.state(own), model.present(prev), model.present(nxt)


def _window_state(p2, p1, word, n1, n2) -> tuple[float, float]:
    """``Model.state(_window_features(...))`` for a two-label model, without
    the list of strings: the same weights added in the same order."""
    _, bi, tri = _crf
    weights = _model_weights.weights
    (s0, s1), _, _ = _scored(word)
    if p1 is not None:
        for w0, w1 in _scored(p1)[1]:
            s0 += w0
            s1 += w1
        if (p1 + " " + word).lower() in bi and "-1:word.bi_gram()" in weights:
            w0, w1 = weights["-1:word.bi_gram()"]
            s0 += w0
            s1 += w1
        if p2 is not None and (p2 + " " + p1 + " " + word).lower() in tri and "-2:word.tri_gram()" in weights:
            w0, w1 = weights["-2:word.tri_gram()"]
            s0 += w0
            s1 += w1
    if n1 is not None:
        for w0, w1 in _scored(n1)[2]:
            s0 += w0
            s1 += w1
        if (word + " " + n1).lower() in bi and "+1:word.bi_gram()" in weights:
            w0, w1 = weights["+1:word.bi_gram()"]
            s0 += w0
            s1 += w1
        if n2 is not None and (word + " " + n1 + " " + n2).lower() in tri and "+2:word.tri_gram()" in weights:
            w0, w1 = weights["+2:word.tri_gram()"]
            s0 += w0
            s1 += w1
    return s0, s1


def _window_features(p2, p1, word, n1, n2) -> list[str]:
    """The attributes of ``word``, between ``p2 p1`` and ``n1 n2``."""
    _, bi, tri = load_crf()
    f = list(_pieces(word)[0])
    # pyvi lower-cases the joined words (not each word: str.lower is contextual)
    if p1 is not None:
        f += _pieces(p1)[1]
        if (p1 + " " + word).lower() in bi:
            f.append("-1:word.bi_gram()")
        if p2 is not None and (p2 + " " + p1 + " " + word).lower() in tri:
            f.append("-2:word.tri_gram()")
    if n1 is not None:
        f += _pieces(n1)[2]
        if (word + " " + n1).lower() in bi:
            f.append("+1:word.bi_gram()")
        if n2 is not None and (word + " " + n1 + " " + n2).lower() in tri:
            f.append("+2:word.tri_gram()")
    return f
