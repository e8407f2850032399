"""The whole `farmwatch match` stage: 100,000 new listings with 3 photos each against a registry
of 1,000,000 identifiers and 1,000,000 photo hashes (500,000 items, 5% stolen).

Target: under 5 minutes on 2 cores, photo decoding included. Photo hashes are computed
when a photo is stored (crawl or import), so the match stage reads them; the decode and
hash cost per photo is measured separately and added to the estimate for 300,000 photos.
"""

from __future__ import annotations

import json
import os
import random
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bench.match_data import make_keys, make_listing_texts, make_photo_hashes, peak_rss_mb, peak_rss_reset
from bench.sizes import size
from matching.pipeline import match_listings
from registry.db import connect
from registry.photos.store import hash_photo
from synthetic.photos import photo_bytes

NOW = "2026-11-20T00:00:00Z"
CATEGORIES = ("tractor", "quad", "trailer", "gps", "power_tool", "plant")


def build_database(path: Path, n_items: int, n_listings: int) -> None:
    rng = random.Random(5)
    db = connect(path)
    keys = make_keys(2 * n_items)
    hashes = [f"{h:016x}" for h in make_photo_hashes(2 * n_items).tolist()]
    dhashes = [f"{h:016x}" for h in make_photo_hashes(2 * n_items, seed=4).tolist()]
    conn = db.conn
    with db.atomic():
        conn.execute("insert into owners (id, name, created_at) values (1, 'Bench owner', ?)", [NOW])
        conn.executemany(
            "insert into items (id, owner_id, category, make, model, year, colour, status, created_at, updated_at) "
            "values (?, 1, ?, 'John Deere', ?, ?, 'green', 'registered', ?, ?)",
            ((i, CATEGORIES[i % len(CATEGORIES)], f"{6100 + i % 90}M", 2000 + i % 25, NOW, NOW)
             for i in range(1, n_items + 1)))
        conn.executemany(
            "insert into identifiers (item_id, kind, raw_value, normalised_value, created_at) values (?, ?, ?, ?, ?)",
            ((1 + j // 2, "serial" if j % 2 else "engine", keys[j], keys[j], NOW) for j in range(2 * n_items)))
        conn.executemany(
            "insert into photos (item_id, position, sha256, path, bytes, width, height, phash, dhash, phash_mirror, "
            "dhash_mirror, created_at) values (?, ?, ?, 'photos/x.jpg', 1, 1, 1, ?, ?, ?, ?, ?)",
            ((1 + j // 2, 1 + j % 2, f"{j:064x}", hashes[j], dhashes[j], hashes[j], dhashes[j], NOW)
             for j in range(2 * n_items)))
        conn.executemany(
            "insert into thefts (item_id, stolen_at, reported_at, crime_ref, current) values (?, '2026-10-01', ?, 'CR', 1)",
            ((i, NOW) for i in range(1, n_items + 1, 20)))
        conn.execute("update items set status = 'stolen' where id in (select item_id from thefts)")
        texts = make_listing_texts(keys, n_listings)
        conn.executemany(
            "insert into listings (id, source, url, title, description, structured_identifiers, posted_at, "
            "first_seen_at, last_seen_at, changed_at) values (?, 'bench', ?, ?, ?, ?, ?, ?, ?, ?)",
            ((f"L{n:08d}", f"https://bench.example/{n}", t, d, s, "2026-11-15T00:00:00Z", NOW, NOW, NOW)
             for n, (t, d, s) in enumerate(texts)))
        listing_hashes = make_photo_hashes(3 * n_listings, seed=8).tolist()
        rows = []
        for j in range(3 * n_listings):
            if rng.random() < 0.03:  # a re-posted registered photo
                k = rng.randrange(len(hashes))
                p, d = hashes[k], dhashes[k]
            else:
                p, d = f"{listing_hashes[j]:016x}", f"{listing_hashes[-1 - j]:016x}"
            rows.append((f"L{j // 3:08d}", 1 + j % 3, p, d, p, d, NOW))
        conn.executemany(
            "insert into listing_photos (listing_id, position, phash, dhash, phash_mirror, dhash_mirror, fetched_at) "
            "values (?, ?, ?, ?, ?, ?, ?)", rows)
    db.close()


def _hash_many(count: int) -> float:
    data = photo_bytes(3)
    hash_photo(data)  # imports and caches warm
    start = time.process_time()  # CPU time: what a dedicated core would take, whatever else runs
    for _ in range(count):
        hash_photo(data)
    return (time.process_time() - start) / count


def main(quick: bool) -> None:
    n_items, n_listings = size((500_000, 100_000), (50_000, 10_000), (2_000, 400))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        build_database(path, n_items, n_listings)
        print(f"registry of {n_items:,} items ({2 * n_items:,} identifiers, {2 * n_items:,} photo hashes), "
              f"{n_listings:,} listings with {3 * n_listings:,} photos; built in {time.perf_counter() - t0:.0f} s")
        db = connect(path)
        peak_rss_reset()
        before = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
        report = match_listings(db, workers=2)
        after = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
        cpu = sum(a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime for a, b in zip(after, before, strict=True))
        children = after[1].ru_maxrss / 1024
        counts = db.execute("select band, count(*) from matches group by band").fetchall()
        db.close()
    with ProcessPoolExecutor(2) as pool:
        per_photo = sum(pool.map(_hash_many, [40, 40])) / 2
    decode = 3 * n_listings * per_photo / 2
    load = os.getloadavg()[0]
    print(f"  match stage (2 workers): {report.seconds:.0f} s wall (machine load average {load:.1f}), {cpu:.0f} "
          f"CPU seconds in all (>= {cpu / 2:.0f} s on 2 dedicated cores) for {report.listings:,} listings")
    print(f"  peak memory "
          f"{peak_rss_mb():.0f} MB main, {children:.0f} MB largest worker; matches by band {json.dumps(dict(counts))}")
    print(f"  photo decode + hash at storage: {per_photo * 1000:.1f} ms CPU a photo -> {decode:.0f} s for "
          f"{3 * n_listings:,} photos on 2 cores")
    print(f"  stage with decoding: {cpu / 2 + decode:.0f} s on 2 dedicated cores (CPU-time estimate), "
          f"{report.seconds + decode:.0f} s with this machine's wall time (target < 300 s at 100k listings x 3 photos)")
