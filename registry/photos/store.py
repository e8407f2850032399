"""Photo storage and perceptual hashing, shared by registry and listing photos.

Registry photos and listing photos go through the same decode path
(`decode_for_hashing`), because a different resize or colour conversion moves the
hashes by a few bits and would eat into the matching thresholds.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import imagehash
from PIL import Image, ImageOps, UnidentifiedImageError

from registry.photos.formats import ACCEPTED_FORMATS, ACCEPTED_TEXT, format_name, named_by_content, to_8bit

MAX_PHOTO_BYTES = 20 * 1024 * 1024
# What decoding may cost. A photo is decoded whole except a JPEG, which Pillow's draft mode decodes
# at 1/2 to 1/8 of each side (the DCT scaling of libjpeg), so a JPEG may declare far more pixels for
# the same memory: a 200-megapixel phone photo (16320x12240) is decoded at 1/8, 3.1 megapixels.
MAX_PIXELS = 60_000_000  # decoded whole (PNG, HEIC, WebP, TIFF...): a 9000x6600 image, about 180 MB as RGB
MAX_SIDE = 20_000
MAX_JPEG_PIXELS = 260_000_000  # declared by a JPEG decoded in draft mode: 200-megapixel phones, with room
MAX_JPEG_SIDE = 65_535  # the JPEG format's own limit (phone panoramas are long)
# A JPEG cannot hold a picture in fewer bytes than this: a solid-colour 64-megapixel JPEG is 64
# pixels a byte, progressive 170 (measured with Pillow at quality 85); more is a header declaring
# pixels the file does not hold (a bomb), refused before decoding.
MAX_JPEG_PIXELS_PER_BYTE = 2_000
HASH_DECODE_SIZE = 64  # JPEG draft target: the decoder scales down (up to 8x) for free while keeping this size
STORED_MAX_SIDE = 2048

Image.MAX_IMAGE_PIXELS = MAX_JPEG_PIXELS  # Pillow's own guard (errors at twice this); `decode_cost` is ours


class PhotoError(ValueError):
    """A photo that cannot be stored; the message says why."""


@dataclass(frozen=True)
class PhotoHashes:
    phash: str
    dhash: str
    phash_mirror: str
    dhash_mirror: str


@dataclass(frozen=True)
class StoredPhoto:
    sha256: str
    path: str  # relative to the data folder
    bytes: int
    width: int
    height: int
    hashes: PhotoHashes

    def as_row(self) -> dict:
        return {
            "sha256": self.sha256, "path": self.path, "bytes": self.bytes,
            "width": self.width, "height": self.height,
            "phash": self.hashes.phash, "dhash": self.hashes.dhash,
            "phash_mirror": self.hashes.phash_mirror, "dhash_mirror": self.hashes.dhash_mirror,
        }


def _open_checked(data: bytes, name: str) -> Image.Image:
    if not data:
        raise PhotoError(f"{name}: the file is empty")
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoError(f"{name}: {len(data) // (1024 * 1024)} MB is over the {MAX_PHOTO_BYTES // (1024 * 1024)} MB limit")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        if isinstance(exc, UnidentifiedImageError):
            what = named_by_content(data, name)
            if what and " photo" in what:
                raise PhotoError(f"{name}: {what} that cannot be read ({ACCEPTED_TEXT} expected)") from None
            raise PhotoError(f"{name}: not an image{f' but {what}' if what else ''} "
                             f"({ACCEPTED_TEXT} expected)") from None
        declared = re.search(r"\((\d+) pixels\)", str(exc))
        count = f" ({int(declared[1]) / 1e6:,.0f} megapixels)" if declared else ""
        raise PhotoError(f"{name}: declares too many pixels{count}, over the {MAX_JPEG_PIXELS // 1_000_000} "
                         "megapixel limit (a decompression bomb?)") from None
    except Exception as exc:  # Pillow raises many kinds on hostile headers
        raise _unreadable(data, name, f"unreadable image ({exc.__class__.__name__})") from None
    if img.format not in ACCEPTED_FORMATS:
        what = named_by_content(data, name) or f"{format_name(img.format)} image"
        raise PhotoError(f"{name}: {what}; {format_name(img.format)} images are not accepted ({ACCEPTED_TEXT} are)")
    if problem := decode_cost(img.format, img.size, len(data)):
        raise PhotoError(f"{name}: {problem}")
    return img


def decode_cost(img_format: str | None, size: tuple[int, int], nbytes: int) -> str | None:
    """Why decoding an image of this format, declared size (width, height) and file size in bytes
    would cost too much, or None when it may be decoded. A JPEG (decoded reduced in draft mode) may
    declare up to MAX_JPEG_PIXELS and MAX_JPEG_SIDE if its file is big enough to hold them
    (MAX_JPEG_PIXELS_PER_BYTE); any other format is decoded whole and may declare MAX_PIXELS and
    MAX_SIDE. The message names the size and says "decompression bomb" when that is what it is."""
    width, height = size
    pixels = width * height
    if width < 1 or height < 1:
        return f"declares {width}x{height} pixels, which is no picture"
    if img_format in ("JPEG", "MPO"):
        if width > MAX_JPEG_SIDE or height > MAX_JPEG_SIDE or pixels > MAX_JPEG_PIXELS:
            return (f"declares {width}x{height} pixels ({pixels / 1e6:,.0f} megapixels), over the "
                    f"{MAX_JPEG_PIXELS // 1_000_000} megapixel limit (a decompression bomb?)")
        if pixels > MAX_PIXELS and pixels > nbytes * MAX_JPEG_PIXELS_PER_BYTE:
            return (f"declares {width}x{height} pixels in only {nbytes:,} bytes, more than a JPEG can hold "
                    "(a decompression bomb)")
        return None
    if width > MAX_SIDE or height > MAX_SIDE or pixels > MAX_PIXELS:
        advice = "; export it as JPEG (phones do when sharing)" if img_format == "HEIF" else " (a decompression bomb?)"
        return (f"declares {width}x{height} pixels ({pixels / 1e6:,.0f} megapixels), over the "
                f"{MAX_PIXELS // 1_000_000} megapixel limit for {format_name(img_format)} images{advice}")
    return None


def _unreadable(data: bytes, name: str, reason: str) -> PhotoError:
    """The error for a photo that opened but could not be decoded, naming what the file really is
    when its name says otherwise ("a HEIC photo named .jpg that cannot be read: ...")."""
    what = named_by_content(data, name)
    if what and " named " in what:
        return PhotoError(f"{name}: {what} that cannot be read ({reason})")
    return PhotoError(f"{name}: {reason}")


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


def write_once(target: Path, data: bytes) -> None:
    """Write a content-addressed file unless it exists; atomic, so a crash never leaves half a file."""
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(target)


def store_photo(data: bytes, data_folder: Path | str, name: str = "photo") -> StoredPhoto:
    """Check, hash and store a photo under data_folder/photos/, named by the SHA-256 of the clean copy."""
    hashes = hash_photo(data, name)
    clean, width, height = _clean_copy(data, name)
    digest = hashlib.sha256(clean).hexdigest()
    relative = Path("photos") / digest[:2] / f"{digest}.jpg"
    write_once(Path(data_folder) / relative, clean)
    return StoredPhoto(digest, relative.as_posix(), len(clean), width, height, hashes)


def hamming(a: str, b: str) -> int:
    """Bits that differ between two hex hashes."""
    return (int(a, 16) ^ int(b, 16)).bit_count()
