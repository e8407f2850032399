"""Retries that back off: each retry of a request waits longer before it is sent again."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.retry import RetryMiddleware


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, with a delay of RETRY_BACKOFF_BASE * 2**(attempt-1) seconds (capped)."""

    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 0.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    def _retry(self, request, reason):
        retry = super()._retry(request, reason)
        if retry is not None and self.base > 0:
            attempt = retry.meta.get("retry_times", 1)
            retry.meta["farmwatch_backoff"] = min(self.cap, self.base * 2 ** (attempt - 1))
        return retry

    async def process_request(self, request):
        delay = request.meta.pop("farmwatch_backoff", 0)
        if delay:
            await asyncio.sleep(delay)
        return None


class InternalAddressMiddleware:
    """Refuse any request (a redirect included) to a loopback, private, link-local or metadata
    address unless the source itself is on such an address. Host names are resolved in a worker
    thread, once per host and crawl."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.verdicts: dict[str, str | None] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request):
        from scrapy.exceptions import IgnoreRequest

        from registry.fetch import refuse_address

        source = getattr(self.crawler.spider, "source", None)
        host = urlsplit(request.url).hostname or ""
        if source is None or host in source.photo_domains:
            return None
        if host not in self.verdicts:
            self.verdicts[host] = await asyncio.to_thread(refuse_address, request.url, source.start_urls)
        reason = self.verdicts[host]
        if reason:
            self.crawler.stats.inc_value("farmwatch/internal_refused")
            raise IgnoreRequest(reason)
        return None


class SiteScopeMiddleware:
    """Keep a crawl's pages on its site (spiders.site.Site): a request for another origin is refused,
    and a redirect there too, unless it leads to another origin of the same registrable domain, which
    then joins the site. Photos (fetched from wherever the page names them, within the address guard)
    and Scrapy's own robots.txt requests are not pages and pass. Replaces Scrapy's host-based
    OffsiteMiddleware, which ignores ports and schemes."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        from scrapy.exceptions import IgnoreRequest

        from spiders.errors import OFF_SITE

        site = getattr(self.crawler.spider, "site", None)
        role = request.meta.get("farmwatch_role")
        if site is None or role in (None, "photo") or site.allows(request.url):
            return None
        redirects = request.meta.get("redirect_urls")
        if redirects and site.adopt(request.url):
            self.crawler.stats.inc_value("farmwatch/site_origins_adopted")
            return None
        self.crawler.stats.inc_value("farmwatch/off_site_refused")
        if redirects:
            raise IgnoreRequest(f"{OFF_SITE}: {redirects[0]} leads to {request.url}, another site")
        raise IgnoreRequest(f"not on the site: {request.url}")
