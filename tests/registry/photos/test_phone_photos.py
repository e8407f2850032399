"""Photos of current phones (48-200 megapixels) are stored; true decompression bombs are refused by name."""

import io

import pillow_heif
import pytest
from PIL import Image

from registry.photos.store import PhotoError, decode_cost, store_photo
from tests.datasette_config.farmer.conftest import bomb_png


def jpeg(width: int, height: int, **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (90, 120, 60)).save(out, "JPEG", quality=85, **options)
    return out.getvalue()


def jpeg_declaring(width: int, height: int) -> bytes:
    """A small JPEG whose frame header is rewritten to declare this size (its data holds 64x64)."""
    data = bytearray(jpeg(64, 64))
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = height.to_bytes(2, "big") + width.to_bytes(2, "big")
    return bytes(data)


def test_a_64_megapixel_phone_jpeg_is_stored_reduced(tmp_path):
    stored = store_photo(jpeg(9248, 6936), tmp_path, "IMG_0001.jpg")
    assert (stored.width, stored.height) == (2048, 1536)
    assert (tmp_path / stored.path).exists()


@pytest.mark.parametrize("size, fmt, nbytes, refused", [
    ((8000, 6000), "JPEG", 3_000_000, None),              # 48 MP
    ((9248, 6936), "JPEG", 1_300_000, None),              # 64 MP, the size a mid-range phone takes
    ((12000, 9000), "JPEG", 9_000_000, None),             # 108 MP
    ((16320, 12240), "JPEG", 25_000_000, None),           # 200 MP
    ((30000, 4000), "JPEG", 6_000_000, None),             # a long panorama
    ((16320, 12240), "JPEG", 20_000, "more than a JPEG can hold"),
    ((30000, 30000), "JPEG", 10_000_000, "decompression bomb"),
    ((8064, 6048), "HEIF", 4_000_000, None),              # 48 MP HEIC
    ((16320, 12240), "HEIF", 20_000_000, "export it as JPEG"),
    ((30000, 30000), "PNG", 100, "decompression bomb"),
    ((9000, 9000), "PNG", 50_000, "decompression bomb"),
    ((0, 10), "PNG", 100, "no picture"),
])
def test_decode_cost_judges_what_decoding_would_really_cost(size, fmt, nbytes, refused):
    problem = decode_cost(fmt, size, nbytes)
    assert (problem is None) if refused is None else (refused in problem and f"{size[0]}x{size[1]}" in problem)


@pytest.mark.parametrize("name, data, message", [
    ("bomb.png", bomb_png(30_000, 30_000), "900 megapixels.*decompression bomb"),
    ("bomb.png", bomb_png(15_000, 15_000), "15000x15000 pixels.*decompression bomb"),
    ("bomb.png", bomb_png(9_000, 9_000), "decompression bomb"),
    ("hollow.jpg", jpeg_declaring(16_000, 12_000), "more than a JPEG can hold"),
])
def test_true_bombs_are_still_refused_by_name(tmp_path, name, data, message):
    with pytest.raises(PhotoError, match=message) as refused:
        store_photo(data, tmp_path, name)
    assert str(refused.value).startswith(name)
    assert not (tmp_path / "photos").exists()


def test_a_heic_photo_is_stored(tmp_path):
    out = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", (1200, 900), (200, 30, 30))).save(out, quality=60)
    stored = store_photo(out.getvalue(), tmp_path, "IMG_0002.HEIC")
    assert (stored.width, stored.height) == (1200, 900)
