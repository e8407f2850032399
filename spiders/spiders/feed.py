"""Saved searches published as RSS or Atom: each entry's page is read for the listing, with the
entry's own title, description, date and enclosures as the fallback."""

from __future__ import annotations

from spiders.reading.feeds import parse_feed
from spiders.spiders.base import ListingSpider


class FeedSpider(ListingSpider):
    custom_settings = {"DEPTH_LIMIT": 0}  # pagination can be long; the configured links bound the crawl
    name = "feed"
    kinds = ("feed",)

    def parse_start(self, response):
        if not self.count_page(response):
            return
        entries = parse_feed(response.body, response.url)
        self.not_listing(response, "feed", f"{len(entries)} entries")
        if not entries:
            self.run.index_failed = True
            self.run.record_error(response.url, "not an RSS or Atom feed, or a feed without entries")
        for entry in entries:
            if self.in_domain(entry["url"]):
                yield self.request(entry["url"], self.parse_entry, role="listing", cb_kwargs={"entry": entry})
            else:
                self.crawler.stats.inc_value("farmwatch/offsite_links")

    def parse_entry(self, response, entry):
        if response.status == 304:
            yield from self.not_modified(response)
            return
        if self.count_page(response):
            item = self.listing_item(response, fallback=entry)
            if item is not None:
                yield item
