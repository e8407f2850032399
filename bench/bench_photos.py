"""Photo decode and hashes at storage: photos per second per core, the previous path beside the current one.

Photos are generated camera-sized JPEGs (12 and 2 megapixels), and 2-megapixel PNG and HEIC. Each figure
is CPU time of this process (time.process_time) per photo, the median of several passes, the previous code
(bench/previous/photo_hashing.py, which gives the same hashes) and the current code timed back to back in
each pass so both see the same load. "hashes" is the decode and the four hashes (what every listing
photo costs); "store" is the whole `store_photo` (hashes, clean copy re-encoded, SHA-256, written).
Threads: the same hashing on 2 threads against 1 (Pillow's decoders and resampling release the GIL), wall
time, which only means something when the 2 cores are free.
"""

from __future__ import annotations

import io
import os
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from PIL import Image

from bench.previous import photo_hashing as previous
from bench.sizes import size as sized
from registry.photos import store
from synthetic.photos import encode, scene

KINDS = ("JPEG 1600x1200", "JPEG 4000x3000", "PNG 1600x1200", "HEIC 1600x1200")
TARGETS = {"JPEG 1600x1200": 600, "JPEG 4000x3000": 200}  # photos/s per core for the hashes


def _saved(img, fmt: str) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt)
    return out.getvalue()


def _photos(kind: str, count: int) -> list[bytes]:
    if kind.startswith("JPEG"):
        w, h = map(int, kind.split()[1].split("x"))
        return [encode(scene(seed, (800, 600)).resize((w, h)), quality=90) for seed in range(count)]
    fmt = {"PNG": "PNG", "HEIC": "HEIF"}[kind.split()[0]]
    return [_saved(scene(seed, (800, 600)).resize((1600, 1200)), fmt) for seed in range(count)]


def _cpu_per_photo(work, photos: list[bytes]) -> float:
    start = time.process_time()
    for data in photos:
        work(data)
    return (time.process_time() - start) / len(photos)


def _ab(old, new, photos: list[bytes], passes: int) -> tuple[float, float]:
    """Median CPU seconds per photo of the old and the new path, timed back to back in each pass."""
    old_times, new_times = [], []
    for _ in range(passes):
        old_times.append(_cpu_per_photo(old, photos))
        new_times.append(_cpu_per_photo(new, photos))
    return statistics.median(old_times), statistics.median(new_times)


def _decode_only(data: bytes) -> None:
    """What libjpeg itself costs: open, draft to 1/8 in grey, decode (the floor of the hashes' path)."""
    img = Image.open(io.BytesIO(data))
    img.draft("L", (store.HASH_DECODE_SIZE, store.HASH_DECODE_SIZE))
    img.load()


def _threads(photos: list[bytes], workers: int) -> float:
    """Photos per second (wall) hashing the photos on `workers` threads."""
    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(store.hash_photo, photos))
    return len(photos) / (time.perf_counter() - start)


def main(quick: bool = False) -> None:
    count, passes = sized((12, 5), (4, 3), (1, 1))
    kinds = sized(KINDS, KINDS, ("JPEG 1600x1200",))
    print(f"CPU time per photo, median of {passes} passes, previous path and current back to back "
          f"(load average {os.getloadavg()[0]:.1f}):")
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds:
            photos = _photos(kind, count)
            store.hash_photo(photos[0])  # imports and caches warm
            old, new = _ab(previous.hash_photo, store.hash_photo, photos, passes)
            target = f" (target >= {TARGETS[kind]})" if kind in TARGETS else ""
            print(f"  {kind} hashes: {1 / new:6.0f} photos/s per core{target}, {new * 1000:5.2f} ms; previous "
                  f"{1 / old:6.0f}/s, {old * 1000:5.2f} ms: {old / new:.2f}x")
            if kind.startswith("JPEG"):
                floor = statistics.median(_cpu_per_photo(_decode_only, photos) for _ in range(passes))
                print(f"  {kind} decoder alone (open, draft, decode): {1 / floor:6.0f} photos/s per core, "
                      f"{floor * 1000:5.2f} ms: the hashes' path is {new / floor:.2f}x the decoder's floor")
            if not kind.startswith("JPEG 4000"):
                old, new = _ab(lambda d: previous.store_photo(d, folder), lambda d: store.store_photo(d, folder),
                               photos, max(1, passes // 2))
                print(f"  {kind} store:  {1 / new:6.0f} photos/s per core, {new * 1000:5.2f} ms; previous "
                      f"{1 / old:6.0f}/s, {old * 1000:5.2f} ms: {old / new:.2f}x")
    photos = _photos("JPEG 1600x1200", count) * 4
    one, two = _threads(photos, 1), _threads(photos, 2)
    print(f"  threads, JPEG 1600x1200 hashes, wall: 1 thread {one:.0f}/s, 2 threads {two:.0f}/s: {two / one:.2f}x "
          f"(load average {os.getloadavg()[0]:.1f}; more than 1x only with a free second core)")
