"""The rules of Vietnamese text, with no index in sight: normalization, tone
placement, folding, syllables, pyvi's words, abbreviations, the accent model."""
