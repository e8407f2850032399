"""Download listing photos within size and type limits, store and hash them through registry.

Photos are fetched from whatever public host the listing page names (sites serve them from
CDNs), politely per host like every request. Addresses inside the network (loopback, private,
link-local, cloud metadata) are refused unless the source itself is on such an address, so a
crawled page cannot make farmwatch fetch from inside the network (registry.fetch.refuse_address).
A photo already stored for the listing at the same address is not fetched again, so a re-crawl
with nothing changed downloads no photos; a changed listing's photos are all fetched again, since
a seller may put a new picture at the old address and the new version must show what it showed;
such a photo is asked for with its strong ETag (If-None-Match), and kept as stored when the server
answers 304 (spiders.conditional), else stored from the new body.
A bad photo (too big, not an image, a decompression bomb, truncated, refused address) is recorded
on its listing_photos row (a stored photo whose address failed this time is kept) and in the
error log; the listing is kept.
"""

from __future__ import annotations

import asyncio
import threading
from urllib.parse import urlsplit

from scrapy import Request

from registry.db import connect
from registry.fetch import refuse_address
from registry.listings.store import known_photo, save_listing_photo, store_listing_photo
from registry.listings.validators import keep_photo, photo_validators, set_photo_validators
from spiders.conditional import believe_304, request_headers, response_validators
from spiders.state import get_run, write_lock

_threads = threading.local()
NOT_MODIFIED = "not modified"  # one database connection per worker thread


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
            if item.get("state") != "changed" and known_photo(run.db, lid, position, url):
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
        conditional = self.crawler.settings.getbool("FARMWATCH_CONDITIONAL", True)
        asks = [request_headers(*photo_validators(run.db, lid, position, url), photo=True) if conditional else {}
                for position, url in wanted]
        downloads = await asyncio.gather(*(self.fetch(url, ask) for (_, url), ask in zip(wanted, asks, strict=True)))
        for (position, url), (data, problem, validators) in zip(wanted, downloads, strict=True):
            if problem == NOT_MODIFIED:
                with write_lock(run.db):
                    kept = keep_photo(run.db, lid, position, url)
                if kept:
                    self.crawler.stats.inc_value("farmwatch/photos_not_modified")
                    run.ledger.photo(lid, position, url, "unchanged")
                    continue
                problem = "HTTP 304 for a photo not stored"
            # stored one after another, in gallery order, so the first of two equal pictures is the one kept
            outcome = await asyncio.to_thread(self.store, lid, position, url, data, problem, validators)
            if outcome.outcome in ("stored", "duplicate"):
                if outcome.outcome == "stored":
                    run.count("photos_stored")
                run.ledger.photo(lid, position, url, outcome.outcome, sha256=outcome.sha256,
                                 duplicate_of=outcome.duplicate_of)
            else:
                run.ledger.photo(lid, position, url, "failed" if data is None else "refused", reason=outcome.reason)
                run.record_error(url, f"photo not stored: {outcome.reason}")
        return item

    def store(self, listing_id: str, position: int, url: str, data: bytes | None, problem: str | None,
              validators: tuple[str | None, str | None] = (None, None)):
        """What became of one photo (registry.listings.PhotoOutcome), its validators kept on its row;
        runs in a worker thread with that thread's own connection."""
        db = getattr(_threads, "db", None)
        if db is None:
            db = _threads.db = connect(self.crawler.settings.get("FARMWATCH_DB"), migrate=False)
        outcome = store_listing_photo(db, listing_id, position, url, data, error=problem)
        if outcome.outcome == "stored" and any(validators):
            with db.atomic():
                set_photo_validators(db, listing_id, position, url, etag=validators[0], last_modified=validators[1])
        return outcome

    async def fetch(self, url: str, ask: dict[str, str] | None = None):
        """(body, problem, validators) of one photo download; problem is NOT_MODIFIED for a believed
        304 to the conditional headers `ask`."""
        request = Request(url, meta={"download_maxsize": self.maxsize, "farmwatch_role": "photo"},
                          headers=ask or None, dont_filter=True)
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:
            from spiders.errors import describe_error

            return None, describe_error(exc, self.maxsize), (None, None)
        if response.status == 304 and ask and believe_304(ask, response) is None:
            return None, NOT_MODIFIED, (None, None)
        if response.status != 200:
            return None, f"HTTP {response.status}", (None, None)
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        if content_type.startswith(("text/", "application/json", "application/xhtml")):
            return None, f"served as {content_type.split(';')[0]}, not an image", (None, None)
        return response.body, None, response_validators(response)
