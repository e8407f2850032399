"""Sources marked `render: browser`: their pages are fetched through Debian's Chromium with
scrapy-playwright, so an ad the page builds with script (from a JSON endpoint, a client-side app)
is read as a visitor sees it.

Only the pages go through the browser; robots.txt, sitemaps, feeds and photos are fetched as
usual. Each page request still passes Scrapy's scheduler and every downloader middleware
(robots.txt, politeness delays and concurrency, the site scope, the address guard, retries), and
what the page itself asks for in the browser is guarded here: images, media and fonts are never
loaded (photos are fetched later, within their limits), and nothing is requested from inside the
network unless the source is there too (registry.fetch.refuse_address), nor any scheme but http(s),
`data:` and `blob:`, nor a document (a redirect Chromium follows itself, a frame) off the site's
registrable domain (spiders.site). Chromium is never downloaded: `FARMWATCH_CHROMIUM` or /usr/bin/chromium.
"""

from __future__ import annotations

import asyncio
import os
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
NOT_LOADED = {"image", "media", "font"}
NOT_RENDERED = (".xml", ".xml.gz", ".gz", "/robots.txt", ".rss", ".atom")


class BrowserGuard:
    """PLAYWRIGHT_ABORT_REQUEST: True (abort) for what a rendered page must not load."""

    def __init__(self, start_urls: list[str]):
        from spiders.site import Site

        self.start_urls = list(start_urls)
        self.site = Site(self.start_urls)
        self.verdicts: dict[str, str | None] = {}

    async def __call__(self, request) -> bool:
        from registry.fetch import refuse_address

        if request.resource_type in NOT_LOADED:
            return True
        url = request.url
        scheme = urlsplit(url).scheme.lower()
        if scheme in ("data", "blob"):
            return False
        if scheme not in ("http", "https"):
            return True
        if request.resource_type == "document" and not self.site.same_site(url):
            return True  # a redirect or frame to another site: the browser stays on the site too
        host = urlsplit(url).hostname or ""
        if host not in self.verdicts:
            self.verdicts[host] = await asyncio.to_thread(refuse_address, url, self.start_urls)
        return self.verdicts[host] is not None


def chromium_path() -> str:
    return os.environ.get("FARMWATCH_CHROMIUM") or CHROMIUM


def browser_settings(start_urls: list[str], download_timeout: float) -> dict:
    """Scrapy settings that send requests marked `playwright` through Chromium (others as usual)."""
    handler = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
    return {
        "DOWNLOAD_HANDLERS": {"http": handler, "https": handler},
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": chromium_path(), "headless": True, "args": CHROMIUM_FLAGS},
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 2,  # as many as requests per site at once
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": download_timeout * 1000,
        "PLAYWRIGHT_ABORT_REQUEST": BrowserGuard(start_urls),
    }


def render_meta(url: str) -> dict:
    """Request meta that renders a page in the browser, waiting until its scripts stop fetching;
    empty for addresses that are not pages (sitemaps, feeds, robots.txt)."""
    if urlsplit(url).path.lower().endswith(NOT_RENDERED):
        return {}
    return {"playwright": True, "playwright_page_goto_kwargs": {"wait_until": "networkidle"}}
