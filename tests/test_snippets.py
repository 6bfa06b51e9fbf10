"""Snippets that show the match (issue 12, item 4): the window shows the most
distinct query words, then the most marks; words typed side by side and found
side by side are one mark; a word so joined is not marked where it stands
alone (the "Ủy" of "Ủy ban" for the query "Tỉnh ủy")."""

from __future__ import annotations

from search.query.highlight import marked_spans, snippet
from search.query.parse import parse_query

from conftest import marked


def _marks(text: str, query: str) -> list[str]:
    parsed = parse_query(query)
    return [text[s:e] for s, e in marked_spans(text, parsed.positive, parsed.runs)]


def _shown(text: str, query: str, size: int = 320) -> tuple[str, list[str]]:
    """The fragment's text and the marks inside it."""
    parsed = parse_query(query)
    got = snippet(text, parsed.positive, size, runs=parsed.runs)
    start, end = got["fragment"]
    return text[start:end], [text[s:e] for s, e in got["spans"] if start <= s and e <= end]


def test_the_issue_example_shows_thai_nguyen_and_no_stray_uy(seed_engine):
    for group in ("none", "doc"):
        hits = seed_engine.search("Tỉnh ủy Thái Nguyên", group=group)["hits"]
        first = hits[0]
        start, end = first["fragment"]
        assert "Thái Nguyên" in first["text"]
        inside = [first["text"][s:e] for s, e in first["spans"] if start <= s and e <= end]
        # Both parts of the query shown, each one mark, nothing else marked.
        assert "Thái Nguyên" in inside and "Tỉnh ủy" in inside, group
        assert set(marked(first)) == {"Tỉnh ủy", "Thái Nguyên"}, group
        for hit in hits:
            marks = marked(hit)
            if "Tỉnh ủy" in marks:  # joined here: no "Ủy" of "Ủy ban"/"Ủy viên", no lone "tỉnh"
                assert not {"Ủy", "ủy", "tỉnh", "Tỉnh"} & set(marks), (hit["doc_id"], marks)


def test_a_compound_or_phrase_is_one_mark():
    text = "Văn phòng Tỉnh ủy Thái Nguyên và Ban Chấp hành Đảng bộ tỉnh ban hành Nghị quyết."
    assert _marks(text, "Tỉnh ủy") == ["Tỉnh ủy"]
    assert _marks(text, "tinh uy thai nguyen") == ["Tỉnh ủy Thái Nguyên"]
    assert _marks(text, '"ban chấp hành" nghị quyết') == ["Ban Chấp hành", "Nghị quyết"]
    # Not side by side in the query, or not in the text: separate marks.
    assert _marks(text, "nguyên thái") == ["Thái", "Nguyên"]
    assert _marks("Tỉnh ủy, Thái Nguyên", "ủy thái") == ["ủy", "Thái"]


def test_a_joined_word_is_not_marked_where_it_stands_alone():
    text = "Tỉnh ủy họp với Ủy ban nhân dân tỉnh."
    assert _marks(text, "Tỉnh ủy") == ["Tỉnh ủy"]
    # Nowhere joined: each word where it matched.
    assert _marks("Ủy ban nhân dân tỉnh họp.", "Tỉnh ủy") == ["Ủy", "tỉnh"]


def test_the_window_shows_the_most_distinct_words_before_the_most_marks():
    # Many "tỉnh" early, "chè" once near the end beside one "tỉnh": counting
    # marks picked the stretch of "tỉnh" and hid "chè".
    text = ("Đảng bộ tỉnh, " * 30 + "nội dung khác " * 40
            + "phát triển cây chè của tỉnh bền vững " + "kết thúc " * 30).strip()
    fragment, inside = _shown(text, "chè tỉnh")
    assert "chè" in inside and "tỉnh" in inside
    # Equal distinct words: the densest stretch wins.
    text2 = "chè " + "lời " * 100 + "chè chè chè " + "lời " * 100
    fragment, inside = _shown(text2.strip(), "chè", size=100)
    assert inside == ["chè", "chè", "chè"]


def test_the_document_page_marks_the_same_way(seed_engine):
    doc = seed_engine.document("004_5ea7245c79653926", highlight="Tỉnh ủy Thái Nguyên")
    marks = {p["text"][s:e] for p in doc["paragraphs"] for s, e in p["spans"]}
    assert {"Tỉnh ủy", "Thái Nguyên"} <= marks and not {"Ủy", "ủy"} & marks
