"""Two crawler processes share one crawl through a real redis-server on 127.0.0.1 (scrapy-redis)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from urllib.parse import urlsplit

import pytest
import redis
import yaml

from farmwatch.demo.market.server import start_market
from farmwatch.demo.market.sources import market_sources
from farmwatch.demo.scenario import build_scenario
from registry.db import connect
from spiders.config import select_sources
from spiders.runner import crawl_source

REDIS = shutil.which("redis-server") or "redis-server"  # Debian's redis-server, installed by .ci/run


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    port = _free_port()
    proc = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(host="127.0.0.1", port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait()


def test_two_workers_share_one_crawl_without_duplicates(tmp_path, redis_url):
    scenario = build_scenario()
    server, base_url = start_market(scenario)
    try:
        config = market_sources(base_url)
        dealer = config["sources"][1]
        dealer["settings"] = {"DOWNLOAD_DELAY": 0.25, "CONCURRENT_REQUESTS_PER_DOMAIN": 1}
        config["sources"] = [dealer]
        sources_file = tmp_path / "sources.yaml"
        sources_file.write_text(yaml.safe_dump(config))
        source = select_sources([dealer["name"]], sources_file)[0]

        single = crawl_source(tmp_path / "single.db", source, sources_file=sources_file, fast=True)
        assert single["status"] == "ok"

        db_path = tmp_path / "shared.db"
        connect(db_path).close()
        results = []

        def worker():
            results.append(crawl_source(db_path, source, sources_file=sources_file, fast=True, redis_url=redis_url))

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    finally:
        server.shutdown()

    assert [r["status"] for r in results] == ["ok", "ok"], results
    assert all(r["pages"] > 0 for r in results), ("both workers fetched pages", results)
    # Each worker fetches the start pages itself (Scrapy start requests skip the duplicate filter);
    # every other page is fetched by exactly one of them.
    assert sum(r["pages"] for r in results) == single["pages"] + len(source.start_urls), (
        "every page fetched once between them", single, results)
    db = connect(db_path)
    expected = {s.path for s in scenario.listings_in(0, "dealer")}
    stored = [urlsplit(row["url"]).path for row in db.query("select url from listings")]
    assert sorted(stored) == sorted(expected)
    assert db.execute("select count(*) from listing_photos where sha256 is not null").fetchone()[0] == \
        connect(tmp_path / "single.db").execute("select count(*) from listing_photos where sha256 is not null").fetchone()[0]
    assert db.execute("select count(*) from listings where removed_at is not null").fetchone()[0] == 0
    client = redis.Redis.from_url(redis_url)
    # every page passed the shared duplicate filter but the sitemap, a start page no page links to
    assert client.scard(f"farmwatch:{source.name}:dupefilter") >= single["pages"] - 1
