"""The pure rules behind crawl scope and crawl health: registrable domains from the bundled public
suffix list, origins, the verdict and the likely cause of a crawl, sitemaps read as Scrapy reads them."""

import gzip
from collections import Counter

import pytest
from scrapy.http import Request, Response

from spiders.health.report import summary_lines
from spiders.health.rules import diagnose, judge
from spiders.site import Site, registrable_domain
from spiders.sitemaps import SitemapTooLarge, read_sitemap, robots_sitemaps, sitemap_body


@pytest.mark.parametrize("host, domain", [
    ("www.example.co.uk", "example.co.uk"), ("example.co.uk", "example.co.uk"), ("shop.farm.example.com", "example.com"),
    ("alice.github.io", "alice.github.io"), ("www.farm.localhost", "farm.localhost"), ("co.uk", None),
    ("127.0.0.1", None), ("[::1]", None), ("localhost", None), ("WWW.Example.CO.UK.", "example.co.uk"),
])
def test_registrable_domain_by_the_public_suffix_list(host, domain):
    assert registrable_domain(host) == domain


@pytest.mark.parametrize("start, url, allowed, adopted", [
    ("http://example.co.uk/", "http://example.co.uk/ad/1", True, True),
    ("http://example.co.uk/", "https://example.co.uk/ad/1", True, True),  # http:80 and https:443 of one host
    ("http://example.co.uk/", "https://www.example.co.uk/", False, True),  # a redirect there joins the site
    ("http://example.co.uk/", "http://example.co.uk:8080/", False, True),  # another port: by redirect only
    ("http://example.co.uk/", "http://other.co.uk/", False, False),
    ("https://alice.github.io/", "https://bob.github.io/", False, False),
    ("http://127.0.0.1:8002/", "http://127.0.0.1:8003/", False, False),  # no registrable domain: origin only
    ("http://127.0.0.1:8002/", "http://localhost:8002/", False, False),
    ("http://example.co.uk/", "ftp://example.co.uk/", False, False),
])
def test_site_allows_its_origins_and_adopts_same_site_redirects(start, url, allowed, adopted):
    site = Site([start])
    assert site.allows(url) is allowed
    assert site.adopt(url) is adopted
    assert site.allows(url) is adopted


def test_no_listing_is_a_failure_named_by_its_cause():
    cause = diagnose(pages=0, refusals=Counter(), failures=Counter(robots=1), start_urls=["http://a.example/"],
                     failed_start=[{"url": "http://a.example/", "kind": "robots", "reason": "forbidden"}],
                     robots_forbid_all=["a.example"])
    assert cause == "robots.txt forbids everything (Disallow: / for our user agent) on a.example"
    assert judge({"listings_seen": 0, "cause": cause}, None, comparable=True) == ("failed", f"no listing: {cause}")


@pytest.mark.parametrize("refusals, failures, expected", [
    (Counter({"home page": 1}), Counter(http=5), "5 of 6 pages failed: HTTP errors (HTTP 503 x5)"),
    (Counter({"login wall": 3, "home page": 1}), Counter(), '3 of 4 pages refused as not a listing by the rule "login wall"'),
    (Counter({"no price shown": 4}), Counter(), 'every page refused as not a listing by the rule "no price shown"'),
    (Counter(), Counter(timeout=2), "2 of 2 pages failed: timed out"),
])
def test_the_cause_is_the_commonest_failure_or_refusal(refusals, failures, expected):
    assert diagnose(pages=6, refusals=refusals, failures=failures, failed_start=[], start_urls=["http://a.example/"],
                    http_detail="HTTP 503 x5") == expected


LAST = {"id": 7, "listings_seen": 40, "photos_stored": 20, "photos_unchanged": 180, "photos_duplicate": 0}


@pytest.mark.parametrize("run, comparable, accept, status", [
    ({"listings_seen": 21, "photos_stored": 0, "photos_unchanged": 105}, True, False, "ok"),  # exactly half is not more
    ({"listings_seen": 19, "photos_stored": 0, "photos_unchanged": 95}, True, False, "failed"),
    ({"listings_seen": 19, "photos_stored": 0, "photos_unchanged": 95}, False, False, "ok"),  # stopped by a limit
    ({"listings_seen": 19, "photos_stored": 0, "photos_unchanged": 95}, True, True, "ok"),  # --accept-drop
    ({"listings_seen": 40, "photos_stored": 0, "photos_unchanged": 90}, True, False, "failed"),  # 2.25 a listing < 2.5
    ({"listings_seen": 40, "photos_stored": 10, "photos_unchanged": 80, "photos_duplicate": 10}, True, False, "ok"),
])
def test_a_drop_by_more_than_half_fails(run, comparable, accept, status):
    verdict, why = judge(run, LAST, comparable=comparable, accept_drop=accept)
    assert verdict == status
    if status == "failed":
        assert "against the last good run #7" in why


def test_sitemaps_plain_gzipped_and_from_robots_txt():
    urlset = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              b"<url><loc>https://a.example/ad/1</loc></url><url><loc>https://a.example/ad/2</loc></url></urlset>")
    request = Request("https://a.example/s.xml.gz")
    zipped = Response("https://a.example/s.xml.gz", body=gzip.compress(urlset), request=request)
    assert read_sitemap(sitemap_body(zipped, 10_000)) == ("urlset", ["https://a.example/ad/1", "https://a.example/ad/2"])
    bomb = Response("https://a.example/b.xml.gz", body=gzip.compress(b"<urlset>" + b" " * 200_000), request=request)
    with pytest.raises(SitemapTooLarge):
        sitemap_body(bomb, 100_000)
    assert sitemap_body(Response("https://a.example/ad/1", body=b"<html></html>", request=request), 10_000) is None
    entity = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><urlset><url><loc>&e;</loc></url></urlset>'
    assert "root:" not in "".join(read_sitemap(entity)[1])
    assert robots_sitemaps(b"User-agent: *\nSitemap: /sitemap_index.xml\nsitemap: https://a.example/more.xml\n",
                           "https://a.example/robots.txt") == ["https://a.example/sitemap_index.xml", "https://a.example/more.xml"]


def test_report_lines_name_refusals_failures_and_cause():
    lines = summary_lines({"source": "busy", "status": "failed", "pages": 6, "listings_new": 0, "photos_seen": 0,
                           "refusals": {"home page": 1}, "failures": {"http": 5}, "cause": "no listing: 5 of 6 pages failed"})
    assert lines[0].startswith("busy: failed, 6 pages, listings 0 new")
    assert lines[1:] == ["  refused as not a listing: home page 1", "  failed pages by kind: http 5",
                         "  cause: no listing: 5 of 6 pages failed"]
