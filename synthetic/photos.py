"""Deterministic generated photos for the demonstration and the tests (no downloads).

Each seed gives a different textured scene (sky, field, a machine-like body with wheels,
a pattern of shapes), rich enough in edges for perceptual hashes and local features.
"""

from __future__ import annotations

import io
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


def scene(seed: int, size: tuple[int, int] = (800, 600)) -> Image.Image:
    rng = random.Random(seed)
    w, h = size
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    horizon = int(h * rng.uniform(0.35, 0.6))
    sky = tuple(rng.randrange(120, 230) for _ in range(3))
    ground = (rng.randrange(40, 120), rng.randrange(90, 170), rng.randrange(20, 80))
    draw.rectangle([0, 0, w, horizon], fill=sky)
    draw.rectangle([0, horizon, w, h], fill=ground)
    for _ in range(60):  # field texture
        x, y = rng.randrange(w), rng.randrange(horizon, h)
        shade = tuple(max(0, min(255, c + rng.randrange(-40, 40))) for c in ground)
        draw.line([x, y, x + rng.randrange(-60, 60), y + rng.randrange(5, 40)], fill=shade, width=rng.randrange(1, 5))
    body = tuple(rng.randrange(256) for _ in range(3))
    bx, by = rng.randrange(w // 8, w // 3), horizon - rng.randrange(h // 8, h // 4)
    bw, bh = rng.randrange(w // 3, w // 2), rng.randrange(h // 5, h // 3)
    draw.rectangle([bx, by, bx + bw, by + bh], fill=body, outline=(20, 20, 20), width=3)
    draw.rectangle([bx + bw // 2, by - bh // 2, bx + bw - 10, by], outline=(30, 30, 30), width=4)
    for cx, r in ((bx + bw // 5, bh // 2), (bx + bw - bw // 5, bh // 1.6)):
        draw.ellipse([cx - r, by + bh - r // 2, cx + r, by + bh + r * 1.5], fill=(25, 25, 25))
        draw.ellipse([cx - r // 2, by + bh, cx + r // 2, by + bh + r], fill=body)
    for _ in range(25):  # distinctive marks: decals, rust, fences, trees
        x0, y0 = rng.randrange(w), rng.randrange(h)
        colour = tuple(rng.randrange(256) for _ in range(3))
        shape = rng.random()
        if shape < 0.4:
            draw.rectangle([x0, y0, x0 + rng.randrange(8, 80), y0 + rng.randrange(8, 60)], fill=colour)
        elif shape < 0.7:
            draw.ellipse([x0, y0, x0 + rng.randrange(8, 70), y0 + rng.randrange(8, 70)], fill=colour)
        else:
            draw.polygon([(x0, y0), (x0 + rng.randrange(-60, 60), y0 + rng.randrange(10, 80)),
                          (x0 + rng.randrange(-60, 60), y0 + rng.randrange(-40, 40))], fill=colour)
    grain = np.random.default_rng(seed).normal(128, 18, (h, w)).clip(0, 255).astype(np.uint8)
    noise = Image.fromarray(grain, "L").convert("RGB")
    img = Image.blend(img, noise, 0.08)
    return img.filter(ImageFilter.SMOOTH)


def encode(img: Image.Image, fmt: str = "JPEG", quality: int = 88) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        img.convert("RGB").save(out, "JPEG", quality=quality)
    else:
        img.save(out, fmt)
    return out.getvalue()


def photo_bytes(seed: int, size: tuple[int, int] = (800, 600), quality: int = 88) -> bytes:
    return encode(scene(seed, size), "JPEG", quality)
