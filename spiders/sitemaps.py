"""Sitemaps read as Scrapy's own SitemapSpider reads them (scrapy.utils.sitemap, scrapy.utils.gz):
XML sitemaps and sitemap indexes, gzipped (`.xml.gz`, or any body starting with gzip's magic
number) or not, and the `Sitemap:` lines of a robots.txt. Entities are never expanded (lxml with
`resolve_entities=False`) and a gzipped sitemap is refused above the page size limit once
decompressed (a compression bomb).
"""

from __future__ import annotations

from scrapy.http import XmlResponse
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

MAX_PAGES = 50_000  # the sitemap protocol's own limit per file
MAX_NESTED = 50_000


class SitemapTooLarge(ValueError):
    """A gzipped sitemap larger than the size limit once decompressed."""


def sitemap_body(response, max_size: int) -> bytes | None:
    """The XML of a response that is a sitemap (as SitemapSpider._get_sitemap_body decides), or None;
    raises SitemapTooLarge for a gzipped body over `max_size` bytes once decompressed."""
    if gzip_magic_number(response):
        try:
            return gunzip(response.body, max_size=max_size)
        except ValueError as exc:  # scrapy's _DecompressionMaxSizeExceeded, or a broken gzip stream
            raise SitemapTooLarge(f"gzipped sitemap could not be read within {max_size // 2**20} MB ({exc})") from None
    if isinstance(response, XmlResponse) or response.url.lower().split("?")[0].endswith((".xml", ".xml.gz")):
        return response.body
    head = response.body[:512].lstrip().lower()
    if head.startswith(b"<?xml") or head.startswith((b"<urlset", b"<sitemapindex")):
        return response.body
    return None


def read_sitemap_entries(body: bytes) -> tuple[str | None, list[tuple[str, str | None]]]:
    """(type, entries): `urlset` with its pages' (address, lastmod), `sitemapindex` with its sitemaps',
    or (None, []) when the XML is neither. lastmod is the text as published (W3C datetime), or None."""
    try:
        sitemap = Sitemap(body)
    except Exception:  # lxml could not even find a root element
        return None, []
    if sitemap.type not in ("urlset", "sitemapindex"):
        return None, []
    limit = MAX_PAGES if sitemap.type == "urlset" else MAX_NESTED
    entries = []
    for entry in sitemap:
        if entry.get("loc"):
            entries.append((entry["loc"], entry.get("lastmod")))
            if len(entries) >= limit:
                break
    return sitemap.type, entries


def read_sitemap(body: bytes) -> tuple[str | None, list[str]]:
    """(type, addresses): `urlset` with its pages' addresses, `sitemapindex` with its sitemaps', or
    (None, []) when the XML is neither."""
    kind, entries = read_sitemap_entries(body)
    return kind, [loc for loc, _ in entries]


def robots_sitemaps(body: bytes, base_url: str) -> list[str]:
    """The `Sitemap:` addresses of a robots.txt."""
    return list(dict.fromkeys(sitemap_urls_from_robots(body, base_url=base_url)))
