"""Declarative selectors: listing fields read from a page by CSS or XPath, for sites without
structured data. A source's `selectors` map field names to expressions; an expression
starting with `/` or `(` is XPath, anything else CSS (with Scrapy's ::text and ::attr()).
"""

from __future__ import annotations

from urllib.parse import urljoin

from parsel import Selector

from spiders.reading.text import clean_text

LINK_KEYS = ("listing_links", "next_page")
TEXT_FIELDS = ("title", "price", "currency", "location", "posted_at", "category", "make", "model", "year",
               "colour", "latitude", "longitude")
SELLER_FIELDS = {"seller_name": "name", "seller_profile_url": "profile_url", "seller_phone": "phone",
                 "seller_email": "email"}
MAX_LINKS = 500


class SelectorError(ValueError):
    """A configured selector that is not valid CSS or XPath."""


def select(sel: Selector, expression: str) -> list[str]:
    """All matches of an expression as strings (the node's HTML when it selects elements)."""
    try:
        nodes = sel.xpath(expression) if expression.lstrip().startswith(("/", "(")) else sel.css(expression)
    except Exception as exc:  # parsel raises cssselect and lxml errors
        raise SelectorError(f'selector "{expression}" is not valid: {exc}') from None
    return [value for value in nodes.getall() if value is not None]


def select_links(sel: Selector, expression: str | None, base_url: str) -> list[str]:
    if not expression:
        return []
    links = []
    for href in select(sel, expression)[:MAX_LINKS]:
        href = clean_text(href)
        if href and not href.lower().startswith(("javascript:", "mailto:", "tel:", "data:")):
            links.append(urljoin(base_url, href).split("#")[0])
    return list(dict.fromkeys(links))


def extract_fields(html_text: str, url: str, selectors: dict) -> dict:
    """A partial listing record from the configured selectors; fields that match nothing are left out."""
    sel = Selector(text=html_text or "<html></html>")
    record: dict = {}
    for field in TEXT_FIELDS:
        if selectors.get(field):
            value = clean_text(" ".join(select(sel, selectors[field])))
            if value:
                record[field] = value
    if selectors.get("description"):
        value = clean_text("\n".join(select(sel, selectors["description"])), keep_lines=True)
        if value:
            record["description"] = value
    seller = {}
    for field, key in SELLER_FIELDS.items():
        if selectors.get(field):
            value = clean_text(" ".join(select(sel, selectors[field])[:1]))
            if value:
                seller[key] = urljoin(url, value) if key == "profile_url" else value
    if seller:
        record["seller"] = seller
    if selectors.get("photos"):
        record["photos"] = select_links(sel, selectors["photos"], url)[:30]
    identifiers = []
    for kind, expression in (selectors.get("identifiers") or {}).items():
        for value in select(sel, expression)[:5]:
            value = clean_text(value)
            if value:
                identifiers.append({"kind": kind, "value": value})
    if identifiers:
        record["identifiers"] = identifiers
    return record
