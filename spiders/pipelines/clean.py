"""Markup out of every text field, once, before identifiers are looked for and the listing is stored.

Only what the registry cannot do is done here: tags and scripts stripped (spiders.reading.text.clean_text),
a listing without a title dropped, photo addresses kept only when they are http(s), once each. The
price, currency, date and coordinates are read and checked once, by registry.listings.store.clean_listing when
the listing is stored (the same rules as `farmwatch listings import`)."""

from __future__ import annotations

import re

from scrapy.exceptions import DropItem

from registry.listings.store import MAX_PHOTOS
from spiders.reading.text import clean_text

TEXT_FIELDS = ("title", "location", "category", "make", "model", "colour")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


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
        item["price"] = clean_text(published) if isinstance(published, str) else published
        item["price_text"] = item["price"] if isinstance(published, str) else None
        item["currency"] = declared
        item["posted_at"] = clean_text(item.get("posted_at"))
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
