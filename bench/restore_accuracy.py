"""Accent restoration: word accuracy on held-out Vietnamese text.

    .venv/bin/python bench/restore_accuracy.py

UIT-ViQuAD's dev passages are read from ../shared/eval-data (research use
only: read there, never copied into the project). Even-numbered passages and
seeds/*.txt train the model; every sentence of the odd-numbered passages is
folded syllable by syllable (``fold``: no diacritics, lower-case), restored,
and compared syllable by syllable with the original (``canonical_tones`` of
both, lower-case). Sentences cut into 6-syllable pieces stand in for queries,
which have less context.
Tokens without letters are not counted. Passages of one article fall on both
sides of the split, so names recur: this is the in-domain case of an index
restoring queries about its own content.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.lang.tokens import syllables  # noqa: E402
from search.lang.restore import AccentModel  # noqa: E402
from search.lang.text import canonical_tones, fold  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval-data" / "uit-viquad-1.0" / "dev_ViQuAD.json"
_SENTENCE_END = re.compile(r"(?<=[.!?;…])\s+(?=[A-ZĐÀ-Ỹ0-9“\"(])")


def passages() -> list[str]:
    data = json.loads(EVAL.read_text(encoding="utf-8"))
    return [par["context"] for art in data["data"] for par in art["paragraphs"]]


def seeds() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]


def words(text: str) -> list[str]:
    return [canonical_tones(w.lower()) for w, _s, _e, _b in syllables(text)]


def respell(text: str, spell) -> str:
    """``text`` with each syllable replaced by ``spell(syllable)``, the rest kept."""
    out, last = [], 0
    for w, s, e, _b in syllables(text):
        out += [text[last:s], spell(w)]
        last = e
    return "".join(out) + text[last:]


def fold_syllables(text: str) -> str:
    """``text`` as typed without accents (folding the whole string would also
    romanize symbols: ``60°T`` -> ``60degt``)."""
    return respell(text, fold)


def queries(sentence: str, size: int = 6) -> list[str]:
    """The sentence cut into consecutive pieces of ``size`` syllables."""
    spans = [(s, e) for _w, s, e, _b in syllables(sentence)]
    return [sentence[spans[k][0] : spans[min(k + size, len(spans)) - 1][1]]
            for k in range(0, len(spans), size)]


def bigrams(texts) -> set[tuple[str, str]]:
    """Adjacent accented syllables of ``texts``, not across punctuation."""
    seen = set()
    for text in texts:
        prev = None
        for w, _s, _e, before in syllables(text):
            w = canonical_tones(w.lower())
            if prev is not None and not before:
                seen.add((prev, w))
            prev = w
    return seen


def score(method, sentences, report=None):
    """(word accuracy, exact-match rate, median ms); ``report(gold, guess)`` sees each."""
    right = total = exact = 0
    times = []
    for sentence in sentences:
        gold = words(sentence)
        query = fold_syllables(sentence)
        t0 = time.perf_counter()
        guess = method(query)
        times.append((time.perf_counter() - t0) * 1000)
        guess = words(guess) if guess is not None else words(query)
        assert len(guess) == len(gold), (sentence, guess)
        letters = [k for k, g in enumerate(gold) if any(c.isalpha() for c in g)]
        ok = sum(gold[k] == guess[k] for k in letters)
        right += ok
        total += len(letters)
        exact += ok == len(letters)
        if report:
            report(gold, guess, letters)
    return right / total, exact / len(sentences), statistics.median(times), total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--min-count", type=int, default=None)
    ap.add_argument("--curve", action="store_true", help="also train on 1/4 and 1/2 of the passages")
    args = ap.parse_args()
    if not EVAL.is_file():
        sys.exit(f"missing {EVAL}")
    ps = passages()
    train, test = ps[0::2], ps[1::2]
    sentences = [s.strip() for p in test for s in _SENTENCE_END.split(p) if s.strip()]
    pieces = [q for s in sentences for q in queries(s)]
    texts = [*train, *seeds()]

    t0 = time.perf_counter()
    model = AccentModel.train(texts, min_count=args.min_count)
    built = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "accents.npz"
        model.save(path)
        size = path.stat().st_size
        tracemalloc.start()
        t0 = time.perf_counter()
        model = AccentModel.load(path)
        loaded = time.perf_counter() - t0
        held = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()

    print(f"train: {len(train)} passages + {len(seeds())} seed files; test: {len(test)} passages, "
          f"{len(sentences)} sentences, {len(pieces)} 6-syllable queries")
    print(f"model: {len(model.vocab)} syllables, {len(model._bi_keys)} bigrams, "
          f"{len(model._tri_keys)} trigrams; file {size / 1e6:.2f} MB, "
          f"{held / 1e6:.2f} MB in memory once loaded; built in {built:.2f} s, "
          f"loaded in {loaded * 1000:.1f} ms")
    print()
    print(f"| {'method':<30} | word acc. | exact match | median ms |")
    print(f"| {'-' * 30} | --------- | ----------- | --------- |")
    seen, vocab = bigrams(texts), set(model.vocab)
    errors = {"accented form never seen in training": 0,
              "no seen bigram with either neighbour": 0,
              "seen bigram, model chose otherwise": 0}

    def classify(gold, guess, letters):
        for k in letters:
            if gold[k] == guess[k]:
                continue
            if gold[k] not in vocab:
                errors["accented form never seen in training"] += 1
            elif (k and (gold[k - 1], gold[k]) in seen) or \
                    (k + 1 < len(gold) and (gold[k], gold[k + 1]) in seen):
                errors["seen bigram, model chose otherwise"] += 1
            else:
                errors["no seen bigram with either neighbour"] += 1

    rows = [("no restoration, sentences", lambda q: None, sentences, None),
            ("unigram, sentences", lambda q: respell(q, model.most_frequent), sentences, None),
            ("trigram Viterbi, sentences", model.restore, sentences, classify),
            ("unigram, 6-syllable queries", lambda q: respell(q, model.most_frequent), pieces, None),
            ("trigram Viterbi, 6-syllable q.", model.restore, pieces, None)]
    for name, method, items, report in rows:
        acc, exact, ms, total = score(method, items, report)
        print(f"| {name:<30} | {acc * 100:8.2f}% | {exact * 100:10.1f}% | {ms:9.3f} |")
    print(f"\n{total} syllables with letters counted. Trigram errors on sentences, by cause:")
    for cause, n in errors.items():
        print(f"  {cause:<40} {n:5d} ({n / total * 100:.2f}% of syllables)")

    if args.curve:
        print("\nlearning curve (trigram, sentences):")
        for share in (4, 2, 1):
            part = AccentModel.train([*train[: len(train) // share], *seeds()], min_count=args.min_count)
            print(f"  1/{share} of the training passages: {score(part.restore, sentences)[0] * 100:.2f}%")


if __name__ == "__main__":
    main()
