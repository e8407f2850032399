"""Download listing photos within size and type limits, store and hash them through registry.

Photos are fetched from whatever public host the listing page names (sites serve them from
CDNs), politely per host like every request. Addresses inside the network (loopback, private,
link-local, cloud metadata) are refused unless the source itself is on such an address, so a
crawled page cannot make farmwatch fetch from inside the network (registry.fetch.refuse_address).
A photo already stored for the listing at the same address is not fetched again, so a re-crawl
with nothing changed downloads no photos. A bad photo (too big, not an image, a decompression
bomb, truncated, refused address) is recorded on its listing_photos row and in the error log;
the listing is kept.
"""

from __future__ import annotations

import asyncio
import threading
from urllib.parse import urlsplit

from scrapy import Request

from registry.db import connect
from registry.fetch import refuse_address
from registry.listings.store import known_photo, save_listing_photo, store_listing_photo
from spiders.state import get_run, write_lock

_threads = threading.local()  # one database connection per worker thread


def photo_refusal(url: str, source) -> str | None:
    """Why this photo address is not fetched for the source, or None. Hosts named in the source's
    photo_domains are trusted as configured (an operator's own CDN on a private network)."""
    host = (urlsplit(url).hostname or "").lower()
    if not host:
        return "photo address has no host"
    if host in source.photo_domains or any(host.endswith("." + d) for d in source.photo_domains):
        return None
    reason = refuse_address(url, source.start_urls)
    if reason and host.endswith(".invalid"):
        return f"photo on another site's host that cannot exist ({host}): not fetched"
    return reason


class PhotosPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.maxsize = crawler.settings.getint("PHOTO_MAXSIZE", 20 * 1024 * 1024)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_item(self, item):
        run = get_run(self.crawler)
        spider = self.crawler.spider
        source = spider.source
        lid = item["listing_id"]
        wanted = []
        for position, url in enumerate(item.get("photos") or [], start=1):
            if known_photo(run.db, lid, position, url):
                self.crawler.stats.inc_value("farmwatch/photos_unchanged")
                run.ledger.photo(lid, position, url, "unchanged")
                continue
            refusal = await asyncio.to_thread(photo_refusal, url, source)
            if refusal:
                with write_lock(run.db):
                    save_listing_photo(run.db, lid, position, url, error=refusal)
                run.ledger.photo(lid, position, url, "refused", reason=refusal)
                run.record_error(url, refusal)
            else:
                wanted.append((position, url))
        downloads = await asyncio.gather(*(self.fetch(url) for _, url in wanted))
        for (position, url), (data, problem) in zip(wanted, downloads, strict=True):
            # stored one after another, in gallery order, so the first of two equal pictures is the one kept
            outcome = await asyncio.to_thread(self.store, lid, position, url, data, problem)
            if outcome.outcome in ("stored", "duplicate"):
                if outcome.outcome == "stored":
                    run.count("photos_stored")
                run.ledger.photo(lid, position, url, outcome.outcome, sha256=outcome.sha256,
                                 duplicate_of=outcome.duplicate_of)
            else:
                run.ledger.photo(lid, position, url, "failed" if data is None else "refused", reason=outcome.reason)
                run.record_error(url, f"photo not stored: {outcome.reason}")
        return item

    def store(self, listing_id: str, position: int, url: str, data: bytes | None, problem: str | None):
        """What became of one photo (registry.listings.PhotoOutcome); runs in a worker thread with that
        thread's own connection."""
        db = getattr(_threads, "db", None)
        if db is None:
            db = _threads.db = connect(self.crawler.settings.get("FARMWATCH_DB"), migrate=False)
        return store_listing_photo(db, listing_id, position, url, data, error=problem)

    async def fetch(self, url: str) -> tuple[bytes | None, str | None]:
        request = Request(url, meta={"download_maxsize": self.maxsize, "farmwatch_role": "photo"},
                          dont_filter=True)
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:
            from spiders.errors import describe_error

            return None, describe_error(exc, self.maxsize)
        if response.status != 200:
            return None, f"HTTP {response.status}"
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        if content_type.startswith(("text/", "application/json", "application/xhtml")):
            return None, f"served as {content_type.split(';')[0]}, not an image"
        return response.body, None
