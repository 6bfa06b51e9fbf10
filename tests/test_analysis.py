import unicodedata

from conftest import SEEDS
from search.analysis.analyzers import (
    compound_analyzer,
    folded_analyzer,
    folded_compound_analyzer,
    syllable_analyzer,
)
from search.analysis.tokenizers import SyllableTokenizer
from search.ingest.corpus import paragraphs_of
from search.lang.text import fold


def _tokens(analyzer, text):
    return [(t.text, t.pos, t.startchar, t.endchar) for t in analyzer(text, positions=True, chars=True)]


def seed_paragraphs():
    # Every line of the seeds, those not indexed too (slugs, captions, the
    # related headlines): the analysis must be exact on any text.
    return [p for f in sorted(SEEDS.glob("*.txt")) for p in paragraphs_of(f.read_text(encoding="utf-8"))]


def test_offsets_exact_on_every_seed_paragraph():
    paragraphs = seed_paragraphs()
    assert len(paragraphs) > 45
    for text in paragraphs:
        for analyzer in (syllable_analyzer(), folded_analyzer()):
            for t in analyzer(text, positions=True, chars=True):
                source = text[t.startchar:t.endchar]
                if t.text.isdigit() and not source.isdigit():
                    continue  # a written-out number's digits ("lần thứ tám": 8), at its last word
                assert fold(source) == fold(t.text), (text, source, t.text)
        for t in SyllableTokenizer()(text, chars=True):
            assert text[t.startchar:t.endchar] == t.text


def test_compound_offsets_span_their_syllables_on_every_seed_paragraph():
    for text in seed_paragraphs():
        for t in folded_compound_analyzer()(text, positions=True, chars=True):
            assert fold(text[t.startchar:t.endchar]).replace(" ", "_") == t.text


def test_offsets_exact_on_nfd_input_with_odd_spaces():
    text = unicodedata.normalize("NFD", "Bí thư Tỉnh uỷ,\u00a0Chủ\u200b tịch")
    tokens = list(syllable_analyzer()(text, chars=True))
    assert [t.text for t in tokens] == ["bí", "thư", "tỉnh", "ủy", "chủ", "tịch"]
    sources = [unicodedata.normalize("NFC", text[t.startchar:t.endchar]) for t in tokens]
    assert sources == ["Bí", "thư", "Tỉnh", "uỷ", "Chủ", "tịch"]


def test_nfd_input_analyzes_like_nfc():
    text = "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 31, khóa XX; Bí thư Tỉnh uỷ Hoà"
    nfd = unicodedata.normalize("NFD", text)
    for analyzer in (syllable_analyzer(), folded_analyzer(), compound_analyzer()):
        assert [t.text for t in analyzer(nfd)] == [t.text for t in analyzer(text)]


def test_accented_syllables_lowercase_with_canonical_tones():
    assert [t.text for t in syllable_analyzer()("Bí thư Tỉnh uỷ Hoà Bình")] == \
        ["bí", "thư", "tỉnh", "ủy", "hòa", "bình"]


def test_folded_syllables():
    assert [t.text for t in folded_analyzer()("Đảng bộ Tỉnh uỷ")] == ["dang", "bo", "tinh", "uy"]


def test_codes_and_numbers_kept_as_written():
    text = "GRDP ước đạt 13,4%; Chỉ thị 05-CT/TW ngày 02/07/2021, KHVATEC, 7.325 tỷ"
    assert [t.text for t in folded_analyzer()(text)] == [
        "grdp", "uoc", "dat", "13,4", "chi", "thi", "05", "ct", "tw",
        "ngay", "02", "07", "2021", "khvatec", "7.325", "ty",
    ]


def test_no_stopwords_removed():
    words = [t.text for t in syllable_analyzer()("an to là của the and")]
    assert words == ["an", "to", "là", "của", "the", "and"]


def test_compounds_from_pyvi_with_exact_offsets():
    text = "Chủ tịch Ủy ban nhân dân tỉnh, Bí thư Tỉnh uỷ"
    tokens = _tokens(compound_analyzer(), text)
    assert [t[0] for t in tokens] == ["chủ_tịch", "ủy_ban", "nhân_dân", "bí_thư", "tỉnh_ủy"]
    for word, _, s, e in tokens:
        assert text[s:e].lower().replace(" ", "_").replace("uỷ", "ủy") == word
    assert [t[0] for t in _tokens(folded_compound_analyzer(), text)] == \
        ["chu_tich", "uy_ban", "nhan_dan", "bi_thu", "tinh_uy"]


def test_tone_variants_segment_the_same():
    old = [t.text for t in compound_analyzer()("Bí thư Tỉnh ủy và cổ phần hóa")]
    new = [t.text for t in compound_analyzer()("Bí thư Tỉnh uỷ và cổ phần hoá")]
    assert old == new


def test_compounds_never_cross_punctuation():
    tokens = [t.text for t in compound_analyzer()("Tỉnh, ủy ban")]
    assert "tỉnh_ủy" not in tokens


def test_index_terms_are_what_each_fields_analyzer_gives():
    from collections import Counter

    from search.analysis.analyzers import FIELD_ANALYZERS
    from search.analysis.terms import index_terms

    odd = ["Bí thư Tỉnh uỷ,\u00a0Chủ\u200b tịch UBND", unicodedata.normalize("NFD", "Hoà Bình, Thuý"),
           "GRDP 13,4%; 05-CT/TW ngày 02/07/2021 (KHVATEC) — café ΟΔΟΣ Σ_Α 北京", "", "...", "Ủy ban"]
    for text in seed_paragraphs() + odd:
        fast = index_terms(text)
        for make, terms in zip(FIELD_ANALYZERS.values(), fast, strict=True):
            assert Counter(t.text for t in make()(text)) == terms, (make.__name__, text)


def test_fast_pyvi_features_give_pyvis_labels():
    from search.lang import segment

    def attributes(features: dict) -> list[str]:
        """The attributes crfsuite reads from one of pyvi's dicts, but for
        those weighing 0.0 (False), which add nothing to a score."""
        out = []
        for key, value in features.items():
            if isinstance(value, str):
                out.append(f"{key}:{value}")
            elif value:
                assert value == 1.0
                out.append(key)
        return out

    sequences = []
    real = segment.joins

    def capture(tokens):
        sequences.append(tokens)
        return real(tokens)

    segment.joins = capture
    try:
        for text in seed_paragraphs() + ["Ủy ban nhân dân TP. HCM, Σ ΟΔΟΣ 2021 ĐẢNG BỘ Tỉnh Ủy"]:
            for _ in compound_analyzer()(text):
                pass
    finally:
        segment.joins = real
    assert len(sequences) > 45
    vt = segment.load_pyvi()
    for tokens in sequences:
        expected = vt.sent2features(list(tokens), False)
        assert segment.features(tokens) == [attributes(f) for f in expected]
        assert segment.joins.__wrapped__(tokens) == segment.pyvi_joins(tokens)


def test_indexing_reads_pyvis_model_without_importing_pyvi_or_scikit_learn():
    # Importing pyvi imports scikit-learn: ~2.4 s in each indexing worker and
    # in the parent for the manifest. The words must come out all the same.
    import subprocess
    import sys

    from conftest import ROOT

    code = ("import sys; from search.analysis.terms import analysis_version, index_terms; "
            "print(sorted(index_terms('Ủy ban nhân dân tỉnh Thái Nguyên')[2])); analysis_version(); "
            "print(sorted(m for m in ('pyvi', 'sklearn', 'sklearn_crfsuite') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout.splitlines()
    assert out == ["['nhân_dân', 'thái_nguyên', 'ủy_ban']", "[]"]
