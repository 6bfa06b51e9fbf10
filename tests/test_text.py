import unicodedata

import pytest

from search.lang.text import canonical_tones, fold, has_diacritics, normalize

TONES = [
    # (written, canonical) — old and new placement must meet.
    ("hoà", "hòa"), ("hòa", "hòa"), ("Hoà", "Hòa"),
    ("uỷ", "ủy"), ("Uỷ", "Ủy"), ("ủy", "ủy"),
    ("thuý", "thúy"), ("khoẻ", "khỏe"), ("tuỳ", "tùy"), ("hoạ", "họa"),
    ("thoả", "thỏa"), ("loà", "lòa"),
    # closed syllables and hatted vowels keep their one right place
    ("hoàn", "hoàn"), ("hoạch", "hoạch"), ("thuyết", "thuyết"), ("người", "người"),
    ("quý", "quý"), ("quả", "quả"), ("giữ", "giữ"), ("già", "già"), ("gì", "gì"),
    ("của", "của"), ("mía", "mía"), ("khuỷu", "khuỷu"), ("oái", "oái"),
    # no tone, or not Vietnamese: unchanged
    ("khuya", "khuya"), ("Tỉnh", "Tỉnh"), ("São", "São"), ("café", "café"),
]


@pytest.mark.parametrize("written,canonical", TONES)
def test_canonical_tone_placement(written, canonical):
    assert canonical_tones(written) == canonical


def test_modern_placement_for_pyvi():
    assert canonical_tones("hòa ủy thúy hoàn", modern=True) == "hoà uỷ thuý hoàn"


def test_canonical_tones_keeps_everything_else():
    text = "Bí thư Tỉnh uỷ, Chủ tịch UBND (GRDP 13,4%) — 05-CT/TW"
    assert canonical_tones(text) == "Bí thư Tỉnh ủy, Chủ tịch UBND (GRDP 13,4%) — 05-CT/TW"


FOLDS = [
    ("Đảng", "dang"), ("đồng chí", "dong chi"), ("Ủy ban", "uy ban"),
    ("Nghị quyết", "nghi quyet"), ("HĐND", "hdnd"), ("người", "nguoi"),
    ("13,4%", "13,4%"), ("05-CT/TW", "05-ct/tw"), ("Æsir", "aesir"),
]


@pytest.mark.parametrize("word,folded", FOLDS)
def test_fold(word, folded):
    assert fold(word) == folded


def test_has_diacritics():
    assert has_diacritics("tỉnh") and has_diacritics("đi") and has_diacritics("Đ")
    assert not has_diacritics("tinh") and not has_diacritics("GRDP")


def test_normalize_maps_offsets_back_to_nfd_source():
    source = unicodedata.normalize("NFD", "Tỉnh\u00a0ủy\u200b Thái")
    norm, origin = normalize(source)
    assert norm == "Tỉnh ủy Thái"
    word = norm.index("ủy")
    assert unicodedata.normalize("NFC", source[origin[word][0]:origin[word + 1][1]]) == "ủy"
    assert origin[-1][1] == len(source)


def test_normalize_fast_path_keeps_offsets():
    assert normalize("Tỉnh ủy") == ("Tỉnh ủy", None)


def test_one_char_table_applies_as_translate_does():
    # The numpy path (lang/text.py OneCharTable.apply) against str.translate
    # with the same table: Vietnamese, other scripts, past the BMP, NUL, empty.
    import random

    from search.ingest.metadata import _ONE_CHAR_FOLD as table

    rng = random.Random(11)
    alphabet = ("aăâbcdđeêghiklmnoôơpqrstuưvxyÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ"
                "ÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ 0123456789,.;:-–—“”'\"\t\n\u00a0\u0301\u0323ß ﬁ Ω日本語한국어😀\x00")
    texts = ["", "Hà Nội", "THÁI BÌNH DƯƠNG", "x\U0001F600y"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 300))) for _ in range(500)]
    for text in texts:
        assert table.apply(text) == text.translate(table), repr(text)


def test_normal_text_gives_back_its_own_argument():
    # Equal texts must stay distinct objects: pickle writes a repeated object
    # as a reference, so a cache handing out one string for equal texts made
    # the stored fields' bytes depend on what the process had read before.
    from search.lang.text import normal_text

    a = "Tỉnh ủy Thái Nguyên"
    b = "".join(["Tỉnh ủy ", "Thái Nguyên"])
    assert a == b and a is not b
    assert normal_text(a) is a and normal_text(b) is b and normal_text(b) is b
    assert normal_text("Tỉnh\u00a0ủy\u200b") == "Tỉnh ủy"
    assert normal_text("Tỉnh u\u0309y") == "Tỉnh ủy"  # NFC, after a cached answer for others
