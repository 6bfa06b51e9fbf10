"""Scanned pages made from text, for the OCR tests and bench/ocr_cer.py.

A page is drawn with Pillow in DejaVu Sans 11 pt on A4 at the asked dpi
(black on white, 2.5 cm margins, a blank line between paragraphs), then
optionally dirtied as a scanner does: salt-and-pepper specks, a light blur
and a slight rotation. ``scanned_pdf`` wraps page images in a PDF with no
text layer (Pillow's PDF writer: one JPEG/Flate image per page, nothing else).
"""

from __future__ import annotations

import io
import random
import unicodedata

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from search.lang.text import canonical_tones

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"  # nearer the Times of official papers
A4_INCHES = (8.27, 11.69)


def wrap(text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and font.getlength(trial) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return lines + [line] if line else lines


def layout(paragraphs: list[str], dpi: int = 300, points: float = 11,
           font: str = FONT) -> list[list[tuple[int, str]]]:
    """Each page's lines as (top in pixels, text): A4, 2.5 cm margins, a
    line and a half apart, half a line more between paragraphs."""
    h = int(A4_INCHES[1] * dpi)
    margin = int(dpi / 2.54 * 2.5)
    face = ImageFont.truetype(font, round(points * dpi / 72))
    step = round(points * dpi / 72 * 1.5)
    pages, y = [], h
    for para in paragraphs:
        for line in wrap(para, face, int(A4_INCHES[0] * dpi) - 2 * margin):
            if y + step > h - margin:
                pages.append([])
                y = margin
            pages[-1].append((y, line))
            y += step
        y += step // 2
    return pages


def render_pages(paragraphs: list[str], dpi: int = 300, points: float = 11,
                 font: str = FONT) -> list[Image.Image]:
    """Grey-scale page images holding ``paragraphs``; as many pages as needed."""
    size = (int(A4_INCHES[0] * dpi), int(A4_INCHES[1] * dpi))
    margin = int(dpi / 2.54 * 2.5)
    face = ImageFont.truetype(font, round(points * dpi / 72))
    pages = []
    for lines in layout(paragraphs, dpi, points, font):
        page = Image.new("L", size, 255)
        draw = ImageDraw.Draw(page)
        for y, line in lines:
            draw.text((margin, y), line, font=face, fill=0)
        pages.append(page)
    return pages


def dirty(image: Image.Image, seed: int = 0, specks: float = 0.004, angle: float = 1.5) -> Image.Image:
    """The page as a cheap scanner gives it: specks, a blur, a rotation."""
    rng = random.Random(seed)
    img = image.copy()
    px = img.load()
    w, h = img.size
    for _ in range(int(w * h * specks)):
        px[rng.randrange(w), rng.randrange(h)] = rng.choice((0, 90, 255))
    img = img.filter(ImageFilter.GaussianBlur(0.6))
    return img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)


def noise_page(dpi: int = 150, seed: int = 0) -> Image.Image:
    """A page of random dots and blots: nothing in it is text."""
    rng = random.Random(seed)
    w, h = int(A4_INCHES[0] * dpi), int(A4_INCHES[1] * dpi)
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    for _ in range(4000):
        x, y, r = rng.randrange(w), rng.randrange(h), rng.randrange(2, 9)
        draw.ellipse((x, y, x + r, y + rng.randrange(2, 9)), fill=rng.randrange(0, 120))
    return img


def png_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def scanned_pdf(images: list[Image.Image], dpi: int = 300) -> bytes:
    """A PDF of page images only: no text layer, as a scanner writes it."""
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return out.getvalue()


def normal(text: str) -> str:
    """NFC, our tone placement, whitespace collapsed: what CER compares."""
    return " ".join(canonical_tones(unicodedata.normalize("NFC", text)).split())


def distance(a: str, b: str) -> int:
    """Levenshtein distance, a row at a time."""
    if len(a) < len(b):
        a, b = b, a
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def cer(reference: str, got: str) -> float:
    """Character error rate: edit distance over the reference's length."""
    ref = normal(reference)
    return distance(ref, normal(got)) / max(1, len(ref))
