"""What the compound analyzer asks pyvi about: the token sequences
``CompoundFilter`` hands to ``segment.joins`` for each paragraph (shared by
tests/test_crf.py and bench/indexing.py's pyvi-only limit)."""

from search.analysis import analyzers
from search.lang import segment


def pyvi_sequences(paragraphs) -> list[tuple[str, ...]]:
    captured = []

    def capture(tokens):
        captured.append(tokens)
        return (False,) * len(tokens)

    real, segment.joins = segment.joins, capture
    try:
        analyzer = analyzers.compound_analyzer()
        for text in paragraphs:
            for _ in analyzer(text):
                pass
    finally:
        segment.joins = real
    return captured
