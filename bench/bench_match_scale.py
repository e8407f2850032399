"""Scale check through the command line: 20,000 listings against 200,000 registered identifiers.

Targets: at least 99% of the planted exact re-listings of stolen serials (written the ways sellers
write them: in groups that look like volts, prices or phone numbers, with labels glued on in any
case, with look-alike characters) found `strong` or `likely`; `farmwatch match` within 20 s.

The registry (100,000 items with a PIN and an engine number each, 2% stolen) is written straight
into a migrated database, since registering 100,000 items one by one is not what is measured;
the listings are loaded with `farmwatch listings import` and matched with `farmwatch match`, each in
its own process, as cron runs them.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.sizes import size
from matching.evaluation.evalset import _filler
from matching.evaluation.real_evalset import _identifier, type_identifier
from registry.db import connect
from registry.identifiers.rules import matching_key

TARGET_FOUND = 0.99
TARGET_SECONDS = 20.0
NOW = "2026-11-01T00:00:00Z"
CATEGORIES = ["tractor", "plant", "quad", "gps", "power_tool", "trailer"]
MAKES = ["John Deere", "Massey Ferguson", "New Holland", "Kubota", "Honda", "JCB", "Stihl", "Trimble", "Ifor Williams"]


def build_registry(path: Path, items: int, rng: random.Random) -> list[tuple[int, str, bool]]:
    """Items with two identifiers each (half of the engine numbers hold a unit-like group); returns
    (item id, engine number, noisy) of the stolen ones."""
    db = connect(path)
    conn = db.conn
    conn.execute("BEGIN")
    conn.execute("insert into owners (id, name, created_at) values (1, 'bench', ?)", [NOW])
    conn.executemany("insert into items (id, owner_id, category, make, model, year, status, created_at, updated_at) "
                     "values (?, 1, ?, 'Benchmake', ?, 2019, ?, ?, ?)",
                     [(n, CATEGORIES[n % len(CATEGORIES)], f"BM{n % 997}", "stolen" if n % 50 == 0 else "registered",
                       NOW, NOW) for n in range(1, items + 1)])
    rows, stolen = [], []
    for n in range(1, items + 1):
        pin = _identifier(rng, "tractor", n)["value"]
        noisy = n % 2 == 0
        engine = _identifier(rng, "tractor", n, noisy=noisy)["value"] if noisy else f"PE{rng.randrange(1000, 9999)}R{n:07d}"
        rows += [(n, "pin", pin, matching_key(pin), NOW), (n, "engine", engine, matching_key(engine), NOW)]
        if n % 50 == 0:
            stolen.append((n, engine, noisy))
    conn.executemany("insert into identifiers (item_id, kind, raw_value, normalised_value, created_at) "
                     "values (?, ?, ?, ?, ?)", rows)
    conn.executemany("insert into thefts (item_id, stolen_at, reported_at, crime_ref, current) values (?, ?, ?, ?, 1)",
                     [(n, "2026-10-01", NOW, f"REF{n}") for n, _, _ in stolen])
    conn.execute("COMMIT")
    db.close()
    return stolen


def write_listings(path: Path, count: int, planted: list[tuple[int, str, bool]], rng: random.Random) -> dict[str, int]:
    """JSON lines of `count` adverts; the first len(planted) re-list a stolen engine number. Returns url -> item."""
    styles = ["id_groups", "id_groups_noise", "id_glued_label", "id_lookalike_groups"]
    truth = {}
    with path.open("w") as out:
        for n in range(count):
            url = f"https://scale.example/ad/{n}"
            if n < len(planted):
                item, value, _ = planted[n]
                shown = type_identifier(rng, styles[n % len(styles)], value)
                truth[url] = item
            else:
                shown = f"ref {rng.randrange(10**6, 10**9)} {rng.choice(['PTO 540/1000', '3 point linkage', '12V'])}"
            title = f"{rng.choice(MAKES)} {rng.randrange(100, 999)} {rng.choice(CATEGORIES).replace('_', ' ')} 2019"
            if n < len(planted):
                title = f"Benchmake BM{planted[n][0] % 997} {CATEGORIES[planted[n][0] % len(CATEGORIES)]}"
            out.write(json.dumps({"source": "scale", "url": url, "title": title,
                                  "description": f"{_filler(rng)} {shown}. {_filler(rng)}",
                                  "posted_at": "2026-11-15T09:00:00Z"}) + "\n")
    return truth


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def farmwatch(db: Path, *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "farmwatch.cli", "--db", str(db), *args], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    if done.returncode:
        raise RuntimeError(f"farmwatch {' '.join(args)} failed: {done.stderr.strip()[-500:]}")
    return time.perf_counter() - started, done.stdout


def main(quick: bool = False) -> None:
    items, listings, planted = size((100_000, 20_000, 2_000), (10_000, 2_000, 200), (500, 100, 10))
    rng = random.Random(14)
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "data" / "farmwatch.db"
        started = time.perf_counter()
        stolen = build_registry(db_path, items, rng)
        truth = write_listings(Path(tmp) / "listings.jsonl", listings, rng.sample(stolen, min(planted, len(stolen))), rng)
        print(f"registry of {2 * items:,} identifiers ({len(stolen):,} stolen items) written in "
              f"{time.perf_counter() - started:.0f} s")
        seconds, _ = farmwatch(db_path, "listings", "import", str(Path(tmp) / "listings.jsonl"))
        print(f"{listings:,} listings imported in {seconds:.0f} s")
        before = _child_cpu()
        seconds, _ = farmwatch(db_path, "match")
        cpu = _child_cpu() - before
        db = connect(db_path, migrate=False)
        found = db.execute(
            "select l.url, m.item_id from matches m join listings l on l.id = m.listing_id "
            "where m.queue = 'stolen' and m.band in ('strong', 'likely')").fetchall()
        bands = dict(db.execute("select band, count(*) from matches group by band").fetchall())
        db.close()
    hits = {url for url, item in found if truth.get(url) == item}
    wrong = sum(1 for url, item in found if url not in truth or truth[url] != item)
    print(f"`farmwatch match`, {listings:,} listings x {2 * items:,} identifiers: {seconds:.1f} s "
          f"(target <= {TARGET_SECONDS:.0f} s), {cpu:.1f} CPU s with its workers; load average "
          f"{os.getloadavg()[0]:.1f}; matches by band {bands}")
    print(f"planted exact re-listings found strong or likely: {len(hits):,}/{len(truth):,} = "
          f"{len(hits) / max(1, len(truth)):.3f} (target >= {TARGET_FOUND}); strong or likely elsewhere: {wrong}")
