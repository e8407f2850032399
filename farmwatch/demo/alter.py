"""How the demonstration's thieves disguise photos: the edits re-posted photos really go through."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageEnhance, ImageOps

from synthetic.photos import encode

ALTERATIONS = ("reencoded", "resized", "brightness", "mirrored", "watermark", "cropped", "rotated", "screenshot")


def alter_photo(data: bytes, how: str) -> bytes:
    """The photo edited one way, as JPEG bytes."""
    img = Image.open(io.BytesIO(data)).convert("RGB")
    w, h = img.size
    if how == "reencoded":
        return encode(img, quality=55)
    if how == "resized":
        img = img.resize((w * 4 // 5, h * 4 // 5), Image.LANCZOS)
    elif how == "brightness":
        img = ImageEnhance.Brightness(img).enhance(1.25)
    elif how == "mirrored":
        img = ImageOps.mirror(img)
    elif how == "watermark":
        layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        draw.rectangle([w - 260, h - 50, w - 10, h - 12], fill=(255, 255, 255, 90))
        draw.text((w - 250, h - 42), "FOR SALE - call 07700 900461", fill=(0, 0, 0, 160))
        img = Image.alpha_composite(img.convert("RGBA"), layer).convert("RGB")
    elif how == "cropped":
        dx, dy = int(w * 0.15), int(h * 0.15)
        img = img.crop((dx // 2, dy // 2, w - dx + dx // 2, h - dy + dy // 2))
    elif how == "rotated":
        img = img.rotate(10, resample=Image.BICUBIC, expand=False, fillcolor=(235, 235, 235))
    elif how == "screenshot":
        img = ImageEnhance.Contrast(img.resize((w * 3 // 4, h * 3 // 4), Image.BILINEAR)).enhance(1.1)
    else:
        raise ValueError(f"unknown alteration {how!r}; one of {', '.join(ALTERATIONS)}")
    return encode(img, quality=80)
