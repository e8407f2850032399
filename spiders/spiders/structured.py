"""Sites that publish schema.org data (JSON-LD, microdata, OpenGraph): start anywhere, follow the
site's own links, read a listing wherever a page describes one. Also reads sitemaps and feeds
met on the way (XML or gzipped, sitemap indexes, and the `Sitemap:` lines of a robots.txt given as a
start address). `farmwatch crawl --start-url URL` uses this spider."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from scrapy.http import TextResponse
from scrapy.linkextractors import LinkExtractor

from spiders.conditional import lastmod_spares
from spiders.reading.feeds import is_feed, parse_feed
from spiders.sitemaps import SitemapTooLarge, read_sitemap_entries, robots_sitemaps, sitemap_body
from spiders.spiders.base import ListingSpider, clean_url

MAX_LINKS_PER_PAGE = 500
_BASE = re.compile(rb"<base\b[^>]*>", re.I)


class StructuredSpider(ListingSpider):
    name = "structured"
    kinds = ("structured", "sitemap")

    def parse_start(self, response):
        return self.parse(response)

    def parse(self, response):
        if response.status == 304:
            yield from self.not_modified(response)
            return
        self.run.count("pages")
        if urlsplit(response.url).path == "/robots.txt":
            yield from self.parse_robots(response)
            return
        try:
            sitemap = sitemap_body(response, self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        except SitemapTooLarge as exc:
            self.run.ledger.page(response.url, "failed", "too_large", reason=str(exc), status=response.status)
            self.run.record_error(response.url, str(exc))
            return
        if sitemap is not None:
            kind, entries = read_sitemap_entries(sitemap)
            if kind is not None:
                yield from self.follow_sitemap(response, kind, entries)
                return
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("farmwatch/not_text")
            kind = response.headers.get(b"Content-Type", b"").decode("latin-1").split(";")[0] or "unknown type"
            self.not_listing(response, "not a web page", f"served as {kind}")
            return
        if sitemap is not None and is_feed(response.body):
            yield from self.follow_feed(response)
            return
        item = self.listing_item(response)
        links = list(self.follow(response)) if self.source.follow_links else []
        if item is not None:
            item["page_links"] = [link.url for link in links]
            yield item
        yield from links

    def parse_robots(self, response):
        """A robots.txt given as a start address: its `Sitemap:` lines are followed."""
        found = robots_sitemaps(response.body, response.url)
        self.not_listing(response, "robots.txt", f"{len(found)} sitemaps named")
        for url in found:
            if self.in_domain(url):
                yield self.request(url, self.parse, role="index")

    def follow_sitemap(self, response, kind: str, entries: list[tuple[str, str | None]]):
        """The sitemap's pages (or, for an index, its sitemaps). A listing page whose lastmod is no
        newer than our last confirmation of it (spiders.conditional.lastmod_spares) is not fetched:
        it is accounted unchanged, with the rule as its reason."""
        self.not_listing(response, "sitemap index" if kind == "sitemapindex" else "sitemap", f"{len(entries)} addresses")
        role = "index" if kind == "sitemapindex" else "listing"
        for url, lastmod in entries:
            if not self.in_domain(url):
                self.crawler.stats.inc_value("farmwatch/offsite_links")
                continue
            address = clean_url(url)
            known = self.validators.get(address) if role == "listing" else None
            fresh = known and address not in self.settled and address not in self.asked
            if fresh and lastmod_spares(lastmod, known.verified_at):
                self.settle_unchanged(address, known, status=None,
                                      reason=f"sitemap lastmod {lastmod} not after our last check {known.verified_at}")
                yield from self.follow_known(known)
            elif address not in self.settled:
                yield self.request(url, self.parse, role=role)

    def follow_feed(self, response):
        entries = parse_feed(response.body, response.url)
        self.not_listing(response, "feed", f"{len(entries)} entries")
        for entry in entries:
            if self.in_domain(entry["url"]):
                yield self.request(entry["url"], self.parse_entry, role="listing", cb_kwargs={"entry": entry})

    def parse_entry(self, response, entry):
        if response.status == 304:
            yield from self.not_modified(response)
            return
        if self.count_page(response):
            item = self.listing_item(response, fallback=entry)
            if item is not None:
                yield item

    def follow(self, response):
        try:
            base = response.xpath("//base/@href").get()
            if base and not self.in_domain(response.urljoin(base.strip())):
                # a <base href> naming another site is ignored: links resolve against the page itself
                self.crawler.stats.inc_value("farmwatch/off_site_base_ignored")
                response = response.replace(body=_BASE.sub(b"", response.body))
            links = LinkExtractor(unique=True).extract_links(response)
        except Exception as exc:  # a page lxml cannot walk
            self.run.record_error(response.url, f"links could not be read ({exc.__class__.__name__})")
            return
        for link in links[:MAX_LINKS_PER_PAGE]:
            if clean_url(link.url) in self.settled:
                continue
            if self.in_domain(link.url):
                yield self.request(link.url, self.parse)
            else:
                self.crawler.stats.inc_value("farmwatch/offsite_links")
