"""A sources file for a running demonstration marketplace (its address changes with the port)."""

from __future__ import annotations

from pathlib import Path

import yaml

CLASSIFIEDS_SELECTORS = {
    "listing_links": "ul.results a.ad-link::attr(href)",
    "next_page": "nav.pagination a.next::attr(href)",
    "title": "h1.ad-title::text",
    "price": "p.price::text",
    "location": "p.where::text",
    "posted_at": "p.posted time::attr(datetime)",
    "description": "div.ad-body",
    "photos": "div.gallery img::attr(src)",
    "make": "td.make::text",
    "model": "td.model::text",
    "year": "td.year::text",
    "colour": "td.colour::text",
    "seller_name": "a.seller-name::text",
    "seller_profile_url": "a.seller-name::attr(href)",
    "seller_phone": "span.phone::text",
    "identifiers": {"serial": "td.serial::text"},
}


def market_sources(base_url: str, prefix: str = "demo") -> dict:
    base = base_url.rstrip("/")
    return {
        "contact": "mailto:rural-crime@example.org",
        "sources": [
            {"name": f"{prefix}-classifieds", "kind": "selectors", "enabled": True,
             "start_urls": [f"{base}/classifieds/"], "selectors": CLASSIFIEDS_SELECTORS},
            {"name": f"{prefix}-dealer", "kind": "structured", "enabled": True,
             "start_urls": [f"{base}/dealer/sitemap.xml", f"{base}/dealer/"]},
            {"name": f"{prefix}-auctions", "kind": "feed", "enabled": True,
             "start_urls": [f"{base}/feeds/saved-search.rss"]},
        ],
    }


def write_sources(base_url: str, path) -> Path:
    """Write a sources file whose three sources crawl the market at base_url."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    header = "# Sources for the demonstration marketplace at " + base_url + "\n"
    target.write_text(header + yaml.safe_dump(market_sources(base_url), sort_keys=False), encoding="utf-8")
    return target
