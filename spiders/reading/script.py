"""What a page keeps in its scripts' state rather than in its HTML: gallery arrays assigned in
script (`imageUrls: [...]`, `"images": [{...}]`), read as JavaScript object literals by chompjs.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import chompjs

from spiders.reading.photos import IMAGE_PATH

_SCRIPT_ARRAY = re.compile(r"[\"']?(\w*(?:image|img|photo|picture|gallery)\w*)[\"']?\s*[:=]\s*\[", re.I)
_NOT_GALLERY = re.compile(r"related|similar|recommend|other|banner|logo|icon|ads?\b|promo|sponsor", re.I)
_URL_KEYS = ("max", "zoom", "large", "full", "orig", "big", "hd", "high", "display", "main", "medium", "src", "url",
             "href", "thumb", "small")


def _url_in(entry) -> str | None:
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict):
        keyed = [(k, v) for k, v in entry.items() if isinstance(v, str) and re.match(r"^(https?:)?//|^/", v)]
        for hint in _URL_KEYS:
            for key, value in keyed:
                if hint in key.lower():
                    return value
        return keyed[0][1] if keyed else None
    return None


def script_images(doc, limit: int = 20) -> list[str]:
    """Photo addresses in script arrays named like a gallery (imageUrls: [...], "images": [{...}])."""
    found: list[str] = []
    arrays = 0
    for script in doc.iter("script"):
        text = script.text or ""
        if len(text) > 3_000_000 or "[" not in text:
            continue
        for match in _SCRIPT_ARRAY.finditer(text):
            if arrays >= limit or _NOT_GALLERY.search(match[1]):
                continue
            try:
                value = chompjs.parse_js_object(text[match.end() - 1:match.end() + 200_000])
            except Exception:  # not a literal array
                continue
            arrays += 1
            for entry in value if isinstance(value, list) else []:
                url = _url_in(entry)
                if url and re.match(r"^(https?:)?//", url) and IMAGE_PATH.search(urlsplit(url).path):
                    found.append(url)
    return found
