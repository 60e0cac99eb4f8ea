"""Demo artwork drawn with Pillow: no files shipped, nothing downloaded.

Each image is derived from a seed string, so running the demo twice draws the
same pictures.
"""

import hashlib
import io
import random

from PIL import Image, ImageDraw

PALETTES = [
    ((22, 52, 84), (48, 110, 160), (214, 170, 80)),
    ((35, 64, 48), (74, 128, 92), (226, 196, 120)),
    ((70, 38, 58), (140, 78, 110), (232, 184, 140)),
    ((40, 44, 80), (88, 96, 168), (200, 210, 236)),
    ((78, 52, 30), (150, 104, 60), (236, 214, 170)),
]


def _rng(seed: str) -> random.Random:
    return random.Random(int(hashlib.sha256(seed.encode()).hexdigest()[:16], 16))


def _blend(a, b, t):
    return tuple(int(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _gradient(size, top, bottom) -> Image.Image:
    width, height = size
    image = Image.new("RGB", size, top)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        draw.line([(0, y), (width, y)], fill=_blend(top, bottom, y / max(1, height - 1)))
    return image


def cover_image(seed: str, palette_index: int, size=(1200, 675)) -> bytes:
    """A course cover: a dark gradient with a constellation of linked nodes."""
    dark, mid, accent = PALETTES[palette_index % len(PALETTES)]
    rng = _rng(seed)
    image = _gradient(size, dark, mid)
    draw = ImageDraw.Draw(image)
    width, height = size
    nodes = [(rng.randint(60, width - 60), rng.randint(60, height - 60)) for _ in range(14)]
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 : i + 3]:
            draw.line([a, b], fill=_blend(mid, accent, 0.5), width=3)
    for x, y in nodes:
        r = rng.randint(8, 22)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=accent, outline=dark, width=3)
    return _encode(image)


def module_figure(seed: str, palette_index: int, size=(1200, 600)) -> bytes:
    """A module figure: overlapping rings, like actors sharing responsibilities."""
    dark, _mid, accent = PALETTES[palette_index % len(PALETTES)]
    rng = _rng(seed)
    image = Image.new("RGB", size, (246, 244, 238))
    draw = ImageDraw.Draw(image)
    width, height = size
    count = rng.randint(3, 5)
    for i in range(count):
        cx = int(width * (i + 1) / (count + 1))
        cy = height // 2 + rng.randint(-60, 60)
        r = rng.randint(120, 190)
        colour = _blend(dark, accent, i / max(1, count - 1))
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=colour, width=10)
        draw.ellipse([cx - 14, cy - 14, cx + 14, cy + 14], fill=colour)
    return _encode(image)


def _encode(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85, optimize=True)
    return buffer.getvalue()


def reading_pdf(title: str, paragraphs: list[str]) -> bytes:
    """A one-page reading handout as PDF (Pillow's PDF writer, plain layout)."""
    from PIL import ImageFont

    page = Image.new("RGB", (1240, 1754), "white")  # A4 at 150 dpi
    draw = ImageDraw.Draw(page)
    title_font = ImageFont.load_default(size=40)
    body_font = ImageFont.load_default(size=24)
    y = 120
    draw.text((110, y), title, fill="black", font=title_font)
    y += 90
    for paragraph in paragraphs:
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if draw.textlength(trial, font=body_font) > 1020:
                draw.text((110, y), line, fill="black", font=body_font)
                y += 36
                line = word
            else:
                line = trial
        if line:
            draw.text((110, y), line, fill="black", font=body_font)
            y += 56
        if y > 1600:
            break
    buffer = io.BytesIO()
    page.save(buffer, format="PDF", resolution=150)
    return buffer.getvalue()
