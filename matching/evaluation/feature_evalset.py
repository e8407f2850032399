"""Generated photos and the alterations a seller makes, for stage two's tests and benchmark.

`synthetic.photos.scene` draws a machine in a field; `textured_scene` adds other
kinds of texture (a yard with a brick wall, gates and hay bales; a livestock pen with
hurdles), and `hard_negative` draws repetitive patterns (brick walls, corrugated
sheeting, fences) that fool naive local-feature matching. `ALTERATIONS` are the ways
a thief disguises a stolen item's photo, each a function of a PIL image.
"""

from __future__ import annotations

import random

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageOps

from synthetic.photos import scene

SIZE = (800, 600)


def _bricks(draw: ImageDraw.ImageDraw, box, rng: random.Random, brick=(40, 18)) -> None:
    x0, y0, x1, y1 = box
    mortar = tuple(rng.randrange(150, 210) for _ in range(3))
    draw.rectangle(box, fill=mortar)
    bw, bh = brick
    for row, y in enumerate(range(y0, y1, bh)):
        offset = (bw // 2) * (row % 2)
        for x in range(x0 - offset, x1, bw):
            shade = rng.randrange(120, 170)
            draw.rectangle([x + 2, y + 2, x + bw - 2, y + bh - 2], fill=(shade, shade // 2, shade // 3))


def textured_scene(seed: int, size: tuple[int, int] = SIZE) -> Image.Image:
    """A scene of one of three kinds (field, yard, pen), different for every seed."""
    kind = seed % 3
    if kind == 0:
        return scene(seed, size)
    rng = random.Random(seed * 7919 + 1)
    img = scene(seed, size)
    draw = ImageDraw.Draw(img)
    w, h = size
    if kind == 1:  # a yard: part of a brick wall, a gate, hay bales
        wall_x = rng.randrange(0, w // 2)
        _bricks(draw, (wall_x, 0, wall_x + rng.randrange(w // 5, w // 3), h // 3), rng)
        gx, gy = rng.randrange(w // 2, w - 160), rng.randrange(h // 2, h - 90)
        for i in range(6):
            draw.line([gx, gy + i * 15, gx + 150, gy + i * 15], fill=(200, 200, 200), width=4)
        draw.line([gx, gy, gx + 150, gy + 75], fill=(200, 200, 200), width=4)
        for _ in range(rng.randrange(2, 5)):
            cx, cy, r = rng.randrange(w), rng.randrange(h // 2, h), rng.randrange(20, 45)
            draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(210, 180, 90), outline=(150, 120, 50), width=3)
            draw.ellipse([cx - r // 3, cy - r // 3, cx + r // 3, cy + r // 3], outline=(160, 130, 60), width=2)
    else:  # a pen: hurdles and animals as blotched shapes
        for _ in range(rng.randrange(3, 6)):
            x, y = rng.randrange(w - 120), rng.randrange(h // 3, h - 60)
            for i in range(5):
                draw.line([x + i * 25, y, x + i * 25, y + 50], fill=(90, 90, 90), width=3)
            draw.line([x, y + 10, x + 100, y + 10], fill=(90, 90, 90), width=3)
        for _ in range(rng.randrange(2, 5)):
            x, y = rng.randrange(w - 140), rng.randrange(h // 3, h - 80)
            draw.ellipse([x, y, x + 130, y + 70], fill=(240, 240, 235))
            for _ in range(6):
                bx, by = x + rng.randrange(100), y + rng.randrange(50)
                draw.ellipse([bx, by, bx + rng.randrange(10, 30), by + rng.randrange(8, 22)], fill=(20, 20, 20))
    return img.filter(ImageFilter.SMOOTH)


def hard_negative(seed: int, size: tuple[int, int] = SIZE) -> Image.Image:
    """A repetitive pattern (brick wall, corrugated sheet, post-and-rail fence): many look-alike corners."""
    rng = random.Random(seed)
    img = Image.new("RGB", size, (128, 128, 128))
    draw = ImageDraw.Draw(img)
    w, h = size
    kind = seed % 3
    if kind == 0:
        _bricks(draw, (0, 0, w, h), rng, (rng.randrange(36, 60), rng.randrange(16, 26)))
    elif kind == 1:
        step = rng.randrange(14, 30)
        for x in range(0, w, step):
            draw.rectangle([x, 0, x + step // 2, h], fill=(170, 170, 175))
        for _ in range(8):
            x, y = rng.randrange(w), rng.randrange(h)
            draw.ellipse([x, y, x + 30, y + 20], fill=(130, 80, 40))
    else:
        draw.rectangle([0, 0, w, h // 2], fill=(150, 190, 230))
        draw.rectangle([0, h // 2, w, h], fill=(70, 130, 50))
        step = rng.randrange(60, 110)
        for x in range(0, w, step):
            draw.rectangle([x, h // 3, x + 10, h * 3 // 4], fill=(110, 80, 50))
        for y in (h // 3 + 20, h // 2 + 10, h // 2 + 60):
            draw.rectangle([0, y, w, y + 8], fill=(120, 90, 60))
    noise = Image.effect_noise(size, 20).convert("RGB")
    return Image.blend(img, noise, 0.06)


def crop(img: Image.Image, left: float, top: float, right: float, bottom: float) -> Image.Image:
    w, h = img.size
    return img.crop((round(w * left), round(h * top), round(w * (1 - right)), round(h * (1 - bottom))))


def border(img: Image.Image, share: float = 0.08, colour=(255, 255, 255)) -> Image.Image:
    w, h = img.size
    pad = round(w * share)
    out = Image.new("RGB", (w + 2 * pad, h + 2 * pad), colour)
    out.paste(img, (pad, pad))
    return out


def letterbox(img: Image.Image) -> Image.Image:
    """Fitted into a square with black bars, as phone apps post it."""
    w, h = img.size
    side = max(w, h)
    out = Image.new("RGB", (side, side), (0, 0, 0))
    out.paste(img, ((side - w) // 2, (side - h) // 2))
    return out.resize((720, 720))


def watermark(img: Image.Image) -> Image.Image:
    out = img.copy()
    draw = ImageDraw.Draw(out)
    w, h = out.size
    for i in range(4):
        draw.text((w * 0.15 + i * 90, h * 0.3 + i * 60), "FOR SALE  07700 900123", fill=(255, 255, 255))
    draw.rectangle([w * 0.62, h * 0.84, w * 0.97, h * 0.96], fill=(245, 245, 245))
    draw.text((w * 0.64, h * 0.87), "agri-deals.example", fill=(30, 30, 30))
    return out


def rotate(img: Image.Image, degrees: float, expand: bool = True) -> Image.Image:
    return img.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=expand, fillcolor=(0, 0, 0))


ALTERATIONS = {
    "crop 10% each side": lambda im: crop(im, 0.1, 0.1, 0.1, 0.1),
    "crop 25% left": lambda im: crop(im, 0.25, 0, 0, 0),
    "crop 25% top": lambda im: crop(im, 0, 0.25, 0, 0),
    "crop 25% right, 5% bottom": lambda im: crop(im, 0, 0, 0.25, 0.05),
    "border": border,
    "letterbox": letterbox,
    "watermark": watermark,
    "mirror": ImageOps.mirror,
    "mirror and crop": lambda im: ImageOps.mirror(crop(im, 0.08, 0.05, 0.08, 0.05)),
    "rotate 5": lambda im: rotate(im, 5),
    "rotate -10": lambda im: rotate(im, -10),
    "rotate 15 cropped": lambda im: rotate(im, 15, expand=False),
    "scaled to half": lambda im: im.resize((im.width // 2, im.height // 2)),
    "border, mirror, watermark": lambda im: watermark(border(ImageOps.mirror(im), 0.05, (20, 20, 20))),
}

FEATURELESS = {
    "plain": lambda seed: Image.new("RGB", SIZE, (90 + seed % 50, 120, 60)),
    "dark": lambda seed: ImageEnhance.Brightness(textured_scene(seed)).enhance(0.1),
    "blurred": lambda seed: textured_scene(seed).filter(ImageFilter.GaussianBlur(8)),
}
