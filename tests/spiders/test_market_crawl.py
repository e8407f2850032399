"""End to end: the real spiders crawl the demonstration marketplace over HTTP in subprocesses,
then crawl it again the next night (variant 1: removed, repriced and new listings)."""

import gzip
import hashlib

import pytest

from farmwatch.demo.market.sources import write_sources
from registry.db import connect, data_dir
from registry.identifiers.rules import matching_key
from spiders.runner import run_crawl

SITE_OF_SOURCE = {"demo-classifieds": "classifieds", "demo-dealer": "dealer", "demo-auctions": "auction"}
DISALLOWED = ("/classifieds/admin/", "/dealer/trade-only/", "/auction/private/")


@pytest.fixture(scope="module")
def nights(market, tmp_path_factory):
    server, base = market
    folder = tmp_path_factory.mktemp("demo")
    sources = write_sources(base, folder / "sources.yaml")
    db_path = folder / "data" / "farmwatch.db"
    results = []
    for variant in (0, 1):
        server.variant = variant
        start = len(server.request_log)
        results.append((run_crawl(db_path, sources_file=sources, fast=True), server.request_log[start:]))
    server.variant = 0
    db = connect(db_path)
    yield db, base, results
    db.close()


def by_url(db, base):
    rows = db.execute("select * from listings").fetchall()
    columns = [d[0] for d in db.execute("select * from listings").description]
    return {row[columns.index("url")].replace(base, ""): dict(zip(columns, row, strict=True)) for row in rows}


def test_first_night_finds_every_listing_of_every_site(nights, scenario):
    db, base, results = nights
    first, _ = results[0]
    assert [r["source"] for r in first] == ["demo-classifieds", "demo-dealer", "demo-auctions"]
    for summary in first:
        expected = scenario.listings_in(0, SITE_OF_SOURCE[summary["source"]])
        assert summary["status"] == "ok", summary["error_log"]
        assert (summary["listings_new"], summary["errors"], summary["listings_removed"]) == (len(expected), 0, 0)
        assert summary["photos_stored"] == sum(len(s.photos) for s in expected)


def test_fields_are_read_from_each_site_structure(nights, scenario, market):
    db, base, _ = nights
    listings = by_url(db, base)
    opengraph_only = market[0].opengraph_only
    assert len(opengraph_only) == 2
    for spec in scenario.listings_in(0):
        row = listings[spec.path]
        assert row["title"] == spec.title
        assert row["price"] == (spec.price_variant1 or spec.price) and row["currency"] == "GBP"
        assert row["description"].startswith(spec.description[:60])
        assert row["snapshot_sha256"]
        if spec.path in opengraph_only:
            continue
        assert row["location"] == spec.location
        assert row["posted_at"] == spec.posted_at
        assert row["make"] == spec.make
        if spec.site == "classifieds":
            assert (row["seller_name"], row["seller_phone"]) == (spec.seller["name"], spec.seller["phone"])


def test_stolen_items_are_stored_with_their_identifiers_however_retyped(nights, scenario):
    db, base, _ = nights
    listings = by_url(db, base)
    serial_of = {item["ref"]: item["identifiers"][0]["value"] for item in scenario.items}
    for spec in scenario.listings_in(0):
        if spec.label != "stolen_relisted" or "trailing" in spec.note:
            continue
        import json

        keys = {matching_key(i["value"]) for i in json.loads(listings[spec.path]["structured_identifiers"])}
        assert matching_key(serial_of[spec.item_ref]) in keys, (spec.path, spec.note)


def test_photos_and_snapshots_are_kept_as_evidence(nights, scenario):
    db, base, _ = nights
    folder = data_dir(db)
    listings = by_url(db, base)
    for spec in scenario.listings_in(0)[:12]:
        row = listings[spec.path]
        html = gzip.decompress((folder / row["snapshot_path"]).read_bytes())
        assert hashlib.sha256(html).hexdigest() == row["snapshot_sha256"]
        photos = db.execute("select position, phash, path from listing_photos where listing_id = ? order by position",
                            [row["id"]]).fetchall()
        assert [p[0] for p in photos] == list(range(1, len(spec.photos) + 1))
        assert all(p[1] and (folder / p[2]).exists() for p in photos)


def test_robots_txt_is_obeyed(nights):
    _, _, results = nights
    for _, requests in results:
        assert "/robots.txt" in requests
        assert not [p for p in requests if p.startswith(DISALLOWED)]


def test_next_night_records_removed_changed_and_new_listings_without_duplicates(nights, scenario):
    db, base, results = nights
    second, _ = results[1]
    planned = {"demo-classifieds": (3, 2, 3), "demo-dealer": (1, 1, 2), "demo-auctions": (1, 1, 1)}
    for summary in second:
        site = SITE_OF_SOURCE[summary["source"]]
        new = [s for s in scenario.listings if s.site == site and s.variants == (1,)]
        gone = [s for s in scenario.listings if s.site == site and s.variants == (0,)]
        repriced = [s for s in scenario.listings if s.site == site and s.price_variant1]
        assert (summary["listings_new"], summary["listings_changed"], summary["listings_removed"]) == (
            len(new), len(repriced), len(gone)) == planned[summary["source"]]
        assert summary["status"] == "ok"
    listings = by_url(db, base)
    assert len(listings) == len(scenario.listings)
    assert db.execute("select count(*) = count(distinct url) from listings").fetchone()[0]
    for spec in scenario.listings:
        row = listings[spec.path]
        assert (row["removed_at"] is not None) == (spec.variants == (0,))
        if spec.price_variant1:
            assert row["price"] == spec.price_variant1


def test_next_night_downloads_only_the_photos_of_new_and_changed_listings(nights, scenario):
    """Unchanged listings cost no photo download; a changed listing's photos are fetched again for
    its new version (a seller may put a new picture at the old address)."""
    db, base, results = nights
    _, requests = results[1]
    photo_requests = sorted(p for p in requests if p.startswith("/img/"))
    new = [f"/img/{s.key}-{n}.jpg" for s in scenario.listings if s.variants == (1,)
           for n in range(1, len(s.photos) + 1)]
    changed = [row[0].replace(base, "") for row in db.execute(
        "select distinct lp.url from listing_photos lp join listings l on l.id = lp.listing_id "
        "where l.url in (select url from crawl_pages where outcome = 'listing' and detail = 'changed')")]
    assert photo_requests == sorted(set(new) | set(changed))
    assert len(photo_requests) < len([p for p in results[0][1] if p.startswith("/img/")])


def test_start_url_crawls_a_schema_org_site_with_no_configuration(market, scenario, tmp_path):
    server, base = market
    start = len(server.request_log)
    [summary] = run_crawl(tmp_path / "data" / "fw.db", start_urls=[base + "/dealer/"], fast=True)
    assert summary["status"] == "ok" and summary["source"].startswith("127.0.0.1-")
    assert summary["listings_new"] == len(scenario.listings_in(0, "dealer"))
    assert not [p for p in server.request_log[start:] if p.startswith(DISALLOWED)]


def test_sitemap_source_reads_every_page_the_sitemap_lists(market, scenario, tmp_path):
    import yaml

    server, base = market
    sources = tmp_path / "sources.yaml"
    sources.write_text(yaml.safe_dump({"sources": [
        {"name": "dealer-sitemap", "kind": "sitemap", "start_urls": [base + "/dealer/sitemap.xml"]}]}))
    start = len(server.request_log)
    [summary] = run_crawl(tmp_path / "data" / "fw.db", sources_file=sources, fast=True)
    assert summary["status"] == "ok"
    assert summary["listings_new"] == len(scenario.listings_in(0, "dealer"))
    assert "/dealer/stock" not in server.request_log[start:]  # links on the pages are not followed
