"""Seller networks at marketplace scale: 1,000,000 listings from 300,000 sellers built from scratch, then an
incremental night of 100,000 new listings.

Listings are written straight into a migrated database (the import path is measured elsewhere): handles
on four sources (a few dealers with hundreds of listings, most sellers with one to five), half with a
phone in the seller's details, some with one in the text (also disguised), adverts of everyday phrases,
the sources' boilerplate and some words of their own, one or two photos each as perceptual hashes, with
stock pictures in many adverts and operations of three to six handles reusing numbers, photos and text.
Timed: `update_networks(rebuild=True)` and the following incremental run (wall clock, and the process's
CPU time, which a machine shared with other work inflates less) with the load average; peak memory of the
process. With `NETWORKS_OLD_SOURCE=/path/to/an/older/checkout` the same night also runs, on a copy of the
database, by this checkout's and by that checkout's `matching` package, each in a fresh process, and the
ratio of CPU times is printed.
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
from pathlib import Path

from bench.sizes import size
from matching.networks.update import update_networks
from registry.db import connect

TARGET_BUILD_S = 300.0
TARGET_NIGHT_S = 45.0
TARGET_PEAK_GB = 4.0
SOURCES = ("market-a", "market-b", "market-c", "market-d")
PHRASES = ["Good condition for age", "Viewing welcome", "No time wasters", "Cash on collection", "Sold as seen",
           "Can deliver for fuel", "Starts and drives", "Any questions please ask", "Price is firm", "Collection only",
           "Genuine reason for sale", "Runs well", "Tyres good", "New battery fitted", "PX considered"]
WORDS = ("bramble hollow ridge copse meadow barn yard lane moor fen brook combe tor vale heath down croft mill orchard "
         "paddock quarry spinney thicket warren weir wold beacon causeway dyke fold garth holt ings knoll").split()
MACHINES = ["John Deere 6120M", "Massey Ferguson 5713S", "Honda TRX420", "Kubota RTV-X900", "Ifor Williams TA510G",
            "JCB 531-70", "Stihl MS 462", "Trimble CFX-750"]


class World:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.listing_no = 0
        self.stock = [self.rng.getrandbits(64) for _ in range(40)]

    def sellers(self, count: int, start: int) -> list[dict]:
        rng, out = self.rng, []
        for n in range(start, start + count):
            source = rng.choice(SOURCES)
            kind = "dealer" if n % 3000 == 0 else "private"
            phone = f"07{rng.randrange(100, 999)} {rng.randrange(100000, 999999)}" if rng.random() < 0.5 else None
            out.append({"n": n, "source": source, "name": f"{rng.choice(WORDS)}_{n}", "phone": phone, "kind": kind,
                        "own": " ".join(rng.choice(WORDS) for _ in range(6))})
        for start_op in range(0, len(out) - 6, 2000):  # operations: a few handles sharing a number, text, photos
            op = out[start_op:start_op + rng.randint(3, 6)]
            phone = f"07700 9{rng.randrange(10000, 99999)}"
            template = " ".join(rng.choice(WORDS) for _ in range(12))
            for s in op:
                s["phone"], s["own"], s["op"] = phone, template, rng.getrandbits(64)
        return out

    def listing(self, seller: dict, now: str) -> tuple[tuple, list[tuple]]:
        rng = self.rng
        self.listing_no += 1
        lid = f"b{self.listing_no:09d}"
        phrases = ". ".join(rng.sample(PHRASES, 3))
        text = f"{rng.randint(2005, 2024)} {rng.choice(MACHINES)} for sale. {phrases}. {seller['own']}."
        if seller["phone"] and rng.random() < 0.2:
            text += f" Call {seller['phone'].replace('0', 'O', 1)}."
        photos = [(lid, 1, f"{rng.getrandbits(64):016x}", f"{rng.getrandbits(64):016x}")]
        if rng.random() < 0.3:
            stock = rng.choice(self.stock)
            photos.append((lid, 2, f"{stock:016x}", f"{stock:016x}"))
        elif "op" in seller and rng.random() < 0.5:
            photos.append((lid, 2, f"{seller['op']:016x}", f"{seller['op']:016x}"))
        row = (lid, seller["source"], f"https://{seller['source']}.example/ad/{lid}", rng.choice(MACHINES), text,
               seller["name"], seller["phone"], now, now, now)
        return row, photos


def _insert(db, rows: list[tuple], photos: list[tuple]) -> None:
    with db.atomic():
        db.conn.executemany(
            "insert into listings (id, source, url, title, description, seller_name, seller_phone, first_seen_at, "
            "last_seen_at, changed_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.conn.executemany("insert into listing_photos (listing_id, position, phash, dhash) values (?, ?, ?, ?)",
                            photos)


def populate(db, world: World, sellers: list[dict], listings: int, now: str) -> None:
    weights = [300 if s["kind"] == "dealer" else 1 for s in sellers]
    chosen = world.rng.choices(sellers, weights=weights, k=listings - len(sellers)) + sellers
    for start in range(0, len(chosen), 50_000):
        rows, photos = [], []
        for seller in chosen[start:start + 50_000]:
            row, pics = world.listing(seller, now)
            rows.append(row)
            photos += pics
        _insert(db, rows, photos)


OLD_SOURCE = "NETWORKS_OLD_SOURCE"  # a checkout whose `matching` package is the path to compare against
_NIGHT = """
import sys, time
sys.path.insert(0, sys.argv[1])
from matching.networks.update import update_networks
from registry.db import connect
db = connect(sys.argv[2])
started, cpu = time.perf_counter(), time.process_time()
update_networks(db)
print(time.perf_counter() - started, time.process_time() - cpu)
"""


def _load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def night_in(source: str, snapshot: Path) -> tuple[float, float]:
    """(wall s, CPU s) of the night run by the `matching` package of checkout `source`, in a fresh process (as
    cron runs it, no cache warmed by the build), on a copy of the database before the night."""
    copy = snapshot.with_name(f"night-{abs(hash(source))}.db")
    shutil.copy(snapshot, copy)
    out = subprocess.run([sys.executable, "-c", _NIGHT, source, str(copy)], check=True, capture_output=True,
                         text=True, cwd=Path(__file__).resolve().parent.parent).stdout.split()
    copy.unlink()
    return float(out[-2]), float(out[-1])


def main(quick: bool = False) -> None:
    """Build, then a night; with NETWORKS_OLD_SOURCE set, the same night by that checkout's code as well."""
    scale = size(1, 10, 500)
    listings, sellers, night = 1_000_000 // scale, 300_000 // scale, 100_000 // scale
    with tempfile.TemporaryDirectory() as folder:
        db = connect(Path(folder) / "farmwatch.db")
        world = World(15)
        people = world.sellers(sellers, 0)
        started = time.perf_counter()
        populate(db, world, people, listings, "2026-11-01T00:00:00Z")
        print(f"generated {listings:,} listings from {sellers:,} sellers in {time.perf_counter() - started:.0f} s")
        started, cpu = time.perf_counter(), time.process_time()
        report = update_networks(db, rebuild=True)
        built = time.perf_counter() - started
        print(f"build: {built:.0f} s ({time.process_time() - cpu:.0f} s of CPU) for {listings:,} listings "
              f"(target < {TARGET_BUILD_S / scale:.0f} s; {_load()}); {report.networks:,} networks of 2+ sellers, "
              f"links {report.links}")
        newcomers = world.sellers(night // 3, sellers)
        populate(db, world, people[: night // 3] + newcomers, night, "2026-11-02T00:00:00Z")
        old = os.environ.get(OLD_SOURCE)
        snapshot = Path(folder) / "before-night.db"
        if old:
            db.execute("pragma wal_checkpoint(truncate)")
            shutil.copy(Path(folder) / "farmwatch.db", snapshot)
        started, cpu = time.perf_counter(), time.process_time()
        report = update_networks(db)
        nightly, night_cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"night: {nightly:.1f} s ({night_cpu:.1f} s of CPU) for {report.listings:,} new listings "
              f"(target < {TARGET_NIGHT_S / scale:.1f} s; {_load()}); {report.networks_new:,} new networks")
        if old:
            here = str(Path(__file__).resolve().parent.parent)
            new_wall, new_cpu = night_in(here, snapshot)
            old_wall, old_cpu = night_in(old, snapshot)
            print(f"night in fresh processes, back to back: this code {new_wall:.1f} s ({new_cpu:.1f} s of CPU), "
                  f"{old}: {old_wall:.1f} s ({old_cpu:.1f} s of CPU); CPU ratio {new_cpu / old_cpu:.2f} ({_load()})")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        print(f"peak memory: {peak:.2f} GB (target < {TARGET_PEAK_GB:.0f} GB)")
        db.close()
