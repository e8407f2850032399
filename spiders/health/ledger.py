"""The crawl's ledger: one outcome for every page and every photo, written to `crawl_pages` and
`crawl_photos`, and the run's refusals by rule and failures by kind for its `crawl_runs` row.

Page outcomes: `listing` (detail new, changed or unchanged), `removed` (a known listing answered
404/410), `not_listing` (detail: the rule that refused it, e.g. "sitemap", "index page",
"login wall") or `failed` (detail: the kind of error, see spiders.errors.failure_kind).
Photo outcomes: `stored`, `unchanged` (already stored at that address: not fetched again),
`duplicate` (the same picture as another photo of the listing: stored once), `refused` (an
address never fetched, or content that is not a usable image) and `failed` (the download failed).
"""

from __future__ import annotations

from collections import Counter

from registry.db import utcnow

PAGE_OUTCOMES = ("listing", "removed", "not_listing", "failed")
PHOTO_OUTCOMES = ("stored", "unchanged", "duplicate", "refused", "failed")
MAX_ROWS = 50_000  # a crawl stops at 20,000 pages; photos are at most 64 a listing


class Ledger:
    """Rows buffered in memory and written with the run's counts (CrawlRun.flush)."""

    def __init__(self):
        self.pages: list[dict] = []
        self.photos: list[dict] = []
        self.page_outcomes: Counter = Counter()
        self.photo_outcomes: Counter = Counter()
        self.refusals: Counter = Counter()
        self.failures: Counter = Counter()
        self.failed_start: list[dict] = []  # start addresses that failed, for the run's verdict
        self.written_pages = self.written_photos = 0
        self.rows = 0

    def page(self, url: str, outcome: str, detail: str | None = None, *, reason: str | None = None,
             status: int | None = None, listing_id: str | None = None, start: bool = False) -> None:
        """Record one page's outcome (see the module's docstring for the vocabulary)."""
        if outcome not in PAGE_OUTCOMES:
            raise ValueError(f"unknown page outcome {outcome!r}")
        self.page_outcomes[outcome] += 1
        if outcome == "not_listing":
            self.refusals[detail or "not a listing"] += 1
        elif outcome == "failed":
            self.failures[detail or "other"] += 1
            if start:
                self.failed_start.append({"url": url, "kind": detail, "reason": reason})
        if self.rows < MAX_ROWS:
            self.rows += 1
            self.pages.append({"url": (url or "")[:2000], "outcome": outcome, "detail": detail,
                               "reason": (reason or "")[:500] or None, "http_status": status,
                               "listing_id": listing_id, "at": utcnow()})

    def photo(self, listing_id: str, position: int, url: str | None, outcome: str, *, sha256: str | None = None,
              duplicate_of: int | None = None, reason: str | None = None) -> None:
        """Record one photo's outcome."""
        if outcome not in PHOTO_OUTCOMES:
            raise ValueError(f"unknown photo outcome {outcome!r}")
        self.photo_outcomes[outcome] += 1
        if self.rows < MAX_ROWS:
            self.rows += 1
            self.photos.append({"listing_id": listing_id, "position": position, "url": (url or "")[:2000] or None,
                                "outcome": outcome, "sha256": sha256, "duplicate_of": duplicate_of,
                                "reason": (reason or "")[:500] or None, "at": utcnow()})

    def counts(self) -> dict:
        """The crawl_runs columns this ledger fills."""
        import json

        photos = self.photo_outcomes
        return {
            "listings_seen": self.page_outcomes["listing"],
            "photos_seen": sum(photos.values()),
            "photos_unchanged": photos["unchanged"],
            "photos_duplicate": photos["duplicate"],
            "photos_refused": photos["refused"] + photos["failed"],
            "refusals": json.dumps(dict(self.refusals.most_common())),
            "failures": json.dumps(dict(self.failures.most_common())),
        }

    def write(self, db, run_id: int) -> None:
        """Insert the rows recorded since the last write (the caller holds the write lock)."""
        if self.pages:
            db["crawl_pages"].insert_all([{**row, "crawl_run_id": run_id} for row in self.pages])
            self.pages = []
        if self.photos:
            db["crawl_photos"].insert_all([{**row, "crawl_run_id": run_id} for row in self.photos])
            self.photos = []
