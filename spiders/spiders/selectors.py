"""Sites without structured data: index pages (with pagination) and listing pages read by the
CSS/XPath selectors configured for the source (listing_links, next_page, title, price, ...)."""

from __future__ import annotations

from parsel import Selector

from spiders.reading.selectors import SelectorError, select_links
from spiders.spiders.base import ListingSpider


class SelectorSpider(ListingSpider):
    custom_settings = {"DEPTH_LIMIT": 0}  # pagination can be long; the configured links bound the crawl
    name = "selectors"
    kinds = ("selectors",)

    def parse_start(self, response):
        return self.parse_index(response)

    def parse_index(self, response):
        if not self.count_page(response):
            return
        text = self.page_text(response)
        if text is None:
            self.run.index_failed = True
            return
        sel = Selector(text=text)
        try:
            listings = select_links(sel, self.source.selectors.get("listing_links"), response.url)
            pages = select_links(sel, self.source.selectors.get("next_page"), response.url)
        except SelectorError as exc:
            self.run.index_failed = True
            self.run.record_error(response.url, str(exc))
            return
        self.not_listing(response, "index page", f"{len(listings)} listing links, {len(pages)} next pages")
        for url in listings:
            if self.in_domain(url):
                yield self.request(url, self.parse_listing, role="listing")
            else:
                self.crawler.stats.inc_value("farmwatch/offsite_links")
        for url in pages:
            if self.in_domain(url):
                yield self.request(url, self.parse_index, role="index")

    def parse_listing(self, response):
        if response.status == 304:
            yield from self.not_modified(response)
            return
        if self.count_page(response):
            item = self.listing_item(response)
            if item is not None:
                yield item
