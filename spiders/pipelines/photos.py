"""Download listing photos within size and type limits, store and hash them through registry.

A photo already stored for the listing at the same address is not fetched again, so a
re-crawl with nothing changed downloads no photos. A bad photo (too big, not an image, a
decompression bomb, truncated, on a host the source does not allow) is recorded on its
listing_photos row and in the error log; the listing is kept.
"""

from __future__ import annotations

import asyncio
import threading
from urllib.parse import urlsplit

from scrapy import Request

from registry.db import connect
from registry.listings import known_photo, save_listing_photo
from spiders.state import get_run, write_lock

_threads = threading.local()  # one database connection per worker thread


def site_of(host: str) -> str:
    """The registrable part of a host name, roughly: example.co.uk for img.example.co.uk."""
    labels = host.lower().strip(".").split(".")
    if len(labels) >= 3 and len(labels[-2]) <= 3 and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def photo_host_allowed(url: str, domains: list[str], extra: list[str]) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if not host:
        return False
    if host in domains or host in extra or any(host.endswith("." + d) for d in extra):
        return True
    return any(site_of(host) == site_of(d) for d in domains if not d.replace(".", "").isdigit())


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
        wanted = []
        for position, url in enumerate(item.get("photos") or [], start=1):
            if known_photo(run.db, item["listing_id"], position, url):
                self.crawler.stats.inc_value("farmwatch/photos_unchanged")
            elif not photo_host_allowed(url, source.domains, source.photo_domains):
                with write_lock(run.db):
                    save_listing_photo(run.db, item["listing_id"], position, url, error="photo host not allowed")
                run.record_error(url, "photo on another site's host: not fetched (add it to photo_domains)")
            else:
                wanted.append((position, url))
        results = await asyncio.gather(*(self.fetch_and_store(item["listing_id"], position, url) for position, url in wanted))
        for (_, url), (stored, problem) in zip(wanted, results, strict=True):
            if stored:
                run.count("photos_stored")
            else:
                run.record_error(url, f"photo not stored: {problem}")
        return item

    async def fetch_and_store(self, listing_id: str, position: int, url: str) -> tuple[bool, str | None]:
        """Download, then check, hash and store in a worker thread, so decoding never stalls the crawl."""
        data, problem = await self.fetch(url)
        return await asyncio.to_thread(self.store, listing_id, position, url, data, problem)

    def store(self, listing_id: str, position: int, url: str, data: bytes | None, problem: str | None):
        """(stored, problem) for one photo; runs in a worker thread with that thread's own connection."""
        db = getattr(_threads, "db", None)
        if db is None:
            db = _threads.db = connect(self.crawler.settings.get("FARMWATCH_DB"), migrate=False)
        stored = save_listing_photo(db, listing_id, position, url, data, error=problem)
        if stored:
            return True, None
        row = db.execute("select error from listing_photos where listing_id = ? and position = ?",
                         [listing_id, position]).fetchone()
        return False, row[0] if row else problem

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
