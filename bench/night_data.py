"""The national register and the night for `bench_night` (not a benchmark itself).

`cached_register(sizes)` returns a folder holding `data/farmwatch.db`: the register of
`bench_match_stage.build_database` (items with two identifiers and two photo hashes each, one item in 20
stolen), every stolen photo given stored local features drawn like `bench_features_nightly`'s
distractors (the stolen items spread over six categories), a few stolen items with real generated photos
(`bench_features._register`), the stage-two indexes built by `refresh_feature_index`, and a history of
marketplace listings from `bench.network_data`'s sellers, already matched and networked
(`update_networks(rebuild=True)`) and placed (`locate_pending`). It is built once per size and builder
version under `.bench-cache/` (or BENCH_CACHE) and copied for each run. `add_night` and `add_stage_two_listings` write the night.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from pathlib import Path

import numpy as np

from bench.bench_features import _distractors, _register
from bench.bench_features_nightly import _packed
from bench.bench_match_stage import build_database
from bench.bench_networks import World, populate
from bench.match_data import make_keys, make_listing_texts, make_photo_hashes
from matching.evaluation.feature_evalset import ALTERATIONS, textured_scene
from matching.networks.update import update_networks
from matching.photos.features.extract import EXTRACTOR
from matching.photos.features.index import refresh_feature_index
from registry.db import connect, utcnow
from registry.listings.store import clean_listing, save_listing_photo, upsert_listing
from registry.places.locating import locate_pending
from synthetic.photos import encode

VERSION = 1  # bump when the register's shape changes; the builders' source is part of the key too
NOW = "2026-11-20T00:00:00Z"
NIGHT = "2026-11-21T00:00:00Z"
CATEGORIES = ("tractor", "quad", "trailer", "plant", "power_tool", "gps")
STAGE_TWO_CATEGORIES = ("tractor", "quad")
REPOSTED = 0.03  # share of the night's photos that re-post a registered photo (hash matches)
FEATURE_CHUNK = 5_000
FILLER_PHONE = re.compile(r"Call 07700 9\d{5}\. ")


def cache_root() -> Path:
    return Path(os.environ.get("BENCH_CACHE") or Path(__file__).resolve().parents[1] / ".bench-cache")


def cache_key(sizes: dict) -> str:
    """Sizes, VERSION, the builders' source and the migrations' names: any change builds afresh."""
    here = Path(__file__).resolve().parent
    root = here.parent
    parts = [json.dumps(sizes, sort_keys=True), str(VERSION)]
    for name in ("night_data.py", "match_data.py", "bench_match_stage.py", "bench_networks.py",
                 "bench_features.py", "bench_features_nightly.py"):
        parts.append((here / name).read_text())
    parts += sorted(p.name for p in (root / "registry" / "migrations").rglob("*.py"))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def cached_register(sizes: dict, log=print) -> tuple[Path, float | None]:
    """(folder holding data/farmwatch.db, build seconds or None when taken from the cache)."""
    folder = cache_root() / f"night-{cache_key(sizes)}"
    if (folder / "done").exists():
        return folder, None
    shutil.rmtree(folder, ignore_errors=True)
    _drop_stale(folder.parent, sizes)
    building = folder.with_name(folder.name + f".building-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    started = time.perf_counter()
    build_register(building / "data" / "farmwatch.db", sizes, log)
    (building / "done").write_text(json.dumps(sizes))
    building.rename(folder)
    return folder, time.perf_counter() - started


def _refresh_indexes(db_path: str) -> dict:
    from matching.photos.features.index import refresh_feature_index
    from registry.db import connect

    db = connect(db_path)
    try:
        return refresh_feature_index(db)
    finally:
        db.close()


def current_indexes(folder: Path) -> tuple[dict, float]:
    """Bring the cached register's stage-two index files up to this checkout's layout, in place and in a
    fresh process (its memory is not the night's): a no-op when they are current, else the rebuild that the
    first night after an upgrade does once, kept in the cache so that each timed night is a usual one.
    Returns refresh_feature_index's report and the seconds it took."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    started = time.perf_counter()
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        report = pool.submit(_refresh_indexes, str(folder / "data" / "farmwatch.db")).result()
    return report, time.perf_counter() - started


def _drop_stale(root: Path, sizes: dict) -> None:
    """Remove earlier builds of the same sizes (older builders) and builds left by processes now gone."""
    for other in root.glob("night-*") if root.exists() else []:
        if ".building-" in other.name:
            pid = int(other.name.rsplit("-", 1)[1])
            stale = not Path(f"/proc/{pid}").exists()
        else:
            done = other / "done"
            stale = not done.exists() or json.loads(done.read_text()) == sizes
        if stale:
            shutil.rmtree(other, ignore_errors=True)


def add_stolen_features(db) -> int:
    """Spread the stolen items over six categories and give each stolen photo stored features."""
    conn = db.conn
    conn.execute("update items set category = case (id / 20) % 6 " + " ".join(
        f"when {n} then '{c}'" for n, c in enumerate(CATEGORIES)) + " end where status = 'stolen'")
    photos = [r[0] for r in conn.execute(
        "select p.id from photos p join items i on i.id = p.item_id where i.status = 'stolen' order by p.id")]
    rng = np.random.default_rng(3)
    for start in range(0, len(photos), FEATURE_CHUNK):
        chunk = photos[start:start + FEATURE_CHUNK]
        rows = []
        for photo, (direct, mirror) in zip(chunk, _distractors(len(chunk), rng).values(), strict=True):
            rows.append((photo, f"{photo:064x}", EXTRACTOR, len(direct), _packed(rng, direct), direct.tobytes(),
                         _packed(rng, mirror), mirror.tobytes(), NOW))
        with db.atomic():
            conn.executemany(
                "insert into photo_features (photo_id, sha256, extractor, width, height, keypoint_count, keypoints, "
                "descriptors, mirror_keypoints, mirror_descriptors, extracted_at) "
                "values (?, ?, ?, 640, 480, ?, ?, ?, ?, ?, ?)", rows)
    return len(photos)


def build_register(path: Path, sizes: dict, log=print) -> None:
    """Write the national register and the history described in the module docstring at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    build_database(path, sizes["items"], 0)
    log(f"  register: {sizes['items']:,} items, {2 * sizes['items']:,} identifiers and photo hashes "
        f"({time.perf_counter() - t:.0f} s)")
    db = connect(path)
    t = time.perf_counter()
    featured = add_stolen_features(db)
    for seed in range(sizes["real_stolen"]):
        _register(db, seed, STAGE_TWO_CATEGORIES[seed % 2])
    report = refresh_feature_index(db)
    log(f"  stage two: {featured:,} stolen photos with features + {sizes['real_stolen']} real ones, "
        f"{report['indexes']} indexes ({report['kind']}) ({time.perf_counter() - t:.0f} s)")
    t = time.perf_counter()
    world = World(15)
    populate(db, world, world.sellers(sizes["sellers"], 0), sizes["history"], "2026-11-01T00:00:00Z")
    # matched after every theft was reported, or the night would match the history again; the hashes of
    # a photo's mirror image as the photo store gives them
    db.execute("update listings set matched_at = ?", [utcnow()])
    db.execute("update listing_photos set phash_mirror = phash, dhash_mirror = dhash where phash_mirror is null")
    db.conn.commit()
    # placed by the nights that crawled them: otherwise the measured night would place the whole history
    # (`locate_pending` takes every listing without a place), a cost no real night has
    locate_pending(db)
    update_networks(db, rebuild=True)
    log(f"  history: {sizes['history']:,} listings of {sizes['sellers']:,} sellers, matched and networked "
        f"({time.perf_counter() - t:.0f} s)")
    db.execute("vacuum")
    db.close()


def add_night(db, sizes: dict) -> int:
    """The night's new listings, written as a crawl leaves them (bulk SQL): sellers old and new with
    network signals, identifiers shown exactly, re-typed, one edit off or in part (`make_listing_texts`),
    three photos each as perceptual hashes, 3% of them re-posting a registered photo. Returns the count."""
    count = sizes["night"]
    world = World(15)
    people = world.sellers(sizes["sellers"], 0)
    world.listing_no = sizes["history"]
    chosen = people[: count // 3] + world.sellers(count // 3, sizes["sellers"])
    keys = make_keys(2 * sizes["items"])
    texts = make_listing_texts(keys, count, seed=9)
    registered = make_photo_hashes(2 * sizes["items"]).tolist()
    fresh = make_photo_hashes(3 * count, seed=10).tolist()
    rng = np.random.default_rng(12)
    reposts = rng.random(3 * count) < REPOSTED
    picks = rng.integers(0, len(registered), 3 * count).tolist()
    rows, photos = [], []
    for n in range(count):
        seller = chosen[n % len(chosen)]
        row, pics = world.listing(seller, NIGHT)
        title, description, structured = texts[n]
        # the filler's phone number is one of 100,000 drawn at random: two unrelated sellers sharing it
        # would be a planted network link, which this night is not about
        description = FILLER_PHONE.sub("", description)
        lid = row[0]
        rows.append((*row[:3], title, f"{row[4]} {description}", structured, *row[5:]))
        shown = {p[1]: p for p in pics}  # the seller's own photo, a stock or operation picture
        for position in range(1, 4):
            j = 3 * n + position - 1
            if reposts[j]:
                value = registered[picks[j]]
                photos.append((lid, position, f"{value:016x}", f"{value ^ 0x5A5A:016x}"))
            elif position in shown:
                photos.append(shown[position])
            else:
                photos.append((lid, position, f"{fresh[j]:016x}", f"{fresh[j] ^ 0x5A5A:016x}"))
    with db.atomic():
        db.conn.executemany(
            "insert into listings (id, source, url, title, description, structured_identifiers, seller_name, "
            "seller_phone, first_seen_at, last_seen_at, changed_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.conn.executemany("insert into listing_photos (listing_id, position, phash, dhash, phash_mirror, "
                            "dhash_mirror) values (?, ?, ?, ?, ?, ?)", [(*p, p[2], p[3]) for p in photos])
    return count


def add_stage_two_listings(db, count: int, real_stolen: int) -> dict[str, str]:
    """Listings with 3 real photos each, stored by the real path (`save_listing_photo`), each stating a
    category of thousands of stolen items and posted after their thefts: every one reaches stage two.
    One in 20 shows an altered copy of a real stolen item's photo. Returns listing id -> alteration."""
    items = dict(db.execute("select i.model, i.id from items i where i.model like 'M%' and i.make = 'Makeco'"))
    planted = {}
    alterations = list(ALTERATIONS.items())
    for n in range(count):
        category = STAGE_TWO_CATEGORIES[n % 2]
        lid = upsert_listing(db, clean_listing({
            "source": "bench-night", "url": f"https://example.org/night/{n}", "category": category,
            "title": f"{category.replace('_', ' ')} for sale", "posted_at": "2026-11-21"})).listing_id
        images = [textured_scene(200_000 + 3 * n + k) for k in range(3)]
        if n % 20 == 0 and real_stolen:
            seed = (n // 20 * 2 + n % 2) % real_stolen
            name, alter = alterations[(n // 20) % len(alterations)]
            images[n % 3] = alter(textured_scene(seed))
            planted[lid] = (items.get(f"M{seed}"), name)
        for position, image in enumerate(images, start=1):
            save_listing_photo(db, lid, position, f"https://example.org/night/{n}/{position}.jpg", encode(image))
    return planted
