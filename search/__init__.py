"""vnsearch: search for Vietnamese meeting documents. The library; no Flask.

    from search import Engine, build_index
    build_index("seeds", "index")            # BuildReport
    Engine("index").search("tinh uy thai nguyen")

The sub-packages follow the flow, each importing only from those before it:

    lang      Vietnamese text rules: NFC, tones, folding, syllables, pyvi
              words, abbreviations, the accent model
    ingest    source files to documents: formats, legacy encodings,
              boilerplate, titles, meeting metadata      (uses lang)
    analysis  Whoosh tokenizer and filters, and the one definition of a
              text's terms                                (uses lang)
    index     schema, generations, the build, Whoosh's write side
                                                          (uses lang, ingest, analysis)
    query     parsing, Whoosh's read side, ranking, facets, highlighting,
              suggestions, the Engine                    (uses lang, analysis, index)
    cli       ``vnsearch``                                (uses all, and web to serve)
"""

from .index.build import BuildReport, build_index
from .index.store import IndexBusy, IndexMissing
from .query.engine import MAX_LIMIT, MAX_OFFSET, Engine
from .query.facets import Filters

__all__ = ["BuildReport", "Engine", "Filters", "IndexBusy", "IndexMissing", "MAX_LIMIT",
           "MAX_OFFSET", "build_index"]
