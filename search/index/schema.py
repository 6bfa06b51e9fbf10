"""The Whoosh schema: one Whoosh document per paragraph."""

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from ..analysis.analyzers import FIELD_ANALYZERS

# Every analyzed field is fed the paragraph's original text. No field keeps
# positions: phrases are matched through fbig's pairs (query.ranking).
ANALYZED_FIELDS = tuple(FIELD_ANALYZERS)


def make_schema() -> Schema:
    return Schema(
        doc_id=ID(stored=True),
        para=NUMERIC(stored=True, sortable=True),
        title=STORED(),
        text=STORED(),
        meta=STORED(),  # the document's metadata (ingest.metadata.extract)
        # Facet columns (column_values): read whole into arrays.
        province=ID(sortable=True),
        term=NUMERIC(sortable=True),
        year=NUMERIC(sortable=True),
        date=NUMERIC(sortable=True),
        **{name: TEXT(analyzer=make(), phrase=False) for name, make in FIELD_ANALYZERS.items()},
    )


def column_values(meta: dict) -> dict:
    """The facet columns of one document, from its extracted metadata
    (0 / "" mean unknown)."""
    date = meta.get("meeting_date") or meta.get("published") or ""
    return {
        "province": meta.get("province") or "",
        "term": int(meta.get("term") or 0),
        "year": int(date[:4]) if date else 0,
        "date": int(date.replace("-", "")) if date else 0,
    }
