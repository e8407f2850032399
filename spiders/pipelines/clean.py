"""Clean and normalise fields: text without markup, prices as numbers, currencies, dates in UTC."""

from __future__ import annotations

import math
import re

from scrapy.exceptions import DropItem

from registry.cleaning import parse_datetime
from registry.listings.prices import parse_price
from spiders.reading.text import clean_text

TEXT_FIELDS = ("title", "location", "category", "make", "model", "colour")
MAX_PHOTOS = 64  # a dealer's gallery can hold 50 or more
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _coordinate(value, limit: float) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and -limit <= number <= limit else None


class CleanFieldsPipeline:
    def process_item(self, item):
        for field in TEXT_FIELDS:
            item[field] = clean_text(item.get(field))
        item["description"] = clean_text(item.get("description"), keep_lines=True)
        if not item.get("title"):
            raise DropItem("no title: not a listing")
        declared = (clean_text(item.get("currency")) or "").upper()
        declared = declared if _CURRENCY.match(declared) else None
        published = item.get("price")
        published = clean_text(published) if isinstance(published, str) else published
        price = parse_price(published, default_currency=declared)
        item["price"] = price.amount_float if price else None
        item["price_text"] = published if isinstance(published, str) else None
        item["currency"] = declared or (price.currency if price else None)
        item["posted_at"] = parse_datetime(clean_text(item.get("posted_at")))
        for field, limit in (("latitude", 90), ("longitude", 180)):
            item[field] = _coordinate(item.get(field), limit)
        seller = item.get("seller") or {}
        item["seller"] = {k: clean_text(v) for k, v in seller.items() if clean_text(v)} if isinstance(seller, dict) else {}
        photos = [p for p in item.get("photos") or [] if isinstance(p, str) and re.match(r"^https?://", p, re.I)]
        item["photos"] = list(dict.fromkeys(photos))[:MAX_PHOTOS]
        identifiers = []
        for entry in item.get("identifiers") or []:
            value = clean_text(entry.get("value")) if isinstance(entry, dict) else None
            if value:
                identifiers.append({"kind": clean_text(entry.get("kind")) or "other", "value": value[:100]})
        item["identifiers"] = identifiers
        return item
