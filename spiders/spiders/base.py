"""The base of every farmwatch spider: its source, polite requests, error handling, and turning
a listing page into an item from structured data, configured selectors and feed fallbacks.

A site spider only decides which pages to visit; everything else happens here and in the
pipelines.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import scrapy
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from registry.db import utcnow
from registry.listings.store import listing_id, mark_removed
from registry.listings.validators import PageValidators, confirm_unchanged, forget_page, load_page_validators
from spiders.browser import render_meta
from spiders.conditional import believe_304, request_headers, response_validators
from spiders.config import Source, select_sources, source_for_url
from spiders.errors import describe_error, failure_kind, is_robots_refusal
from spiders.items import ListingItem
from spiders.reading.currency import price_mark, settle_currency
from spiders.reading.decode import decode_page
from spiders.reading.listing import extract_listing, why_not_listing
from spiders.reading.price import tidy_price
from spiders.reading.selectors import SelectorError, extract_fields
from spiders.site import Site
from spiders.state import get_run, write_lock

GONE = (404, 410)
TRACKING_PREFIXES = ("utm_", "fbclid", "gclid", "msclkid", "mc_cid", "mc_eid", "_ga", "yclid")


def clean_url(url: str) -> str:
    """The address without its fragment and without tracking parameters, so one listing reached by
    several links is fetched and stored once."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(TRACKING_PREFIXES)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(query), ""))


def _ad_tokens(url: str) -> set[str]:
    """What names an ad in its address: numbers of four or more digits (not years) and long slugs."""
    parts = urlsplit(url)
    text = parts.path + "?" + parts.query
    tokens = {n for n in re.findall(r"(?<!\d)\d{4,}(?!\d)", text) if not re.fullmatch(r"(?:19|20)\d\d", n)}
    tokens |= {seg.lower() for seg in parts.path.split("/") if len(seg) >= 12 and not seg.isdigit()}
    return tokens


def same_ad(url: str, page_url: str) -> bool:
    """True when a canonical address names the same ad as the fetched one: the same path (a tidier
    form), or a shared ad number (four or more digits, not a year) or slug (an id or slug variant).
    A canonical pointing at a home, category or catalogue page shares neither, so listings are never
    folded together."""
    if urlsplit(url).path.rstrip("/") == urlsplit(page_url).path.rstrip("/"):
        return True
    return bool(_ad_tokens(url) & _ad_tokens(page_url))


class ListingSpider(scrapy.Spider):
    """Not run directly: StructuredSpider, SelectorSpider and FeedSpider build on it."""

    kinds: tuple[str, ...] = ()
    source_name: str | None = None  # set by the site spiders made from the sources file

    def __init__(self, *args, source_config: Source | None = None, source: str | None = None,
                 sources: str | None = None, start_url: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if source_config is None:
            if start_url:
                urls = [u for u in start_url.split(",") if u.strip()]
                source_config = source_for_url(urls[0])
                source_config.start_urls = urls
            else:
                name = source or self.source_name
                if not name:
                    raise ValueError(f"spider {self.name} needs -a source=NAME or -a start_url=URL")
                source_config = select_sources([name], sources)[0]
        if self.kinds and source_config.kind not in self.kinds:
            raise ValueError(f"source {source_config.name} is of kind {source_config.kind}, not {self.kinds[0]}")
        self.source = source_config
        self.site = Site(source_config.start_urls)
        self.settled: set[str] = set()  # listing pages accounted unchanged without being read in this crawl
        self.asked: set[str] = set()  # known listing pages requested in this crawl (conditionally or whole)

    @property
    def run(self):
        return get_run(self.crawler)

    def in_domain(self, url: str) -> bool:
        """True when the address is on the crawl's site (its origins: spiders.site.Site)."""
        return self.site.allows(url)

    @property
    def validators(self) -> dict[str, PageValidators]:
        """The source's listing pages' validators from earlier crawls (registry.listings.validators),
        loaded once; empty when FARMWATCH_CONDITIONAL is off."""
        known = getattr(self, "_validators", None)
        if known is None:
            on = self.crawler.settings.getbool("FARMWATCH_CONDITIONAL", True)
            known = self._validators = load_page_validators(self.run.db, self.source.name) if on else {}
        return known

    def request(self, url: str, callback, role: str = "page", **kwargs) -> scrapy.Request:
        """A polite request for a page of the site. A listing page known from an earlier crawl is asked
        for conditionally (If-None-Match / If-Modified-Since, spiders.conditional) unless meta
        `farmwatch_whole` asks for it whole; the callback then receives the 304 (see not_modified)."""
        meta = {"farmwatch_role": role, **kwargs.pop("meta", {})}
        url = clean_url(url)
        known = (self.validators.get(url) if role != "index" and not meta.get("farmwatch_whole")
                 and self.source.render != "browser" else None)  # Chromium answers a navigation itself
        sent = request_headers(known.etag, known.last_modified) if known else {}
        if known:
            self.asked.add(url)  # its answer accounts for it: a sitemap read later does not
        if sent:
            meta.update(farmwatch_sent=sent, handle_httpstatus_list=[304])
            kwargs["headers"] = {**kwargs.get("headers", {}), **sent}
        if self.source.render == "browser":
            meta.update(render_meta(url))
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta, **kwargs)

    def not_modified(self, response):
        """A listing page answered 304 to our conditional request: when the 304 is believed
        (spiders.conditional.believe_304) the listing is unchanged and its stored photos stay; else
        the page is asked for again whole. Yields the requests that follow (the page's own links
        for crawls that follow links)."""
        request = response.request
        url = clean_url(request.url)
        known = self.validators.get(url)
        why = believe_304(request.meta.get("farmwatch_sent") or {}, response)
        self.run.count("pages")
        if url in self.settled:
            return
        if why is None and known is not None:
            self.settle_unchanged(url, known, status=304)
            yield from self.follow_known(known)
            return
        self.run.record_error(response.url, f"{why or 'HTTP 304 for a page not known'}: asked again whole")
        yield self.request(url, request.callback, role=request.meta.get("farmwatch_role", "page"), dont_filter=True,
                           cb_kwargs=request.cb_kwargs, meta={"farmwatch_whole": True})

    def settle_unchanged(self, url: str, known: PageValidators, *, status: int | None, reason: str | None = None) -> None:
        """Account for a listing seen unchanged without reading its page: the listing unchanged, each
        of its stored photos unchanged (not fetched), as a re-read unchanged page would be."""
        self.settled.add(url)
        with write_lock(self.run.db):
            kept = confirm_unchanged(self.run.db, self.source.name, url, known.listing_id, verified=status == 304)
        self.run.count("listings_unchanged")
        self.run.count("listings_not_modified" if status == 304 else "listings_lastmod_skipped")
        self.run.ledger.page(url, "listing", "unchanged", reason=reason, status=status, listing_id=known.listing_id)
        for photo in kept:
            self.crawler.stats.inc_value("farmwatch/photos_unchanged")
            self.run.ledger.photo(known.listing_id, photo.position, photo.url, "unchanged")

    def follow_known(self, known: PageValidators):
        """The links a page known unchanged had when last read (crawls that follow links)."""
        for link in known.links:
            if self.in_domain(link) and clean_url(link) not in self.settled:
                yield self.request(link, self.parse)

    async def start(self):
        for url in self.source.start_urls:
            yield self.request(url, self.parse_start, role="index", dont_filter=True, meta={"farmwatch_start": True})

    def not_listing(self, response, rule: str, reason: str | None = None) -> None:
        """Account for a fetched page that is not a listing, with the rule that says so."""
        self.run.ledger.page(response.url, "not_listing", rule, reason=reason, status=response.status)

    def parse_start(self, response):
        raise NotImplementedError

    def on_error(self, failure):
        """A page that failed: a listing gone (404/410) is marked removed; anything else is logged."""
        request = failure.request
        role = request.meta.get("farmwatch_role", "page")
        start = bool(request.meta.get("farmwatch_start"))
        kind = failure_kind(failure)
        reason = describe_error(failure, self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        status = failure.value.response.status if isinstance(failure.value, HttpError) else None
        if is_robots_refusal(failure):
            self.crawler.stats.inc_value("farmwatch/robots_forbidden")
            self.logger.info("not fetched (robots.txt): %s", request.url)
            self.run.ledger.page(request.url, "failed", "robots", reason="forbidden by robots.txt", start=start)
            return
        if status in GONE and role != "index":
            known = self.validators.get(clean_url(request.url))
            lid = known.listing_id if known else listing_id(self.source.name, clean_url(request.url))
            with write_lock(self.run.db):
                removed = mark_removed(self.run.db, [lid])
                forget_page(self.run.db, self.source.name, clean_url(request.url))
            known = removed or self.run.db.execute("select 1 from listings where id = ?", [lid]).fetchone()
            if known:
                self.run.ledger.page(request.url, "removed", f"HTTP {status}", status=status, listing_id=lid)
                if removed:
                    self.run.count("listings_removed")
                return
        if role == "index":
            self.run.index_failed = True
        self.run.ledger.page(request.url, "failed", kind, reason=reason, status=status, start=start)
        self.run.record_error(request.url, reason, failed_listing=role != "index")
        known = self.validators.get(clean_url(request.url))
        if known and role != "index":  # its listing may be stored under its canonical address
            self.run.failed_ids.add(known.listing_id)

    def count_page(self, response) -> bool:
        """Count a fetched page; False for one that is not text (an image or a PDF where a page was expected)."""
        self.run.count("pages")
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("farmwatch/not_text")
            kind = response.headers.get(b"Content-Type", b"").decode("latin-1").split(";")[0] or "unknown type"
            self.not_listing(response, "not a web page", f"served as {kind}")
            return False
        return True

    def page_text(self, response) -> str | None:
        """The page's text decoded as a browser decides, a declaration its bytes contradict passed
        over (spiders.reading.decode); the correction is noted in the crawl's error log. A body that
        cannot be decoded at all is recorded as a failed page (kind "encoding") and yields None."""
        content_type = response.headers.get("Content-Type")
        try:
            text, _, note = decode_page(response.body, content_type.decode("latin-1") if content_type else None)
        except Exception as exc:  # undecodable bodies
            reason = f"page text could not be decoded ({exc.__class__.__name__})"
            self.run.ledger.page(response.url, "failed", "encoding", reason=reason, status=response.status)
            self.run.record_error(response.url, reason)
            return None
        if note:
            self.run.record_error(response.url, f"page encoding: {note}")
        return text

    def canonical_url(self, response) -> str:
        """The listing's address: its rel=canonical link (else og:url) when that names the same ad
        on this site, so one ad reached by several addresses is stored once (see same_ad)."""
        own = clean_url(response.url)
        if not isinstance(response, TextResponse):
            return own
        hrefs = response.xpath('//link[translate(@rel, "CANONICAL", "canonical")="canonical"]/@href').getall()[:1]
        hrefs += response.xpath('//meta[@property="og:url"]/@content').getall()[:1]
        for href in hrefs:
            url = clean_url(response.urljoin(href.strip()))
            if url.startswith(("http://", "https://")) and self.in_domain(url) and same_ad(url, own):
                return url
        return own

    def listing_item(self, response, fallback: dict | None = None) -> ListingItem | None:
        """The listing on this page, or None when the page is not a listing."""
        text = self.page_text(response) if isinstance(response, TextResponse) else None
        record = dict(fallback or {})
        read: dict = {}
        if text:
            structured, notes = extract_listing(text, response.url)
            for note in notes:
                self.run.record_error(response.url, note)
            record.update(structured or {})
            read = dict(structured or {})
            if self.source.selectors.get("title"):
                try:
                    record.update(extract_fields(text, response.url, self.source.selectors))
                except SelectorError as exc:
                    self.run.record_error(response.url, str(exc))
        if record.get("price") != read.get("price") or record.get("currency") != read.get("currency"):
            # the price came from the source's selectors or its feed: its currency is settled by the same rule
            record["price"] = tidy_price(record.get("price"))
            record["currency"] = settle_currency([record.get("currency")], [price_mark(record.get("price"))],
                                                 read.get("currency_hints") or [])
        if not record.get("title"):
            if text is not None:
                self.not_listing(response, *self.refusal(text, response.url))
            elif isinstance(response, TextResponse) and not response.body:
                self.not_listing(response, "empty page")
            return None
        record.pop("url", None)
        item = ListingItem({k: v for k, v in record.items() if k in ListingItem.fields})
        item["source"] = self.source.name
        item["url"] = self.canonical_url(response)
        item["snapshot"] = response.body
        item["fetched_at"] = utcnow()
        item["page_url"] = response.url
        if not response.meta.get("redirect_urls"):  # kept under the address asked for, for the next crawl
            item["etag"], item["last_modified"] = response_validators(response)
        return item

    def refusal(self, text: str, url: str) -> tuple[str, str | None]:
        """(rule, detail) saying why the page reader found no listing on this page."""
        if self.source.selectors.get("title"):
            return "selectors found no title", None
        return why_not_listing(text, url)
