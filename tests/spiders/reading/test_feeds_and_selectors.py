"""Feeds, sitemaps and declarative selectors on saved files (no network)."""

from pathlib import Path

import pytest
from parsel import Selector

from farmwatch.demo.market.sources import CLASSIFIEDS_SELECTORS
from spiders.reading.feeds import is_feed, is_sitemap, parse_feed, parse_sitemap
from spiders.reading.selectors import SelectorError, extract_fields, select_links

PAGES = Path(__file__).parent / "pages"


def test_rss_entries_with_enclosures_media_and_no_entity_expansion():
    data = (PAGES / "feed.rss").read_bytes()
    assert is_feed(data) and not is_sitemap(data)
    entries = parse_feed(data, "https://auction.example/feeds/search.rss")
    assert [e["url"] for e in entries] == ["https://auction.example/lot/1", "https://auction.example/lot/2"]
    first = entries[0]
    assert first["title"] == "Kubota RTV & cab"
    assert first["description"] == "Serial RTVX1110-12345"
    assert first["posted_at"] == "Fri, 20 Nov 2026 10:00:00 +0000"
    assert first["photos"] == ["https://auction.example/img/lot1.jpg", "https://auction.example/img/lot1b.jpg"]
    assert "lollol" not in entries[1].get("title", "")


def test_atom_entries():
    entries = parse_feed((PAGES / "feed.atom").read_bytes(), "https://auction.example/feed")
    assert entries == [{"url": "https://auction.example/lot/9", "title": "Trimble GFX-750",
                        "description": "Display and receiver", "posted_at": "2026-11-19T08:00:00Z"}]


@pytest.mark.parametrize("data", [b"", b"not xml", b"<html><body>hi</body></html>", b"\xff\xfe\x00<"])
def test_feeds_that_are_not_feeds_give_nothing(data):
    assert parse_feed(data, "https://x.example/") == []
    assert parse_sitemap(data, "https://x.example/") == ([], [])


def test_sitemap_and_sitemap_index():
    assert parse_sitemap((PAGES / "sitemap.xml").read_bytes(), "https://dealer.example/sitemap.xml") == (
        ["https://dealer.example/used/1", "https://dealer.example/used/2"], [])
    assert parse_sitemap((PAGES / "sitemap_index.xml").read_bytes(), "https://dealer.example/") == (
        [], ["https://dealer.example/sitemap-1.xml"])


def test_selectors_read_a_classifieds_ad_as_text():
    html = (PAGES / "classifieds_ad.html").read_text()
    record = extract_fields(html, "https://classifieds.example/ad/5", CLASSIFIEDS_SELECTORS | {"title": "h1.ad-title"})
    assert record["title"] == "2015 Massey Ferguson 5713S"
    assert record["price"] == "£31,500 ono"
    assert record["location"] == "Taunton, Somerset"
    assert record["posted_at"] == "2026-11-18T08:30:00Z"
    assert "steal()" not in record["description"] and "new clutch" in record["description"]
    assert record["photos"] == ["https://classifieds.example/img/1.jpg", "https://other.example/2.jpg"]
    assert record["seller"] == {"name": "farmkit4u", "profile_url": "https://classifieds.example/user/42",
                                "phone": "07700 900123"}
    assert record["identifiers"] == [{"kind": "serial", "value": "AGCO5713S245957"}]
    assert record["make"] == "Massey Ferguson"


def test_xpath_selectors_and_bad_selectors():
    sel = Selector(text='<div><a class="n" href="/p2">next</a><a href="mailto:x@y">m</a></div>')
    assert select_links(sel, "//a/@href", "https://c.example/list") == ["https://c.example/p2"]
    with pytest.raises(SelectorError, match="not valid"):
        extract_fields("<p>x</p>", "https://c.example/", {"title": "h1[[["})
