"""Identifier candidates pulled out of titles and descriptions, beside those the site published."""

from __future__ import annotations

import re

from registry.identifiers.rules import matching_key
from spiders.reading.text import find_identifiers

MAX_IDENTIFIERS = 20


def site_words(item, source) -> set[str]:
    """The site's own names (og:site_name, host labels): "AutoScout24" in an ad is not an identifier."""
    words = {w.lower() for w in re.split(r"[^\w]+", item.get("site_name") or "") if len(w) > 3}
    for host in (source.domains if source is not None else []):
        words |= {p for p in host.lower().split(".") if len(p) > 3 and not p.isdigit()}
    return words


class IdentifierCandidatesPipeline:
    def __init__(self, crawler=None):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        identifiers = list(item.get("identifiers") or [])
        keys = {matching_key(i["value"]) for i in identifiers}
        source = getattr(getattr(self.crawler, "spider", None), "source", None)
        for candidate in find_identifiers(item.get("title"), item.get("description"), site_words=site_words(item, source),
                                          make=item.get("make"), model=item.get("model")):
            key = matching_key(candidate["value"])
            if key and key not in keys:
                keys.add(key)
                identifiers.append(candidate)
        item["identifiers"] = identifiers[:MAX_IDENTIFIERS]
        return item
