"""The Whoosh schema: one Whoosh document per paragraph.

Document fields. A document's title and metadata (province with its short
forms, body, meeting number, term, dates) are analysed as one text into two
fields, ``dsyl`` (accented) and ``dfold`` (folded), held by the document's
first paragraph only; the ranker broadcasts a match to every paragraph of
the document (``query.runs``: paragraphs of a document are consecutive and numbered
from 1).

Measured against the other way, every paragraph carrying its document's
fields (the script and its output in the project notes, 12-fields), on bench/make_corpus.py's
20,000 paragraphs in 408 documents, on the shared 2-core machine:

                              once a document    on every paragraph
    dsyl + dfold postings       23,085              1,145,264 (+35 % of syl+fold's)
    index size                  70.52 MB            71.41 MB
    first query (6 queries)     3.9-10.4 ms         4.3-18.2 ms
    cached query, median        1.44 ms             1.17 ms

Once a document: the postings cache (POSTINGS_BUDGET, 3M postings) is not
filled with a province's every paragraph (at 100,000 paragraphs those
postings alone would be about the whole budget), and first queries are
faster; the broadcast (one gather over the paragraphs per query word a
document field matches) costs ~0.3 ms a cached query at 20,000 paragraphs.
"""

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from ..analysis.analyzers import FIELD_ANALYZERS, folded_analyzer, syllable_analyzer
from ..analysis.terms import accented
from ..ingest.official import header_words
from ..lang.numerals import ordinals
from ..lang.provinces import province_names
from ..lang.tokens import syllables

# Every analyzed field is fed the paragraph's original text. No field keeps
# positions: phrases are matched through fbig's pairs (query.ranking).
ANALYZED_FIELDS = tuple(FIELD_ANALYZERS)
# The document's fields, on its first paragraph (see above).
DOCUMENT_FIELDS = ("dsyl", "dfold", "dbig")


def make_schema() -> Schema:
    return Schema(
        doc_id=ID(stored=True),
        para=NUMERIC(stored=True, sortable=True),
        title=STORED(),
        text=STORED(),
        meta=STORED(),  # the document's metadata (ingest.metadata.extract)
        # Facet columns (column_values): read whole into arrays.
        province=ID(sortable=True),
        kind=ID(sortable=True),  # an official document's type and issuer (ingest.official)
        issuer=ID(sortable=True),
        term=NUMERIC(sortable=True),
        year=NUMERIC(sortable=True),
        date=NUMERIC(sortable=True),
        dsyl=TEXT(analyzer=syllable_analyzer(), phrase=False),
        dfold=TEXT(analyzer=folded_analyzer(), phrase=False),
        # Pairs of adjacent words of the facts ("khoa_19", "lang_son", "thu_9"):
        # a query naming a fact names it with its words in a row.
        dbig=TEXT(analyzer=FIELD_ANALYZERS["fbig"](), phrase=False),
        **{name: TEXT(analyzer=make(), phrase=False) for name, make in FIELD_ANALYZERS.items()},
    )


def column_values(meta: dict) -> dict:
    """The facet columns of one document, from its extracted metadata
    (0 / "" mean unknown)."""
    # An official document's own date first: the day it was issued.
    date = meta.get("issued_date") or meta.get("meeting_date") or meta.get("published") or ""
    return {
        "province": meta.get("province") or "",
        "kind": meta.get("doc_kind") or "",
        "issuer": meta.get("issuer") or "",
        "term": int(meta.get("term") or 0),
        "year": int(date[:4]) if date else 0,
        "date": int(date.replace("-", "")) if date else 0,
    }


def document_text(title: str, meta: dict) -> str:
    """What a document's fields hold: its title and meeting facts as words a
    query may name ("Lạng Sơn", "TP.HCM", "lần thứ 8", "khóa 20", "02/07/2021")."""
    lines = [title or ""]
    # The title's numbers as digits, as queries read them ("Đại hội … lần thứ
    # XX" is named as "lần thứ 20"): dbig's pairs are not converted.
    words = [accented(w) for w, *_ in syllables(title or "")]
    for start, _, value in ordinals(words):  # start - 1: thứ, khóa or quý
        lead = words[max(0, start - 2):start] if words[start - 1] == "thứ" else words[start - 1:start]
        lines.append(" ".join(lead + [str(value)]))
    lines += province_names(meta.get("province") or "")
    lines.append(meta.get("body") or "")
    if meta.get("meeting"):
        lines.append(f"lần thứ {int(meta['meeting'])}")
    if meta.get("term"):
        lines.append(f"khóa {int(meta['term'])}")
    lines += header_words(meta)  # an official document's type, issuer, place, date
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
