"""The header and footer of an official document (văn bản).

Party documents follow Quy định 66-QĐ/TW (2017) and state documents Nghị
định 30/2020/NĐ-CP; both open with a two-column header and close with the
recipients and the signature:

    ĐẢNG BỘ TỈNH THÁI NGUYÊN        ĐẢNG CỘNG SẢN VIỆT NAM      (state: CỘNG HÒA XÃ HỘI
    TỈNH ỦY                                                      CHỦ NGHĨA VIỆT NAM /
    *                                                            Độc lập - Tự do - Hạnh phúc)
    Số 05-NQ/TU                     Thái Nguyên, ngày 02 tháng 7 năm 2021
                         NGHỊ QUYẾT
             về ... (the subject, trích yếu)
    ... content ...
    Nơi nhận:                       T/M BAN THƯỜNG VỤ
    - Ban Bí thư Trung ương Đảng,   BÍ THƯ
    - Lưu VP Tỉnh ủy.               (signature) Trịnh Việt Hùng

``read_official`` reads that into the meta keys of the session-5 contract
(``issuer``, ``issuer_parent``, ``doc_kind``, ``issued_place``,
``issued_date``, ``subject``, ``signer``, ``signer_capacity``,
``recipients``), says which paragraphs are header or footer furniture (not
content to index: the motto, "*", "Số ...", the place-date line, the type
line, "Nơi nhận:", the recipients, the signature block) and gives a title
("Nghị quyết về ..."). The subject stays a content paragraph.

The formats deliver the header's columns differently: a .docx table cell by
cell (formats/docx.py, left cell then right cell), a .txt line by line, a
PDF's text layer either as separate lines on one baseline (formats/pdf.py
keeps each its own paragraph) or, when the printer wrote the row as one
string, as one line "ĐẢNG BỘ TỈNH THÁI NGUYÊN ĐẢNG CỘNG SẢN VIỆT NAM".
``_pieces`` cuts such a line where a right-column item starts (the motto,
the place-date, "Số", "Nơi nhận:", a signing capacity), so the reading does
not depend on the order or on the lines.

A document is read as official only when one of its first lines is the
national or Party motto, or its footer starts with "Nơi nhận:": the news
reports of seeds/ have neither, and keep every paragraph they had
(tests/test_junk_lines.py, tests/test_metadata.py).
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

from ..lang.docnumbers import KINDS
from ..lang.text import canonical_tones, fold, normal_text
from .bodies import CAPITALISED, issuer_of, readable

# Lines from the top where the header may be: 12 in the longest header we
# wrote (state header of 2 issuer lines, motto, separators, number, date, type,
# a 3-line subject), twice that for a split PDF.
HEAD_LINES = 25
# Lines from the end where the footer may start: 20 recipients and the
# signature block of a long distribution list.
FOOT_LINES = 40
MAX_PIECE_CHARS = 200  # a header or footer item is short; a longer line is content
MAX_SUBJECT_LINES = 3
# A row of the header or footer, both columns: 95 characters in the longest
# we wrote (a state decision's "Số: .../QĐ-UBND  Thái Nguyên, ngày ...").
ROW_CHARS = 160

# Type names (QĐ 66 appendix, NĐ 30 appendix III), the longest first.
KIND_NAMES = sorted(set(KINDS.values()) | {
    "quy chế", "điều lệ", "công điện", "giấy mời", "diễn văn", "hướng dẫn", "thông tri",
    "tờ trình", "kế hoạch", "chương trình", "đề án", "phương án", "báo cáo chính trị",
    "nghị quyết liên tịch", "quyết định liên tịch", "thông tư liên tịch",
}, key=len, reverse=True)

_MOTTO = re.compile(
    r"(?i)(ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM|CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM"
    r"|ĐỘC\s+LẬP\s*[-–—]\s*TỰ\s+DO\s*[-–—]\s*HẠNH\s+PHÚC)")
_PLACE_DATE = re.compile(
    r"(?<![\w.])(?P<place>(?:[^\W\d_][\w.]{0,15}\s+){0,4}[^\W\d_][\w.]{0,15})\s*,\s*ngày\s*(?P<d>(?:\d{1,2}|[.…]+)\s*)?"
    r"tháng\s*(?P<m>(?:\d{1,2}|[.…]+)\s*)?năm\s*(?P<y>\d{4})", re.I)  # no two \s* in a row: linear
_NUMBER = re.compile(r"Số\s*:?\s*[\d.…]", re.I)
_SUBJECT_VV = re.compile(r"(?i)V/v\s*:?\s*")
_NOI_NHAN = re.compile(r"(?i)Nơi\s+nhận\s*:?")
# Signing capacity (QĐ 66: T/M, K/T, T/L, T/UQ; NĐ 30: TM., KT., TL., TUQ., Q.).
_CAPACITY = re.compile(r"(?:T/M|K/T|T/L|T/UQ|TM\.|KT\.|TL\.|TUQ\.|Q\.)\s*\S")
_POSITION = re.compile(
    r"(?:PHÓ\s+|Q\.\s*)?(?:BÍ\s+THƯ|TỔNG\s+BÍ\s+THƯ|CHỦ\s+TỊCH|TRƯỞNG\s+BAN|GIÁM\s+ĐỐC|CHÁNH\s+VĂN\s+PHÒNG"
    r"|VĂN\s+PHÒNG|THỦ\s+TƯỚNG|BỘ\s+TRƯỞNG|THỨ\s+TRƯỞNG|TRƯỞNG\s+PHÒNG|CHÁNH\s+THANH\s+TRA|TRƯỞNG\s+ĐOÀN"
    r"|ỦY\s+VIÊN|THƯỜNG\s+TRỰC)(?:\s+[^\W\d_]+){0,6}")
_SIGNED = re.compile(r"(?i)[(\[]\s*(?:đã\s+ký|ký|ký\s+tên|ký,?\s+đóng\s+dấu|ký\s+tên,?\s+đóng\s+dấu|đã\s+ký\s+và\s+đóng\s+dấu)"
                     r"[^)\]]*[)\]]")
_ARCHIVE = re.compile(r"(?i)lưu\b")
_LIST_MARK = re.compile(r"^[-–—+•*]\s*")

@dataclass
class Official:
    meta: dict = field(default_factory=dict)
    furniture: set = field(default_factory=set)  # paragraph indices that are not content
    title: str | None = None


def _letters(text: str) -> str:
    return "".join(c for c in text if c.isalpha())


def _caps(text: str) -> bool:
    letters = _letters(text)
    return bool(letters) and letters.isupper()


def _separator(text: str) -> bool:
    """"*", "-----", "---oOo---": a rule between header items."""
    return not any(c.isalnum() for c in re.sub(r"[oO0]{1,3}(?=[-_*=~.\s]|$)", "", text)) and len(text) <= 40


def _kind(text: str) -> tuple[str, str] | None:
    """The type named by a capitals line ("NGHỊ QUYẾT", "BÁO CÁO CHÍNH TRỊ ...",
    or "NGHỊ QUYẾT về ..." when the subject shares its paragraph), and what
    follows it on the line."""
    words = text.split()
    lead = 0
    while lead < len(words) and _caps(words[lead]):
        lead += 1
    if lead < len(words) and not words[lead][:1].islower():
        return None  # capitals, then something else than the subject's running text
    low = canonical_tones(" ".join(words[:lead]).lower())
    for name in KIND_NAMES:
        if low == name or (low.startswith(name + " ") and lead == len(words)):
            n = len(name.split())
            return name, " ".join(words[n:])
    return None


def _place_start(m: re.Match) -> int:
    """Where the place of a place-date match starts: its capitalised words
    ("Thái Nguyên", "TP. Hồ Chí Minh"), not a number's issuer before it
    ("Số: 1234/QĐ-UBND Thái Nguyên, ngày ...")."""
    start = m.start("place")
    for w in re.finditer(r"\S+", m["place"]):
        word = w.group()
        if word[:1].isupper() and (word[1:].islower() or word.rstrip(".").upper() == "TP"):
            return start + w.start()
    return m.start("place")


def _pieces(text: str) -> list[str]:
    """``text`` cut where an item of the other column starts, and at a
    column rule "|" (a table row as text converters write it)."""
    if "|" in text:
        return [p for part in text.split("|") for p in _pieces(part)]
    cuts = {0, len(text)}
    for m in _MOTTO.finditer(text):
        cuts.add(m.start())
        cuts.add(m.end())
    for m in _PLACE_DATE.finditer(text):
        cuts.add(_place_start(m))
        cuts.add(m.end())
    for rx in (_NUMBER, _NOI_NHAN, _CAPACITY):
        for m in rx.finditer(text):
            # "Số 05-NQ/TU" begins an item; the "số 05-NQ/TU" of running text
            # ("thực hiện Nghị quyết số 05-NQ/TU về ...") does not.
            if m.start() and text[m.start() - 1].isspace() and (rx is not _NUMBER or text[m.start()].isupper()):
                cuts.add(m.start())
    # A capitals item after a recipient ("- Lưu VP. BÍ THƯ") or after "Nơi nhận:".
    for m in re.finditer(r"[,;.:]\s+(?=%s\s*$)" % _POSITION.pattern, text):
        if m.group()[0] != "." or text[m.start() - 1:m.start()].islower():  # not "KT. CHỦ TỊCH"
            cuts.add(m.end())
    bounds = sorted(cuts)
    return [p for p in (text[a:b].strip() for a, b in zip(bounds, bounds[1:])) if p]



def _short_pieces(paragraph: str) -> list[str]:
    """``_pieces`` of a line short enough to be header or footer items (a
    row of two columns); a longer one whole, as content. The place-date
    pattern backtracks over a long word: a 200,000-letter line took minutes."""
    if len(paragraph) > 3 * MAX_PIECE_CHARS:
        return [paragraph]
    return _pieces(normal_text(paragraph).strip())


def _date(d: str, m: str, y: str) -> str | None:
    try:
        return _dt.date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def _name(text: str) -> bool:
    """A person's name: 2-6 words, each capitalised (or all in capitals)."""
    words = text.split()
    return (2 <= len(words) <= 6 and len(text) <= 50 and all(w[:1].isupper() and w.isalpha() for w in words)
            and (text.isupper() or all(w[1:].islower() or len(w) == 1 for w in words)))


def _head(paragraphs: list[str], out: Official) -> int:
    """Read the header; the index of the first paragraph after it (0 when none)."""
    # One search a line first: cutting lines into pieces costs ~0.6 ms a
    # line, 30 ms a news report (60 s over bench's 1,987 documents).
    if not any(_MOTTO.search(p) for p in paragraphs[:HEAD_LINES] if len(p) <= ROW_CHARS):
        return 0
    items = [(i, p) for i, p in enumerate(paragraphs[:HEAD_LINES]) for p in _short_pieces(p)]
    if not any(_MOTTO.fullmatch(p) for _, p in items):
        return 0
    issuer_lines: list[str] = []
    kind_at = None
    furniture: dict[int, bool] = {}  # paragraph -> every piece is furniture so far
    subject: list[str] = []
    for i, p in items:
        is_item = True
        if len(p) > MAX_PIECE_CHARS:
            break
        if kind_at is None:
            kind = _kind(p)
            m = _PLACE_DATE.fullmatch(p.rstrip(" .")) if not kind else None
            m = m if m and _place_start(m) == 0 else None
            if kind:
                kind_at = i
                issuer, parent = issuer_of(issuer_lines)
                if issuer:
                    out.meta["issuer"] = issuer
                if parent:
                    out.meta["issuer_parent"] = parent
                out.meta["doc_kind"] = kind[0]
                if kind[1]:
                    subject.append(kind[1])
            elif _MOTTO.fullmatch(p) or _separator(p) or _NUMBER.match(p):
                pass
            elif m:
                out.meta["issued_place"] = " ".join(m["place"].split())
                d, mo = (m["d"] or "").strip(), (m["m"] or "").strip()
                date = _date(d, mo, m["y"]) if d.isdigit() and mo.isdigit() else None
                if date:
                    out.meta["issued_date"] = date
            elif _SUBJECT_VV.match(p):
                subject.append(p)
                out.meta.setdefault("doc_kind", "công văn")
                is_item = False
            elif _caps(p) and len(p) <= 120:
                issuer_lines.append(p)
            else:
                break  # content before any type line: a letter-like document
        else:
            # The subject: capitals lines right after the type, then a line of
            # running text and its continuations (lower-case starts).
            if _separator(p):
                furniture.setdefault(i, True)
                if subject:
                    break
                continue
            if _caps(p) and (not subject or _caps(subject[-1])) and not _PLACE_DATE.search(p):
                subject.append(p)
                is_item = False
            elif not _caps(p) and len(subject) < MAX_SUBJECT_LINES and (
                    not subject or _caps(subject[-1]) or p[:1].islower()) and not _NUMBER.match(p):
                subject.append(p)
                is_item = False
            elif _caps(p) and fold(readable(p)) == fold(out.meta.get("issuer") or "\0"):
                furniture.setdefault(i, True)  # the authority repeated under a decision's subject
                continue
            else:
                break
        furniture[i] = furniture.get(i, True) and is_item
    if kind_at is None and not subject:
        return 0
    if kind_at is None:  # a letter (V/v ...): its issuer read where the subject ended
        issuer, parent = issuer_of(issuer_lines)
        if issuer:
            out.meta["issuer"] = issuer
        if parent:
            out.meta["issuer_parent"] = parent
    # Capitals after the type name the document further ("CỦA BỘ CHÍNH TRỊ",
    # "HỘI NGHỊ LẦN THỨ CHÍN ..."): the title's; the running text is the subject.
    named = " ".join(x for x in subject if _caps(x))
    running = " ".join(x for x in subject if not _caps(x))
    if _SUBJECT_VV.match(running):
        running = _SUBJECT_VV.sub("", running, count=1).strip()
    if running or named:
        out.meta["subject"] = running or named
    out.furniture |= {i for i, whole in furniture.items() if whole}
    kind = out.meta.get("doc_kind")
    if kind:
        parts = [kind[:1].upper() + kind[1:]]
        named = readable(named, places=False) if named else ""
        if not named.lower().startswith(tuple(CAPITALISED)):  # "của Bộ Chính trị", not "Bộ Chính trị"
            named = named[:1].lower() + named[1:]
        words = running.split()
        if words and not (len(words) > 1 and words[0][:1].isupper() and words[1][:1].isupper()):
            running = running[:1].lower() + running[1:]  # "Về việc", "Kết quả": not a name
        parts += [named, running]
        out.title = " ".join(p for p in parts if p)
    last = max(furniture) if furniture else 0
    return last + 1


def _foot(paragraphs: list[str], start: int, out: Official, official: bool) -> None:
    """Read the recipients and the signature block from the last lines."""
    first = max(start, len(paragraphs) - FOOT_LINES)
    if not official and not any(_NOI_NHAN.search(p) for p in paragraphs[first:] if len(p) <= ROW_CHARS):
        return
    items = [(i, p) for i in range(first, len(paragraphs)) for p in _short_pieces(paragraphs[i])]
    begin = next((k for k, (_, p) in enumerate(items)
                  if _NOI_NHAN.match(p) or (official and _CAPACITY.match(p) and _caps(p))), None)
    if begin is None:
        return
    if not official and not any(_NOI_NHAN.match(p) for _, p in items[begin:]):
        return
    recipients: list[str] = []
    capacity: list[str] = []
    signer = None
    state: dict[int, bool] = {}
    last = None  # what the previous piece was
    for i, p in items[begin:]:
        kind = None
        if len(p) > MAX_PIECE_CHARS:
            kind = None
        elif _NOI_NHAN.match(p):
            kind = "noi"
            rest = p[_NOI_NHAN.match(p).end():].strip()
            if rest:
                recipients.append(_LIST_MARK.sub("", rest).rstrip(" ,;.") if not _ARCHIVE.match(
                    _LIST_MARK.sub("", rest)) else "")
        elif _LIST_MARK.match(p) and p[1:].strip():
            kind = "recipient"
            item = _LIST_MARK.sub("", p).strip()
            if not _ARCHIVE.match(item):
                recipients.append(item.rstrip(" ,;."))
        elif last == "recipient" and p[:1].islower():
            kind = "recipient"
            if recipients and recipients[-1]:
                recipients[-1] = (recipients[-1] + " " + p).rstrip(" ,;.")
        elif _caps(p) and (_CAPACITY.match(p) or _POSITION.fullmatch(p)):
            kind = "capacity"
            capacity.append(" ".join(p.split()))
        elif _SIGNED.fullmatch(p):
            kind = "signed"
        elif capacity and _name(p):
            kind = "signer"
            signer = p
        state[i] = state.get(i, True) and kind is not None
        if kind:
            last = kind
    recipients = [r for r in recipients if r]
    if recipients:
        out.meta["recipients"] = recipients
    if capacity:
        out.meta["signer_capacity"] = ", ".join(capacity)
    if signer:
        out.meta["signer"] = signer if not signer.isupper() else " ".join(
            w[:1] + w[1:].lower() for w in signer.split())
    out.furniture |= {i for i, whole in state.items() if whole}


def read_official(paragraphs: list[str]) -> Official:
    """The header and footer facts of ``paragraphs`` (empty for a document
    that is not an official one) and the paragraphs that are furniture."""
    out = Official()
    after = _head(paragraphs, out)
    _foot(paragraphs, after, out, bool(out.meta))
    return out


def merged_meta(meta: dict, official: Official) -> dict:
    """metadata.extract's facts with the header's. A date the document states
    (its issue date) stands over one metadata inferred from a term's years
    ("nhiệm kỳ 2020 - 2025" gave 2021-01-01 for a resolution of 02/07/2021),
    and is not a meeting's date (metadata read the place-date line as one)."""
    out = meta | official.meta
    issued = official.meta.get("issued_date")
    # The place-date line is the issue date, not a meeting's ("họp ngày ...").
    if issued and (out.get("date_inferred") or out.get("meeting_date") == issued):
        out["meeting_date"], out["date_inferred"] = None, False
    return out


def content_of(paragraphs: list[str], kept: list[int], official: Official) -> list[str]:
    """The paragraphs to index: ``kept`` (junk.content_lines) less the header
    and footer; all of ``kept`` when nothing else would be left."""
    content = [paragraphs[i] for i in kept if i not in official.furniture]
    return content or [paragraphs[i] for i in kept]


def header_words(meta: dict) -> list[str]:
    """The header's facts as words a query may name, for the document fields
    (index.schema.document_text): type, issuer and its parent, place, date,
    number. Not the signer or recipients: a query naming them should not find
    the documents they merely received or signed."""
    lines = [meta.get(k) or "" for k in ("doc_kind", "issuer", "issuer_parent", "issued_place", "number")]
    day = meta.get("issued_date") or ""
    if len(day) == 10:
        y, m, d = day.split("-")
        lines.append(f"{d}/{m}/{y}")
    return [line for line in lines if isinstance(line, str) and line]


def is_layout_table(cells: list[list[str]]) -> bool:
    """Whether a table's cells (each a list of its paragraphs) hold a header or
    footer laid out in columns, not data: the motto, "Nơi nhận:" or a signing
    capacity in a cell. formats/docx.py then gives each cell's paragraphs as
    lines, left cell then right cell, instead of a row "cell | cell"."""
    for cell in cells:
        for p in cell:
            p = " ".join(normal_text(p).split())
            if _MOTTO.fullmatch(p) or _NOI_NHAN.match(p) or (_CAPACITY.match(p) and _caps(p)):
                return True
    return False


# A header, a subject and a footer, one line of each kind read above.
_PROBE = ["ĐẢNG BỘ TỈNH THÁI NGUYÊN ĐẢNG CỘNG SẢN VIỆT NAM", "TĨNH ỦY", "*",
          "Số 05-NQ/TU Thái Nguyên, ngày 02 tháng 7 năm 2021", "NGHỊ QUYẾT",
          "về phát triển du lịch theo Kết luận số 36-KL/TW",
          "Nội dung.", "Nơi nhận: T/M BAN THƯỜNG VỤ", "- Ban Bí thư Trung ương Đảng, BÍ THƯ",
          "- Lưu VP.", "(Đã ký)", "Trịnh Việt Hùng"]


def probe() -> str:
    """What these rules make of a probe header, for corpus.ingest_version:
    an index built before them (or by other rules) is re-read."""
    got = read_official(_PROBE)
    return repr((sorted(got.meta.items()), sorted(got.furniture), got.title))
