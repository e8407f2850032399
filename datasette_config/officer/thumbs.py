"""Small JPEG copies of stored photos for the queue, made once and kept beside the originals."""

from __future__ import annotations

import io
import os
from pathlib import Path

from PIL import Image

THUMB_SIZE = (240, 180)
THUMB_FOLDER = "thumbs"


def thumbnail_path(data_folder: Path, photo: Path) -> Path:
    """The cached thumbnail of a stored photo, made on first use (photos are named by their SHA-256)."""
    target = data_folder / THUMB_FOLDER / f"{photo.stem}-{THUMB_SIZE[0]}.jpg"
    if target.exists():
        return target
    with Image.open(photo) as img:
        img.draft("RGB", THUMB_SIZE)
        small = img.convert("RGB")
        small.thumbnail(THUMB_SIZE)
        buffer = io.BytesIO()
        small.save(buffer, "JPEG", quality=80)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(buffer.getvalue())
    tmp.replace(target)
    return target
