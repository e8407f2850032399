"""The nightly run and the demo end to end: real market on 127.0.0.1, real crawls, real matcher."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from farmwatch.demo.market.server import start_market
from farmwatch.demo.market.sources import market_sources, write_sources
from farmwatch.demo.scenario import build_scenario, load_registry
from farmwatch.lock import RunLock
from registry.db import connect

ROOT = Path(__file__).resolve().parents[2]


def farmwatch(*args, db_path, **kwargs):
    return subprocess.run([sys.executable, "-m", "farmwatch.cli", "--db", str(db_path), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, **kwargs)


@pytest.fixture(scope="module")
def scenario():
    return build_scenario()


@pytest.fixture
def market(scenario):
    server, base_url = start_market(scenario)
    yield server, base_url
    server.shutdown()


def _labels_by_listing(db, scenario) -> dict[str, str]:
    labels = scenario.labels
    return {row["id"]: labels.get(urlsplit(row["url"]).path, "?") for row in db.query("select id, url from listings")}


def test_demo_no_serve_puts_planted_thefts_in_the_queue_as_strong(tmp_path, scenario):
    db_path = tmp_path / "demo" / "farmwatch.db"
    started = time.monotonic()
    result = farmwatch("demo", "--no-serve", db_path=db_path)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stdout + result.stderr
    assert "status=ok" in result.stdout or "OK" in result.stdout
    assert elapsed < 180
    db = connect(db_path)
    labels = _labels_by_listing(db, scenario)
    strong = {(r["listing_id"]) for r in db.query("select listing_id from matches m join items i on i.id = m.item_id "
                                                   "where band = 'strong' and queue = 'stolen' and i.register is null")}
    relisted = {lid for lid, label in labels.items() if label == "stolen_relisted"}
    assert relisted and relisted <= strong, "every planted stolen listing is a strong match"
    wrong = {labels[lid] for lid in strong} - {"stolen_relisted"}
    assert not wrong, f"strong matches on {wrong}"
    owner_sales = {lid for lid, label in labels.items() if label == "owner_selling"}
    in_stolen_queue = {r["listing_id"] for r in db.query("select listing_id from matches where queue = 'stolen'")}
    assert not owner_sales & in_stolen_queue
    report = json.loads(db.execute("select report from nightly_runs order by id desc").fetchone()[0])
    assert {s["source"] for s in report["sources"]} == {"demo-classifieds", "demo-dealer", "demo-auctions"}
    # the second register's theft, found on the marketplace this one scanned, and the notice back
    assert "FEDERATED MATCH" in result.stdout and "An Garda Síochána" in result.stdout
    federated = db.execute("select m.band, l.url from matches m join items i on i.id = m.item_id "
                           "join listings l on l.id = m.listing_id where i.register = 'Ireland'").fetchall()
    assert len(federated) == 1 and federated[0][0] == "strong"
    ireland = connect(db_path.parent / "ireland" / "farmwatch.db")
    assert ireland.execute("select l.source from matches m join listings l on l.id = m.listing_id").fetchall() == [
        ("peer:Great Britain",)]
    # The map and the trends tell the story: every planted theft and its re-listing are placed, recent,
    # several cross force borders, and livestock is among them.
    from datasette_config.officer.plots import map_points, weekly_counts

    points = map_points(db.conn)
    assert len(points["thefts"]) == 11 and points["unplaced_thefts"] == 0  # ten planted, one from Ireland
    mapped = {p["id"] for p in points["listings"]}
    planted = {r[0] for r in db.execute("select m.id from matches m join items i on i.id = m.item_id "
                                        "where band = 'strong' and queue = 'stolen' and i.register is null")}
    assert planted <= mapped and sum(p["cross_border"] for p in points["listings"] if p["id"] in planted) >= 4
    trends = weekly_counts(db.conn)
    assert sum(sum(week.values()) for week in trends["thefts"].values()) == 11
    assert {"cattle", "horse"} <= {c for week in trends["matches"].values() for c in week}


def test_second_nightly_is_refused_while_one_runs(tmp_path):
    db_path = tmp_path / "fw.db"
    connect(db_path).close()
    with RunLock(tmp_path / "nightly.lock"):
        started = time.monotonic()
        result = farmwatch("nightly", db_path=db_path)
    assert result.returncode == 75
    assert "refused: another run is still going (pid" in result.stderr
    assert result.stderr.count("\n") == 1
    assert time.monotonic() - started < 30


def test_a_failing_source_does_not_stop_the_others(tmp_path, market):
    _, base_url = market
    sources = market_sources(base_url)
    sources["sources"] = [sources["sources"][1],
                          {"name": "dead-site", "kind": "structured", "enabled": True,
                           "start_urls": ["http://127.0.0.1:9/listings/"]}]
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump(sources))
    db_path = tmp_path / "fw.db"
    result = farmwatch("nightly", "--sources", str(path), "--fast", "--no-alerts", "--json", db_path=db_path)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    by_source = {s["source"]: s for s in report["sources"]}
    assert by_source["demo-dealer"]["status"] == "ok" and by_source["demo-dealer"]["listings_new"] > 5
    assert by_source["dead-site"]["status"] != "ok"
    assert report["status"] == "failed" and report["matching"]["listings"] > 5


def test_kill_9_mid_crawl_then_rerun_loses_and_duplicates_nothing(tmp_path, market, scenario):
    _, base_url = market
    db_path = tmp_path / "fw.db"
    db = connect(db_path)
    load_registry(db, scenario)
    sources = write_sources(base_url, tmp_path / "sources.yaml")
    command = [sys.executable, "-m", "farmwatch.cli", "--db", str(db_path), "nightly", "--sources", str(sources),
               "--fast", "--no-alerts"]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    seen = 0
    while time.monotonic() < deadline and proc.poll() is None:
        seen = sqlite3.connect(db_path).execute("select count(*) from listings").fetchone()[0]
        if seen >= 5:
            break
        time.sleep(0.2)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert seen >= 5

    rerun = farmwatch("nightly", "--sources", str(sources), "--fast", "--no-alerts", "--json", db_path=db_path)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    expected_paths = {s.path for s in scenario.listings_in(0)}
    rows = list(db.query("select url, matched_at from listings"))
    assert sorted(urlsplit(r["url"]).path for r in rows) == sorted(expected_paths), "each listing stored once"
    assert all(r["matched_at"] for r in rows)
    photos = db.execute("select count(*), count(distinct listing_id || '/' || position) from listing_photos").fetchone()
    assert photos[0] == photos[1]
    expected_photos = sum(len(s.photos) for s in scenario.listings_in(0))
    assert db.execute("select count(*) from listing_photos where sha256 is not null").fetchone()[0] == expected_photos
    labels = _labels_by_listing(db, scenario)
    strong = {r["listing_id"] for r in db.query("select listing_id from matches where band = 'strong'")}
    assert {lid for lid, label in labels.items() if label == "stolen_relisted"} <= strong
