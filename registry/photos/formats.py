"""The image formats photos arrive in, from phones, cameras and scanners.

- HEIC/HEIF (most phones' default) is read through the kept library `pillow-heif`, registered
  with Pillow here; AVIF is read by Pillow itself.
- High bit-depth greyscale (16-bit PNG or TIFF from scanners and thermal cameras: Pillow modes
  `I;16*`, `I`, `F`) is scaled to 8 bits by its bit depth, not clipped: Pillow's own conversion
  clips every value over 255, turning a 16-bit photo pure white with a constant hash.
- A file that is not a photo we read is named by what it really is (`describe_content`, from the
  kept library `puremagic`'s signatures): "a PDF document named .jpg".
"""

from __future__ import annotations

import posixpath
from urllib.parse import urlsplit

import numpy as np
import pillow_heif
import puremagic
from PIL import Image

pillow_heif.register_heif_opener()

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "MPO", "HEIF", "AVIF"}
ACCEPTED_TEXT = "JPEG, PNG, WebP, HEIC, AVIF, GIF, BMP or TIFF"
_HIGH_DEPTH = ("I;16", "I;16L", "I;16B", "I;16N", "I", "F")
_DEPTHS = (8, 10, 12, 14, 16)
_FORMAT_NAMES = {"HEIF": "HEIC", "MPO": "JPEG"}


def is_high_depth(img: Image.Image) -> bool:
    """True for single-channel images of more than 8 bits (modes I;16*, I, F)."""
    return img.mode in _HIGH_DEPTH


def to_8bit(img: Image.Image) -> Image.Image:
    """An 8-bit greyscale ("L") copy of a high bit-depth image, scaled by its range, never clipped.

    Non-negative integer images are scaled by the smallest common sensor bit depth (8, 10, 12, 14
    or 16 bits) that holds their largest value, so a 16-bit PNG's 65535 is 255 and a 12-bit
    camera's 4095 is 255, and the picture looks as it did. Float images in 0..1 are multiplied by
    255. Anything else (signed or wider data from instruments, floats in other units) is stretched
    from its minimum to its maximum. Other modes are returned unchanged."""
    if not is_high_depth(img):
        return img
    values = np.asarray(img, dtype=np.float64)
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
    depth = next((bits for bits in _DEPTHS if high < 2**bits), None)
    if img.mode == "F" and low >= 0 and high <= 1.0:
        scaled = values * 255
    elif img.mode != "F" and low >= 0 and depth:
        scaled = values * (255 / (2**depth - 1))
    else:
        scaled = (values - low) * (255 / (high - low)) if high > low else np.zeros_like(values)
    scaled = np.nan_to_num(scaled, nan=0.0, posinf=255.0, neginf=0.0)
    return Image.fromarray(np.clip(np.rint(scaled), 0, 255).astype(np.uint8), "L")


def format_name(img_format: str | None) -> str:
    """The name users know a Pillow format by ("HEIF" -> "HEIC")."""
    return _FORMAT_NAMES.get(img_format or "", img_format or "unknown")


def _extension(name: str) -> str:
    path = urlsplit(name).path if "://" in name else name
    return posixpath.splitext(path.replace("\\", "/"))[1].lower()


def describe_content(data: bytes) -> tuple[str, str] | None:
    """What the bytes really are, from their signature: (description, usual extension), e.g.
    ("a HEIC photo", ".heic"), ("a PDF document", ".pdf"); None when the signature is unknown."""
    try:
        matches = puremagic.magic_string(data[:4096])
    except (puremagic.PureError, ValueError):
        return None
    if not matches:
        return None
    best = max(m.confidence for m in matches)
    top = [m for m in matches if m.confidence == best]
    chosen = next((m for m in top if (m.mime_type or "").startswith("image/")), top[0])
    mime, extension = chosen.mime_type or "", chosen.extension.lower()
    if "svg" in mime or extension == ".svg":
        return "an SVG drawing", ".svg"
    if mime.startswith("image/"):
        kind = {".heif": "HEIC", ".heic": "HEIC", ".jfif": "JPEG", ".jpe": "JPEG", ".jpeg": "JPEG", ".tif": "TIFF",
                ".dib": "BMP"}.get(extension, extension.lstrip(".").upper())
        return f"{'an' if kind[:1] in 'AEIOU' else 'a'} {kind} photo", extension
    if mime.startswith("video/"):
        return f"a video ({chosen.name})", extension
    if extension == ".pdf":
        return "a PDF document", extension
    article = "an" if chosen.name[:1].lower() in "aeiou" else "a"
    return f"{article} {chosen.name}", extension


_SAME = [{".jpg", ".jpeg", ".jfif", ".jpe"}, {".tif", ".tiff"}, {".heic", ".heif", ".hif"}]


def named_by_content(data: bytes, name: str) -> str | None:
    """For a file that could not be read as a photo: what it really is, and the name it came under
    when that says otherwise ("a HEIC photo named .jpg"); None when the content is not recognised."""
    found = describe_content(data)
    if not found:
        return None
    description, extension = found
    named = _extension(name)
    if named and named != extension and not any(named in group and extension in group for group in _SAME):
        return f"{description} named {named}"
    return description
