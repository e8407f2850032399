"""Photo decode and perceptual hashes as they were before the decode shared its image and the hashes were taken
straight from numpy (frozen copy, for the A/B figures of bench_photos and the same-hashes test). Do not change it."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import imagehash
from PIL import Image, ImageOps

from registry.photos.formats import to_8bit
from registry.photos.store import (
    HASH_DECODE_SIZE,
    STORED_MAX_SIDE,
    PhotoError,
    PhotoHashes,
    StoredPhoto,
    _open_checked,
    _unreadable,
    write_once,
)


def decode_for_hashing(data: bytes, name: str = "photo", *, draft: bool = True) -> Image.Image:
    """Decode once, reduced, upright and grey: the one input every perceptual hash is taken from."""
    img = _open_checked(data, name)
    try:
        if draft and img.format in ("JPEG", "MPO"):
            img.draft("L", (HASH_DECODE_SIZE, HASH_DECODE_SIZE))
        img.load()
        img = to_8bit(ImageOps.exif_transpose(img))
        return img.convert("L")
    except PhotoError:
        raise
    except Exception as exc:
        raise _unreadable(data, name, f"truncated or corrupt image ({exc.__class__.__name__}: {str(exc)[:80]})") from None


def hash_image(img: Image.Image) -> PhotoHashes:
    """pHash and dHash of the image and of its mirror image, as 16-digit hex.

    Each hash's input is reduced once (32x32 for pHash, 9x8 for dHash) and mirrored small:
    resampling is symmetric, so this gives the same bits as mirroring the whole image first,
    at a quarter of the resizing.
    """
    grey = img.convert("L")
    for_phash = grey.resize((32, 32), Image.Resampling.LANCZOS)
    for_dhash = grey.resize((9, 8), Image.Resampling.LANCZOS)
    return PhotoHashes(
        phash=str(imagehash.phash(for_phash)),
        dhash=str(imagehash.dhash(for_dhash)),
        phash_mirror=str(imagehash.phash(ImageOps.mirror(for_phash))),
        dhash_mirror=str(imagehash.dhash(ImageOps.mirror(for_dhash))),
    )


def hash_photo(data: bytes, name: str = "photo") -> PhotoHashes:
    return hash_image(decode_for_hashing(data, name))


def _clean_copy(data: bytes, name: str) -> tuple[bytes, int, int]:
    """Re-encode upright, without EXIF (farm GPS coordinates) or other metadata."""
    img = _open_checked(data, name)
    try:
        if img.format in ("JPEG", "MPO"):
            img.draft("RGB", (STORED_MAX_SIDE, STORED_MAX_SIDE))  # free down-scaling of big camera photos
        img.load()
        img = to_8bit(ImageOps.exif_transpose(img))
        if img.mode not in ("RGB", "L"):
            background = Image.new("RGB", img.size, "white")
            rgba = img.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            img = background
        img.thumbnail((STORED_MAX_SIDE, STORED_MAX_SIDE))
        out = io.BytesIO()
        img.save(out, "JPEG", quality=90)
    except PhotoError:
        raise
    except Exception as exc:
        raise _unreadable(data, name, f"truncated or corrupt image ({exc.__class__.__name__}: {str(exc)[:80]})") from None
    return out.getvalue(), img.width, img.height


def store_photo(data: bytes, data_folder: Path | str, name: str = "photo") -> StoredPhoto:
    """Check, hash and store a photo under data_folder/photos/, named by the SHA-256 of the clean copy."""
    hashes = hash_photo(data, name)
    clean, width, height = _clean_copy(data, name)
    digest = hashlib.sha256(clean).hexdigest()
    relative = Path("photos") / digest[:2] / f"{digest}.jpg"
    write_once(Path(data_folder) / relative, clean)
    return StoredPhoto(digest, relative.as_posix(), len(clean), width, height, hashes)
