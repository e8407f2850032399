"""Keep the page as evidence (compressed, with SHA-256 and fetch time) for new and changed listings."""

from __future__ import annotations

from registry.listings.store import save_snapshot
from spiders.state import get_run, write_lock


class SnapshotPipeline:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        run = get_run(self.crawler)
        body = item.get("snapshot")
        if body:
            missing = run.db.execute("select snapshot_sha256 is null from listings where id = ?",
                                     [item["listing_id"]]).fetchone()
            if item.get("state") in ("new", "changed") or (missing and missing[0]):
                with write_lock(run.db):
                    save_snapshot(run.db, item["listing_id"], body, item.get("fetched_at"))
        item["snapshot"] = None
        return item
