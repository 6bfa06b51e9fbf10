"""The Whoosh schema: one Whoosh document per paragraph.

Document fields. A document's title and metadata (province with its short
forms, body, meeting number, term, dates) are analysed as one text into two
fields, ``dsyl`` (accented) and ``dfold`` (folded), held by the document's
first paragraph only; the ranker broadcasts a match to every paragraph of
the document (``query.generation``'s ``doc_of``: paragraphs of a document are
consecutive and numbered from 1). Measured on the seeds and on
bench/make_corpus.py's 10,000 paragraphs (30 paragraphs a document): the
document text is ~35 syllables, so carrying it on every paragraph would add
~35 postings a paragraph to each of two fields (+~30 % of syl and fold's
postings, +~12 % index size); once a document it adds ~1 posting a paragraph
(+1 %). The broadcast costs one gather over the paragraphs per query word that
a document field matches (np.take of 100,000 int32: ~0.1 ms), against
reading and caching a province's postings over every one of its paragraphs
(Whoosh decodes ~1 us a posting: ~50 ms for 50,000 paragraphs on first use,
and that much of the postings cache). Once a document is cheaper.
"""

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from ..analysis.analyzers import FIELD_ANALYZERS, folded_analyzer, syllable_analyzer
from ..lang.provinces import province_names

# Every analyzed field is fed the paragraph's original text. No field keeps
# positions: phrases are matched through fbig's pairs (query.ranking).
ANALYZED_FIELDS = tuple(FIELD_ANALYZERS)
# The document's fields, on its first paragraph (see above).
DOCUMENT_FIELDS = ("dsyl", "dfold")


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
        dsyl=TEXT(analyzer=syllable_analyzer(), phrase=False),
        dfold=TEXT(analyzer=folded_analyzer(), phrase=False),
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


def document_text(title: str, meta: dict) -> str:
    """What a document's fields hold: its title and meeting facts as words a
    query may name ("Lạng Sơn", "TP.HCM", "lần thứ 8", "khóa 20", "02/07/2021")."""
    lines = [title or ""]
    lines += province_names(meta.get("province") or "")
    lines.append(meta.get("body") or "")
    if meta.get("meeting"):
        lines.append(f"lần thứ {int(meta['meeting'])}")
    if meta.get("term"):
        lines.append(f"khóa {int(meta['term'])}")
    for key in ("meeting_date", "published"):
        day = meta.get(key) or ""
        if len(day) == 10:
            y, m, d = day.split("-")
            lines.append(f"{d}/{m}/{y}")
    return "\n".join(dict.fromkeys(line for line in lines if line))


def paragraph_values(doc, n: int) -> dict:
    """The non-text values of ``doc``'s paragraph ``n`` (from 1): the facet
    columns, and on the first paragraph the document's fields."""
    values = column_values(doc.meta)
    if n == 1:
        text = document_text(doc.title, doc.meta)
        values.update(dict.fromkeys(DOCUMENT_FIELDS, text))
    return values
