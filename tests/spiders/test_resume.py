"""Interrupted crawls: a kill -9 followed by a rerun loses and duplicates nothing; a graceful stop
(Ctrl-C) resumes from Scrapy's JOBDIR queue."""

import signal
import subprocess
import sys
import time

import yaml

from farmwatch.demo.market.sources import market_sources
from registry.db import connect
from spiders.runner import REPO_ROOT, run_crawl

SOURCE = "demo-classifieds"


def slow_sources(base, path):
    """The market's sources, with a steady delay between requests so a crawl can be caught part-way."""
    config = market_sources(base)
    for source in config["sources"]:
        source["settings"] = {"DOWNLOAD_DELAY": 0.4, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 1}
    path.write_text(yaml.safe_dump(config))
    return path


def start_polite_crawl(db_path, sources, jobdir):
    """A crawl with politeness delays (not --fast), slow enough to interrupt part-way."""
    return subprocess.Popen([sys.executable, "-m", "spiders.run", "--db", str(db_path), "--sources", str(sources),
                             SOURCE, "--jobdir", str(jobdir)], cwd=REPO_ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for_listings(db, n, proc, limit=90):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        if db.execute("select count(*) from listings").fetchone()[0] >= n:
            return
        time.sleep(0.2)
    raise AssertionError("the crawl did not store listings in time")


def check_complete(db, expected):
    assert db.execute("select count(*), count(distinct url) from listings").fetchone() == (len(expected), len(expected))
    assert db.execute("select count(*) from listings where snapshot_sha256 is null or removed_at is not null").fetchone()[0] == 0
    photos = db.execute("select count(*) from listing_photos where sha256 is not null").fetchone()[0]
    assert photos == sum(len(s.photos) for s in expected)


def test_kill_9_mid_crawl_then_rerun_loses_and_duplicates_nothing(market, scenario, tmp_path):
    server, base = market
    sources = slow_sources(base, tmp_path / "sources.yaml")
    db_path = tmp_path / "data" / "farmwatch.db"
    db = connect(db_path)
    proc = start_polite_crawl(db_path, sources, tmp_path / "job")
    try:
        wait_for_listings(db, 2, proc)
    finally:
        proc.kill()
        proc.wait()
    expected = scenario.listings_in(0, "classifieds")
    partial = db.execute("select count(*) from listings").fetchone()[0]
    assert 2 <= partial < len(expected)
    [summary] = run_crawl(db_path, [SOURCE], sources_file=sources, fast=True, jobdir=tmp_path / "job")
    assert summary["status"] == "ok"
    assert summary["listings_new"] + summary["listings_unchanged"] == len(expected)
    assert summary["listings_new"] <= len(expected) - partial + 1
    check_complete(db, expected)
    statuses = [r[0] for r in db.execute("select status from crawl_runs order by id")]
    assert statuses == ["failed", "ok"]  # the killed run is closed as failed, not left running


def test_graceful_stop_resumes_from_the_saved_queue(market, scenario, tmp_path):
    server, base = market
    sources = slow_sources(base, tmp_path / "sources.yaml")
    db_path = tmp_path / "data" / "farmwatch.db"
    db = connect(db_path)
    proc = start_polite_crawl(db_path, sources, tmp_path / "job")
    wait_for_listings(db, 2, proc)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=90) != 0
    assert (tmp_path / "job" / SOURCE / "requests.seen").exists()
    start = len(server.request_log)
    [summary] = run_crawl(db_path, [SOURCE], sources_file=sources, fast=True, jobdir=tmp_path / "job")
    assert summary["status"] == "ok"
    check_complete(db, scenario.listings_in(0, "classifieds"))
    refetched = [p for p in server.request_log[start:] if p.startswith("/classifieds/ad/")]
    assert len(refetched) < len(scenario.listings_in(0, "classifieds"))  # seen pages were not fetched again
    assert not (tmp_path / "job" / SOURCE / "farmwatch-run.json").exists()
