"""Vietnamese analysis for Whoosh: tokenizer, filters, the field chains, and
the one definition of a text's terms (``terms``)."""
