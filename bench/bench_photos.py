"""Photo hashing throughput: photos per second per core, with and without JPEG draft decoding.

Photos are generated camera-sized JPEGs (about 12 megapixels and about 2 megapixels). The figure
that matters is photos/s on one core for the nightly stage that hashes every listing photo.
"""

from __future__ import annotations

import statistics
import time

import imagehash

from bench.sizes import size as sized
from registry.photos.store import decode_for_hashing, hamming, hash_image
from synthetic.photos import encode, scene

TARGET_NOTE = "no target set; reported for planning (3 photos x 100k listings must fit the 5-minute match stage)"


def _time_per_photo(photos: list[bytes], draft: bool, repeats: int) -> list[float]:
    timings = []
    for _ in range(repeats):
        for data in photos:
            start = time.perf_counter()
            hash_image(decode_for_hashing(data, draft=draft))
            timings.append(time.perf_counter() - start)
    return timings


def main(quick: bool = False) -> None:
    count = sized(12, 4, 2)
    repeats = sized(3, 1, 1)
    for size in ((4000, 3000), (1600, 1200)):
        photos = [encode(scene(seed, (800, 600)).resize(size), quality=90) for seed in range(count)]
        with_draft = _time_per_photo(photos, True, repeats)
        without = _time_per_photo(photos, False, repeats)
        drift = statistics.median(
            hamming(str(imagehash.phash(decode_for_hashing(p))),
                    str(imagehash.phash(decode_for_hashing(p, draft=False))))
            for p in photos
        )
        med_d, med_n = statistics.median(with_draft), statistics.median(without)
        print(f"{size[0]}x{size[1]} JPEG, {len(with_draft)} hashings (pHash+dHash, image and mirror):")
        print(f"  with draft():    median {med_d * 1000:7.1f} ms/photo = {1 / med_d:6.1f} photos/s per core")
        print(f"  without draft(): median {med_n * 1000:7.1f} ms/photo = {1 / med_n:6.1f} photos/s per core")
        print(f"  speed-up {med_n / med_d:.1f}x; median pHash drift between the two decodes: {drift} bits")
    print(f"  target: {TARGET_NOTE}")
