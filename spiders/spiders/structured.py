"""Sites that publish schema.org data (JSON-LD, microdata, OpenGraph): start anywhere, follow the
site's own links, read a listing wherever a page describes one. Also reads sitemaps and feeds
met on the way. `farmwatch crawl --start-url URL` uses this spider."""

from __future__ import annotations

from scrapy.linkextractors import LinkExtractor

from spiders.reading.feeds import is_feed, is_sitemap, parse_feed, parse_sitemap
from spiders.spiders.base import ListingSpider

MAX_LINKS_PER_PAGE = 500


class StructuredSpider(ListingSpider):
    name = "structured"
    kinds = ("structured", "sitemap")

    def parse_start(self, response):
        return self.parse(response)

    def parse(self, response):
        if not self.count_page(response):
            return
        head = response.body[:512].lstrip().lower()
        if head.startswith(b"<?xml") or head.startswith((b"<urlset", b"<sitemapindex", b"<rss", b"<feed")):
            yield from self.parse_xml(response)
            return
        item = self.listing_item(response)
        if item is not None:
            yield item
        if self.source.follow_links:
            yield from self.follow(response)

    def parse_xml(self, response):
        if is_sitemap(response.body):
            pages, nested = parse_sitemap(response.body, response.url)
            for url in nested:
                if self.in_domain(url):
                    yield self.request(url, self.parse, role="index")
            for url in pages:
                if self.in_domain(url):
                    yield self.request(url, self.parse, role="listing")
        elif is_feed(response.body):
            for entry in parse_feed(response.body, response.url):
                if self.in_domain(entry["url"]):
                    yield self.request(entry["url"], self.parse_entry, role="listing", cb_kwargs={"entry": entry})

    def parse_entry(self, response, entry):
        if self.count_page(response):
            item = self.listing_item(response, fallback=entry)
            if item is not None:
                yield item

    def follow(self, response):
        try:
            links = LinkExtractor(unique=True).extract_links(response)
        except Exception as exc:  # a page lxml cannot walk
            self.run.record_error(response.url, f"links could not be read ({exc.__class__.__name__})")
            return
        for link in links[:MAX_LINKS_PER_PAGE]:
            if self.in_domain(link.url):
                yield self.request(link.url, self.parse)
            else:
                self.crawler.stats.inc_value("farmwatch/offsite_links")
