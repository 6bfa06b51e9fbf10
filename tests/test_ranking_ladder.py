"""The ranking ladder's constants and tie rule (search/query/ranking.py), each
pinned by a paragraph a person would expect first: change one and a named
paragraph drops from first place.

The seeds decide most rules; two small meeting corpora decide the rest
(compounds, and the weight of accents as typed). The boosts are applied when
a query is scored, on BM25 scores cached per generation, so patching them
affects an engine that is already open (the last tests rely on that)."""

import pytest

import search.query.ranking as ranking
from conftest import write_corpus
from search import Engine, build_index


def first(engine, query):
    """(document, paragraph) ranked first; seed documents by their number."""
    hits = engine.search(query, limit=1)["hits"]
    assert hits, f"no result for {query!r}"
    return hits[0]["doc_id"].split("_")[0], hits[0]["paragraph"]


def _engine(tmp_path_factory, docs):
    folder = tmp_path_factory.mktemp("ladder")
    build_index(write_corpus(folder / "source", docs), folder / "index")
    return Engine(folder / "index")


@pytest.fixture(scope="module")
def committee(tmp_path_factory):
    """Ủy ban as a word (Ủy ban nhân dân), and ủy, ban meeting across words
    (Tỉnh ủy | ban hành) in a shorter paragraph."""
    return _engine(tmp_path_factory, {
        "tinhuy.txt": "Thông báo một\nTỉnh ủy ban hành nghị quyết về phát triển nông nghiệp.\n",
        "uyban.txt": "Thông báo hai\n"
                     "Ủy ban nhân dân tỉnh triển khai kế hoạch phát triển nông nghiệp.\n",
    })


@pytest.fixture(scope="module")
def visits(tmp_path_factory):
    """A Lạng Sơn report that speaks of Thái Nguyên's công tác in its text,
    and a Thái Nguyên report (its metadata) whose paragraph says công tác."""
    return _engine(tmp_path_factory, {
        "tn.txt": "Tỉnh ủy Thái Nguyên họp\nBan Chấp hành Đảng bộ tỉnh Thái Nguyên họp phiên thường kỳ.\n"
                  "Hội nghị bàn công tác cán bộ.\n",
        "ls.txt": "Tỉnh ủy Lạng Sơn họp\nBan Chấp hành Đảng bộ tỉnh Lạng Sơn họp.\n"
                  "Đoàn công tác của Thái Nguyên thăm và làm việc.\n",
    })


@pytest.fixture(scope="module")
def accents(tmp_path_factory):
    """chè once, against chế with every other word of the query."""
    return _engine(tmp_path_factory, {
        "che.txt": "Một\nCây chè là cây trồng chính của vùng.\n",
        "coche.txt": "Hai\nCơ chế mới về cây trồng của vùng.\n",
    })


@pytest.fixture(scope="module")
def discussion(tmp_path_factory):
    """Bàn (discuss) twice, against bàn once among six Ban (boards), in
    paragraphs of the same length."""
    return _engine(tmp_path_factory, {
        "cacban.txt": "Thông báo một\nBan Thường vụ bàn với Ban Tổ chức, Ban Tuyên giáo, "
                      "Ban Dân vận, Ban Nội chính và Ban Kinh tế.\n",
        "banbac.txt": "Thông báo hai\nHội nghị bàn kỹ và bàn sâu về công tác cán bộ, "
                      "công tác tổ chức của tỉnh trong năm tới.\n",
    })


# --- BIGRAM_BOOST: words typed in a row ------------------------------------

@pytest.mark.parametrize("query,wanted", [
    # "Ban Cán sự Đảng UBND tỉnh"; other paragraphs have the four apart.
    ("ban can su dang", {("000", 5)}),
    # "Với tinh thần trách nhiệm" or "nêu cao tinh thần trách nhiệm", not
    # "tinh thần khẩn trương và trách nhiệm" (000, 11), a shorter paragraph.
    ("tinh than trach nhiem", {("001", 7), ("000", 4)}),
])
def test_unaccented_words_in_a_row_outrank_the_same_words_scattered(seed_engine, query, wanted):
    """BIGRAM_BOOST: adjacent query syllables (fbig pairs) lift the paragraph."""
    assert first(seed_engine, query) in wanted


# --- COMPOUND_BOOST: words the index knows as compounds --------------------

@pytest.mark.parametrize("query", ["uy ban", "ủy ban"])
def test_uy_ban_finds_the_committee_before_tinh_uy_ban_hanh(committee, query):
    """COMPOUND_BOOST: the word ủy_ban outweighs ủy and ban that merely touch."""
    assert first(committee, query) == ("uyban", 2)


# --- EXACT_BOOST: accents as typed count more than look-alikes -------------

def test_accented_word_outranks_a_paragraph_of_look_alikes(discussion):
    """EXACT_BOOST: "bàn" as typed, twice, beats "bàn" once among six "Ban"."""
    assert first(discussion, "bàn") == ("banbac", 2)
    # Typed without accents, every "ban" counts: the paragraph of boards.
    assert first(discussion, "ban") == ("cacban", 2)


# --- STRICT_MAX_WORDS: questions are ranked by their rare words ------------

QUESTIONS = [
    ("tốc độ tăng trưởng kinh tế của tỉnh là bao nhiêu", ("001", 6)),
    ("toc do tang truong kinh te cua tinh la bao nhieu", ("001", 6)),
    ("tỉnh đã thu ngân sách được bao nhiêu", ("001", 6)),
    ("bí thư tỉnh ủy nói gì về công tác cán bộ", ("000", 10)),
    ("đề án cây chè của tỉnh thái nguyên là gì", ("000", 6)),
]


@pytest.mark.parametrize("query,wanted", QUESTIONS, ids=[q for q, _ in QUESTIONS])
def test_question_finds_the_answer_not_the_paragraph_with_every_small_word(
        seed_engine, query, wanted):
    """STRICT_MAX_WORDS: past 4 words "là", "gì", "bao nhiêu" only nudge the rank."""
    assert len(query.split()) > ranking.STRICT_MAX_WORDS
    assert first(seed_engine, query) == wanted


# --- leading (query/ladder.py): exact ties in document and paragraph order ---

TIES = [
    # The same paragraph in two reports: the earlier report first.
    ("công tác cán bộ", ("haia", 2), ("haib", 2)),
    # A paragraph said twice in one report: the first time first.
    ("phòng chống lụt bão", ("haib", 3), ("haib", 4)),
]


@pytest.fixture(scope="module")
def twins(tmp_path_factory):
    """Identical paragraphs (the seeds had some, slugs and captions, which are
    no longer indexed: tests/test_junk_lines.py)."""
    same = "Hội nghị đã thảo luận công tác cán bộ của tỉnh trong năm tới."
    again = "Các địa phương chủ động triển khai phương án phòng chống lụt bão."
    return _engine(tmp_path_factory, {
        "haia.txt": f"Thông báo một\n{same}\nNội dung khác của thông báo.\n",
        "haib.txt": f"Thông báo hai\n{same}\n{again}\n{again}\n",
    })


@pytest.mark.parametrize("query,wanted,duplicate", TIES, ids=[q for q, *_ in TIES])
def test_identical_paragraphs_list_the_earlier_one_first(twins, query, wanted, duplicate):
    """ladder.leading: exact ties go in docnum order, on a page of one result or of ten."""
    assert first(twins, query) == wanted
    hits = twins.search(query, limit=10)["hits"]
    assert [(h["doc_id"].split("_")[0], h["paragraph"]) for h in hits[:2]] == [wanted, duplicate]


@pytest.mark.parametrize("query,wanted,duplicate", TIES, ids=[q for q, *_ in TIES])
def test_identical_paragraphs_tie_exactly(twins, query, wanted, duplicate):
    """ladder.leading: the order above comes from the tie rule alone, not from scores."""
    hits = twins.search(query, limit=2)["hits"]
    assert hits[0]["score"] == hits[1]["score"]


# --- each constant is what decides its case above --------------------------

@pytest.mark.parametrize("name,value,engine,query,wanted", [
    ("BIGRAM_BOOST", 0.0, "seed_engine", "ban can su dang", ("000", 5)),
    ("COMPOUND_BOOST", 0.0, "committee", "uy ban", ("uyban", 2)),
    ("EXACT_BOOST", 1.0, "discussion", "bàn", ("banbac", 2)),
    # (Questions whose every small word some other paragraph has, counting
    # the words its document's fields give it: "tỉnh" of every body.)
    # Words in the paragraph's own text before those its document's fields give.
    # ("cong tac nguyen": no pair of it is a fact, so both have NAMED 0.)
    ("TEXT_COVER", 0.0, "visits", "cong tac nguyen", ("ls", 3)),
    # A fact named with its words in a row: khóa XIX's report before a
    # paragraph with "khóa" (XV) and "Covid-19" in its own text.
    ("NAMED", 0.0, "seed_engine", "khóa 19", ("000", 1)),
    # chè as typed before every word of the query with chế.
    ("EXACT_TIER", 0.0, "accents", "chè mới cây trồng", ("che", 2)),
    # (Not QUESTIONS[0-2] any more: their question words are optional, so a
    # strict ladder finds their answer too: tests/test_questions.py.)
    ("STRICT_MAX_WORDS", 100, "seed_engine", QUESTIONS[3][0], QUESTIONS[3][1]),
    ("STRICT_MAX_WORDS", 100, "seed_engine", QUESTIONS[4][0], QUESTIONS[4][1]),
], ids=lambda v: v if isinstance(v, str) else None)
def test_without_its_constant_the_paragraph_is_not_first(
        request, monkeypatch, name, value, engine, query, wanted):
    """Each constant above, changed, loses its paragraph its first place."""
    engine = request.getfixturevalue(engine)
    assert first(engine, query) == wanted
    monkeypatch.setattr(ranking, name, value)
    assert first(engine, query) != wanted


def test_a_named_province_puts_its_document_before_a_mention(visits):
    """"thai nguyen cong tac": the Thái Nguyên report's công tác, not the Lạng
    Sơn report that mentions a Thái Nguyên delegation (NAMED above TEXT_COVER)."""
    assert first(visits, "thai nguyen cong tac") == ("tn", 3)
