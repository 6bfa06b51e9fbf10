"""Queries typed wrong, at scale: what the corrections cost and whether they
find what the query typed right finds.

    .venv/bin/python bench/typos.py                      # 100,000 paragraphs (make bench-typos)
    .venv/bin/python bench/typos.py --paragraphs 20000
    .venv/bin/python bench/typos.py --index DIR          # an index already built

For each query of bench/scale.py's mix, variants a person makes: one letter
dropped, two neighbours swapped, one letter doubled (in the longest word),
and the whole query typed with Telex or VNI keys left in (the input method
off). Each variant and its clean query are searched in turns (clean, typo,
clean, typo...) so both see the same machine; reports p50/p95 of each and
their ratio, and how often the variant's first result is the clean query's
first result (and in its top 10). A benchmark, not a test: nothing here
asserts a speed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from make_corpus import built_index  # noqa: E402
from scale import QUERIES, percentiles  # noqa: E402

from search import Engine  # noqa: E402

# Telex and VNI keys for each mark, and for each letter with a hat or horn.
_TONES = {"\u0301": ("s", "1"), "\u0300": ("f", "2"), "\u0309": ("r", "3"), "\u0303": ("x", "4"),
          "\u0323": ("j", "5")}
_LETTERS = {"â": ("aa", "a6"), "ê": ("ee", "e6"), "ô": ("oo", "o6"), "ă": ("aw", "a8"),
            "ơ": ("ow", "o7"), "ư": ("uw", "u7"), "đ": ("dd", "d9")}


def keyed(word: str, vni: bool) -> str:
    """``word`` as typed with the keyboard's keys left in: letters first, the
    tone's key at the end of the word (``hội`` -> ``hooij``, ``ho65i``... the
    end is where most people type it)."""
    tone = ""
    out = []
    for ch in unicodedata.normalize("NFD", word):
        if ch in _TONES:
            tone = _TONES[ch][vni]
        else:
            out.append(ch)
    base = unicodedata.normalize("NFC", "".join(out))
    letters = "".join(_LETTERS[c.lower()][vni].upper() if c.lower() in _LETTERS and c.isupper()
                      else _LETTERS[c][vni] if c in _LETTERS else c for c in base)
    return letters + tone


def variants(query: str) -> dict[str, str]:
    words = query.split()
    i = max(range(len(words)), key=lambda k: len(words[k]))
    w = words[i]
    out = {}
    if len(w) >= 4:
        mid = len(w) // 2
        out["drop"] = w[:mid] + w[mid + 1:]
        out["swap"] = w[:mid - 1] + w[mid] + w[mid - 1] + w[mid + 1:]
        out["double"] = w[:mid] + w[mid] + w[mid:]
    typed = {k: " ".join(words[:i] + [v] + words[i + 1:]) for k, v in out.items()}
    if any(c in _TONES for c in unicodedata.normalize("NFD", query)) or any(c in _LETTERS for c in query.lower()):
        typed["telex"] = " ".join(keyed(x, False) for x in words)
        typed["vni"] = " ".join(keyed(x, True) for x in words)
    return typed


def first_ids(engine: Engine, q: str) -> tuple[list, float]:
    start = time.perf_counter()
    hits = engine.search(q, limit=10)["hits"]
    ms = (time.perf_counter() - start) * 1000
    return [(h["doc_id"], h["paragraph"]) for h in hits], ms


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--paragraphs", type=int, default=100_000)
    ap.add_argument("--index", type=Path)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    index = built_index(args.paragraphs, args.index)
    engine = Engine(index)
    engine.warm()
    print(f"index {index}: {engine.manifest['paragraphs']} paragraphs")

    # Plain words only: quotes, signs and codes are not typed by hand wrong.
    plain = [q for q in QUERIES if all(w.isalpha() for w in q.split())]
    pairs = [(q, kind, v) for q in plain for kind, v in variants(q).items()]
    clean_ms, typo_ms = {}, {}
    top1 = {}
    top10 = {}
    for _ in range(args.rounds):
        for q, kind, v in pairs:
            want, a = first_ids(engine, q)
            got, b = first_ids(engine, v)
            clean_ms.setdefault(kind, []).append(a)
            typo_ms.setdefault(kind, []).append(b)
            if want:
                top1.setdefault(kind, []).append(bool(got) and got[0] == want[0])
                top10.setdefault(kind, []).append(want[0] in got)
    print(f"{len(pairs)} typed-wrong queries x {args.rounds} rounds, each after its clean form:")
    print(f"{'kind':8} {'n':>4} {'clean p50':>10} {'typo p50':>9} {'ratio':>6} {'clean p95':>10} "
          f"{'typo p95':>9} {'same 1st':>9} {'1st in top10':>12}")
    for kind in clean_ms:
        c, t = percentiles(clean_ms[kind]), percentiles(typo_ms[kind])
        k = len(clean_ms[kind]) // args.rounds
        same = statistics.mean(top1[kind]) if top1.get(kind) else float("nan")
        within = statistics.mean(top10[kind]) if top10.get(kind) else float("nan")
        print(f"{kind:8} {k:>4} {c[50]:>8.1f}ms {t[50]:>7.1f}ms {t[50] / c[50]:>6.2f} {c[95]:>8.1f}ms "
              f"{t[95]:>7.1f}ms {same:>9.0%} {within:>12.0%}")
    for q, kind, v in pairs[:6]:
        r = engine.search(v, limit=1)
        print(f"  {v!r} ({kind} of {q!r}): decoded={r.get('decoded')!r} corrected={r.get('corrected')!r}")


if __name__ == "__main__":
    main()
