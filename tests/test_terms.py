"""One definition of a text's terms (search/analysis/terms.py): what a query
asks for is what the index holds, and the analysis version follows the rules."""

import re

import pytest

import search.analysis.terms as terms
from search.query.parse import parse_query
from search.query.ranking import Ranker

# Chunks the query language reads as operators, not words.
_OPERATOR = re.compile(r'^-\w|["“”„‟«»＂]')


def test_a_query_of_a_paragraphs_own_words_asks_only_for_terms_it_holds(seed_engine, monkeypatch):
    asked = []
    real = Ranker.term

    def term(self, fieldname, text, boost=1.0):
        asked.append((self, fieldname, text))
        return real(self, fieldname, text, boost)

    monkeypatch.setattr(Ranker, "term", term)
    checked = {"syl": 0, "fold": 0, "fbig": 0, "comp": 0, "fcomp": 0}
    across = 0
    for doc_id in seed_engine.manifest["documents"]:
        for p in seed_engine.document(doc_id)["paragraphs"]:
            chunks = p["text"].split()[:14]
            if any(_OPERATOR.search(c) for c in chunks):
                continue
            query = " ".join(chunks)
            asked.clear()
            seed_engine.search(query)
            parsed = parse_query(query)
            # UBND asks for ủy ban nhân dân too: that is the point of it.
            other_spellings = {s for g in parsed.positive for alt in g.alternatives for s in alt}
            for ranker, fieldname, text in asked:
                if fieldname == "fold" and text in other_spellings:
                    continue
                docnum = ranker.searcher.document_number(doc_id=doc_id, para=p["n"])
                held = docnum in set(ranker.postings(fieldname, text)[0].tolist())
                if fieldname in ("comp", "fcomp"):
                    # Compounds are looked up in the lexicon first: another
                    # paragraph may hold the run as a word where pyvi cut
                    # this one differently.
                    held = held or ranker.has(fieldname, text)
                assert held, (doc_id, p["n"], fieldname, text, query)
                checked[fieldname] += 1
                across += fieldname == "fbig" and terms.ACROSS in text
    assert min(checked.values()) > 20, checked
    assert across > 5  # pairs across punctuation (05-CT/TW, "tỉnh, ban") were asked as the index holds them


def test_query_runs_follow_the_typed_order_and_punctuation():
    parsed = parse_query('nghị quyết "ban chấp hành" -covid Tỉnh ủy, Ban')
    pairs, compounds = terms.query_terms(parsed.runs, parsed.accented, 4)
    assert pairs == ["nghi_quyet", "quyet_ban", "ban_chap", "chap_hanh", "tinh_uy", "uy~ban"]
    assert ("comp", "tỉnh_ủy") in compounds and ("fcomp", "uy_ban") not in compounds


@pytest.fixture
def fresh_version():
    caches = (terms.analysis_version, terms._syllable_forms, terms._compound_forms, terms.accented)
    for c in caches:
        c.cache_clear()
    yield terms.analysis_version
    for c in caches:  # nothing computed under a patched rule outlives the test
        c.cache_clear()


def test_analysis_version_changes_with_what_the_analysis_makes(fresh_version, monkeypatch):
    before = fresh_version()
    assert fresh_version() == before and len(before) == 16
    fresh_version.cache_clear()
    monkeypatch.setattr(terms, "ACROSS", "^")  # another pair separator
    assert fresh_version() != before
    monkeypatch.undo()
    fresh_version.cache_clear()
    terms._syllable_forms.cache_clear()
    real = terms.folded
    monkeypatch.setattr(terms, "folded", lambda w: real(w).replace("d", "đ"))  # đ no longer folded
    assert fresh_version() != before
