"""A specimen seal for the demo and the tests: a red ring with a star that reads 演示专用章
("for demonstration only"). It imitates no agency's seal on purpose; a department uploads
its own seal image."""
import io
import math

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
RED = (218, 30, 40, 235)


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, radius: float) -> None:
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.38
        angle = math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(angle), cy - r * math.sin(angle)))
    draw.polygon(points, fill=RED)


def _font(size: int):
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:
        return ImageFont.load_default(size)


def specimen_seal(text: str = "演示专用章", size: int = 480) -> bytes:
    """A PNG with a transparent background: ring, star, and `text` along the upper arc."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    margin, centre = size * 0.03, size / 2
    draw.ellipse((margin, margin, size - margin, size - margin), outline=RED,
                 width=int(size * 0.035))
    _star(draw, centre, centre, size * 0.17)
    font, glyph = _font(int(size * 0.13)), int(size * 0.16)
    spread = math.radians(170)
    for i, char in enumerate(text):
        angle = -math.pi / 2 - spread / 2 + spread * (i + 0.5) / len(text)
        tile = Image.new("RGBA", (glyph, glyph), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((glyph / 2, glyph / 2), char, font=font, fill=RED,
                                  anchor="mm")
        tile = tile.rotate(-math.degrees(angle) - 90, resample=Image.BICUBIC)
        radius = size * 0.33
        x = centre + radius * math.cos(angle) - glyph / 2
        y = centre + radius * math.sin(angle) - glyph / 2
        image.alpha_composite(tile, (int(x), int(y)))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
