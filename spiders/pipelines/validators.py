"""Remember a listing page's validators (ETag, Last-Modified) once the listing and its photos are
stored, so the next crawl can ask for it conditionally (spiders.conditional). Last in the pipeline:
a listing whose storing failed part-way keeps no validators and is fetched whole next time."""

from __future__ import annotations

from registry.listings.validators import remember_page
from spiders.state import get_run, write_lock


class ValidatorsPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.enabled = crawler.settings.getbool("FARMWATCH_CONDITIONAL", True)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        if not self.enabled or not item.get("listing_id") or not item.get("page_url"):
            return item
        run = get_run(self.crawler)
        with write_lock(run.db):
            remember_page(run.db, item["source"], item["page_url"], item["listing_id"], etag=item.get("etag"),
                          last_modified=item.get("last_modified"), links=item.get("page_links"),
                          now=item.get("fetched_at"))
        return item
