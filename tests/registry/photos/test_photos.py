import io
import struct
import zlib

import imagehash
import pytest
from PIL import Image, ImageEnhance, ImageOps

from registry.photos.store import PhotoError, decode_for_hashing, hamming, hash_photo, store_photo
from synthetic.photos import encode, scene


def _variants(img: Image.Image) -> dict[str, bytes]:
    return {
        "re-encoded q60": encode(img, quality=60),
        "resized half": encode(img.resize((img.width // 2, img.height // 2))),
        "resized up": encode(img.resize((img.width * 3 // 2, img.height * 3 // 2))),
        "brighter": encode(ImageEnhance.Brightness(img).enhance(1.15)),
        "png": encode(img, "PNG"),
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_copies_stay_within_a_few_bits(seed):
    img = scene(seed)
    original = hash_photo(encode(img))
    for name, data in _variants(img).items():
        copy = hash_photo(data)
        assert hamming(original.phash, copy.phash) <= 6, name
        assert hamming(original.dhash, copy.dhash) <= 10, name


def test_mirror_hash_matches_a_mirrored_copy():
    img = scene(5)
    original = hash_photo(encode(img))
    mirrored = hash_photo(encode(ImageOps.mirror(img)))
    assert hamming(original.phash_mirror, mirrored.phash) <= 4
    assert hamming(original.phash, mirrored.phash) > 10


def test_different_photos_are_far_apart():
    hashes = [hash_photo(encode(scene(seed))) for seed in range(12)]
    distances = [hamming(a.phash, b.phash) for i, a in enumerate(hashes) for b in hashes[i + 1:]]
    assert min(distances) > 10


def test_draft_and_full_decode_agree_closely():
    data = encode(scene(9, (1600, 1200)))
    assert hamming(str(imagehash.phash(decode_for_hashing(data))),
                   str(imagehash.phash(decode_for_hashing(data, draft=False)))) <= 4


def test_store_is_content_addressed_and_strips_exif(tmp_path):
    img = scene(3)
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 13.0, 0.0)}  # GPS IFD
    exif[0x010F] = "FarmCam"
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    stored = store_photo(out.getvalue(), tmp_path)
    again = store_photo(out.getvalue(), tmp_path)
    assert stored.sha256 == again.sha256
    path = tmp_path / stored.path
    assert path.exists() and stored.sha256 in path.name
    saved = Image.open(path)
    assert not saved.getexif()
    assert b"FarmCam" not in path.read_bytes()


def test_exif_orientation_is_applied(tmp_path):
    img = scene(4, (400, 300))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    stored = store_photo(out.getvalue(), tmp_path)
    assert (stored.width, stored.height) == (300, 400)


def _png_header_only(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk
            + struct.pack(">I", zlib.crc32(chunk)) + struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND")))


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"<html><script>alert(1)</script></html>", "not an image"),
        (b"%PDF-1.4 not a photo", "not an image"),
        (_png_header_only(100_000, 100_000), "pixels"),
        (encode(scene(1))[:3000], "truncated"),
    ],
)
def test_refuses_bad_files(tmp_path, data, message):
    with pytest.raises(PhotoError, match=message):
        store_photo(data, tmp_path, "upload.jpg")
    assert not (tmp_path / "photos").exists() or not any((tmp_path / "photos").rglob("*.jpg"))


def test_generated_photos_are_the_same_in_every_process():
    import hashlib
    import subprocess
    import sys

    from synthetic.photos import photo_bytes

    here = hashlib.sha256(photo_bytes(11)).hexdigest()
    there = subprocess.run([sys.executable, "-c", "import hashlib; from synthetic.photos import photo_bytes; "
                            "print(hashlib.sha256(photo_bytes(11)).hexdigest())"], capture_output=True, text=True,
                           check=True).stdout.strip()
    assert here == there


@pytest.mark.parametrize("seed", [1, 4, 8])
def test_small_mirror_hashing_gives_the_bits_of_mirroring_the_whole_photo(seed):
    from registry.photos.store import hash_image

    img = decode_for_hashing(encode(scene(seed)))
    hashes = hash_image(img)
    mirror = ImageOps.mirror(img)
    assert hashes.phash_mirror == str(imagehash.phash(mirror))
    assert hashes.dhash_mirror == str(imagehash.dhash(mirror))
    assert hashes.phash == str(imagehash.phash(img)) and hashes.dhash == str(imagehash.dhash(img))
