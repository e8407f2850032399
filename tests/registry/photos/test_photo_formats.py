"""Photos as phones and scanners make them: 16-bit and float greyscale, AVIF, HEIC, and files
whose content is not what their name says. Images are made with Pillow; nothing is downloaded."""

import io

import numpy as np
import pytest
from PIL import Image

from registry.photos.formats import describe_content, named_by_content, to_8bit
from registry.photos.store import PhotoError, decode_for_hashing, hamming, hash_photo, store_photo
from synthetic.photos import encode, scene


def saved(img: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **options)
    return out.getvalue()


def grey_scene(seed: int = 3) -> Image.Image:
    return scene(seed).convert("L")


def high_depth(kind: str) -> bytes:
    """The grey scene as a scanner or thermal camera writes it, one row per form."""
    grey = np.asarray(grey_scene(), dtype=np.float64)
    if kind == "16-bit PNG":
        return saved(Image.fromarray((grey * 257).astype(np.uint16)), "PNG")
    if kind == "16-bit TIFF":
        return saved(Image.fromarray((grey * 257).astype(np.uint16)), "TIFF")
    if kind == "12-bit data in a 16-bit TIFF":
        return saved(Image.fromarray((grey * 16).astype(np.uint16)), "TIFF")
    if kind == "32-bit integer TIFF":
        return saved(Image.fromarray((grey * 257).astype(np.int32)), "TIFF")
    if kind == "float TIFF 0..1":
        return saved(Image.fromarray((grey / 255).astype(np.float32)), "TIFF")
    if kind == "float TIFF in degrees":
        return saved(Image.fromarray((grey / 10 - 5).astype(np.float32)), "TIFF")
    raise AssertionError(kind)


HIGH_DEPTH = ["16-bit PNG", "16-bit TIFF", "12-bit data in a 16-bit TIFF", "32-bit integer TIFF", "float TIFF 0..1",
              "float TIFF in degrees"]


@pytest.mark.parametrize("kind", HIGH_DEPTH)
def test_high_bit_depth_photos_are_scaled_not_clipped(kind, tmp_path):
    data = high_depth(kind)
    assert Image.open(io.BytesIO(data)).mode in ("I;16", "I", "F")
    eight_bit = hash_photo(encode(grey_scene(), "PNG"))
    got = hash_photo(data, kind)
    assert hamming(got.phash, eight_bit.phash) <= 4, kind
    assert hamming(got.dhash, eight_bit.dhash) <= 6, kind
    stored = store_photo(data, tmp_path, kind)
    low, high = Image.open(tmp_path / stored.path).convert("L").getextrema()
    assert high - low > 100, kind  # a picture, not a white (or black) square


@pytest.mark.parametrize("factor, mode", [(257, "I;16"), (4095 / 255, "I;16"), (257, "I"), (1, "I")])
def test_a_high_depth_photo_looks_as_it_did(factor, mode):
    grey = np.asarray(grey_scene(), dtype=np.float64)
    grey[0, 0] = 255  # the brightest value the sensor gave
    data = np.rint(grey * factor).astype(np.uint16 if mode == "I;16" else np.int32)
    scaled = np.asarray(to_8bit(Image.fromarray(data)))
    assert np.abs(scaled.astype(int) - grey).max() <= 1


@pytest.mark.parametrize("fmt, options", [("AVIF", {}), ("HEIF", {}), ("HEIF", {"quality": 50}), ("WEBP", {})])
def test_phone_formats_are_stored_and_hashed_like_any_photo(fmt, options, tmp_path):
    img = scene(4)
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 13.0, 0.0)}  # GPS: where the farm is
    data = saved(img, fmt, exif=exif, **options)
    reference = hash_photo(encode(img))
    assert hamming(hash_photo(data, f"p.{fmt.lower()}").phash, reference.phash) <= 6
    stored = store_photo(data, tmp_path, f"p.{fmt.lower()}")
    kept = Image.open(tmp_path / stored.path)
    assert kept.format == "JPEG" and 0x8825 not in kept.getexif()
    assert (stored.width, stored.height) == img.size


def test_a_turned_heic_photo_is_stored_upright(tmp_path):
    img = scene(6, (120, 60))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 on display
    stored = store_photo(saved(img, "HEIF", exif=exif), tmp_path, "IMG_0001.HEIC")
    assert (stored.width, stored.height) in ((60, 120), (120, 60))
    assert decode_for_hashing(saved(img, "HEIF", exif=exif)).size == (stored.width, stored.height)


def _jpeg_cut() -> bytes:
    data = saved(scene(1, (400, 300)), "JPEG")
    return data[: len(data) // 2]


def _heic_cut() -> bytes:
    data = saved(scene(2), "HEIF")
    return data[: len(data) // 3]


@pytest.mark.parametrize("data, name, message", [
    (lambda: _heic_cut(), "IMG_0042.jpg", "IMG_0042.jpg: a HEIC photo named .jpg that cannot be read"),
    (lambda: b"%PDF-1.4\n1 0 obj <<>> endobj\n", "tractor.jpg", "tractor.jpg: not an image but a PDF document named .jpg"),
    (lambda: b"%PDF-1.4\n1 0 obj <<>> endobj\n", "notes.pdf", "notes.pdf: not an image but a PDF document ("),
    (lambda: b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64, "quad.jpg",
     "quad.jpg: not an image but a video"),
    (lambda: b"PK\x03\x04" + b"\x00" * 64, "photos.png", "photos.png: not an image but"),
    (lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "x.jpg",
     "x.jpg: not an image but an SVG drawing named .jpg"),
    (lambda: b"\x00\x01\x02 random", "x.jpg", "x.jpg: not an image (JPEG, PNG, WebP, HEIC, AVIF"),
    (lambda: _jpeg_cut(), "cut.jpg", "cut.jpg: truncated or corrupt image"),
    (lambda: _jpeg_cut(), "https://m.example/img/1.png?w=2",
     "a JPEG photo named .png that cannot be read (truncated"),
])
def test_a_file_that_cannot_be_read_is_named_by_what_it_is(data, name, message, tmp_path):
    with pytest.raises(PhotoError) as caught:
        store_photo(data(), tmp_path, name)
    assert message in str(caught.value)
    assert not (tmp_path / "photos").exists()


@pytest.mark.parametrize("fmt, description", [("HEIF", "a HEIC photo"), ("AVIF", "an AVIF photo"),
                                              ("JPEG", "a JPEG photo"), ("PNG", "a PNG photo"), ("TIFF", "a TIFF photo")])
def test_content_is_described_by_its_signature(fmt, description):
    assert describe_content(saved(scene(1), fmt))[0] == description


@pytest.mark.parametrize("name, expected", [("a.heic", "a HEIC photo"), ("a.HEIF", "a HEIC photo"),
                                            ("a.jpg", "a HEIC photo named .jpg"), ("a", "a HEIC photo")])
def test_the_name_is_compared_with_the_content(name, expected):
    assert named_by_content(saved(scene(1), "HEIF"), name) == expected
