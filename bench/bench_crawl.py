"""Crawling the demonstration marketplace with politeness off: the first crawl, and a re-crawl with
nothing changed, which asks only for what changed (conditional requests, sitemap lastmod) and must
download no photo again, beside the old behaviour (conditional requests switched off with
FARMWATCH_CONDITIONAL=0) measured in the same run on a copy of the same database.

Each round crawls the three demo sources with the real spiders (one subprocess per source, side by
side) into a fresh database, copies it, then re-crawls one copy with conditional requests and the other
without (in alternating order). Figures: wall time (with process start-up, about 5 to 10 s per source
on a loaded 2-core machine), crawling time (the slowest source's spider open to close: what a re-crawl
can save), CPU of the crawl processes, and the requests and bytes the market answered.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench.crawl_site import photo_pool, start_bench_market, write_bench_sources
from bench.sizes import size
from farmwatch.demo.market.server import start_market
from farmwatch.demo.market.sources import write_sources
from farmwatch.demo.scenario import build_scenario
from spiders.runner import run_crawl

TARGET_DEMO_CRAWL_S = 60.0  # the whole demonstration crawl with --fast
TARGET_RECRAWL_PHOTOS = 0  # photos downloaded again when nothing changed
TARGET_RECRAWL_RATIO = 0.3  # an unchanged site's re-crawl against the first crawl


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def crawl_once(db_path: Path, sources: Path, server, conditional: bool) -> dict:
    """One crawl of the three sources; its figures."""
    os.environ["FARMWATCH_CONDITIONAL"] = "1" if conditional else "0"
    start_log, cpu = len(server.traffic), children_cpu()
    started = time.perf_counter()
    try:
        results = run_crawl(db_path, sources_file=sources, fast=True)
    finally:
        os.environ.pop("FARMWATCH_CONDITIONAL", None)
    wall = time.perf_counter() - started
    traffic = server.traffic[start_log:]
    return {
        "wall": wall, "cpu": children_cpu() - cpu,
        "crawling": max(r["crawl_seconds"] or wall for r in results),
        "pages": sum(r["pages"] for r in results), "photos": sum(r["photos_stored"] for r in results),
        "listings": sum(r["listings_seen"] for r in results),
        "unchanged": sum(r["listings_unchanged"] for r in results),
        "requests": len(traffic), "bytes": sum(b for _, _, b in traffic),
        "not_modified": sum(1 for _, status, _ in traffic if status == 304),
        "photo_requests": sum(1 for p, status, _ in traffic if p.startswith("/img/") and status == 200),
        "ok": all(r["status"] == "ok" for r in results),
    }


def crawl_round(base: str, server, folder: Path, new_first: bool) -> dict:
    sources = write_sources(base, folder / "sources.yaml")
    new_db, old_db = folder / "new" / "farmwatch.db", folder / "old" / "farmwatch.db"
    figures = {"first": crawl_once(new_db, sources, server, conditional=True)}
    shutil.copytree(new_db.parent, old_db.parent)
    order = [("again", new_db, True), ("old", old_db, False)]
    for name, db_path, conditional in order if new_first else order[::-1]:
        figures[name] = crawl_once(db_path, sources, server, conditional)
    return figures


def median(results: list[dict], crawl: str, key: str) -> float:
    return statistics.median(r[crawl][key] for r in results)


def main(quick: bool = False) -> None:
    rounds = size(3, 1, 1)
    scenario = build_scenario(7)
    server, base = start_market(scenario)
    results = []
    load_before = os.getloadavg()
    try:
        for n in range(rounds):
            with tempfile.TemporaryDirectory() as folder:
                results.append(crawl_round(base, server, Path(folder), new_first=n % 2 == 0))
    finally:
        server.shutdown()
        server.server_close()
    load = os.getloadavg()
    first = results[0]["first"]
    ok = all(r[c]["ok"] for r in results for c in ("first", "again", "old"))
    print(f"demo market: {len(scenario.listings_in(0))} listings, {first['pages']} pages, {first['photos']} photos; "
          f"{rounds} round(s), medians; all sources ok: {ok}; load average {load_before[0]:.1f} before, "
          f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f} after")
    wall, crawling, cpu = (median(results, "first", k) for k in ("wall", "crawling", "cpu"))
    print(f"  first crawl (--fast, 3 sources):   {wall:6.1f} s wall   target < {TARGET_DEMO_CRAWL_S:.0f} s; "
          f"crawling {crawling:.2f} s; CPU of the crawl processes {cpu:.1f} s")
    for name, label in (("again", "re-crawl, nothing changed:     "), ("old", "re-crawl, conditional off (old):")):
        w, c, u = (median(results, name, k) for k in ("wall", "crawling", "cpu"))
        target = f"target <= {TARGET_RECRAWL_RATIO}" if name == "again" else "(the old behaviour)"
        print(f"  {label} crawling {c:5.2f} s, ratio {c / crawling:.2f} {target}; wall {w:5.1f} s, ratio "
              f"{w / wall:.2f}; CPU {u:.1f} s, ratio {u / cpu:.2f}")
    again, old = results[0]["again"], results[0]["old"]
    print(f"  requests answered: first {first['requests']}, re-crawl {again['requests']} "
          f"({again['not_modified']} answered 304), old {old['requests']}: "
          f"{old['requests'] - again['requests']} saved")
    print(f"  bytes sent by the market: first {first['bytes'] / 1e6:.2f} MB, re-crawl {again['bytes'] / 1e3:.1f} kB, "
          f"old {old['bytes'] / 1e3:.1f} kB: {(old['bytes'] - again['bytes']) / 1e3:.1f} kB saved")
    print(f"  listings seen: first {first['listings']}, re-crawl {again['listings']} ({again['unchanged']} unchanged), "
          f"old {old['listings']} ({old['unchanged']} unchanged)")
    print(f"  photos downloaded again:          {max(r['again']['photo_requests'] for r in results):6d}     "
          f"target {TARGET_RECRAWL_PHOTOS} (old: {max(r['old']['photo_requests'] for r in results)})")
    realistic_market()


def realistic_market() -> None:
    """The same three crawls against a marketplace of realistic size (bench/crawl_site.py), where the
    crawl itself, not process start-up, dominates the first crawl's time."""
    listings, pool_size = size(1000, 300, 10), size(60, 60, 3)
    started = time.perf_counter()
    pool = photo_pool(pool_size)
    encoded = time.perf_counter() - started
    server = start_bench_market(listings, pool)
    load_before = os.getloadavg()
    try:
        with tempfile.TemporaryDirectory() as folder:
            sources = write_bench_sources(server.base_url, Path(folder) / "sources.yaml")
            new_db, old_db = Path(folder) / "new" / "farmwatch.db", Path(folder) / "old" / "farmwatch.db"
            first = crawl_once(new_db, sources, server, conditional=True)
            shutil.copytree(new_db.parent, old_db.parent)
            again = crawl_once(new_db, sources, server, conditional=True)
            old = crawl_once(old_db, sources, server, conditional=False)
    finally:
        server.shutdown()
        server.server_close()
    load = os.getloadavg()
    ok = all(c["ok"] for c in (first, again, old))
    print(f"marketplace of realistic size: {listings} listings, 3 distinct 1600x1200 photos each "
          f"({pool_size} scenes encoded in {encoded:.1f} s); all crawls ok: {ok}; load average "
          f"{load_before[0]:.1f} before, {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} after")
    print(f"  first crawl: {first['listings']} listings, {first['pages']} pages, {first['photos']} photos stored; "
          f"{first['wall']:.1f} s wall, crawling {first['crawling']:.2f} s, CPU {first['cpu']:.1f} s")
    for crawl, label in ((again, "re-crawl, nothing changed:     "), (old, "re-crawl, conditional off (old):")):
        target = f"target <= {TARGET_RECRAWL_RATIO}" if crawl is again else "(the old behaviour)"
        print(f"  {label} crawling {crawl['crawling']:5.2f} s, ratio {crawl['crawling'] / first['crawling']:.2f} "
              f"{target}; wall {crawl['wall']:5.1f} s, ratio {crawl['wall'] / first['wall']:.2f}; "
              f"CPU {crawl['cpu']:.1f} s, ratio {crawl['cpu'] / max(first['cpu'], 1e-9):.2f}")
    print(f"  requests answered: first {first['requests']}, re-crawl {again['requests']} "
          f"({again['not_modified']} answered 304), old {old['requests']} ({old['not_modified']} answered 304)")
    print(f"  bytes sent: first {first['bytes'] / 1e6:.1f} MB, re-crawl {again['bytes'] / 1e3:.1f} kB, "
          f"old {old['bytes'] / 1e6:.2f} MB")
    print(f"  listings seen: re-crawl {again['listings']} ({again['unchanged']} unchanged), "
          f"old {old['listings']} ({old['unchanged']} unchanged)")
    print(f"  photos downloaded again:          {again['photo_requests']:6d}     "
          f"target {TARGET_RECRAWL_PHOTOS} (old: {old['photo_requests']})")


if __name__ == "__main__":
    main()
