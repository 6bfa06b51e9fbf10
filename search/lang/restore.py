"""Accent restoration for queries typed without diacritics.

``uy ban nhan dan tinh thai nguyen`` -> ``ủy ban nhân dân tỉnh thái nguyên``,
learnt from the indexed text itself: which accented syllables exist for each
folded one, and a trigram model of how they follow each other. Decoding is a
Viterbi search over the candidates, vectorised with numpy so that a query
costs a few numpy calls per syllable rather than a Python loop per path.

N-grams are kept as sorted int64 keys (two or three 21-bit syllable ids)
with parallel float32 weights: 12 bytes a trigram and 16 a bigram, against
~100 for a dict entry, and numpy's binary search over a sorted batch of keys
is fast. Measured word accuracy and its limits: bench/restore_accuracy.py.
"""

from __future__ import annotations

import importlib.util
import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from .text import canonical_tones, fold, has_diacritics
from .tokens import syllables

BOS, EOS, NUM, UNK = 0, 1, 2, 3
_RESERVED = ("<s>", "</s>", "<num>", "<unk>")
_BITS = 21
_MAX_ID = (1 << _BITS) - 1
# A context seen often with few followers leaves almost no mass for a new one,
# so "việt nam" + unseen "tăng" lost to "việt năm tăng" and "ủy ban nhân" to
# "ủy ban nhận dân tỉnh". Queries join words freely; a floor on that weight
# fixed both and left held-out accuracy unchanged (bench/restore_accuracy.py).
_GAMMA_FLOOR = 0.1
_LEXICON_WEIGHT = 0.5  # see _kneser_ney
# A query's first syllable usually follows nothing the model can see, and its
# candidates were chosen by Kneser-Ney's continuation counts alone (how many
# different words each follows), which undervalue a form the index writes
# often after few words. Mixed half and half with the texts' own frequency,
# there only: 6-syllable queries 91.83% -> 92.00%, sentences 94.03 -> 94.04%
# (bench/restore_accuracy.py; 0.3: 91.98, 0.7: 92.02, 1: 91.98; error rate
# of a query's first syllable 12.7% against 6.1% inside, last 10.9%).
_OPEN_EDGE_FREQ = 0.5


def _has_letter(word: str) -> bool:
    return any(c.isalpha() for c in word)


# Saved in each index generation by the indexer, loaded by the Engine.
MODEL_FILE = "accents.npz"

class AccentModel:
    """Candidate accented forms per folded syllable, and a trigram model."""

    def __init__(self, vocab, groups, tables):
        self.vocab = list(vocab)
        self._id = {w: i for i, w in enumerate(self.vocab)}
        self._candidates = groups  # folded -> ascending ids, so keys come sorted
        self._tables = tables
        # A server sees the same queries again and again; Viterbi costs more
        # than the lookup.
        self.restore = lru_cache(maxsize=10_000)(self._restore)
        for name, value in tables.items():
            setattr(self, "_" + name, value)
        # the first syllable's prior at an open edge (_OPEN_EDGE_FREQ)
        freq = np.asarray(self._unigrams, dtype=np.float64)
        words = max(float(freq[len(_RESERVED):].sum()), 1.0)
        self._p_open = np.asarray(self._p1, dtype=np.float64).copy()
        self._p_open[len(_RESERVED):] = ((1 - _OPEN_EDGE_FREQ) * self._p_open[len(_RESERVED):]
                                         + _OPEN_EDGE_FREQ * freq[len(_RESERVED):] / words)

    # --- training -----------------------------------------------------------

    @classmethod
    def train(cls, texts, min_count: int | None = None, lexicon=None) -> "AccentModel":
        """Count syllables and n-grams of ``texts`` (paragraphs), then of
        ``lexicon``'s multi-syllable words (default: pyvi's dictionary,
        ``pyvi_compounds``) made only of syllables ``texts`` has.

        N-grams never cross punctuation: each run between punctuation marks
        is a segment ``<s> w1 ... wn </s>``, exactly how queries are decoded.
        ``min_count`` drops rarer bigrams and trigrams; by default 1 (keep
        all) for a small corpus and 2 once it passes two million syllables.
        """
        from .accent_counts import Tally  # which imports this module

        tally = Tally()
        for text in texts:
            tally.add(text)
        return tally.model(min_count, lexicon)

    # --- persistence --------------------------------------------------------

    def save(self, path) -> None:
        """One uncompressed ``.npz``: loads in milliseconds, no pickle."""
        folds = list(self._candidates)
        ptr = np.zeros(len(folds) + 1, dtype=np.int64)
        ptr[1:] = np.cumsum([len(self._candidates[f]) for f in folds])
        members = np.fromiter((i for f in folds for i in self._candidates[f]), np.int32, int(ptr[-1]))
        text = json.dumps({"vocab": self.vocab, "folds": folds}, ensure_ascii=False)
        with open(path, "wb") as fh:
            np.savez(fh, text=np.frombuffer(text.encode("utf-8"), dtype=np.uint8),
                     group_ptr=ptr, group_ids=members, **self._tables)

    @classmethod
    def load(cls, path) -> "AccentModel":
        with np.load(Path(path), allow_pickle=False) as z:
            text = json.loads(z["text"].tobytes().decode("utf-8"))
            ptr = z["group_ptr"].tolist()
            members = z["group_ids"].tolist()
            groups = {f: tuple(members[ptr[k] : ptr[k + 1]]) for k, f in enumerate(text["folds"])}
            tables = {k: z[k] for k in z.files if k not in ("text", "group_ptr", "group_ids")}
        return cls(text["vocab"], groups, tables)

    # --- restoration --------------------------------------------------------

    def _restore(self, query: str) -> str | None:
        """The query with accents restored, or None if there is nothing to add
        (``restore``, memoized).

        Only syllables typed without diacritics change; accented ones, numbers,
        punctuation and words the index never saw stay as typed, and each
        restored word keeps the typed word's capitals.
        """
        tokens = list(syllables(query))
        if not tokens:
            return None
        cuts = [k for k in range(1, len(tokens)) if tokens[k][3]]
        bounds = [0, *cuts, len(tokens)]
        restored: list[str] = []
        for lo, hi in zip(bounds, bounds[1:]):
            ends = hi < len(tokens) or bool(query[tokens[-1][2]:].strip())
            restored += self.restore_words([t[0] for t in tokens[lo:hi]],
                                           starts=bool(tokens[lo][3]), ends=ends)
        out, last = [], 0
        for (word, s, e, _before), new in zip(tokens, restored):
            new = _recase(new, word)
            if new != word and not has_diacritics(word) and _has_letter(word):
                out += [query[last:s], new]
                last = e
        if not out:
            return None
        return "".join(out) + query[last:]

    def restore_words(self, folded_syllables: list[str], starts: bool = False,
                      ends: bool = False) -> list[str]:
        """Best accented form (lower-case) for each syllable of one clause.

        ``starts``/``ends``: the syllables begin/end a sentence or clause
        (punctuation there). A query usually does neither: it is a phrase
        lifted from the middle of text, and sentence-edge statistics would
        only mislead (measured: 6-syllable pieces of sentences restore better
        with open edges). Syllables with diacritics, numbers and unknown
        syllables come back lower-cased but otherwise as given.
        """
        lowered = [w.lower() for w in folded_syllables]
        cands, free = [], []
        for w in lowered:
            if not _has_letter(w):
                cands.append((NUM,))
            elif has_diacritics(w):
                cands.append((self._id.get(canonical_tones(w), UNK),))
            else:
                group = self._candidates.get(w)
                if group is None:
                    cands.append((UNK,))
                else:
                    cands.append(group)
                    free.append(len(cands) - 1)
        if not free:
            return lowered
        best = self._viterbi([np.array(c, dtype=np.int64) for c in cands], starts, ends)
        out = list(lowered)
        for k in free:
            out[k] = self.vocab[best[k]]
        return out

    def most_frequent(self, folded: str) -> str:
        """The commonest accented form of one folded syllable (a baseline)."""
        group = self._candidates.get(folded.lower())
        if not group:
            return folded.lower()
        return self.vocab[max(group, key=lambda i: self._unigrams[i])]

    # --- scoring ------------------------------------------------------------

    def _viterbi(self, cands: list[np.ndarray], starts: bool, ends: bool) -> list[int]:
        """The best id per position; states are (previous, current) pairs.

        Interpolated Kneser-Ney, with each order's discounted share stored
        ready-made: P(c|ab) = alpha3(abc) + gamma(ab) * (alpha2(bc) + gamma(b) * p1(c)).
        """
        # <unk> as history has no n-grams: the first syllables fall back to
        # their own frequency, as at an open edge they should.
        start = np.array([BOS if starts else UNK])
        seq = [start, start, *cands] + ([np.array([EOS])] if ends else [])
        delta = np.zeros((1, 1))
        gamma_ab = np.ones((1, 1))
        backs = []
        for t in range(2, len(seq)):
            a, b, c = seq[t - 2], seq[t - 1], seq[t]
            at, found = _find(self._bi_keys, (b[:, None] << _BITS) | c[None, :])
            p1 = self._p_open[c] if t == 2 and not starts else self._p1[c]
            p2 = np.where(found, self._bi_alpha[at], 0) + self._mid_gamma[b][:, None] * p1
            p3 = gamma_ab[:, :, None] * p2
            if (gamma_ab < 1).any():  # some context (a, b) has trigrams at all
                keys = (a[:, None, None] << (2 * _BITS)) | (b[None, :, None] << _BITS) | c
                at3, found3 = _find(self._tri_keys, keys)
                p3 += np.where(found3, self._tri_alpha[at3], 0)
            total = delta[:, :, None] + np.log(p3)
            backs.append(total.argmax(axis=0))
            delta = total.max(axis=0)
            # this step's (b, c) pairs are the next step's contexts
            gamma_ab = np.where(found, self._bi_gamma[at], 1.0)
        j, k = (int(x) for x in np.unravel_index(int(delta.argmax()), delta.shape))
        picks = [0] * len(seq)
        for t in range(len(seq) - 1, 1, -1):
            picks[t] = k
            j, k = int(backs[t - 2][j, k]), j
        return [int(seq[t][picks[t]]) for t in range(2, 2 + len(cands))]


def pyvi_compounds() -> list[str]:
    """The multi-syllable words of pyvi's dictionary (``models/words.txt``,
    shipped in pyvi's wheel under its MIT licence; ~25,000 compounds).

    Counted after the index's text (``min_count`` times, without ``<s>``),
    they give the pairs of a Vietnamese word that the index never happens to
    put side by side; the unigram level and ``most_frequent`` stay the
    texts' own. On bench/restore_accuracy.py (UIT-ViQuAD dev, trained on the
    even passages + seeds, same machine and run): word accuracy on sentences
    92.76% -> 94.03%, on 6-syllable queries 90.80% -> 91.83% (94.13 / 91.91
    before the pairs only it has were halved, see _kneser_ney); 25,229 ->
    38,798 bigrams, 39,031 -> 54,265 trigrams, file 1.03 -> 1.43 MB, 1.82 ->
    2.22 MB in memory once loaded, load 16-30 ms either way, training 0.17 ->
    0.27 s. Tried and not kept (sentence accuracy, measured with the
    compounds counted with ``<s>`` and in the unigram level, 93.83%):
    counting them 2x / 4x (93.40 / 93.49; 93.55 with 2x in the kept
    version), adding their syllables the texts lack (94.07, but a suggestion
    would then use forms the index does not have), modified Kneser-Ney with
    three discounts (93.77), a fixed discount of 0.5 / 0.85 / 0.95 (93.87 /
    94.08 / 93.92, with the unknown syllables), raw frequency as the lowest
    order (93.41), a bonus for seen skip-pairs a _ c (+0.02 at best), another
    backoff floor (no change), and pyvi's own CRF restorer ViDiac (78.7%
    alone). The learning curve (--curve) is steep: in-domain text is what
    helps most.
    """
    spec = importlib.util.find_spec("pyvi")
    if spec is None or not spec.submodule_search_locations:
        return []
    path = Path(next(iter(spec.submodule_search_locations))) / "models" / "words.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return [w.strip() for w in lines if " " in w.strip()]


def _discount(counts: np.ndarray) -> float:
    n1, n2 = int((counts == 1).sum()), int((counts == 2).sum())
    return min(max(n1 / (n1 + 2 * n2), 0.1), 0.9) if n1 + n2 else 0.75


def _kneser_ney(uni, bigrams, trigrams, min_count: int, unigram_from) -> dict[str, np.ndarray]:
    """The arrays interpolated Kneser-Ney needs, after pruning.

    Continuation counts and context totals are taken before pruning, and each
    context's backoff weight is what its kept n-grams leave over, so pruning
    moves probability to the lower order instead of losing it.
    """
    v = len(uni)
    bi_keys, bi_counts = bigrams
    tri_keys, tri_counts = trigrams
    d3 = _discount(tri_counts)
    # N1+(. b c): distinct left neighbours; after <s> there are none, so raw counts.
    suffix, left = np.unique(tri_keys & ((1 << 2 * _BITS) - 1), return_counts=True)
    cont = np.zeros(len(bi_keys), dtype=np.int64)
    cont[np.searchsorted(bi_keys, suffix)] = left
    first = bi_keys >> _BITS
    cont = np.where(first == BOS, bi_counts, cont)
    d2 = _discount(cont)
    # N1+(. c) over ``unigram_from``'s bigram keys
    cont1 = np.bincount(unigram_from & _MAX_ID, minlength=v)
    mid_total = np.bincount(first, weights=cont, minlength=v)

    # A lexicon compound's start (after the previous one's </s>) was one left
    # neighbour above; there is no bigram (</s>, a) to hold such a context.
    keep = (tri_counts >= min_count) & ((tri_keys >> (2 * _BITS)) != EOS)
    tri_keys, tri_counts = tri_keys[keep], tri_counts[keep]
    keep = bi_counts >= min_count
    bi_keys, bi_raw, cont, first = bi_keys[keep], bi_counts[keep], cont[keep], first[keep]

    context, starts = np.unique(tri_keys >> _BITS, return_index=True)
    at = np.searchsorted(bi_keys, context)
    share = np.maximum(tri_counts - d3, 0)
    kept = np.add.reduceat(share, starts) if len(starts) else np.zeros(0)
    bi_gamma = np.ones(len(bi_keys))
    bi_gamma[at] = 1 - kept / bi_raw[at]
    tri_alpha = share / np.repeat(bi_raw[at], np.diff(np.append(starts, len(tri_keys))))
    share2 = np.maximum(cont - d2, 0)
    bi_alpha = share2 / np.maximum(mid_total[first], 1)
    kept2 = np.bincount(first, weights=share2, minlength=v)
    mid_gamma = np.where(mid_total > 0, 1 - kept2 / np.maximum(mid_total, 1), 1.0)
    # Pairs only a lexicon has keep half their share; the rest goes back to
    # the unigram level (the texts'), so that a dictionary's "dân tình" does
    # not beat the seeds' many "tỉnh" after "dân" (tests/test_web.py). Word
    # accuracy on sentences by that weight: 1: 94.13%, 0.7: 94.07, 0.5: 94.03,
    # 0.2: 93.68; "dân tỉnh" from 0.7 down.
    lex_only = ~np.isin(bi_keys, unigram_from)
    moved = (1 - _LEXICON_WEIGHT) * bi_alpha * lex_only
    bi_alpha = bi_alpha - moved
    mid_gamma = mid_gamma + np.bincount(first, weights=moved, minlength=v)
    return {
        "unigrams": np.asarray(uni, dtype=np.int64),
        "p1": np.maximum(cont1, 0.5) / max(int(cont1.sum()), 1),
        "mid_gamma": mid_gamma.astype(np.float32),
        "bi_keys": bi_keys.astype(np.int64),
        "bi_alpha": bi_alpha.astype(np.float32),
        "bi_gamma": np.maximum(bi_gamma, _GAMMA_FLOOR).astype(np.float32),
        "tri_keys": tri_keys.astype(np.int64),
        "tri_alpha": tri_alpha.astype(np.float32),
    }


def _find(keys: np.ndarray, query: np.ndarray):
    """``(at, found)``: where each of ``query``'s keys sits in ``keys``, same shape."""
    if len(keys) == 0:
        zero = np.zeros(query.shape, dtype=np.int64)
        return zero, zero.astype(bool)
    at = np.searchsorted(keys, query)
    at[at == len(keys)] = 0
    return at, keys[at] == query


def _recase(new: str, typed: str) -> str:
    """``new`` with ``typed``'s capitals (letter by letter when they align)."""
    if typed.islower() or not any(c.isupper() for c in typed):
        return new
    if len(new) == len(typed):
        return "".join(n.upper() if t.isupper() else n for n, t in zip(new, typed))
    if typed.isupper():
        return new.upper()
    return new[:1].upper() + new[1:]
