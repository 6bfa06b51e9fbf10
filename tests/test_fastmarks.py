"""The fast marks (search/query/fastmarks.py) are the reference's, byte for
byte: the same (start, end, groups) for every paragraph and query, so the
same spans and fragments in every snippet (issue 15: a distinct request's
ten hits without scanning their paragraphs)."""

from __future__ import annotations

import os
import random
import unicodedata

import pytest

from search.lang import tokens
from search.query import fastmarks, highlight
from search.query.parse import parse_query

from conftest import SEEDS

QUERIES = [
    # accented, bare, half accented
    "Tỉnh ủy Thái Nguyên", "tinh uy thai nguyen", "tỉnh uy Thái nguyen", "nghị quyết", "nghi quyet",
    "Nghị Quyết", "NGHỊ QUYẾT", "Đảng bộ", "dang bo", "đảng", "ban chấp hành", "ban chap hanh",
    # i/y spellings and tone placement
    "sĩ", "sỹ", "si", "sy", "bác sĩ", "bác sỹ", "kỹ thuật", "kĩ thuật", "quý", "quí", "lý luận", "lí luận",
    "ủy ban", "uỷ ban", "Ủy", "hòa bình", "hoà bình", "thủy lợi", "thuỷ lợi", "Mỹ", "mĩ",
    # phrases, abbreviations, numbers, codes
    '"ban chấp hành"', '"nghị quyết số"', '"uy ban nhan dan"', "UBND", "HĐND", "BCH", "TW", "NQ/TW",
    "13,4%", "13,4", "13", "4", "2024", "năm 2024", "05-CT/TW", "05", "CT", "1.000.000", "lần thứ tám",
    "lần thứ 8", "số 05", "5-CT/TW", "km", "1.5", "5km",
    # a word typed twice, words in another order, question words, exclusions
    "nghị nghị", "quyết nghị", "ai là", "bao nhiêu", "nghị quyết -tỉnh", "tỉnh tỉnh ủy",
    # odd input
    "a", "y", "i", "đ", "x", "æ", "²", "1", "_", "nghị_quyết",
]


def _same(text: str, query: str) -> list:
    parsed = parse_query(query)
    groups, runs = parsed.positive, parsed.runs
    want = highlight.reference_marks(text, groups, runs)
    got = highlight.marks(text, groups, runs)
    assert got == want, (text[:200], query)
    assert highlight.snippet(text, groups, runs=runs) == _reference_snippet(text, groups, runs), (text[:200], query)
    return got


def _reference_snippet(text, groups, runs):
    found = highlight.reference_marks(text, groups, runs)
    spans = [(s, e) for s, e, _ in found]
    start, end = highlight._window(text, spans, highlight.SNIPPET_CHARS, [ks for _, _, ks in found])
    return {"spans": [list(s) for s in spans], "fragment": [start, end]}


def _seed_paragraphs() -> list[str]:
    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        out.append(text)  # a whole document: a very long paragraph
        out += [line for line in text.splitlines() if line.strip()]
    return out


def _seed_words() -> list[str]:
    return [w for p in _seed_paragraphs()[:5] for w in p.split()]


def test_every_seed_paragraph_gets_the_reference_marks_for_many_queries():
    paragraphs = _seed_paragraphs()
    rnd = random.Random(15)
    words = _seed_words()
    queries = QUERIES + [" ".join(words[i:i + rnd.randint(1, 4)])
                         for i in rnd.sample(range(len(words) - 4), 150)]
    marked = 0
    for text in paragraphs:
        for query in rnd.sample(queries, 25) + QUERIES[:8]:
            marked += bool(_same(text, query))
    assert marked > 500  # the queries do find things


def test_queries_bent_the_ways_people_type_them_get_the_reference_marks():
    rnd = random.Random(7)
    paragraphs = [p for p in _seed_paragraphs() if len(p) < 5_000]
    from search.lang.text import fold
    swaps = [("ủy", "uỷ"), ("òa", "oà"), ("sĩ", "sỹ"), ("kỹ", "kĩ"), ("ý", "í")]
    for _ in range(1500):
        text = rnd.choice(paragraphs)
        words = text.split()
        if not words:
            continue
        k = rnd.randint(1, 4)
        at = rnd.randrange(max(1, len(words) - k + 1))
        q = " ".join(words[at:at + k])
        how = rnd.randrange(7)
        if how == 1:
            q = fold(q)
        elif how == 2:
            q = " ".join(w if rnd.random() < 0.5 else fold(w) for w in q.split())
        elif how == 3:
            for a, b in swaps:
                q = q.replace(a, b)
        elif how == 4:
            q = f'"{q}"'
        elif how == 5:
            q = f"{q} {q.split()[0]}"
        elif how == 6:
            q = q.upper()
        _same(text, q)


# Characters and pieces where the tokenizer's edge cases are: numbers and their
# separators, a digit before a letter (1.5km: 1.5 and km), underscores,
# letters that fold to two (æ, х), ² (a letter folding to a digit), no-break
# and zero-width spaces, combining accents (not NFC), a character past the
# Basic Multilingual Plane, other scripts.
PIECES = ["nghị", "quyết", "Nghị", "sĩ", "sỹ", "Sĩ", "SỸ", "ủy", "uỷ", "Ủy", "ban", "nhân", "dân", "1", "13",
          "4", "05", "2024", ",", ".", "-", "/", "%", "CT", "TW", "a", "km", "²", "æ", "_", "1.5", "y", "i",
          "kỹ", "kĩ", "quý", "quí", "hoà", "hòa", "đ", "Đ", "x", "х", "Ⅻ", "北", "ō", "(", "“", "”", "…",
          "ỳ", "Ỷ", "hi", "ty", "mỹ", "mĩ", "quy", "qúy", "1,5", "2.000", "05-CT/TW", "UBND", "Ủy Ban", "kì", "kỳ"]
SEPARATORS = [" ", " ", " ", "", "", ", ", ". ", "-", "/", "\u00a0", "\u200b", "  ", "\n", "\t"]


def _random_text(rnd: random.Random, n: int) -> str:
    return "".join(rnd.choice(PIECES) + rnd.choice(SEPARATORS) for _ in range(n))


def test_random_texts_of_the_tokenizers_edge_cases_get_the_reference_marks():
    # FASTMARKS_FUZZ=120000 for a longer run (bench/fastmarks.py covers a corpus).
    rnd = random.Random(int(os.environ.get("FASTMARKS_SEED", "1971")))
    # Not NFC; past the BMP; a lone combining mark; no-break space; ² (folds to a digit).
    odd = ["e\u0301", "\U0001d7d9", "\u0301", "\u00a0", "²"]
    for i in range(int(os.environ.get("FASTMARKS_FUZZ", "3000"))):
        text = _random_text(rnd, rnd.choice([1, 3, 8, 30, 120]))
        if i % 10 == 0:
            at = rnd.randrange(len(text) + 1)
            text = text[:at] + rnd.choice(odd) + text[at:]
        query = " ".join(rnd.choice(PIECES) + rnd.choice(["", " ", "-", ",", "/"])
                         for _ in range(rnd.randint(1, 3)))
        if rnd.random() < 0.2:
            query = rnd.choice(QUERIES)
        _same(text, query)


def test_the_usual_paragraph_is_marked_without_scanning_it(monkeypatch):
    scans = []
    real = tokens._scan
    monkeypatch.setattr(tokens, "_scan", lambda value: scans.append(value) or real(value))
    text = ("Văn phòng Tỉnh ủy Thái Nguyên và Ban Chấp hành Đảng bộ tỉnh ban hành Nghị quyết "
            "số 05-NQ/TU về phát triển kinh tế, tăng trưởng 13,4% năm 2024; ông Nguyễn Văn A, "
            "bác sỹ, Ủy viên Ban Thường vụ, kỹ sư.")
    queries = ["Tỉnh ủy Thái Nguyên", "nghi quyet", "bác sĩ", "ky su", "uỷ viên", '"ban chấp hành"',
               "tăng trưởng 13,4%", "05-NQ/TU", "UBND"]
    parsed = [parse_query(q) for q in queries]  # parsing scans the query, not the paragraph
    scans.clear()
    found = [highlight.marks(text, p.positive, p.runs) for p in parsed]
    assert [text[s:e] for s, e, _ in found[0]] == ["Tỉnh ủy Thái Nguyên"]
    assert [text[s:e] for s, e, _ in found[2]] == ["bác sỹ"]
    assert all(found[:8]) and not found[8]  # (no ủy ban nhân dân in it)
    assert text not in scans  # the reference scanned it once for every query


def test_what_the_fast_way_cannot_tell_goes_to_the_reference():
    groups = parse_query("nghị quyết").positive
    # Not NFC (an accent typed apart), a zero-width space, a letter folding to two.
    # A lone surrogate (no UTF-32 for it).
    for text in ["Nghi\u0323 quyê\u0301t", "nghị\u200b quyết", "nghị quyết æ", "nghị quyết \U0001d7d9",
                 "nghị quyết \ud800"]:
        assert fastmarks.marks(text, groups) is None
        assert highlight.marks(text, groups) == highlight.reference_marks(text, groups)
    nfc = unicodedata.normalize("NFC", "Nghi\u0323 quyê\u0301t")
    assert fastmarks.marks(nfc, groups) == highlight.reference_marks(nfc, groups) == [(0, 10, frozenset({0}))]
    # A combining mark no letter takes is NFC, yet with a no-break space
    # about, the reference's offsets take it in with its letter.
    for text in ["quí\u0301\u00a0uỷ", "quí\u0301 uỷ"]:
        parsed = parse_query("quí uỷ")
        assert fastmarks.marks(text, parsed.positive, parsed.runs) is None
        assert (highlight.marks(text, parsed.positive, parsed.runs)
                == highlight.reference_marks(text, parsed.positive, parsed.runs))
    # A no-break space is white space either way: marked the fast way.
    assert fastmarks.marks("nghị\u00a0quyết", groups) == highlight.reference_marks("nghị\u00a0quyết", groups)
    assert fastmarks.marks("nghị\u00a0quyết", groups) is not None


@pytest.mark.parametrize("text, query, marked", [
    ("tăng 1.5km và 5km, 1.5 km", "km", ["km", "km"]),   # 1.5km is 1.5 and km; 5km is one word
    ("tăng 1.5km và 5km", "5km", ["5km"]),
    ("a1b a1 b", "b", ["b"]),
    ("x 1.2020 và 1,2020 a1.2020", "2020", ["2020"]),         # inside a number no, after a word's dot yes
    ("13,4% và 13,4 và 113,45", "13,4", ["13,4", "13,4"]),
    ("nghị nghị nghị", '"nghị nghị"', ["nghị nghị nghị"]),    # overlapping matches are one
    ("nghị_quyết nghị quyết", "nghị", ["nghị", "nghị"]),
    ("13 13 13, 1.5km nghị nghị nghị", '"13 13"', ["13 13 13"]),     # found by regexes: overlapping too
    ("1.5km nghị nghị nghị", '"nghị nghị"', ["nghị nghị nghị"]),
    ("1.5km", "km 1.5", ["1.5", "km"]),                              # next to each other, not one mark
    ("1.5km", "1.5 km", ["1.5km"]),
    ("1.5² và ² và km²", "²", ["²", "²"]),                            # ² folds to 2: a word, not a digit
])
def test_the_tokenizers_edge_cases(text, query, marked):
    got = _same(text, query)
    assert [text[s:e] for s, e, _ in got] == marked


def test_the_same_groups_with_other_runs_are_joined_by_their_own_runs():
    # The searches and adjacencies of the last query are kept for the next
    # paragraph: only for the same groups and the same runs.
    text = "Tỉnh ủy Thái Nguyên"
    parsed = parse_query("tỉnh ủy thái nguyên")
    groups = parsed.positive
    joined = highlight.marks(text, groups, parsed.runs)
    apart = [(("tỉnh", ""), ("ủy", "")), (("thái", ""),), (("nguyên", ""),)]
    assert highlight.marks(text, groups, apart) == highlight.reference_marks(text, groups, apart) != joined
    runs = list(parsed.runs)
    assert highlight.marks(text, groups, runs) == joined
    runs[0] = apart[0]  # changed in place
    assert highlight.marks(text, groups, runs) == highlight.reference_marks(text, groups, runs) != joined
