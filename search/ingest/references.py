"""A document's own number and the numbers it cites (issue 14, items 5-6).

The own number stands in the official header, on the "Số" line under the
issuing body: ``Số 05-NQ/TU``, ``Số: 15/2021/NQ-HĐND`` (Quy định 66-QĐ/TW;
Nghị định 30/2020/NĐ-CP). A .docx header table gives it as one row with the
place and date (``Số 05-NQ/TU | Thái Nguyên, ngày 02 tháng 7 năm 2021``), a
PDF text layer as one line of both columns, or after the issuer's capitals
(``TỈNH ỦY THÁI NGUYÊN Số 05-NQ/TU``). So the "Số" may follow nothing but
capitals, stars and cell bars; the number must follow it at once. Running
text ("căn cứ Nghị quyết số 05-NQ/TU") never qualifies: lower-case before.

Every other number written whole anywhere in the document is a citation
("Căn cứ Nghị quyết số 05-NQ/TU ngày 02/7/2021", "Chỉ thị 05-CT/TW", "theo
Kết luận số 36-KL/TW"), kept by key (``lang.docnumbers``), in order of first
mention, once, the own number left out.

    >>> references(["TỈNH ỦY THÁI NGUYÊN", "Số 05-NQ/TU Thái Nguyên, ngày 02 tháng 7 năm 2021",
    ...             "NGHỊ QUYẾT", "Thực hiện Chỉ thị 05-CT/TW và Kết luận số 36-KL/TW, Chỉ thị 05-CT/TW"])
    {'number': '05-NQ/TU', 'number_key': '5-nq/tu', 'cites': ['5-ct/tw', '36-kl/tw']}
"""

from __future__ import annotations

import re

from ..lang.docnumbers import DocNumber, find_numbers, number_at

# The header block: issuer (one or two lines), a star, the number, place
# and date, the type, the subject. The number line is among the first
# lines; 15 leaves room for a file whose first lines are a title or a
# company's letterhead.
HEAD_LINES = 15
HEAD_CHARS = 400
# "Số" (or "SỐ", or unaccented), a colon perhaps, then the number. Led by
# the literal S, which the regex engine skips to: a lookbehind first made
# this scan of 15 lines cost ~450 us a document (bench/make_corpus.py's).
_SO = re.compile(r"S(?:ố|Ố|o|O)\s*:?\s*")


def own_number(paragraphs: list[str]) -> DocNumber | None:
    """The number on the header's "Số" line, or None. Before "Số" there may
    be header only: nothing, or capitals (the issuer's name), stars, bars,
    dashes; no lower-case letter. At most HEAD_CHARS of each of the first
    HEAD_LINES lines are read."""
    for row in paragraphs[:HEAD_LINES]:
        # A header line is short (the two columns of a PDF line: ~100
        # characters); a .docx table row has its cells apart.
        for line in row[:HEAD_CHARS].split("|"):
            found = _number_line(line)
            if found is not None:
                return found
    return None


def _number_line(line: str) -> DocNumber | None:
    lower = next((i for i, c in enumerate(line) if c.islower()), len(line))
    for m in _SO.finditer(line):
        if m.start() > lower:
            break
        if m.start() and (line[m.start() - 1].isalnum() or line[m.start() - 1] == "_"):
            continue
        found = number_at(line, m.end())
        if found is not None:
            return found
    return None


def references(paragraphs: list[str]) -> dict:
    """``number`` (as written) and ``number_key`` when the header has one,
    and ``cites``: the keys of the other numbers the text writes, in order,
    each once. Read from every line, header and footer included (a
    "Nơi nhận" list names bodies, not numbers)."""
    own = own_number(paragraphs)
    out: dict = {}
    seen = set()
    if own is not None:
        out["number"], out["number_key"] = " ".join(own.text.split()), own.key
        seen.add(own.key)
    cites = []
    for line in paragraphs:
        for n in find_numbers(line):
            if n.key not in seen:
                seen.add(n.key)
                cites.append(n.key)
    out["cites"] = cites
    return out
