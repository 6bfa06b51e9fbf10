"""Accent restoration on a small administrative corpus written for these tests.

The corpus is built so that the same folded syllable needs different accents
in different places (ban / bản / bàn, đảng / đang, tỉnh / tình), and only
the neighbouring words can tell which.
"""

from __future__ import annotations

import pytest

from search.lang.restore import AccentModel

CORPUS = [
    "Ủy ban nhân dân tỉnh Thái Nguyên ban hành kế hoạch triển khai nghị quyết.",
    "Ban Chấp hành Đảng bộ tỉnh họp phiên thường kỳ, đánh giá tình hình kinh tế - xã hội.",
    "Văn bản của Ủy ban nhân dân tỉnh được gửi tới các sở, ban, ngành.",
    "Trên địa bàn tỉnh, các huyện đang triển khai chương trình xây dựng nông thôn mới.",
    "Đảng bộ tỉnh lãnh đạo thực hiện thắng lợi nhiệm vụ phát triển kinh tế.",
    "Hội đồng nhân dân tỉnh thông qua nghị quyết về dự toán ngân sách năm 2024.",
    "Tình hình an ninh chính trị trên địa bàn tỉnh ổn định.",
    "Ban Thường vụ Tỉnh ủy chỉ đạo các cấp ủy đảng giải quyết kiến nghị của cử tri.",
    "Các văn bản quy phạm pháp luật được ban hành đúng quy định.",
    "Ủy ban Kiểm tra Tỉnh ủy đang kiểm tra việc thực hiện quy chế làm việc.",
    "Tỉnh Thái Nguyên có tốc độ tăng trưởng kinh tế cao trong vùng.",
    "Ban Chấp hành Trung ương Đảng ban hành nghị quyết về công tác cán bộ.",
    "Các đại biểu bàn giải pháp, đang chờ ý kiến của Ban Thường vụ.",
    "Bản báo cáo tình hình kinh tế năm 2023 được Đảng bộ tỉnh thông qua.",
]


@pytest.fixture(scope="module")
def model() -> AccentModel:
    return AccentModel.train(CORPUS)


@pytest.mark.parametrize("query, expected", [
    ("uy ban nhan dan tinh", "ủy ban nhân dân tỉnh"),
    ("uy ban nhan dan tinh thai nguyen", "ủy ban nhân dân tỉnh thái nguyên"),
    ("ban chap hanh dang bo tinh", "ban chấp hành đảng bộ tỉnh"),
    ("nghi quyet ve du toan ngan sach", "nghị quyết về dự toán ngân sách"),
])
def test_restores_whole_phrases(model, query, expected):
    assert model.restore(query) == expected


@pytest.mark.parametrize("query, expected", [
    # "ban": three accents, each decided by its neighbours
    ("ban chap hanh", "ban chấp hành"),
    ("cac van ban quy pham", "các văn bản quy phạm"),
    ("tren dia ban tinh", "trên địa bàn tỉnh"),
    ("dai bieu ban giai phap", "đại biểu bàn giải pháp"),
    # "dang": the Party or "in progress"
    ("dang bo tinh lanh dao", "đảng bộ tỉnh lãnh đạo"),
    ("cac huyen dang trien khai", "các huyện đang triển khai"),
    # "tinh": province or situation
    ("tinh hinh kinh te", "tình hình kinh tế"),
    ("tinh thai nguyen", "tỉnh thái nguyên"),
])
def test_context_picks_the_accent(model, query, expected):
    assert model.restore(query) == expected


def test_the_same_folded_syllable_gets_different_accents(model):
    # Guards against a model that ignores context and always gives "ban" one form.
    forms = {model.restore(q).split()[k] for q, k in
             [("ban chap hanh", 0), ("van ban quy pham", 1), ("dia ban tinh", 1)]}
    assert forms == {"ban", "bản", "bàn"}


def test_typed_accents_are_kept_and_steer_their_neighbours(model):
    # "Uỷ" keeps its old tone placement: what the person typed is not ours to change.
    assert model.restore("Uỷ ban nhan dan") == "Uỷ ban nhân dân"
    # Only the accented neighbour tells "ban" apart here.
    assert model.restore("văn ban") == "văn bản"
    assert model.restore("địa ban") == "địa bàn"
    assert model.restore("bàn chap hanh") == "bàn chấp hành"


def test_capitals_follow_the_query(model):
    assert model.restore("Thai Nguyen") == "Thái Nguyên"
    assert model.restore("UY BAN nhan dan") == "ỦY BAN nhân dân"
    assert model.restore("Ban chap hanh Dang bo tinh") == "Ban chấp hành Đảng bộ tỉnh"
    assert model.restore("ban chap hanh dang bo tinh").islower()


def test_numbers_punctuation_and_unknown_words_stay(model):
    assert model.restore("ngan sach nam 2024, dang bo tinh!") == "ngân sách năm 2024, đảng bộ tỉnh!"
    assert model.restore("ke hoach GRDP  tinh") == "kế hoạch GRDP  tỉnh"
    assert model.restore('"uy ban" (05-CT/TW)') == '"ủy ban" (05-CT/TW)'


def test_none_when_there_is_nothing_to_suggest(model):
    assert model.restore("ủy ban nhân dân tỉnh") is None  # already accented
    assert model.restore("ban") is None  # restores to itself
    assert model.restore("xyzzy qwerty") is None  # never seen
    assert model.restore("2024 05-CT/TW") is None
    assert model.restore("") is None
    assert model.restore("  ,. ") is None
    assert AccentModel.train([]).restore("uy ban") is None


def test_restore_words(model):
    assert model.restore_words(["uy", "ban", "nhan", "dan"]) == ["ủy", "ban", "nhân", "dân"]
    assert model.restore_words(["Tỉnh", "uy", "2024", "zzz"]) == ["tỉnh", "ủy", "2024", "zzz"]


def test_most_frequent_is_a_context_free_baseline(model):
    assert model.most_frequent("ban") == "ban"
    assert model.most_frequent("tinh") == "tỉnh"
    assert model.most_frequent("xyzzy") == "xyzzy"


def test_ngrams_do_not_cross_punctuation():
    # "tỉnh, bàn" never counts as a bigram; without it "bản" (more frequent) wins.
    base = ["văn bản"] * 3 + ["bàn"]
    joined = AccentModel.train([*base, "tỉnh bàn"] * 3)
    split = AccentModel.train([*base, "tỉnh, bàn"] * 3)
    assert joined.restore("tỉnh ban") == "tỉnh bàn"
    assert split.restore("tỉnh ban") == "tỉnh bản"


def test_pruning_drops_singletons_but_keeps_repeated_ngrams():
    texts = ["ủy ban nhân dân tỉnh"] * 2 + ["bản nhận"]
    full, pruned = AccentModel.train(texts, min_count=1), AccentModel.train(texts, min_count=2)
    assert len(pruned._bi_keys) < len(full._bi_keys)
    assert pruned.restore("uy ban nhan dan") == "ủy ban nhân dân"


def test_save_load_round_trip(model, tmp_path):
    path = tmp_path / "accents.npz"
    model.save(path)
    loaded = AccentModel.load(path)
    queries = ["uy ban nhan dan tinh", "tren dia ban tinh", "van ban", "Thai Nguyen",
               "dai bieu ban giai phap", "tinh hinh nam 2024", "xyz", "ban"]
    assert [loaded.restore(q) for q in queries] == [model.restore(q) for q in queries]
    assert loaded.vocab == model.vocab


# "bản" and "đồ" are both in these texts, never side by side; "ban" is commoner.
DICTIONARY_TEXTS = ["ban hành kế hoạch"] * 2 + ["văn bản mới", "đồ dùng học tập"]


def test_a_dictionary_supplies_pairs_the_texts_lack():
    assert AccentModel.train(DICTIONARY_TEXTS, lexicon=[]).restore("ban do") == "ban đồ"
    # by default, pyvi's dictionary (which has "bản đồ")
    assert AccentModel.train(DICTIONARY_TEXTS).restore("ban do") == "bản đồ"
    # pruning keeps the dictionary's pairs
    pruned = AccentModel.train(DICTIONARY_TEXTS, min_count=2, lexicon=["bản đồ"])
    assert pruned.restore("ban do") == "bản đồ"


def test_a_dictionary_adds_no_syllable_the_texts_lack():
    # a suggestion must only use forms the index has
    model = AccentModel.train(DICTIONARY_TEXTS, lexicon=["bản đồ", "xe đạp"])
    assert model.restore("xe dap") is None
    assert "đạp" not in model.vocab
    # nor does it change the texts' own frequencies
    assert model.most_frequent("ban") == "ban"


# "bản" is written ten times, always after "văn"; "bàn" three times after
# three different words. Kneser-Ney's continuation counts alone favour "bàn".
OPEN_EDGE_TEXTS = ["Văn bản được gửi đi."] * 10 + [
    "Các đại biểu bàn bạc.", "Hội nghị bàn kỹ.", "Tổ công tác bàn thêm.", "Kế hoạch mới."]


def test_a_query_s_first_word_leans_to_the_form_the_index_writes_most():
    model = AccentModel.train(OPEN_EDGE_TEXTS, lexicon=[])
    assert model.restore("ban moi") == "bản mới"
    # inside a query, the neighbours still decide
    assert model.restore("hoi nghi ban") == "hội nghị bàn"


def _saved(model: AccentModel, path) -> bytes:
    model.save(path)
    return path.read_bytes()


# What the indexer does: a run's counts made where the run is indexed (a
# worker numbering syllables its own way), joined in file order.
@pytest.mark.parametrize("chunk, cap", [(4_000_000, None), (7, None), (7, 12)])
def test_counts_made_in_pieces_give_the_same_model_byte_for_byte(chunk, cap, tmp_path, monkeypatch):
    from search.lang import accent_counts

    monkeypatch.setattr(accent_counts, "_CHUNK", chunk)  # the stream counted a few texts at a time
    if cap:  # a full vocabulary: the syllables seen after the 12th are <unk>
        monkeypatch.setattr(accent_counts, "_MAX_ID", cap)
    texts = [*CORPUS, "ĐẢNG bộ, Tỉnh  ủy; 2024 – x1 y2\nBan bàn\u2028bản"] * 2 + DICTIONARY_TEXTS
    whole = _saved(AccentModel.train(texts), tmp_path / "whole.npz")
    tallies = [accent_counts.Tally(counting=k == 0) for k in range(3)]
    for k, tally in enumerate(tallies):
        for text in texts[k * 7:(k + 1) * 7] if k < 2 else texts[14:]:
            tally.add(text)
    for other in tallies[1:]:
        tallies[0].absorb(*other.state())
    assert _saved(tallies[0].model(), tmp_path / "pieces.npz") == whole
    # an empty piece changes nothing either
    tally = accent_counts.Tally()
    for text in texts:
        tally.add(text)
    tally.absorb(*accent_counts.Tally(counting=False).state())
    assert _saved(tally.model(), tmp_path / "empty.npz") == whole
