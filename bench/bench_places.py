"""Placing thefts and listings offline: cold load of the gazetteer, then places resolved per second.

Cold: the first town lookup (GeoNames places) and the first postcode lookup (one ONS letter file),
as a match run or an import pays them once per process. Warm: a mix of what sellers and farmers
type (town, town with county, full postcode, postcode district, unknown text).
"""

from __future__ import annotations

import random
import time

from bench.sizes import size

TARGET_COLD_S = 5.0  # towns plus one postcode letter, first use in a process
TARGET_WARM_PER_S = 2000.0

SAMPLES = ["Skipton", "Skipton, North Yorkshire", "Hawes DL8", "BD23 1AB", "SP11 0AA", "Newport, Shropshire",
           "Tregaron, Ceredigion", "Lower Farm, Great Ayton", "Kendal LA9", "Somewhere unknown", "Penrith",
           "nr Builth Wells", "TR20 8AA", "Andover SP10", "Hexham"]


def main(quick: bool = False) -> None:
    from registry.places import gazetteer
    from registry.places.lookup import resolve_place

    for cache in (gazetteer.towns, gazetteer.town_index, gazetteer.postcode_table, gazetteer.lookup_district):
        cache.cache_clear()
    start = time.perf_counter()
    resolve_place("Skipton")
    towns_s = time.perf_counter() - start
    start = time.perf_counter()
    resolve_place("BD23 1AB")
    postcode_s = time.perf_counter() - start
    for text in SAMPLES:  # load every letter the mix needs before timing warm lookups
        resolve_place(text)
    rng = random.Random(16)
    texts = [rng.choice(SAMPLES) for _ in range(size(5000, 500, 50))]
    start = time.perf_counter()
    for text in texts:
        resolve_place(text)
    per_s = len(texts) / (time.perf_counter() - start)
    cold = towns_s + postcode_s
    print(f"cold: towns {towns_s:.2f} s + first postcode letter {postcode_s:.2f} s = {cold:.2f} s "
          f"(target <= {TARGET_COLD_S:.0f} s) {'OK' if cold <= TARGET_COLD_S else 'MISSED'}")
    print(f"warm: {per_s:,.0f} places/s over {len(texts)} texts (target >= {TARGET_WARM_PER_S:,.0f}/s) "
          f"{'OK' if per_s >= TARGET_WARM_PER_S else 'MISSED'}")
