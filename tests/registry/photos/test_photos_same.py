"""The faster decode and hashing give the hashes, the stored clean copy and its name (SHA-256) that the
previous code gave, bit for bit, for every format and orientation photos arrive in; the previous code is
kept, frozen, in bench/previous/photo_hashing.py. Refusals are the same too."""

import io

import imagehash
import pytest
from PIL import Image, ImageOps

from bench.previous import photo_hashing as previous
from registry.photos import store
from synthetic.photos import encode, scene
from tests.registry.photos.test_photo_formats import HIGH_DEPTH, high_depth


def saved(img: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **options)
    return out.getvalue()


def turned(orientation: int, fmt: str = "JPEG") -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return saved(scene(orientation, (640, 480)), fmt, exif=exif)


def with_alpha() -> Image.Image:
    img = scene(6, (500, 400)).convert("RGBA")
    img.putalpha(Image.linear_gradient("L").resize(img.size))
    return img


PHOTOS = {
    **{f"JPEG {w}x{h} seed {seed}": encode(scene(seed, (800, 600)).resize((w, h)), quality=90)
       for seed in (1, 2) for w, h in ((4000, 3000), (1600, 1200), (640, 480), (300, 200), (50, 40), (8, 8))},
    "progressive JPEG": saved(scene(3, (1200, 900)), "JPEG", progressive=True),
    "grey JPEG": saved(scene(4, (1200, 900)).convert("L"), "JPEG"),
    "CMYK JPEG": saved(scene(5, (800, 600)).convert("CMYK"), "JPEG"),
    **{f"JPEG turned {n}": turned(n) for n in range(1, 9)},
    "PNG turned 6": turned(6, "PNG"),
    "PNG": saved(scene(7, (1600, 1200)), "PNG"),
    "PNG with alpha": saved(with_alpha(), "PNG"),
    "PNG palette": saved(scene(8, (600, 400)).convert("P"), "PNG"),
    "PNG grey": saved(scene(9, (600, 400)).convert("L"), "PNG"),
    "WebP": saved(scene(10, (900, 600)), "WEBP"),
    "GIF": saved(scene(11, (400, 300)).convert("P"), "GIF"),
    "BMP": saved(scene(12, (400, 300)), "BMP"),
    "TIFF": saved(scene(13, (400, 300)), "TIFF"),
    "HEIC": saved(scene(14, (800, 600)), "HEIF"),
    "flat grey JPEG": saved(Image.new("RGB", (640, 480), (128, 128, 128)), "JPEG"),
    **{kind: high_depth(kind) for kind in HIGH_DEPTH},
}


@pytest.mark.parametrize("name", PHOTOS)
def test_hashes_and_stored_copy_are_those_of_the_previous_code(name, tmp_path):
    data = PHOTOS[name]
    assert store.hash_photo(data, name) == previous.hash_photo(data, name)
    assert store.decode_for_hashing(data, name, draft=False).tobytes() == \
        previous.decode_for_hashing(data, name, draft=False).tobytes()
    now, before = store.store_photo(data, tmp_path / "now", name), previous.store_photo(data, tmp_path / "before", name)
    assert now == before
    assert (tmp_path / "now" / now.path).read_bytes() == (tmp_path / "before" / before.path).read_bytes()


@pytest.mark.parametrize("name", ["JPEG 1600x1200 seed 1", "PNG", "JPEG turned 5", "flat grey JPEG", "PNG with alpha"])
def test_hashes_are_imagehash_bit_for_bit(name):
    img = store.decode_for_hashing(PHOTOS[name])
    hashes = store.hash_image(img)
    assert hashes.phash == str(imagehash.phash(img)) and hashes.dhash == str(imagehash.dhash(img))
    mirror = ImageOps.mirror(img)
    assert hashes.phash_mirror == str(imagehash.phash(mirror)) and hashes.dhash_mirror == str(imagehash.dhash(mirror))


@pytest.mark.parametrize("data", [b"", b"<html>x</html>", encode(scene(1))[:3000], PHOTOS["HEIC"][:2000],
                                  b"\x89PNG\r\n\x1a\n" + b"\0" * 40])
def test_refusals_are_those_of_the_previous_code(data, tmp_path):
    with pytest.raises(store.PhotoError) as now:
        store.store_photo(data, tmp_path, "upload.jpg")
    with pytest.raises(store.PhotoError) as before:
        previous.store_photo(data, tmp_path, "upload.jpg")
    assert str(now.value) == str(before.value)
    assert not (tmp_path / "photos").exists()
