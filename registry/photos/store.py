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

import numpy as np
import scipy.fftpack
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


JPEG_FORMATS = ("JPEG", "MPO")  # decoded reduced by the JPEG decoder itself (draft mode)


def _decoding(data: bytes, name: str, work):
    """work(), with a failure to decode reported as a PhotoError naming the photo."""
    try:
        return work()
    except PhotoError:
        raise
    except Exception as exc:
        raise _unreadable(data, name, f"truncated or corrupt image ({exc.__class__.__name__}: {str(exc)[:80]})") from None


def _upright(img: Image.Image) -> Image.Image:
    """The image decoded, turned by its EXIF orientation in place (no copy when it has none) and in 8 bits."""
    img.load()
    ImageOps.exif_transpose(img, in_place=True)
    return to_8bit(img)


def _grey(img: Image.Image) -> Image.Image:
    return img if img.mode == "L" else img.convert("L")


def decode_for_hashing(data: bytes, name: str = "photo", *, draft: bool = True) -> Image.Image:
    """Decode once, reduced, upright and grey: the one input every perceptual hash is taken from.

    A JPEG is decoded by libjpeg at 1/8 of each side when that leaves at least HASH_DECODE_SIZE
    pixels a side (its DCT scaling: only each block's mean is computed) and in grey only (draft
    mode "L": the colour channels are never converted); other formats are decoded whole. The image
    is turned and converted in place: no copy is made that the hashes do not need.
    Raises PhotoError (naming `name`) for a file that cannot be stored."""
    return _reduced_grey(_open_checked(data, name), data, name, draft)


def _reduced_grey(img: Image.Image, data: bytes, name: str, draft: bool = True) -> Image.Image:
    if draft and img.format in JPEG_FORMATS:
        img.draft("L", (HASH_DECODE_SIZE, HASH_DECODE_SIZE))
    return _decoding(data, name, lambda: _grey(_upright(img)))


def hash_image(img: Image.Image) -> PhotoHashes:
    """pHash and dHash of the image and of its mirror image, as 16-digit hex.

    The values are imagehash's `phash` and `dhash` (8x8 bits) bit for bit (tests compare them on
    many photos), computed here from the two reduced images with numpy: each hash's input is reduced
    once (32x32 for pHash, 9x8 for dHash, Lanczos) and mirrored small (resampling is symmetric, so
    this gives the bits of mirroring the whole image first), and no Pillow image is made for the
    mirror or converted again inside imagehash.
    """
    grey = _grey(img)
    for_phash = np.asarray(grey.resize((32, 32), Image.Resampling.LANCZOS))
    for_dhash = np.asarray(grey.resize((9, 8), Image.Resampling.LANCZOS))
    return PhotoHashes(
        phash=_phash(for_phash),
        dhash=_dhash(for_dhash),
        phash_mirror=_phash(np.ascontiguousarray(for_phash[:, ::-1])),
        dhash_mirror=_dhash(for_dhash[:, ::-1]),
    )


def _phash(pixels: np.ndarray) -> str:
    """imagehash.phash of a 32x32 grey image: the 8x8 lowest DCT frequencies above their median."""
    dct = scipy.fftpack.dct(scipy.fftpack.dct(pixels, axis=0), axis=1)
    low = dct[:8, :8]
    return _hex(low > np.median(low))


def _dhash(pixels: np.ndarray) -> str:
    """imagehash.dhash of a 9x8 grey image: each pixel brighter than its left neighbour."""
    return _hex(pixels[:, 1:] > pixels[:, :-1])


def _hex(bits: np.ndarray) -> str:
    """64 bits, row by row, first bit most significant, as imagehash writes them (16 hex digits)."""
    return np.packbits(bits).tobytes().hex()


def hash_photo(data: bytes, name: str = "photo") -> PhotoHashes:
    return hash_image(decode_for_hashing(data, name))


def _for_storage(data: bytes, name: str) -> Image.Image:
    """A JPEG decoded for the clean copy: reduced by the decoder (draft) only while it keeps at least
    STORED_MAX_SIDE pixels a side, upright, in 8 bits."""
    img = _open_checked(data, name)
    img.draft("RGB", (STORED_MAX_SIDE, STORED_MAX_SIDE))  # free down-scaling of big camera photos
    return _decoding(data, name, lambda: _upright(img))


def _clean_copy(upright: Image.Image, data: bytes, name: str) -> tuple[bytes, int, int]:
    """Re-encode the upright image as JPEG, without EXIF (farm GPS coordinates) or other metadata,
    at most STORED_MAX_SIDE a side. Changes `upright` (reduced in place)."""
    def encode() -> tuple[bytes, int, int]:
        img = upright
        if img.mode not in ("RGB", "L"):
            background = Image.new("RGB", img.size, "white")
            rgba = img.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            img = background
        img.thumbnail((STORED_MAX_SIDE, STORED_MAX_SIDE))
        out = io.BytesIO()
        img.save(out, "JPEG", quality=90)
        return out.getvalue(), img.width, img.height
    return _decoding(data, name, encode)


def write_once(target: Path, data: bytes) -> None:
    """Write a content-addressed file unless it exists; atomic, so a crash never leaves half a file."""
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(target)


def store_photo(data: bytes, data_folder: Path | str, name: str = "photo") -> StoredPhoto:
    """Check, hash and store a photo under data_folder/photos/, named by the SHA-256 of the clean copy.

    A JPEG is decoded twice, each time reduced by the decoder as far as its use allows: at 1/8 in grey
    for the hashes, at most to STORED_MAX_SIDE in colour for the clean copy. Any other format is
    decoded whole once, and the hashes and the clean copy are both taken from that decode.
    Raises PhotoError, and stores nothing, for a file that cannot be stored."""
    img = _open_checked(data, name)
    if img.format in JPEG_FORMATS:
        hashes = hash_image(_reduced_grey(img, data, name))
        upright = _for_storage(data, name)
    else:
        upright = _decoding(data, name, lambda: _upright(img))
        hashes = hash_image(upright)  # before the clean copy reduces `upright` in place
    clean, width, height = _clean_copy(upright, data, name)
    digest = hashlib.sha256(clean).hexdigest()
    relative = Path("photos") / digest[:2] / f"{digest}.jpg"
    write_once(Path(data_folder) / relative, clean)
    return StoredPhoto(digest, relative.as_posix(), len(clean), width, height, hashes)


def hamming(a: str, b: str) -> int:
    """Bits that differ between two hex hashes."""
    return (int(a, 16) ^ int(b, 16)).bit_count()
