"""Counting the accent model's syllables and n-grams (``AccentModel.train``),
in pieces that may be counted in different processes and joined.

A ``Tally`` numbers syllables in order of first sight and keeps the stream
of ids that training counts. The index builds its segments in runs of
files, a run per process (``index/workers.py``): each run's tally is made
where the run is indexed, right after ``index_terms`` scanned the same
paragraph (``tokens.syllable_words`` keeps the last scan, so the tally's costs no
second scan: training in the parent on the documents sent back cost ~0.09 ms
a paragraph, most of it that scan, and the parent's CPU came on top of two
busy workers). The first run's tally is the model's; the others are
``absorb``\\ ed in file order, their ids renumbered as if their texts had
followed in the same stream: the same vocabulary, in the same order, the
same counts, hence the same model, byte for byte (tests/test_restore.py,
tests/test_incremental.py).

Why the counts do not depend on where the stream is cut: every text's lines
end with ``</s>`` and start with ``<s>``, and no counted n-gram spans
``</s> <s>`` (``_ngrams``), so counting a stream in pieces and
summing gives the counts of the whole.
"""

from __future__ import annotations

from array import array
from itertools import compress

import numpy as np

from .restore import (_BITS, _MAX_ID, _RESERVED, BOS, EOS, NUM, UNK, AccentModel, _has_letter,
                      _kneser_ney, pyvi_compounds)
from .text import canonical_tones, fold
from .tokens import syllable_words

_CHUNK = 4_000_000  # stream tokens counted at once: bounds training memory
_CUT = array("i", (EOS, BOS))


class Tally:
    """Syllable ids in order of first sight, and counts of their stream.

    ``counting``: count the stream as it grows (the model's own tally);
    otherwise keep it as id chunks, for ``absorb`` (another process's run).
    """

    def __init__(self, counting: bool = True):
        self.vocab = list(_RESERVED)
        self.ids = {w: i for i, w in enumerate(_RESERVED)}
        # A word's id, once known: the letter test and the tone placement
        # cost a Python call each, for the same few thousand syllables.
        self.known: dict[str, int] = {}
        self.stream = array("i")
        self.counting = counting
        self.chunks: list[bytes] = []  # not counting: the stream, cut after whole texts
        self.uni = np.zeros(0, dtype=np.int64)
        self.parts: list[tuple] = []
        self.total = 0

    def add(self, text: str) -> None:
        """Each line of ``text``: ``<s> w1 ... wn </s>`` for each run of its
        syllables between punctuation marks."""
        stream, get = self.stream, self.known.get
        for line in text.splitlines():
            words, befores = syllable_words(line)
            if not words:
                continue
            ids = list(map(get, words))
            if None in ids:
                ids = [self._learn(w) if i is None else i for w, i in zip(words, ids)]
            # A new segment wherever punctuation stands before a syllable
            # (but the first, which starts one anyway).
            stream.append(BOS)
            at = 0
            for k in compress(range(len(befores)), befores):
                if k:
                    stream.fromlist(ids[at:k])
                    stream.extend(_CUT)
                    at = k
            stream.fromlist(ids[at:])
            stream.append(EOS)
        if len(stream) >= _CHUNK:
            self._flush()

    def _learn(self, word: str) -> int:
        if not _has_letter(word):
            i = NUM
        else:
            key = canonical_tones(word.lower())
            i = self.ids.get(key)
            if i is None:
                i = UNK
                # A tally kept for absorb() numbers everything: the cap is
                # the model's, applied when absorbed.
                if len(self.vocab) <= _MAX_ID or not self.counting:
                    i = self.ids[key] = len(self.vocab)
                    self.vocab.append(key)
        if len(self.known) < 1_000_000:
            self.known[word] = i
        return i

    def _flush(self) -> None:
        if self.counting:
            self._count(np.frombuffer(self.stream, dtype=np.int32).astype(np.int64))
        elif self.stream:
            self.chunks.append(self.stream.tobytes())
        del self.stream[:]

    def _count(self, s: np.ndarray) -> None:
        counts = np.bincount(s, minlength=len(self.vocab))
        self.uni = np.concatenate([self.uni, np.zeros(len(counts) - len(self.uni), np.int64)]) + counts
        self.total += len(s)
        self.parts.append(_ngrams(s))

    def state(self) -> tuple[list[str], list[bytes]]:
        """What ``absorb`` needs of a tally made with ``counting=False``
        (small enough to pickle: ~4 bytes a syllable)."""
        self._flush()
        return self.vocab, self.chunks

    def absorb(self, vocab: list[str], chunks: list[bytes]) -> None:
        """Count another tally's ``state()`` as if its texts came next."""
        assert self.counting
        self._flush()
        remap = np.arange(len(vocab), dtype=np.int64)
        for j in range(len(_RESERVED), len(vocab)):
            key = vocab[j]
            i = self.ids.get(key)
            if i is None:
                i = UNK
                if len(self.vocab) <= _MAX_ID:
                    i = self.ids[key] = len(self.vocab)
                    self.vocab.append(key)
            remap[j] = i
        for chunk in chunks:
            self._count(remap[np.frombuffer(chunk, dtype=np.int32)])

    def model(self, min_count: int | None = None, lexicon=None) -> AccentModel:
        """The model of everything counted (``AccentModel.train``)."""
        self._flush()
        vocab, ids, stream = self.vocab, self.ids, self.stream
        if min_count is None:
            min_count = 1 if self.total < 2_000_000 else 2
        # The texts' own frequencies (``most_frequent``) and unigram
        # distribution, lexicon aside: on a small index, a dictionary's
        # compounds would otherwise outweigh it ("ban" alone -> "bản").
        text_uni = self.uni.copy()
        text_bigrams = _summed([p[0] for p in self.parts])[0]
        # Compounds whose syllables the texts have, each as a segment of its
        # own: pairs the texts may never put side by side. Unknown syllables
        # are left out, so a restored query only uses forms the index has.
        for compound in pyvi_compounds() if lexicon is None else lexicon:
            seg = [ids.get(canonical_tones(w.lower())) for w in compound.split()]
            if len(seg) > 1 and None not in seg and UNK not in seg:
                # no <s>: not a sentence start; min_count times, so that
                # pruning keeps them
                stream.extend([*seg, EOS] * min_count)
        self._flush()
        bigrams = _summed([p[0] for p in self.parts])
        trigrams = _summed([p[1] for p in self.parts])
        groups: dict[str, list[int]] = {}
        for i in range(len(_RESERVED), len(vocab)):
            groups.setdefault(fold(vocab[i]), []).append(i)
        groups = {f: tuple(g) for f, g in groups.items()}
        tables = _kneser_ney(self.uni, bigrams, trigrams, min_count, text_bigrams)
        tables["unigrams"] = text_uni
        return AccentModel(vocab, groups, tables)


def _ngrams(s: np.ndarray):
    """Unique bigram and trigram keys of one stream chunk, with counts."""
    x, y = s[:-1], s[1:]
    keep = (x != EOS) & (x != UNK) & (y != UNK)
    bi = np.unique((x[keep] << _BITS) | y[keep], return_counts=True)
    x, y, z = s[:-2], s[1:-1], s[2:]
    keep = (y != EOS) & (y != BOS) & (x != UNK) & (y != UNK) & (z != UNK)
    tri = np.unique((x[keep] << (2 * _BITS)) | (y[keep] << _BITS) | z[keep], return_counts=True)
    return bi, tri


def _summed(parts):
    if len(parts) == 1:
        return parts[0]
    keys, inverse = np.unique(np.concatenate([k for k, _ in parts]), return_inverse=True)
    counts = np.bincount(inverse, weights=np.concatenate([c for _, c in parts])).astype(np.int64)
    return keys, counts
