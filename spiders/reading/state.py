"""What a page keeps in its state rather than in its HTML: JSON in `data-*` attributes
(`data-gallery-items`, `data-props`, `data-json`), JSON scripts (`__NEXT_DATA__`, any
`type="application/json"`), objects assigned in scripts (`window.__INITIAL_STATE__ = {...}`,
`var X = {...}`) and gallery arrays named in script (`imageUrls: [...]`). JavaScript literals are
read by chompjs.

From that state come the listing's gallery and, through the object that owns the gallery (the ad),
its seller and place. Lists of several objects (result cards, related ads, comments) and anything
under a name of other people or other ads (`related`, `similar`, `user`'s avatar, `comments`, ...)
are never the listing's.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import chompjs

from spiders.reading.photos import IMAGE_PATH

_SCRIPT_ARRAY = re.compile(r"[\"']?(\w*(?:image|img|photo|picture|gallery)\w*)[\"']?\s*[:=]\s*\[", re.I)
_ASSIGNED = re.compile(r"(?:^|[;\s(,])(?:window\.|self\.|var\s+|let\s+|const\s+)?([A-Za-z_$][\w$]*(?:\.[\w$]+)*)\s*=\s*(?=[\[{])")
_GALLERY_KEY = re.compile(r"image|img|photo|picture|pics?$|gallery|slides|media", re.I)
_NOT_GALLERY = re.compile(r"related|similar|recommend|other|banner|logo|icon|promo|sponsor|advert|comment|review|"
                          r"avatar|profile|author|member|video|thumbnailwebp|badge|seller|dealer|user|owner", re.I)
_URL_KEYS = ("max", "zoom", "large", "full", "orig", "big", "hd", "high", "display", "main", "medium", "src", "url",
             "href", "thumb", "small")
_IMAGE_WORD = re.compile(r"/(?:images?|photos?|img|pics?|pictures|media|uploads)/", re.I)
MAX_STATE = 3_000_000
MAX_NODES = 200_000


def _json(text: str):
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        try:
            return chompjs.parse_js_object(text)
        except Exception:  # chompjs raises ValueError and its own errors
            return None


def page_states(doc) -> list[tuple[str, object]]:
    """(name, value) of every state the page holds: JSON data attributes (named by the attribute),
    JSON scripts (by id or type), objects and arrays assigned in scripts (by variable name)."""
    states: list[tuple[str, object]] = []
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        for key, value in el.attrib.items():
            if key.startswith("data-") and value[:1] in "[{" and len(value) > 20 and len(value) < MAX_STATE:
                parsed = _json(value)
                if isinstance(parsed, (dict, list)):
                    states.append((key, parsed))
    for script in doc.iter("script"):
        text = (script.text or "").strip()
        kind = (script.get("type") or "").lower()
        if not text or len(text) > MAX_STATE or "ld+json" in kind:
            continue
        if "json" in kind:
            parsed = _json(text)
            if isinstance(parsed, (dict, list)):
                states.append((script.get("id") or kind, parsed))
            continue
        for match in _ASSIGNED.finditer(text):
            try:
                parsed = chompjs.parse_js_object(text[match.end():match.end() + MAX_STATE])
            except Exception:  # not a literal
                continue
            if isinstance(parsed, (dict, list)) and parsed:
                states.append((match[1], parsed))
    return states


def _urls_in(entry, depth: int = 0) -> list[tuple[str, str, float]]:
    """(key, address, width) of every address in a gallery entry (a string or nested objects)."""
    if isinstance(entry, str):
        return [("", entry, 0.0)] if re.match(r"^(https?:)?//|^/", entry) else []
    if not isinstance(entry, dict) or depth > 2:
        return []
    found = []
    width = entry.get("width") or entry.get("w")
    width = float(width) if isinstance(width, (int, float)) and not isinstance(width, bool) else 0.0
    for key, value in entry.items():
        if isinstance(value, str) and re.match(r"^(https?:)?//|^/", value):
            found.append((key.lower(), value, width))
        elif isinstance(value, dict):
            found += [(key.lower() + "." + k, u, w) for k, u, w in _urls_in(value, depth + 1)]
    return found


def entry_url(entry) -> str | None:
    """The largest address of one gallery entry: the widest when widths are given, else by the name
    of its key (max, zoom, large, full, original ... before thumb and small)."""
    urls = [(k, u, w) for k, u, w in _urls_in(entry) if "video" not in k and _is_photo(u)]
    if not urls:
        return None
    if any(w for _, _, w in urls):
        return max(urls, key=lambda x: x[2])[1]
    for hint in _URL_KEYS:
        for key, url, _ in urls:
            if hint in key.split(".")[0]:
                return url
    return urls[0][1]


def _is_photo(url: str) -> bool:
    path = urlsplit(url).path
    return bool(IMAGE_PATH.search(path) or _IMAGE_WORD.search(path)) and not path.lower().endswith(".svg")


def galleries(states: list[tuple[str, object]]) -> list[tuple[dict | None, list[str]]]:
    """(the object that owns it, addresses) of every gallery list in the states, in page order."""
    found: list[tuple[dict | None, list[str]]] = []
    count = 0

    def walk(value, owner, path: list[str]) -> None:
        nonlocal count
        count += 1
        if count > MAX_NODES or len(path) > 14:
            return
        if isinstance(value, dict):
            for key, child in value.items():
                walk(child, value, path + [str(key)])
        elif isinstance(value, list):
            name = path[-1] if path else ""
            if _GALLERY_KEY.search(name) and not any(_NOT_GALLERY.search(p) for p in path):
                urls = [u for u in (entry_url(e) for e in value[:500]) if u]
                if urls and len(urls) >= len(value) / 2:
                    found.append((owner, urls))
                    return
            dicts = sum(isinstance(e, dict) for e in value)
            if dicts >= 2:
                return  # a list of things (result cards, other ads, comments): not this listing's
            for entry in value[:50]:
                walk(entry, owner, path + ["[]"])

    for name, state in states:
        if not _NOT_GALLERY.search(name):
            walk(state, None, [name])
    return found


def script_images(doc, limit: int = 20) -> list[str]:
    """Photo addresses in script arrays named like a gallery (imageUrls: [...], "images": [{...}]),
    for scripts whose state is not one literal (the array sits inside a call or an expression)."""
    found: list[str] = []
    arrays = 0
    for script in doc.iter("script"):
        text = script.text or ""
        if len(text) > MAX_STATE or "[" not in text:
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
                url = entry_url(entry)
                if url and re.match(r"^(https?:)?//", url) and IMAGE_PATH.search(urlsplit(url).path):
                    found.append(url)
    return found


_SELLER_KEYS = ("seller", "user", "dealer", "owner", "advertiser", "vendor", "account", "contact", "publisher")
_NAME_KEYS = ("companyName", "company", "name", "displayName", "username", "userName", "nickname", "login",
              "contactName")
_FLAT_SELLER = ("sellerName", "dealerName", "userName", "advertiserName", "sellerNickname")
_PLACE_KEYS = ("location", "itemLocation", "address", "place")
_PLACE_PARTS = (("neighbourhood", "neighborhood", "district"),
                ("city", "municipality", "town", "locality", "addressLocality", "cityName"),
                ("uf", "state", "stateCode", "province", "county", "addressRegion", "region"),
                ("zip", "zipcode", "zipCode", "postcode", "postalCode", "postCode"),
                ("countryCode", "country", "addressCountry"))
HOME_COUNTRIES = {"gb", "uk", "united kingdom", "great britain"}


def _text(value) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def state_seller(ad: dict) -> str | None:
    """The seller's name in an ad object of the page's state, or None."""
    for key in _FLAT_SELLER:
        if _text(ad.get(key)):
            return _text(ad[key])
    for key in _SELLER_KEYS:
        value = ad.get(key)
        if isinstance(value, dict):
            for name in _NAME_KEYS:
                if _text(value.get(name)):
                    return _text(value[name])
    return None


def state_place(ad: dict) -> str | None:
    """The ad's place as the state writes it: neighbourhood, town, region, postcode and, abroad, the
    country ("Bairro Pinheiros, São Paulo, SP, BR"); None when the state names none."""
    for key in _PLACE_KEYS:
        value = ad.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if not isinstance(value, dict):
            continue
        parts = []
        for names in _PLACE_PARTS:
            part = next((_text(value.get(n)) for n in names if _text(value.get(n))), None)
            if part and not (names[0] == "countryCode" and part.lower() in HOME_COUNTRIES) and part not in parts:
                parts.append(part)
        if any(p for p in parts[:3]):
            return ", ".join(parts)
    return None
