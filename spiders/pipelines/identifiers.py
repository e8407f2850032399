"""Identifier candidates pulled out of titles and descriptions, beside those the site published."""

from __future__ import annotations

from registry.identifiers import matching_key
from spiders.text import find_identifiers

MAX_IDENTIFIERS = 20


class IdentifierCandidatesPipeline:
    def process_item(self, item):
        identifiers = list(item.get("identifiers") or [])
        keys = {matching_key(i["value"]) for i in identifiers}
        for candidate in find_identifiers(item.get("title"), item.get("description")):
            key = matching_key(candidate["value"])
            if key and key not in keys:
                keys.add(key)
                identifiers.append(candidate)
        item["identifiers"] = identifiers[:MAX_IDENTIFIERS]
        return item
