"""Each pipeline on its own, with a real (not running) Scrapy crawler and a real database."""

import json

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from registry.listings.store import clean_listing
from spiders.config import Source
from spiders.items import ListingItem, listing_record
from spiders.pipelines.clean import CleanFieldsPipeline
from spiders.pipelines.identifiers import IdentifierCandidatesPipeline
from spiders.pipelines.photos import photo_refusal
from spiders.pipelines.snapshot import SnapshotPipeline
from spiders.pipelines.store import StoreListingPipeline
from spiders.spiders.structured import StructuredSpider
from spiders.state import RUN_STATE_FILE, get_run, prepare_jobdir

SOURCE = Source(name="test-site", kind="structured", start_urls=["https://market.example/"])


@pytest.fixture
def crawler(db):
    path = db.execute("PRAGMA database_list").fetchone()[2]
    crawler = get_crawler(StructuredSpider, {"FARMWATCH_DB": path})
    crawler.spider = crawler._create_spider(source_config=SOURCE)
    get_run(crawler).open(SOURCE.name, None)
    return crawler


def item(**fields):
    return ListingItem({"source": SOURCE.name, "url": "https://market.example/ad/1", "title": "Quad",
                        "snapshot": b"<html>ad</html>", "fetched_at": "2026-11-20T10:00:00Z", **fields})


def test_clean_fields_normalises_prices_currencies_dates_and_text():
    cleaned = CleanFieldsPipeline().process_item(item(
        title=" <b>Honda</b>  quad ", price="£4,950 ono", currency=None, posted_at="2026-11-20T11:00:00+01:00",
        photos=["https://market.example/1.jpg", "javascript:x", "https://market.example/1.jpg"],
        seller={"name": "<i>bob</i>", "phone": ""}, identifiers=[{"kind": "serial", "value": " <b>AB12</b> "}, {"x": 1}]))
    assert cleaned["title"] == "Honda quad"
    row = clean_listing(listing_record(cleaned))  # the price and the date are read once, at storage
    assert (row["price"], row["currency"], row["price_text"]) == (4950.0, "GBP", "£4,950 ono")
    assert row["posted_at"] == "2026-11-20T10:00:00Z"
    assert cleaned["photos"] == ["https://market.example/1.jpg"]
    assert cleaned["seller"] == {"name": "bob"}
    assert cleaned["identifiers"] == [{"kind": "serial", "value": "AB12"}]


@pytest.mark.parametrize("price, latitude, expected", [
    (1e309, "51.5", (None, 51.5)), ("£12,500", 91, (12500.0, None)), (-4, "abc", (None, None)), ("POA", None, (None, None)),
    ("12.500,00 €", None, (12500.0, None)), ("2 for £100", None, (None, None))])
def test_clean_fields_refuses_impossible_numbers(price, latitude, expected):
    row = clean_listing(listing_record(CleanFieldsPipeline().process_item(item(price=price, latitude=latitude))))
    assert (row["price"], row["latitude"]) == expected


@pytest.mark.parametrize("title", [None, "", "<script>alert(1)</script>"])
def test_clean_fields_rejects_listings_without_a_title(title):
    with pytest.raises(DropItem, match="no title"):
        CleanFieldsPipeline().process_item(item(title=title))


def test_identifier_candidates_are_added_once_beside_structured_ones():
    result = IdentifierCandidatesPipeline().process_item(item(
        identifiers=[{"kind": "vin", "value": "1L06120MCKK123456"}],
        description="VIN 1L0 6120M CKK 123456. Engine no: PE4045R123456"))
    assert result["identifiers"] == [{"kind": "vin", "value": "1L06120MCKK123456"},
                                     {"kind": "engine", "value": "PE4045R123456"}]


def test_store_upserts_under_a_stable_id_and_snapshot_keeps_new_and_changed_pages(crawler):
    store, snapshot = StoreListingPipeline(crawler), SnapshotPipeline(crawler)
    run = get_run(crawler)
    states, digests = [], []
    for price, body in ((100, b"<html>one</html>"), (100, b"<html>one again</html>"), (90, b"<html>two</html>")):
        stored = snapshot.process_item(store.process_item(CleanFieldsPipeline().process_item(item(price=price, snapshot=body))))
        states.append(stored["state"])
        digests.append(run.db.execute("select snapshot_sha256 from listings").fetchone()[0])
    assert states == ["new", "unchanged", "changed"]
    assert digests[0] == digests[1] != digests[2]
    assert run.db.execute("select count(*) from listings").fetchone()[0] == 1
    assert (run.counts["listings_new"], run.counts["listings_unchanged"], run.counts["listings_changed"]) == (1, 1, 1)


def test_errors_are_counted_logged_and_flushed_to_the_crawl_run(crawler):
    run = get_run(crawler)
    run.record_error("https://market.example/bad", "HTTP 500")
    run.flush("ok")
    row = run.db.execute("select status, errors, error_log from crawl_runs where id = ?", [run.run_id]).fetchone()
    assert row[:2] == ("ok", 1)
    assert json.loads(row[2]) == [{"url": "https://market.example/bad", "error": "HTTP 500"}]


@pytest.mark.parametrize("url, start, refused", [
    ("https://market.example/img/1.jpg", "https://market.example/", None),
    ("https://i.cdn-photos.net/1.jpg", "https://market.example/", None),  # CDNs are fetched
    ("http://127.0.0.2/1.jpg", "https://market.example/", "loopback"),
    ("http://localhost:8080/1.jpg", "https://market.example/", "loopback"),
    ("http://10.1.2.3/1.jpg", "https://market.example/", "private"),
    ("http://192.168.0.10/1.jpg", "https://market.example/", "private"),
    ("http://172.16.5.4/1.jpg", "https://market.example/", "private"),
    ("http://[fd00::1]/1.jpg", "https://market.example/", "private"),
    ("http://169.254.10.10/1.jpg", "https://market.example/", "link-local"),
    ("http://169.254.169.254/latest/meta-data", "https://market.example/", "metadata"),
    ("http://metadata.google.internal/x.jpg", "https://market.example/", "metadata"),
    ("http://[::ffff:127.0.0.1]/1.jpg", "https://market.example/", "loopback"),
    ("http://127.0.0.1:9/1.jpg", "http://127.0.0.1:8002/dealer/", None),  # the source is there too
    ("http://169.254.169.254/x.jpg", "http://127.0.0.1:8002/dealer/", "metadata"),
    ("http://10.0.0.5/x.jpg", "http://127.0.0.1:8002/dealer/", "private"),
    ("https://offsite.invalid/photo.jpg", "https://market.example/", "another site"),
    ("https://cdn.photos.example.org/1.jpg", "https://market.example/", None),
])
def test_photo_addresses_inside_the_network_are_refused_unless_the_source_is_there(url, start, refused):
    source = Source(name="s", kind="structured", start_urls=[start], photo_domains=["trusted.lan"])
    reason = photo_refusal(url, source)
    assert (reason is None) if refused is None else (refused in (reason or ""))


def test_configured_photo_domains_are_trusted():
    source = Source(name="s", kind="structured", start_urls=["https://m.example/"], photo_domains=["trusted.lan"])
    assert photo_refusal("http://img.trusted.lan/1.jpg", source) is None


def test_prepare_jobdir_resumes_a_clean_stop_and_restarts_after_a_kill(tmp_path):
    assert prepare_jobdir(tmp_path / "none") == "fresh"
    (tmp_path / "requests.seen").write_text("abc")
    (tmp_path / RUN_STATE_FILE).write_text(json.dumps({"started_at": "x", "clean_stop": True}))
    assert prepare_jobdir(tmp_path) == "resume" and (tmp_path / "requests.seen").exists()
    (tmp_path / RUN_STATE_FILE).write_text(json.dumps({"started_at": "x"}))
    assert prepare_jobdir(tmp_path) == "restart"
    assert list(tmp_path.iterdir()) == []


def test_retries_back_off_twice_as_long_each_time():
    import asyncio

    from scrapy import Request

    from spiders.middlewares import BackoffRetryMiddleware

    crawler = get_crawler(StructuredSpider, {"RETRY_BACKOFF_BASE": 0.05, "RETRY_BACKOFF_MAX": 0.15, "RETRY_TIMES": 5})
    crawler.spider = crawler._create_spider(source_config=SOURCE)
    middleware = BackoffRetryMiddleware.from_crawler(crawler)
    request, delays = Request("https://market.example/ad/1"), []
    for _ in range(3):
        request = middleware._retry(request, "HTTP 503")
        delays.append(request.meta["farmwatch_backoff"])
    assert delays == [0.05, 0.1, 0.15]
    started = asyncio.run(_timed(middleware.process_request(request)))
    assert started >= 0.14 and "farmwatch_backoff" not in request.meta


async def _timed(coroutine):
    import time

    start = time.monotonic()
    await coroutine
    return time.monotonic() - start


@pytest.mark.parametrize("url, refused", [
    ("http://10.0.0.9/redirected.jpg", True), ("http://169.254.169.254/latest/", True), ("http://167772161/", True),
    ("http://127.0.0.1:9/ad/1", True), ("https://cdn.market-photos.example/1.jpg", False),
])
def test_requests_and_redirects_inside_the_network_are_ignored(url, refused):
    import asyncio
    from types import SimpleNamespace

    from scrapy import Request
    from scrapy.exceptions import IgnoreRequest

    from spiders.middlewares import InternalAddressMiddleware

    counted = []
    source = Source(name="s", kind="structured", start_urls=["https://market.example/"])
    crawler = SimpleNamespace(spider=SimpleNamespace(source=source), stats=SimpleNamespace(inc_value=counted.append))
    middleware = InternalAddressMiddleware(crawler)
    if refused:
        with pytest.raises(IgnoreRequest):
            asyncio.run(middleware.process_request(Request(url)))
        assert counted == ["farmwatch/internal_refused"]
    else:
        assert asyncio.run(middleware.process_request(Request(url))) is None
