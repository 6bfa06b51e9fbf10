"""crf.Model tags as crfsuite does: the same labels, from the model's own weights."""

import random

import pytest

from conftest import ROOT, SEEDS
from pyvi_input import pyvi_sequences
from search.ingest.corpus import read_corpus
from search.lang import segment
from search.lang.crf import Model


def sequences(paragraphs):
    return [s for s in pyvi_sequences(paragraphs) if s]


@pytest.fixture(scope="module")
def crf():
    tagger = segment.load_crf()[0]
    model = segment._model_weights
    assert isinstance(model, Model)  # pyvi's model read without falling back
    return tagger, model


def check(crf, seqs):
    tagger, model = crf
    for tokens in seqs:
        expected = tagger.tag(segment.features(tokens))
        assert model.viterbi(segment._states(tokens, model)) == expected, tokens


def test_labels_are_crfsuites_on_real_paragraphs(crf):
    paragraphs = [p for d in read_corpus(SEEDS).documents for p in d.paragraphs]
    corpus = ROOT / "bench" / "data" / "corpus-10000"
    if corpus.is_dir():  # generated ViQuAD text, when bench/data has it
        paragraphs += [p for d in read_corpus(corpus).documents[:20] for p in d.paragraphs]
    seqs = sequences(paragraphs)
    assert len(seqs) >= 30
    check(crf, seqs)


def test_labels_are_crfsuites_on_random_sequences(crf):
    # Syllables pyvi joins and does not, in every case, with numbers,
    # punctuation and unknown words; short sequences (1-3 tokens) too.
    words = ("ủy ban nhân dân tỉnh Thái Nguyên hội đồng nghị quyết kỳ họp thứ Đảng bộ "
             "UBND HĐND TP Hà Nội xyz qwe 2024 15 , . ( ) - : ; ! ? ĐẠI HỘI đại biểu").split()
    rng = random.Random(7)
    seqs = [tuple(rng.choice(words) for _ in range(rng.choice([1, 2, 3, 5, 20, 80])))
            for _ in range(400)]
    check(crf, seqs)


def test_joins_uses_the_model_and_matches_pyvi(crf, monkeypatch):
    tokens = tuple("Ủy ban nhân dân tỉnh Thái Nguyên họp kỳ thứ 15".split())
    segment.joins.cache_clear()
    expected = segment.pyvi_joins(tokens)
    calls = []
    # crfsuite's path builds attribute lists for it with features(): not taken.
    monkeypatch.setattr(segment, "features", lambda tokens: calls.append(tokens))
    assert segment.joins(tokens) == expected
    assert calls == []
    segment.joins.cache_clear()
