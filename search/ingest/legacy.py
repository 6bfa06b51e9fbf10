"""Legacy Vietnamese encodings to Unicode NFC, only when the bytes prove it.

Before Unicode, Vietnamese files were typed in 8-bit font encodings. Read as
Windows text they look like mojibake ("ViÖt Nam", "Vieät Nam"), and a
search engine would index that garbage. Three encodings cover nearly every old
file a provincial office still has:

- ``tcvn3`` (TCVN 5712 "ABC", the ``.VnTime`` fonts): one byte per letter.
- ``vni`` (VNI-Windows): an ASCII base letter then one mark character.
- ``cp1258`` (Windows-1258): hatted letters precomposed, tones as combining
  marks, so it must be composed to NFC.

``detect_and_convert`` decodes the bytes every way, including UTF-8, and keeps
a legacy reading only when far more of its accented words are spelled like
Vietnamese syllables (``lang.syllable.is_syllable``) than in any other
reading. Bytes that decode the same in every encoding (ASCII) or that no
reading makes sense of give ``None``: a wrong guess would silently corrupt a
document, a ``None`` only leaves it to the ordinary decoder.

``to_legacy`` writes text back in each encoding; tests use it to make legacy
fixtures from the seeds, and it keeps the tables readable in both directions.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..lang.syllable import is_syllable, split_tones
from ..lang.text import LETTER_RUN

ENCODINGS = ("tcvn3", "vni", "cp1258")

# --- TCVN3 ------------------------------------------------------------------

# Each row: a letter without tone, then with grave, acute, hook, tilde, dot
# below, and the bytes for them. Plain a, e, i, o, u, y are ASCII.
_TCVN3_ROWS = [
    ("àáảãạ", "B5 B8 B6 B7 B9"),
    ("ăằắẳẵặ", "A8 BB BE BC BD C6"),
    ("âầấẩẫậ", "A9 C7 CA C8 C9 CB"),
    ("èéẻẽẹ", "CC D0 CE CF D1"),
    ("êềếểễệ", "AA D2 D5 D3 D4 D6"),
    ("ìíỉĩị", "D7 DD D8 DC DE"),
    ("òóỏõọ", "DF E3 E1 E2 E4"),
    ("ôồốổỗộ", "AB E5 E8 E6 E7 E9"),
    ("ơờớởỡợ", "AC EA ED EB EC EE"),
    ("ùúủũụ", "EF F3 F1 F2 F4"),
    ("ưừứửữự", "AD F5 F8 F6 F7 F9"),
    ("ỳýỷỹỵ", "FA FD FB FC FE"),
    ("đ", "AE"),
    # The only capitals the font has. A capital with a tone was typed with the
    # lower-case byte in the all-capitals ".VnTimeH" font, so the byte alone
    # cannot say it was a capital (see _restore_tcvn3_case).
    ("ĂÂÊÔƠƯĐ", "A1 A2 A3 A4 A5 A6 A7"),
]
_TCVN3_DECODE: dict[int, str] = {}
for _letters, _codes in _TCVN3_ROWS:
    for _ch, _code in zip(_letters, _codes.split(), strict=True):
        _TCVN3_DECODE[int(_code, 16)] = _ch
_TCVN3_ENCODE = {ch: code for code, ch in _TCVN3_DECODE.items()}
# Toned lower-case letters whose capital has no byte of its own.
_TCVN3_NO_CAPITAL = frozenset(
    ch for ch in _TCVN3_ENCODE if ch.islower() and ch.upper() not in _TCVN3_ENCODE
)

# --- VNI-Windows ---------------------------------------------------------------

# Tone marks in the order acute, grave, hook, tilde, dot below; the capital
# forms follow capital base letters.
_VNI_TONES = ("ùøûõï", "ÙØÛÕÏ")
# Circumflex (â ê ô) and breve (ă) are one character after the base, and
# each has its own characters for "hat plus tone", same order as above.
_VNI_CIRCUMFLEX = ("â", "Â")
_VNI_CIRCUMFLEX_TONES = ("áàåãä", "ÁÀÅÃÄ")
_VNI_BREVE = ("ê", "Ê")
_VNI_BREVE_TONES = ("éèúüë", "ÉÈÚÜË")
# Letters that are one character of their own: ơ ư đ, and i with tones.
_VNI_HORN_O = ("ô", "Ô")
_VNI_HORN_U = ("ö", "Ö")
_VNI_D = ("ñ", "Ñ")
_VNI_I_TONES = ("íìæóò", "ÍÌÆÓÒ")
_VNI_Y_DOT = ("î", "Î")  # ỵ is one character, not y + dot
_VNI_MARKS = frozenset(
    "".join(_VNI_TONES + _VNI_CIRCUMFLEX + _VNI_CIRCUMFLEX_TONES + _VNI_BREVE + _VNI_BREVE_TONES)
)

_TONE_ORDER = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # acute grave hook tilde dot


def _vni_table() -> dict[str, str]:
    """Unicode letter -> VNI characters, for every Vietnamese letter with a mark."""
    table: dict[str, str] = {}

    def add(letter: str, lower: str, upper: str) -> None:
        table[unicodedata.normalize("NFC", letter)] = lower
        table[unicodedata.normalize("NFC", letter).upper()] = upper

    for base in "aeouy":
        for k, tone in enumerate(_TONE_ORDER):
            if base == "y" and tone == "\u0323":
                add("y" + tone, _VNI_Y_DOT[0], _VNI_Y_DOT[1])
            else:
                add(base + tone, base + _VNI_TONES[0][k], base.upper() + _VNI_TONES[1][k])
    for k, tone in enumerate(_TONE_ORDER):
        add("i" + tone, _VNI_I_TONES[0][k], _VNI_I_TONES[1][k])
    for base in "aeo":  # â ê ô
        add(base + "\u0302", base + _VNI_CIRCUMFLEX[0], base.upper() + _VNI_CIRCUMFLEX[1])
        for k, tone in enumerate(_TONE_ORDER):
            add(base + "\u0302" + tone, base + _VNI_CIRCUMFLEX_TONES[0][k],
                base.upper() + _VNI_CIRCUMFLEX_TONES[1][k])
    add("a\u0306", "a" + _VNI_BREVE[0], "A" + _VNI_BREVE[1])  # ă
    for k, tone in enumerate(_TONE_ORDER):
        add("a\u0306" + tone, "a" + _VNI_BREVE_TONES[0][k], "A" + _VNI_BREVE_TONES[1][k])
    for horn, (lower, upper) in (("o\u031b", _VNI_HORN_O), ("u\u031b", _VNI_HORN_U)):  # ơ ư
        add(horn, lower, upper)
        for k, tone in enumerate(_TONE_ORDER):
            add(horn + tone, lower + _VNI_TONES[0][k], upper + _VNI_TONES[1][k])
    add("đ", _VNI_D[0], _VNI_D[1])
    return table


_VNI_ENCODE = _vni_table()


def _vni_decode_table() -> dict[str, str]:
    table = {}
    for letter, vni in _VNI_ENCODE.items():
        table[vni] = letter
        if len(vni) == 2:
            # Some files mix a capital base with a small mark or the reverse:
            # the base letter says the case.
            table[vni[0] + vni[1].swapcase()] = letter
    return table


_VNI_DECODE = _vni_decode_table()
# Longest first, so "oâ" (ô) wins over a lone "o", and "ôù" (ớ) over "ô" (ơ).
# A mark that follows no base is matched last, as evidence against VNI.
_VNI_PATTERN = re.compile(
    "|".join(re.escape(k) for k in sorted(_VNI_DECODE, key=len, reverse=True))
    + "|(?P<stray>[%s])" % re.escape("".join(sorted(_VNI_MARKS)))
)


# --- byte-level decoders ---------------------------------------------------------


def _byte_char(b: int) -> str:
    """What a byte outside a font's letter table shows: Windows punctuation
    for 0x80-0x9F (the fonts kept those glyphs), Latin-1 otherwise."""
    if 0x80 <= b <= 0x9F:
        try:
            return bytes([b]).decode("cp1252")
        except UnicodeDecodeError:
            return chr(b)  # a C1 control: counted as evidence against
    return chr(b)


_TCVN3_BYTES = [_TCVN3_DECODE.get(b, _byte_char(b)) for b in range(256)]


def _decode_tcvn3(raw: bytes) -> tuple[str, int]:
    """``(text, unknown)``: unknown counts high bytes outside the TCVN3 table."""
    unknown = sum(1 for b in raw if b > 0xA0 and b not in _TCVN3_DECODE)
    return "".join(_TCVN3_BYTES[b] for b in raw), unknown


def _decode_vni(raw: bytes) -> tuple[str, int]:
    """``(text, stray)``: stray counts mark characters after no base letter."""
    stray = 0

    def sub(m: re.Match) -> str:
        nonlocal stray
        if m.group("stray"):
            stray += 1
            return m.group()
        return _VNI_DECODE[m.group()]

    text = "".join(_byte_char(b) for b in raw)
    return _VNI_PATTERN.sub(sub, text), stray


def _decode_cp1258(raw: bytes) -> tuple[str, int]:
    return unicodedata.normalize("NFC", raw.decode("cp1258")), 0


_DECODERS = {"tcvn3": _decode_tcvn3, "vni": _decode_vni, "cp1258": _decode_cp1258}


# --- TCVN3 capitals ------------------------------------------------------------------

# What may stand between a sentence end (or a line start) and its first word.
_SENTENCE_START = re.compile(r"(?:^|[.!?…]\s)[\s\"“‘'(\[–—-]*$")


def _restore_tcvn3_case(text: str) -> str:
    """Put back capitals the font could not store, where the text shows them.

    Decoded, "PHÙNG" reads "PHùNG" and "ỦY" reads "ủY": a capital after the
    first letter puts the word in capitals. "Bí" could be "Bí" or "BÍ", and is
    read as capitals only on a line in capitals. A word that starts a line or a
    sentence starts with a capital. Elsewhere ("Ủy viên" mid-sentence) the
    capital is lost and stays lower-case.
    """
    return "".join(_restore_line(line) for line in text.splitlines(keepends=True))


def _is_caps(word: str) -> bool | None:
    """True/False when the stored letters say, None when they cannot."""
    cased = [(i, c) for i, c in enumerate(word) if c not in _TCVN3_NO_CAPITAL and c.lower() != c.upper()]
    if not cased or any(c.islower() for _, c in cased):
        return False
    if len(cased) == 1 and cased[0][0] == 0:
        return None  # "Bí" or "BÍ"
    return True


def _restore_line(line: str) -> str:
    words = list(LETTER_RUN.finditer(line))
    verdicts = [_is_caps(m.group()) for m in words]
    known = [v for v, m in zip(verdicts, words) if v is not None and len(m.group()) > 1]
    shouting = len(known) >= 2 and all(known)
    out, last = [], 0
    for m, caps in zip(words, verdicts):
        word = m.group()
        if any(c in _TCVN3_NO_CAPITAL for c in word):
            if caps or (caps is None and shouting):
                word = word.upper()
            # Only the gap since the previous word can hold a sentence end
            # (a word is letters, the pattern none): searching the whole
            # prefix made a 253 KB one-line file take 69 s (quadratic).
            elif word[0] in _TCVN3_NO_CAPITAL and _SENTENCE_START.search(line, last, m.start()):
                word = word[0].upper() + word[1:]
        out.append(line[last : m.start()])
        out.append(word)
        last = m.end()
    out.append(line[last:])
    return "".join(out)


# Punctuation that Vietnamese text in these encodings really contains.
_PLAIN_PUNCTUATION = set("\u00a0“”‘’…–—•«»°")


def _odd(ch: str) -> bool:
    if ch.isascii():
        return ch < " " and ch not in "\t\n\r\f\v"
    return not ch.isalpha() and ch not in _PLAIN_PUNCTUATION


@dataclass
class _Reading:
    encoding: str
    text: str
    valid: int  # accented words that are Vietnamese syllables
    evidence: int  # accented words, plus characters no real text would hold

    @property
    def share(self) -> float:
        return self.valid / self.evidence if self.evidence else 0.0


def _reading(encoding: str, text: str, odd_extra: int) -> _Reading:
    valid = accented = 0
    for word in LETTER_RUN.findall(text):
        if word.isascii():
            continue  # plain ASCII reads the same in every encoding: no evidence
        accented += 1
        valid += is_syllable(word)
    odd = odd_extra + sum(1 for ch in text if _odd(ch))
    return _Reading(encoding, text, valid, accented + odd)


# A reading must have this many real accented syllables, this share of its
# evidence, and beat every other reading (UTF-8 included) by this margin.
MIN_SYLLABLES = 3
MIN_SHARE = 0.8
MIN_MARGIN = 0.3


def detect_and_convert(raw: bytes) -> tuple[str, str] | None:
    """``(text, encoding)`` when ``raw`` is clearly TCVN3, VNI or Windows-1258.

    ``text`` is NFC. ``None`` when the bytes are ASCII, UTF-8 or UTF-16, or
    when no legacy reading is clearly better than the others.
    """
    if raw.isascii() or b"\x00" in raw:
        return None
    readings = []
    try:
        # NFC first: decomposed UTF-8 is still UTF-8, not loose marks.
        readings.append(_reading("utf-8", unicodedata.normalize("NFC", raw.decode("utf-8")), 0))
    except UnicodeDecodeError:
        pass
    for encoding, decoder in _DECODERS.items():
        try:
            text, odd = decoder(raw)
        except UnicodeDecodeError:
            continue  # a byte this code page leaves undefined: not this one
        readings.append(_reading(encoding, text, odd))
    readings.sort(key=lambda r: (r.share, r.valid), reverse=True)
    best = readings[0]
    runner_up = readings[1].share if len(readings) > 1 else 0.0
    if (best.encoding == "utf-8" or best.valid < MIN_SYLLABLES
            or best.share < MIN_SHARE or best.share - runner_up < MIN_MARGIN):
        return None
    text = best.text
    if best.encoding == "tcvn3":
        text = _restore_tcvn3_case(text)
    return unicodedata.normalize("NFC", text), best.encoding


def decode_as(raw: bytes, encoding: str) -> str:
    """``raw`` read as ``encoding`` (``tcvn3`` or ``vni``), NFC, TCVN3's lost
    capitals put back: for text already known to be in it (a legacy font's
    runs in a Word file, ``formats/legacy_fonts.py``)."""
    text, _ = _DECODERS[encoding](raw)
    if encoding == "tcvn3":
        text = _restore_tcvn3_case(text)
    return unicodedata.normalize("NFC", text)


def syllable_score(text: str) -> int:
    """Accented words spelled like Vietnamese syllables, less those that are
    not: which of two readings of a line is Vietnamese."""
    score = 0
    for word in LETTER_RUN.findall(text):
        if not word.isascii():
            score += 1 if is_syllable(word) else -1
    return score


# --- writing legacy bytes ---------------------------------------------------------


def _punctuation_byte(ch: str, allowed: range) -> bytes | None:
    """Windows-1252 byte for punctuation, if it falls where the font keeps it."""
    try:
        b = ch.encode("cp1252")
    except UnicodeEncodeError:
        return None
    return b if b[0] in allowed else None


def _encode_tcvn3(ch: str) -> bytes | None:
    if ch.isascii():
        return ch.encode("ascii")
    if ch in _TCVN3_ENCODE:
        return bytes([_TCVN3_ENCODE[ch]])
    if ch.lower() in _TCVN3_ENCODE:
        return bytes([_TCVN3_ENCODE[ch.lower()]])  # the ".VnTimeH" way
    return _punctuation_byte(ch, range(0x80, 0xA1))


def _encode_vni(ch: str) -> bytes | None:
    if ch.isascii():
        return ch.encode("ascii")
    if ch in _VNI_ENCODE:
        return _VNI_ENCODE[ch].encode("latin-1")
    return _punctuation_byte(ch, range(0x80, 0xC0))


def _encode_cp1258(ch: str) -> bytes | None:
    # Windows writes a toned letter as its base (hats included) and a
    # combining tone mark: that is what files in this code page hold.
    base, tones = split_tones(ch)
    try:
        return (base + tones).encode("cp1258")
    except UnicodeEncodeError:
        return None


_ENCODERS = {"tcvn3": _encode_tcvn3, "vni": _encode_vni, "cp1258": _encode_cp1258}


def to_legacy(text: str, encoding: str, errors: str = "strict") -> bytes:
    """``text`` in ``encoding`` (one of ``ENCODINGS``).

    A character the encoding cannot hold raises ``UnicodeEncodeError``, or
    becomes ``?`` with ``errors="replace"``. TCVN3 writes a capital with a
    tone (Ủ) as its lower-case byte, as ".VnTimeH" documents did.
    """
    try:
        encode = _ENCODERS[encoding]
    except KeyError:
        raise ValueError(f"không biết bảng mã cũ {encoding!r}; hãy dùng một trong {ENCODINGS}") from None
    text = unicodedata.normalize("NFC", text)
    out = bytearray()
    for i, ch in enumerate(text):
        b = encode(ch)
        if b is None:
            if errors != "replace":
                raise UnicodeEncodeError(encoding, text, i, i + 1, "không có trong bảng mã này")
            b = b"?"
        out += b
    return bytes(out)
