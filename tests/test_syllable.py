"""The one syllable grammar (search/lang/syllable.py) and its three readings.

The expected answers are those of the three implementations it replaced
(tone placement in text.py, ``is_syllable`` in legacy.py, the ``_SYLLABLE``
regex of formats.py), taken on every word of the seeds and on the words below.
"""

import re
from pathlib import Path

import pytest

from search.lang.numerals import roman
from search.lang.syllable import is_syllable, place_tone, unmarked_syllable
from search.lang.text import canonical_tones, fold

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

TRICKY = [
    # word, is_syllable, unmarked_syllable(fold(word)), canonical, modern
    ("quốc", True, True, "quốc", "quốc"),
    ("giữa", True, True, "giữa", "giữa"),
    ("khuya", True, True, "khuya", "khuya"),
    ("nghiêng", True, True, "nghiêng", "nghiêng"),
    ("gì", True, True, "gì", "gì"),
    ("café", False, False, "café", "café"),
    ("GRDP", False, False, "GRDP", "GRDP"),
    ("Covid", False, False, "Covid", "Covid"),
    ("xyz", False, False, "xyz", "xyz"),
    ("giêng", True, True, "giêng", "giêng"),  # g + iê + ng, not gi + ê + ng
    ("gìn", True, True, "gìn", "gìn"),
    ("boong", True, True, "boong", "boong"),
    ("thuở", True, True, "thuở", "thuở"),
    ("khuâ", False, True, "khuâ", "khuâ"),  # "uâ" needs a final; unmarked, only the shape is asked
    ("đ", False, False, "đ", "đ"),
    ("Wò", False, False, "Wò", "Wò"),  # a name's w: not a syllable, its mark still placed
    ("uỷ", True, True, "ủy", "uỷ"),
    ("hoà", True, True, "hòa", "hoà"),
    ("thuý", True, True, "thúy", "thuý"),
]


@pytest.mark.parametrize("word,syllable,shape,canonical,modern", TRICKY, ids=[t[0] for t in TRICKY])
def test_tricky_words(word, syllable, shape, canonical, modern):
    assert is_syllable(word) is syllable
    assert unmarked_syllable(fold(word)) is shape
    assert (canonical_tones(word), canonical_tones(word, modern=True)) == (canonical, modern)
    assert place_tone(word) == canonical


def seed_words() -> set[str]:
    return {w for p in SEEDS.glob("*.txt")
            for w in re.findall(r"[^\W\d_]+", p.read_text(encoding="utf-8"))}


# Of the seeds' 990 words, these are all that is_syllable refuses.
NOT_SYLLABLES = """
    ATK BCH BSR BĐS CBNV CP CT CTCP Calgary Canada CoV Covid EVN GAS GRDP Glory Grand
    HANOI HCM Heights HĐND HĐTV II KHVATEC KL LSO MT MTTQ NEKO NLĐ NMNĐ NĐT ODA OF ONECMS
    POWERED PRODUCT PV Park Petrovietnam QĐ SARS TKV TN TNMT TP TT TW UBND USD VHDN
    VinFast WPC X XII XIII XIV XV XX anthracite clip video view xix ĐBQH
""".split()
# Of their ASCII words in lower case, these are all that lack a syllable's shape.
NOT_SHAPED = """
    anthracite atk bch bsr calgary canada cbnv clip cov covid cp ct ctcp evn gas glory
    grand grdp hanoi hcm heights khvatec kl lso mt mttq neko oda of onecms park
    petrovietnam powered product pv sars tkv tn tnmt tp tt tw ubnd usd vhdn video view
    vinfast wpc x xiv xix xv xx
""".split()
# And these are all the words whose tone mark moves (default, modern).
MOVED = {"Hoà": ("Hòa", "Hoà"), "Hòa": ("Hòa", "Hoà"), "Hóa": ("Hóa", "Hoá"),
         "Thụy": ("Thụy", "Thuỵ"), "Uỷ": ("Ủy", "Uỷ"), "hòa": ("hòa", "hoà"),
         "hóa": ("hóa", "hoá"), "khóa": ("khóa", "khoá"), "khỏe": ("khỏe", "khoẻ"),
         "thỏa": ("thỏa", "thoả"), "thủy": ("thủy", "thuỷ"), "tỏa": ("tỏa", "toả"),
         "uỷ": ("ủy", "uỷ"), "Ủy": ("Ủy", "Uỷ"), "ủy": ("ủy", "uỷ")}


def test_every_seed_word():
    words = seed_words()
    assert len(words) == 990
    assert sorted(w for w in words if not is_syllable(w)) == sorted(NOT_SYLLABLES)
    plain = {w.lower() for w in words if w.isascii()}
    assert sorted(w for w in plain if not unmarked_syllable(w)) == sorted(NOT_SHAPED)
    moved = {w: (canonical_tones(w), canonical_tones(w, modern=True)) for w in words}
    assert {w: m for w, m in moved.items() if m != (w, w)} == MOVED


@pytest.mark.parametrize("word,value", [
    ("i", 1), ("iv", 4), ("xix", 19), ("XX", 20), ("xcix", 99), ("c", 100), ("mcmxcix", 1999),
    ("iiii", None), ("ic", None), ("vv", None), ("", None), ("khoa", None),
])
def test_roman(word, value):
    assert roman(word) == value


def test_syllable_words_are_the_scans_words_and_punctuation():
    # The indexer's scan without offsets (tokens.syllable_words) against the
    # one scan (tokens.syllables), on real text and on random strings of
    # awkward characters: odd and zero-width spaces, NFD marks, numbers with
    # separators, underscores, punctuation runs, other scripts.
    import random
    import unicodedata

    from conftest import SEEDS
    from search.lang.tokens import syllable_words, syllables

    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    texts += ["", "   ", "...", "a", "13,4%", "1.000.000 đồng", "05-CT/TW", "x_y__z", "Tỉnh\u00a0ủy\u200b,\tngày",
              unicodedata.normalize("NFD", "Thủ tướng Chính phủ"), "Ⅻ 北京 Москва ٣", "«Hà Nội» — 2024…"]
    pool = list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĐƠ0123456789 ,.;:-_/()%\u00a0\u200b\u0301\u0323\t…«»")
    rng = random.Random(5)
    texts += ["".join(rng.choice(pool) for _ in range(rng.randrange(1, 40))) for _ in range(2000)]
    for text in texts:
        scan = syllables(text)
        assert syllable_words(text) == (tuple(w for w, *_ in scan), tuple(b for *_, b in scan)), text
