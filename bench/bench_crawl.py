"""Crawling the demonstration marketplace with politeness off: pages per second, photos per second,
and the cost of a re-crawl with nothing changed (which must download no photo again).

Each round crawls the three demo sources with the real spiders (one subprocess per source) into a
fresh database, then crawls again with the market unchanged. Wall times include process start-up,
which is most of a small crawl's cost; the per-page rate is therefore a floor, not a ceiling.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from bench.sizes import size
from farmwatch.demo.market.server import start_market
from farmwatch.demo.market.sources import write_sources
from farmwatch.demo.scenario import build_scenario
from spiders.runner import run_crawl

TARGET_DEMO_CRAWL_S = 60.0  # the whole demonstration crawl with --fast
TARGET_RECRAWL_PHOTOS = 0  # photos downloaded again when nothing changed
TARGET_RECRAWL_RATIO = 1.0  # a re-crawl should cost no more than the first crawl


def crawl_round(base: str, server, folder: Path) -> dict:
    sources = write_sources(base, folder / "sources.yaml")
    db_path = folder / "data" / "farmwatch.db"
    figures = {}
    for name in ("first", "again"):
        start_log = len(server.request_log)
        started = time.perf_counter()
        results = run_crawl(db_path, sources_file=sources, fast=True)
        wall = time.perf_counter() - started
        requests = server.request_log[start_log:]
        figures[name] = {
            "wall": wall, "pages": sum(r["pages"] for r in results), "photos": sum(r["photos_stored"] for r in results),
            "crawling": max(r["crawl_seconds"] or wall for r in results),
            "photo_requests": sum(1 for p in requests if p.startswith("/img/")),
            "ok": all(r["status"] == "ok" for r in results),
        }
    return figures


def main(quick: bool = False) -> None:
    rounds = size(3, 1, 1)
    scenario = build_scenario(7)
    server, base = start_market(scenario)
    results = []
    try:
        for _ in range(rounds):
            with tempfile.TemporaryDirectory() as folder:
                results.append(crawl_round(base, server, Path(folder)))
    finally:
        server.shutdown()
        server.server_close()
    first = [r["first"] for r in results]
    again = [r["again"] for r in results]
    wall = statistics.median(f["wall"] for f in first)
    wall_again = statistics.median(f["wall"] for f in again)
    pages = first[0]["pages"]
    photos = first[0]["photos"]
    print(f"demo market: {len(scenario.listings_in(0))} listings, {pages} pages, {photos} photos; "
          f"{rounds} round(s), medians; all sources ok: {all(f['ok'] for f in first + again)}")
    print(f"  first crawl (--fast, 3 sources):  {wall:6.1f} s   target < {TARGET_DEMO_CRAWL_S:.0f} s")
    crawling = statistics.median(f["crawling"] for f in first)
    print(f"  of which crawling (slowest source): {crawling:4.1f} s   (the rest is process start-up and exit)")
    print(f"  pages per second:                 {pages / wall:6.1f}   while crawling: {pages / crawling:.1f}")
    print(f"  photos per second:                {photos / wall:6.1f}   while crawling: {photos / crawling:.1f}")
    print(f"  re-crawl, nothing changed:        {wall_again:6.1f} s   ratio {wall_again / wall:.2f} "
          f"(target <= {TARGET_RECRAWL_RATIO:.1f})")
    print(f"  photos downloaded again:          {max(f['photo_requests'] for f in again):6d}     "
          f"target {TARGET_RECRAWL_PHOTOS}")
    crawling_again = statistics.median(f["crawling"] for f in again)
    print(f"  re-crawl pages per second:        {again[0]['pages'] / wall_again:6.1f}   while crawling: "
          f"{again[0]['pages'] / crawling_again:.1f}")


if __name__ == "__main__":
    main()
