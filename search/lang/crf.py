"""pyvi's CRF, tagged in Python with the model's own weights, bit for bit.

crfsuite (through pycrfsuite) tags a sentence by looking every attribute
string up in its attribute database, summing each label's state weights in
the order of the token's attributes, and running Viterbi over those scores
and the label-to-label transition weights. Half the time was spent handing
crfsuite the strings: ~15 attributes a token, 115 tokens a paragraph, built
as lists and converted one by one (0.25 ms a paragraph of tagging, 0.05-0.25
of building the lists, about as much as pyvi's share of the limit).

Here a token's attributes depend on its window of five tokens only
(``segment._window_features``), so their summed state scores are computed
once per window and remembered: a paragraph costs a dict look-up and two
additions and comparisons a token. The sums are made in the same order with
the same doubles as crfsuite's ``crf1dt_state_score`` (start at 0.0, add each
attribute's weight for the label in the item's order; an attribute without a
feature for a label adds nothing), and Viterbi breaks ties as
``crf1dc_viterbi`` does (the first label wins), so the labels are crfsuite's:
tests/test_crf.py compares them over real paragraphs and random sequences.

The weights are read from the model file's bytes (crfsuite's ``crf1dm``
format: a header, the features chunk, the labels' and attributes' string
databases), not from ``Tagger.info()``, which prints weights to six decimals.
"""

from __future__ import annotations

import struct

_HEADER = struct.Struct("<4sI4sIIIIIIIII")
_FEATURE = struct.Struct("<IIId")
_STATE, _TRANSITION = 0, 1


class Model:
    """A two-or-more-label linear-chain CRF: ``labels``, ``weights`` (attribute
    string -> one weight a label, 0.0 where it has no feature) and
    ``transitions[i][j]`` (from label i to label j)."""

    def __init__(self, data: bytes):
        (magic, _, kind, _, _, labels_n, attrs_n, off_features, off_labels, off_attrs,
         _, _) = _HEADER.unpack_from(data, 0)
        if magic != b"lCRF" or kind != b"FOMC":
            raise ValueError("not a crfsuite CRF1d model")
        self.labels = _strings(data, off_labels, labels_n)
        attrs = _strings(data, off_attrs, attrs_n)
        chunk, _, count = struct.unpack_from("<4sII", data, off_features)
        if chunk != b"FEAT":
            raise ValueError("no features chunk")
        n = len(self.labels)
        rows = [[0.0] * n for _ in range(attrs_n)]
        self.transitions = [[0.0] * n for _ in range(n)]
        for kind, src, dst, weight in _FEATURE.iter_unpack(data[off_features + 12:
                                                              off_features + 12 + count * 20]):
            if kind == _STATE:
                rows[src][dst] = weight
            elif kind == _TRANSITION:
                self.transitions[src][dst] = weight
            else:
                raise ValueError(f"feature type {kind}")
        self.weights = {a: tuple(r) for a, r in zip(attrs, rows)}

    def state(self, attributes) -> tuple[float, ...]:
        """Each label's state score for a token with ``attributes`` (strings,
        each weighing 1.0), summed as crfsuite sums them."""
        weights, n = self.weights, len(self.labels)
        scores = [0.0] * n
        for a in attributes:
            w = weights.get(a)
            if w is not None:
                for label in range(n):
                    scores[label] += w[label]
        return tuple(scores)

    def present(self, attributes) -> tuple[tuple[float, ...], ...]:
        """The weights of those of ``attributes`` the model knows, in order."""
        weights = self.weights
        return tuple(weights[a] for a in attributes if a in weights)

    def viterbi(self, states: list[tuple[float, ...]]) -> list[str]:
        """The best labels for a sequence of state scores (crf1dc_viterbi)."""
        if len(self.labels) != 2:
            return self._viterbi(states)
        (t00, t01), (t10, t11) = self.transitions
        p0, p1 = states[0]
        back = []
        for s0, s1 in states[1:]:
            # (t, 0) from (t-1, 0) unless (t-1, 1) is strictly better; same for (t, 1).
            a, b = p0 + t00, p1 + t10
            c, d = p0 + t01, p1 + t11
            b0, b1 = a < b, c < d
            p0 = (b if b0 else a) + s0
            p1 = (d if b1 else c) + s1
            back.append((b0, b1))
        label = 1 if p0 < p1 else 0
        out = [label]
        for edges in reversed(back):
            label = 1 if edges[label] else 0
            out.append(label)
        names = self.labels
        return [names[k] for k in reversed(out)]

    def _viterbi(self, states):
        trans, n = self.transitions, len(self.labels)
        prev = list(states[0])
        back = []
        for state in states[1:]:
            cur, edges = [], []
            for j in range(n):
                best, arg = None, 0
                for i in range(n):
                    score = prev[i] + trans[i][j]
                    if best is None or best < score:
                        best, arg = score, i
                cur.append(best + state[j])
                edges.append(arg)
            prev = cur
            back.append(edges)
        label, best = 0, None
        for i in range(n):
            if best is None or best < prev[i]:
                best, label = prev[i], i
        out = [label]
        for edges in reversed(back):
            label = edges[label]
            out.append(label)
        return [self.labels[k] for k in reversed(out)]


def _strings(data: bytes, offset: int, count: int) -> list[str]:
    """A CQDB string database's keys by id (its backward array: for each id
    the offset of ``id, key size, key with its NUL``)."""
    chunk, _, _, _, bwd_size, bwd_offset = struct.unpack_from("<4sIIIII", data, offset)
    if chunk != b"CQDB" or bwd_size < count:
        raise ValueError("bad string database")
    out = []
    for k, at in enumerate(struct.unpack_from(f"<{count}I", data, offset + bwd_offset)):
        ident, size = struct.unpack_from("<II", data, offset + at)
        if ident != k:
            raise ValueError("bad string database")
        out.append(data[offset + at + 8:offset + at + 8 + size - 1].decode("utf-8"))
    return out
