"""Words typed with the Vietnamese input method off: the keys of Telex and
VNI left in the word, read back into the syllable they were meant to make.

Telex: tone keys s f r x j (sắc, huyền, hỏi, ngã, nặng), aa ee oo for â ê ô,
w for the horn and breve (ow uw uow aw; a lone w is ư), dd for đ. VNI: digits
1-5 the tones, 6 the hat, 7 the horn, 8 the breve, 9 đ. Either way the keys
may stand anywhere after the vowel they change ("hooij", "hoijo", "ho65i",
"hoi65"), as the input methods themselves accept.

    >>> [decode(w) for w in ("hooij", "nghij", "chir", "thij", "ddoongf", "chis")]
    ['hội', 'nghị', 'chỉ', 'thị', 'đồng', 'chí']
    >>> [decode(w) for w in ("ho65i", "nghi5", "chi3", "thi5", "d9o6ng2", "tuwowngf")]
    ['hội', 'nghị', 'chỉ', 'thị', 'đồng', 'tường']
    >>> [decode(w) for w in ("hoawcj", "tieengs", "nhw", "hoijo", "hoi65", "quyeets")]
    ['hoặc', 'tiếng', 'như', 'hội', 'hội', 'quyết']

Pure text rules: a word is decoded only when the result is spelled like a
Vietnamese syllable (``syllable.is_syllable``); whether the index knows it,
and whether searching it finds more, is for the query side to judge
(``query.engine``). Words with nothing to decode, or that decode to no
syllable, give None:

    >>> [decode(w) for w in ("hoi", "GRDP", "covid", "covid19", "2023", "05", "hội", "ct")]
    [None, None, None, None, None, None, None, None]
"""

from __future__ import annotations

import unicodedata

from .syllable import is_syllable, place_tone

_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_TELEX_TONES = {"s": _ACUTE, "f": _GRAVE, "r": _HOOK, "x": _TILDE, "j": _DOT}
_VNI_TONES = {"1": _ACUTE, "2": _GRAVE, "3": _HOOK, "4": _TILDE, "5": _DOT}
_PLAIN_VOWELS = "aeiouy"
_HAT = {"a": "â", "e": "ê", "o": "ô"}
_HORN = {"o": "ơ", "u": "ư"}


def decode(word: str) -> str | None:
    """The syllable ``word`` spells in Telex or VNI keys (lower-case), or
    None when it holds no keys or they make no Vietnamese syllable."""
    w = word.lower()
    if not w.isascii() or not w.isalnum() or w.isdigit() or len(w) > 12:
        return None
    if any(c.isdigit() for c in w):
        return _vni(w)
    return _telex(w)


def _finish(letters: list[str], tone: str | None) -> str | None:
    base = unicodedata.normalize("NFC", "".join(letters))
    out = place_tone(base + tone) if tone else base
    out = unicodedata.normalize("NFC", out)
    return out if is_syllable(out) else None


def _horn(letters: list[str]) -> bool:
    """The w / 7 key on the vowels before it: uo -> ươ, else the last o, u
    or a (ă) not yet marked."""
    text = "".join(letters)
    at = text.rfind("uo")
    if at >= 0:
        letters[at:at + 2] = ["ư", "ơ"]
        return True
    for k in range(len(letters) - 1, -1, -1):
        if letters[k] in _HORN:
            letters[k] = _HORN[letters[k]]
            return True
        if letters[k] == "a":
            letters[k] = "ă"
            return True
    return False


def _has_vowel(letters: list[str]) -> bool:
    return any(unicodedata.normalize("NFD", c)[0] in _PLAIN_VOWELS for c in letters)


def _telex(w: str) -> str | None:
    letters: list[str] = []
    tone, keyed = None, False
    for c in w:
        vowel_seen = _has_vowel(letters)
        if c == "d" and letters[:1] == ["d"] and (len(letters) == 1 or vowel_seen):
            letters[0], keyed = "đ", True  # dd, or d again after the vowel
        elif c in _HAT and c in letters and vowel_seen:
            letters[letters.index(c)], keyed = _HAT[c], True  # aa, or a again later
        elif c == "w":
            if not vowel_seen:
                letters.append("ư")  # a lone w is the vowel ư
            elif not _horn(letters):
                return None
            keyed = True
        elif c in _TELEX_TONES and vowel_seen:
            if tone:
                return None  # a second tone key undoes the first: not a slip we read
            tone, keyed = _TELEX_TONES[c], True
        else:
            letters.append(c)
    return _finish(letters, tone) if keyed else None


def _vni(w: str) -> str | None:
    letters: list[str] = []
    tone = None
    for c in w:
        if c.isalpha():
            letters.append(c)
            continue
        if c in _VNI_TONES:
            if tone:
                return None
            tone = _VNI_TONES[c]
        elif c == "6":
            # The hat goes on the nearest a, e or o before the key.
            spots = [k for k, x in enumerate(letters) if x in _HAT]
            if not spots:
                return None
            letters[spots[-1]] = _HAT[letters[spots[-1]]]
        elif c in "78":
            if not (_horn(letters) if c == "7" else _breve(letters)):
                return None
        elif c == "9":
            if "d" not in letters:
                return None
            letters[letters.index("d")] = "đ"
        else:
            return None  # 0: no key of VNI
    if not letters:
        return None
    return _finish(letters, tone)


def _breve(letters: list[str]) -> bool:
    for k in range(len(letters) - 1, -1, -1):
        if letters[k] == "a":
            letters[k] = "ă"
            return True
    return False
