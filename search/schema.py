"""The Whoosh schema: one Whoosh document per paragraph."""

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from .analysis import (
    compound_analyzer,
    folded_analyzer,
    folded_bigram_analyzer,
    folded_compound_analyzer,
    syllable_analyzer,
)


# Every analyzed field is fed the paragraph's original text. No field keeps
# positions: phrases are matched through fbig's pairs (ranking.phrase_docs).
ANALYZED_FIELDS = ("syl", "fold", "comp", "fcomp", "fbig")


def make_schema() -> Schema:
    return Schema(
        doc_id=ID(stored=True),
        para=NUMERIC(stored=True, sortable=True),
        title=STORED(),
        text=STORED(),
        meta=STORED(),  # the document's metadata (metadata.extract)
        # Facet columns (facets.column_values): read whole into arrays.
        province=ID(sortable=True),
        term=NUMERIC(sortable=True),
        year=NUMERIC(sortable=True),
        date=NUMERIC(sortable=True),
        syl=TEXT(analyzer=syllable_analyzer(), phrase=False),
        fold=TEXT(analyzer=folded_analyzer(), phrase=False),
        comp=TEXT(analyzer=compound_analyzer(), phrase=False),
        fcomp=TEXT(analyzer=folded_compound_analyzer(), phrase=False),
        fbig=TEXT(analyzer=folded_bigram_analyzer(), phrase=False),
    )
