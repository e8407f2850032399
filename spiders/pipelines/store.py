"""Upsert the listing under its stable id: a re-crawl updates it, never duplicates it."""

from __future__ import annotations

from scrapy.exceptions import DropItem

from registry.listings.store import ListingError, clean_listing, upsert_listing
from spiders.items import listing_record
from spiders.state import get_run, write_lock


class StoreListingPipeline:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        run = get_run(self.crawler)
        try:
            row = clean_listing(listing_record(item), guess_currency=False)
        except ListingError as exc:
            raise DropItem(str(exc)) from None
        with write_lock(run.db):
            result = upsert_listing(run.db, row, crawl_run_id=run.run_id, now=item.get("fetched_at"))
        item["listing_id"], item["state"] = result.listing_id, result.state
        run.count(f"listings_{result.state}")
        run.ledger.page(item.get("page_url") or item["url"], "listing", result.state, listing_id=result.listing_id)
        return item
