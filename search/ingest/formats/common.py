"""What every reader does to the text it finds: whitespace and empty paragraphs."""

from __future__ import annotations

import re

from ...lang.text import normal_text

_SPACES = re.compile(r"[ \t\n\r\f\v]+")  # ASCII only: a no-break space is text


def clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def keep(paragraphs) -> list[str]:
    out = []
    for p in paragraphs:
        p = clean(p)
        if p and normal_text(p).strip():  # not only invisible characters
            out.append(p)
    return out
