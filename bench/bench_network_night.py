"""The seller-networks step of the national night alone, old code against new, on the night benchmark's data.

`bench_night` times `run_nightly` whole; this one takes the same cached register (`bench.night_data`: 1,000,000
earlier listings of 300,000 sellers, networked), writes the same night (100,000 listings, three photo hashes
each, and the listings whose real photos reach stage two), matches it once, and keeps that database. Then the
networks step (`update_networks`, as `nightly` calls it) runs on fresh copies of it, each in a fresh process as
cron starts it: by this checkout and, with `NETWORKS_OLD_SOURCE=/path/to/another/checkout`, by that one,
alternated `ab_runs` times. Printed: wall clock, CPU time of the process and of the worker processes it forks
(resource.getrusage), the CPU time of each part of the step in the process itself, the load average, beside the
target (< 45 s), and whether the two checkouts left the same sellers, signals, links, networks, near misses, text
signatures and phrase counts (fingerprints of the tables, time stamps left out).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_night import sizes
from bench.night_data import add_night, add_stage_two_listings, cached_register
from registry.db import connect

TARGET_S = 45.0
OLD_SOURCE = "NETWORKS_OLD_SOURCE"
HERE = str(Path(__file__).resolve().parent.parent)
PARTS = ("assign_sellers", "shared_value_links", "photo_links", "crop_links", "update_texts", "write_networks")
_CHILD = """
import json, os, resource, sys, time
sys.path.insert(0, sys.argv[1])
import matching.networks.update as update
parts = {}
def timed(name, function):
    def run(*args, **kwargs):
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            parts[name] = parts.get(name, 0.0) + time.process_time() - started
    return run
for name in json.loads(sys.argv[3]):
    setattr(update, name, timed(name, getattr(update, name)))
from registry.db import connect
db = connect(sys.argv[2])
load = os.getloadavg()[0]
usage = lambda: [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
before, started = usage(), time.perf_counter()
report = update.update_networks(db)
after = usage()  # the step's worker processes included (RUSAGE_CHILDREN: they have ended)
print(json.dumps({"wall": time.perf_counter() - started, "load": [load, os.getloadavg()[0]],
                  "cpu": sum(a.ru_utime - b.ru_utime + a.ru_stime - b.ru_stime for a, b in zip(after, before)),
                  "parts": parts, "listings": report.listings}))
"""
TABLES = {  # what a run decides, in a fixed order, without its time stamps
    "sellers": "select id, source, seller_key, handle, name, profile_url, phones, emails, listings, first_seen_at, "
               "last_seen_at, network_id from sellers order by id",
    "listings": "select id, seller_id, networked_at is not null from listings order by id",
    "signals": "select listing_id, kind, value, seller_id from listing_signals order by listing_id, kind, value",
    "links": "select seller_a, seller_b, kind, value, detail, weight, listing_a, listing_b from seller_links "
             "order by seller_a, seller_b, kind, value",
    "networks": "select id, sellers, listings, links, sources, areas, first_seen_at, last_seen_at, matches_confirmed, "
                "matches_strong, matches_likely, risk, risk_rank from networks order by id",
    "near_misses": "select seller_a, seller_b, evidence, kinds, missing from seller_near_misses order by 1, 2",
    "texts": "select listing_id, seller_id, shingles, minhash from listing_texts order by listing_id",
    "phrases": "select phrase, seller_id from text_phrases order by phrase, seller_id",
    "boilerplate": "select phrase from boilerplate_phrases order by phrase",
    "photo_features": "select listing_photo_id, extractor, keypoints, descriptors, width, height "
                      "from listing_photo_features order by listing_photo_id",
}


def fingerprints(path: Path) -> dict[str, tuple[int, str]]:
    """(rows, SHA-256 prefix) of each table a networks run writes (TABLES)."""
    out = {}
    with sqlite3.connect(path) as con:
        for name, query in TABLES.items():
            digest, rows = hashlib.sha256(), 0
            for row in con.execute(query):
                digest.update(repr(row).encode())
                rows += 1
            out[name] = (rows, digest.hexdigest()[:16])
    return out


def prepare(folder: Path, s: dict) -> Path:
    """The register with the night written and matched (the state `nightly` leaves before its networks step)."""
    from matching.pipeline import match_listings

    cached, _ = cached_register(s, log=print)
    shutil.copytree(cached / "data", folder / "data")
    path = folder / "data" / "farmwatch.db"
    db = connect(path)
    add_night(db, s)
    add_stage_two_listings(db, s["stage_two"], s["real_stolen"])
    match_listings(db)
    db.execute("pragma wal_checkpoint(truncate)")
    db.close()
    return path


def night_by(source: str, prepared: Path, work: Path) -> dict:
    """The networks step by checkout `source` on a fresh copy of the prepared data folder."""
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(prepared.parent, work)
    out = subprocess.run([sys.executable, "-c", _CHILD, source, str(work / prepared.name), json.dumps(PARTS)],
                         check=True, capture_output=True, text=True, cwd=source).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["fingerprints"] = fingerprints(work / prepared.name)
    shutil.rmtree(work)
    return result


def _line(label: str, r: dict) -> str:
    parts = ", ".join(f"{k} {v:.1f}" for k, v in r["parts"].items())
    return (f"  {label:<5} {r['wall']:6.1f} s wall {r['cpu']:6.1f} s CPU (load {r['load'][0]:.1f}-{r['load'][1]:.1f}) "
            f"| target < {TARGET_S:.0f} s at 100,000 listings | CPU by part: {parts}")


def main(quick: bool = False) -> None:
    s = sizes()
    old = os.environ.get(OLD_SOURCE)
    scale = 100_000 / s["night"]
    with tempfile.TemporaryDirectory(prefix="bench-network-night-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        prepared = prepare(folder / "prepared", s)
        print(f"night of {s['night']:,} listings after {s['history']:,} written and matched in "
              f"{time.perf_counter() - started:.0f} s; figures per 100,000 listings are x{scale:g}")
        runs: dict[str, list[dict]] = {"new": [], "old": []}
        for _ in range(s["ab_runs"]):
            for label, source in (("new", HERE), ("old", old)):
                if source:
                    runs[label].append(night_by(source, prepared, folder / f"run-{label}"))
                    print(_line(label, runs[label][-1]), flush=True)
        if runs["old"]:
            new_cpu = statistics.median(r["cpu"] for r in runs["new"])
            old_cpu = statistics.median(r["cpu"] for r in runs["old"])
            same = all(r["fingerprints"] == runs["old"][0]["fingerprints"] for r in runs["new"] + runs["old"])
            print(f"median CPU {new_cpu:.1f} s against {old_cpu:.1f} s by {old} (ratio {new_cpu / old_cpu:.2f}); "
                  f"the same sellers, links, networks, signals and text signatures: {'yes' if same else 'NO'}")
            if not same:
                for name, value in runs["old"][0]["fingerprints"].items():
                    if runs["new"][0]["fingerprints"][name] != value:
                        print(f"  differs: {name} {runs['new'][0]['fingerprints'][name]} against {value}")
