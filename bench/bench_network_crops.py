"""Seller networks' crop search (`matching.networks.crops`) when the history has photo files: the earlier path
(every stored listing photo's kept features loaded and searched exhaustively each night) against the saved,
windowed index updated by the night, in fresh processes on copies of one database, back to back.

The history's photos are not generated as images: their kept features (200 random ORB-like descriptors at
random places, as `listing_photo_features` holds them) are written straight into the table, with a path so
the photos count as stored files. Listings were last seen over the year before the night (a quarter in the
90-day window). The night's listings have photos of their own and crops of history photos (the same
descriptors, a few bits changed, at places scaled by 0.92 and shifted): of photos in the window, which both
paths must link, and of photos older than the window, which only the earlier path searches.
Printed: wall and CPU time, the process's peak memory (beside the peak its imports reached before the
search, and how far past that the search went), links found. The saved index is exhaustive below
`crop_index.IVF_MIN_VECTORS` descriptors and an inverted file above: one run forces each kind.
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from bench.sizes import size
from matching.networks.crop_index import index_stem
from matching.networks.identities import assign_sellers
from matching.photos.features.extract import EXTRACTOR, Features, pack_keypoints
from registry.db import connect

PHOTOS = 3
KEPT = 200
NIGHT = "2026-11-01T00:00:00Z"
TARGET_RATIO = 0.5  # the new path's CPU at most half the earlier path's at full size; memory follows the window


def _features(rng: np.random.Generator) -> Features:
    points = rng.uniform((0, 0), (640, 480), size=(KEPT, 2)).astype(np.float32)
    return Features(points, rng.uniform(0, 360, KEPT).astype(np.float32),
                    rng.integers(0, 256, size=(KEPT, 32), dtype=np.uint8), 640, 480)


def _cropped(f: Features, rng: np.random.Generator) -> Features:
    points = f.points * 0.92 + np.float32([-12.0, -9.0])
    inside = (points[:, 0] >= 0) & (points[:, 1] >= 0) & (points[:, 0] < 589) & (points[:, 1] < 441)
    descriptors = f.descriptors.copy()
    flips = rng.integers(0, 256, size=descriptors.shape[0])
    descriptors[np.arange(len(descriptors)), flips % 32] ^= np.uint8(1) << (flips % 8).astype(np.uint8)
    return Features(points[inside], f.angles[inside], descriptors[inside], 589, 441)


def _write(db, listings: list[tuple], photos: list[tuple[str, int, Features]], next_id: int) -> int:
    rows, kept = [], []
    for lid, position, f in photos:
        rows.append((next_id, lid, position, f"photos/{lid}-{position}.jpg", f"{next_id:064x}"))
        kept.append((next_id, EXTRACTOR, pack_keypoints(f), f.descriptors.tobytes(), f.width, f.height))
        next_id += 1
    with db.atomic():
        db.conn.executemany("insert into listings (id, source, url, title, description, seller_name, first_seen_at, "
                            "last_seen_at, changed_at) values (?, 'market-a', ?, 'kit', '', ?, ?, ?, ?)", listings)
        db.conn.executemany("insert into listing_photos (id, listing_id, position, path, sha256) values (?, ?, ?, ?, ?)",
                            rows)
        db.conn.executemany("insert into listing_photo_features (listing_photo_id, extractor, keypoints, descriptors, "
                            "width, height) values (?, ?, ?, ?, ?, ?)", kept)
    return next_id


def build(folder: Path, history: int, night: int, seed: int = 26) -> tuple[Path, set[str], int, int]:
    """The database before the night and the night's listing ids; (path, night ids, crops of photos in the
    window, crops of older photos)."""
    rng, pick = np.random.default_rng(seed), random.Random(seed)
    db = connect(folder / "crops.db")
    end = datetime.fromisoformat(NIGHT.replace("Z", "+00:00"))
    listings, photos, ages = [], [], []
    for n in range(history):
        seen = (end - timedelta(days=1 + n * 365 / history)).isoformat().replace("+00:00", "Z")
        lid = f"h{n:07d}"
        listings.append((lid, f"https://a.example/{lid}", f"seller_{n}", seen, seen, seen))
        photos += [(lid, p, _features(rng)) for p in range(1, PHOTOS + 1)]
        ages.append(1 + n * 365 / history)
    next_id = _write(db, listings, photos, 1)
    assign_sellers(db, [r[0] for r in listings], NIGHT)
    recent = [i for i, age in enumerate(ages) if age < 85]
    older = [i for i, age in enumerate(ages) if age > 95]
    listings, tonight, crops_recent, crops_old = [], [], 0, 0
    for n in range(night):
        lid = f"n{n:07d}"
        listings.append((lid, f"https://a.example/{lid}", f"night_seller_{n}", NIGHT, NIGHT, NIGHT))
        own = [(lid, p, _features(rng)) for p in range(1, PHOTOS + 1)]
        if n % 5 in (0, 1) and recent:
            crops_recent += 1
            own[0] = (lid, 1, _cropped(photos[pick.choice(recent) * PHOTOS][2], rng))
        elif n % 5 == 2 and older:
            crops_old += 1
            own[0] = (lid, 1, _cropped(photos[pick.choice(older) * PHOTOS][2], rng))
        tonight += own
    _write(db, listings, tonight, next_id)
    assign_sellers(db, [r[0] for r in listings], NIGHT)
    db.execute("pragma wal_checkpoint(truncate)")
    db.close()
    return folder / "crops.db", {r[0] for r in listings}, crops_recent, crops_old


def old_crop_links(db, listing_ids: set[str]) -> int:
    """The earlier path: every photo's kept features loaded and indexed exhaustively; links found."""
    from matching.networks.crops import MAX_DISTORTION, MIN_INLIERS, MIN_SPREAD, load_features
    from matching.photos.features.index import FeatureIndex
    from matching.photos.features.verify import verify_pair
    from matching.photos.features.vote import shortlist
    rows = db.execute("select p.id, p.listing_id, l.seller_id from listing_photos p join listings l on "
                      "l.id = p.listing_id where p.path is not null and p.error is null and l.seller_id is not null").fetchall()
    features = load_features(db, [pid for pid, _, _ in rows])
    owner = {pid: sid for pid, _, sid in rows}
    index = FeatureIndex()
    for pid, f in features.items():
        if f.count:
            index.add(pid, f.descriptors)
    pairs = set()
    for pid in [pid for pid, lid, _ in rows if lid in listing_ids]:
        for other, mirrored, _ in shortlist(index, features[pid], None):
            pair = tuple(sorted((owner[pid], owner[other])))
            if mirrored or owner[other] == owner[pid] or pair in pairs:
                continue
            v = verify_pair(features[pid], features[other])
            if v.inliers >= MIN_INLIERS and v.distortion <= MAX_DISTORTION and v.spread >= MIN_SPREAD:
                pairs.add(pair)
    return len(pairs)


def _child(path: str, how: str, night: str) -> None:
    from matching.networks.crops import crop_links
    db = connect(path)
    listing_ids = set(night.split(","))
    if how in ("ivf", "flat"):
        from matching.networks import crop_index
        crop_index.IVF_MIN_VECTORS = 1 if how == "ivf" else 1 << 62  # this kind whatever the window's size
    before = int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    import_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu = time.perf_counter(), time.process_time()
    counts: dict = {}
    found = old_crop_links(db, listing_ids) if how == "old" else len(crop_links(db, listing_ids, report=counts))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(time.perf_counter() - started, time.process_time() - cpu, peak / 1024, import_peak / 1024, before / 1024, found,
          counts.get("kept", 0), counts.get("added", 0))


def run(path: Path, how: str, night: set[str], with_index: bool) -> list[float]:
    """One path in a fresh process on a copy of the database (the saved index copied with it when asked)."""
    copy = path.with_name(f"{how}-{int(with_index)}.db")
    shutil.copy(path, copy)
    if with_index:
        for suffix in (".faiss", ".npy", ".json"):
            shutil.copy(index_stem(connect(path)).with_suffix(suffix), index_stem(connect(copy)).with_suffix(suffix))
    out = subprocess.run([sys.executable, "-m", "bench.bench_network_crops", "child", str(copy), how, ",".join(night)],
                         check=True, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    copy.unlink()
    return [float(x) for x in out.stdout.split()[-8:]]


def _load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def main(quick: bool = False) -> None:
    """History with photo files, then a night searched by the earlier path and by the saved index."""
    history, night = size((4000, 100), (1000, 30), (60, 5))
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        path, ids, recent, old = build(Path(folder), history, night)
        print(f"crop search: {history:,} past listings ({history * PHOTOS:,} photos with kept features, a quarter "
              f"seen in the 90-day window), a night of {night} listings ({recent} crops of photos in the window, "
              f"{old} of older ones); built in {time.perf_counter() - started:.0f} s")
        # the night before: the saved index as the previous night left it (the window, without tonight's photos)
        from matching.networks.crop_index import searched_photos
        from matching.networks.crops import refresh_crop_index
        db = connect(path)
        photo_ids, _, prints, tonight = searched_photos(db, ids)
        refresh_crop_index(db, photo_ids[~tonight], prints[~tonight])
        db.close()
        figures = {label: run(path, how, ids, with_index) for label, how, with_index in (
            ("earlier path (all history, exhaustive)", "old", False),
            ("window, index built from nothing", "new", False),
            ("window, index of the night before", "new", True),
            ("window, exhaustive index built tonight", "flat", False),
            ("window, inverted file (cells chosen tonight)", "ivf", True))}
        for label, (wall, cpu, peak, imports, before, links, kept, added) in figures.items():
            print(f"  {label:44} {wall:6.1f} s ({cpu:6.1f} s CPU), peak {peak:5.0f} MB (imports' peak {imports:.0f}, "
                  f"{peak - max(imports, before):+.0f} MB), {int(links)} links"
                  + (f", {int(kept):,} photos reused, {int(added):,} read" if kept or added else ""))
        ratio = figures["window, index of the night before"][1] / max(figures["earlier path (all history, exhaustive)"][1], 1e-9)
        window = sum(figures["window, index of the night before"][6:8])
        print(f"  CPU ratio new/earlier {ratio:.3f} (target <= {TARGET_RATIO}); the new path's index holds the window's "
              f"{window:,.0f} photos, about {window * 8 / 1024:.0f} MB at 8 KB a photo, the earlier path's features "
              f"{history * PHOTOS * 6.6 / 1024:.0f} MB and growing with the history; {_load()}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        _child(*sys.argv[2:5])
    else:
        main(os.environ.get("BENCH_QUICK") == "1")
