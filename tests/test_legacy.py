"""Legacy encodings: old files come back as the Vietnamese their authors typed,
and nothing else is ever "converted"."""

from __future__ import annotations

import codecs
import random
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from search.ingest.corpus import paragraphs_of
from search.ingest.legacy import ENCODINGS, detect_and_convert, to_legacy

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))


def seed_paragraphs(path: Path) -> list[str]:
    return [unicodedata.normalize("NFC", p) for p in paragraphs_of(path.read_text("utf-8"))]


# The national motto as old files hold it, typed by hand from the published
# tables rather than made by ``to_legacy``: a table wrong in both directions
# would still round-trip, it would not read these.
MOTTO = "Cộng hoà xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc"
MOTTO_BYTES = {
    "tcvn3": "Céng hoµ x· héi chñ nghÜa ViÖt Nam\n§éc lËp - Tù do - H¹nh phóc".encode("latin-1"),
    "vni": "Coäng hoaø xaõ hoäi chuû nghóa Vieät Nam\nÑoäc laäp - Töï do - Haïnh phuùc".encode("latin-1"),
    # Windows-1258: ô (F4) + dot below (F2), a + grave (CC), a + tilde (DE) ...
    "cp1258": b"C\xf4\xf2ng hoa\xcc xa\xde h\xf4\xf2i chu\xd2 nghi\xdea Vi\xea\xf2t Nam\n"
              b"\xd0\xf4\xf2c l\xe2\xf2p - T\xfd\xf2 do - Ha\xf2nh phu\xecc",
}


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_reads_hand_made_legacy_bytes(encoding):
    assert detect_and_convert(MOTTO_BYTES[encoding]) == (MOTTO, encoding)


# Every letter VNI can write, as published in xvnkb's vni.h (capitals, in the
# order base, acute, grave, hook, tilde, dot below; then circumflex, breve).
VNI_PUBLISHED = (
    "A AÙ AØ AÛ AÕ AÏ AÂ AÁ AÀ AÅ AÃ AÄ AÊ AÉ AÈ AÚ AÜ AË "
    "E EÙ EØ EÛ EÕ EÏ EÂ EÁ EÀ EÅ EÃ EÄ O OÙ OØ OÛ OÕ OÏ OÂ OÁ OÀ OÅ OÃ OÄ "
    "Ô ÔÙ ÔØ ÔÛ ÔÕ ÔÏ U UÙ UØ UÛ UÕ UÏ Ö ÖÙ ÖØ ÖÛ ÖÕ ÖÏ I Í Ì Æ Ó Ò Y YÙ YØ YÛ YÕ Î Ñ"
)
VNI_LETTERS = ("A Á À Ả Ã Ạ Â Ấ Ầ Ẩ Ẫ Ậ Ă Ắ Ằ Ẳ Ẵ Ặ E É È Ẻ Ẽ Ẹ Ê Ế Ề Ể Ễ Ệ O Ó Ò Ỏ Õ Ọ Ô Ố Ồ Ổ Ỗ Ộ "
               "Ơ Ớ Ờ Ở Ỡ Ợ U Ú Ù Ủ Ũ Ụ Ư Ứ Ừ Ử Ữ Ự I Í Ì Ỉ Ĩ Ị Y Ý Ỳ Ỷ Ỹ Ỵ Đ")


def test_vni_table_matches_the_published_one():
    published = VNI_PUBLISHED.split()
    letters = VNI_LETTERS.split()
    assert len(published) == len(letters) == 73
    for vni, letter in zip(published, letters):
        for v, want in ((vni, letter), (vni.lower(), letter.lower())):
            assert to_legacy(want, "vni") == v.encode("latin-1")
            # Decoded among enough Vietnamese to be sure of the encoding.
            text = f"Coäng hoaø xaõ hoäi chuû nghóa Vieät Nam {v}.".encode("latin-1")
            assert detect_and_convert(text) == (f"Cộng hoà xã hội chủ nghĩa Việt Nam {want}.", "vni")


@pytest.mark.skipif(shutil.which("iconv") is None, reason="no iconv to compare with")
def test_tcvn3_table_matches_glibc():
    # glibc's TCVN5712-1 is an independent implementation of the same
    # standard; TCVN3 is its range 0xA1-0xFF for the letters it has.
    run = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=bytes(range(0xA1, 0x100)),
                         capture_output=True)
    if run.returncode != 0:
        pytest.skip("this iconv has no TCVN5712-1")
    theirs = unicodedata.normalize("NFC", run.stdout.decode("utf-8"))
    assert len(theirs) == 0x100 - 0xA1
    letters = [ch for ch in theirs if unicodedata.category(ch).startswith("L") and not ch.isascii()]
    letters = [ch for ch in letters if ch.islower() or ch in "ĂÂÊÔƠƯĐ"]
    assert len(letters) == 67 + 7  # every small letter with a mark, and 7 capitals
    for ch in letters:
        assert to_legacy(ch, "tcvn3") == bytes([0xA1 + theirs.index(ch)])


def tcvn3_loses(original: str) -> bool:
    """A capital with a tone: TCVN3 stores it as its lower-case byte."""
    return original.isupper() and to_legacy(original, "tcvn3") == to_legacy(original.lower(), "tcvn3")


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_documents_round_trip(seed, encoding):
    paragraphs = seed_paragraphs(seed)
    original = "\n".join(paragraphs)
    result = detect_and_convert(to_legacy(original, encoding))
    assert result is not None
    text, found = result
    assert found == encoding
    assert unicodedata.is_normalized("NFC", text)
    if encoding != "tcvn3":
        assert text == original
        return
    # TCVN3 cannot store "Ủ": the only differences allowed are such capitals,
    # read back lower-case, and the words in capitals must come back whole.
    assert text.count("\n") == original.count("\n")
    got, want = text.split(" "), original.split(" ")
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if g != w:
            assert tcvn3_loses(w[0]) and g == w[0].lower() + w[1:], (g, w)
    if "PHÙNG KHIÊM" in original:
        assert "PHÙNG KHIÊM" in text


def test_tcvn3_restores_capitals_the_text_shows():
    text = "ỦY BAN NHÂN DÂN TỈNH\nỦy ban đã họp. Ở đây, các đồng chí Ủy viên thảo luận."
    restored, encoding = detect_and_convert(to_legacy(text, "tcvn3"))
    assert encoding == "tcvn3"
    # Line starts, sentence starts and words in capitals keep their capital;
    # "Ủy viên" mid-sentence cannot, the byte does not say.
    assert restored == "ỦY BAN NHÂN DÂN TỈNH\nỦy ban đã họp. Ở đây, các đồng chí ủy viên thảo luận."


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_every_seed_paragraph_alone(seed, encoding):
    for paragraph in seed_paragraphs(seed):
        result = detect_and_convert(to_legacy(paragraph, encoding))
        if len(paragraph.split()) >= 15:
            assert result is not None and result[1] == encoding, paragraph
            if encoding != "tcvn3":
                assert result[0] == paragraph
        else:
            # A caption or a byline may be too short to be sure of; it must
            # never be read as the wrong encoding.
            assert result is None or result[1] == encoding, paragraph


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_unicode_vietnamese_is_not_legacy(seed):
    text = seed.read_text("utf-8")
    assert detect_and_convert(text.encode("utf-8")) is None
    assert detect_and_convert(codecs.BOM_UTF8 + text.encode("utf-8")) is None
    assert detect_and_convert(text.encode("utf-16")) is None
    assert detect_and_convert(unicodedata.normalize("NFD", text).encode("utf-8")) is None


def test_plain_text_is_not_legacy():
    english = ("The provincial committee met on Tuesday to review the first half of the year. "
               "Growth reached 6.5 percent and exports rose by 13.5 percent.\n") * 20
    unaccented = "hoi nghi ban chap hanh dang bo tinh lan thu 9 khoa xix\n" * 20
    western = ("Les élèves français étudient à l'école tous les jours. Ça coûte très cher, à mon "
               "avis. Über die Brücke gehen wir täglich.\n") * 20
    assert detect_and_convert(english.encode("ascii")) is None
    assert detect_and_convert(unaccented.encode("ascii")) is None
    assert detect_and_convert(western.encode("cp1252")) is None  # accented, but not Vietnamese


@pytest.mark.parametrize("size", [64, 1000, 20000])
def test_random_bytes_are_not_legacy(size):
    rng = random.Random(1258 + size)
    for _ in range(20):
        # No NUL bytes: those alone would give None ("binary") whatever the rules.
        assert detect_and_convert(bytes(rng.randrange(1, 256) for _ in range(size))) is None


def test_random_letters_in_legacy_ranges_are_not_legacy():
    # Worst case for the guess: only ASCII letters, spaces and the bytes the
    # tables use, so every reading is made of "letters".
    rng = random.Random(3)
    alphabet = list(b"abcdeghiklmnopqrstuvxy      ") + list(range(0xA1, 0x100))
    for _ in range(20):
        assert detect_and_convert(bytes(rng.choice(alphabet) for _ in range(3000))) is None


def test_to_legacy_refuses_what_it_cannot_write():
    with pytest.raises(ValueError):
        to_legacy("Việt Nam", "viscii")
    for encoding in ENCODINGS:
        with pytest.raises(UnicodeEncodeError):
            to_legacy("Hà Nội 河内", encoding)
        assert to_legacy("Nội 河", encoding, errors="replace").endswith(b" ?")
