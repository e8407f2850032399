"""Listing fields from schema.org data on a page: JSON-LD, microdata, then OpenGraph.

Pure functions over HTML text (no Scrapy), so they are tested on saved pages. Each
JSON-LD block is read on its own, so one broken block does not hide the others or the
microdata beside it; problems come back as notes for the crawl's error log.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

import extruct
from lxml import etree
from lxml import html as lxml_html

LISTING_TYPES = {"product", "individualproduct", "productmodel", "vehicle", "car", "motorcycle",
                 "offer", "someproducts"}
IDENTIFIER_PROPERTIES = {"serialNumber": "serial", "vehicleIdentificationNumber": "vin", "sku": "sku",
                         "mpn": "mpn", "productID": "product_id"}
DATE_PROPERTIES = ("datePosted", "datePublished", "dateCreated", "uploadDate", "validFrom", "availabilityStarts")
YEAR_PROPERTIES = ("vehicleModelDate", "modelDate", "productionDate", "dateVehicleFirstRegistered", "purchaseDate")
MAX_IMAGES = 30
_LD_XPATH = etree.XPath('//script[@type="application/ld+json"]')


def _types(entity: dict) -> set[str]:
    raw = entity.get("@type") or []
    if isinstance(raw, str):
        raw = [raw]
    return {re.sub(r"^.*[/#:]", "", str(t)).lower() for t in raw if t}


def _first(value):
    if isinstance(value, list):
        return next((v for v in value if v not in (None, "", {}, [])), None)
    return value


def _name(value) -> str | None:
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("value")
        value = _first(value)
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value).strip() or None


def _flatten(data, found: list[dict], depth: int = 0) -> None:
    """Every entity in a JSON-LD document, whether top level, in a list or in @graph."""
    if depth > 4:
        return
    if isinstance(data, list):
        for entry in data[:200]:
            _flatten(entry, found, depth + 1)
    elif isinstance(data, dict):
        if "@graph" in data:
            _flatten(data["@graph"], found, depth + 1)
        if "@type" in data:
            found.append(data)


def read_jsonld(doc) -> tuple[list[dict], list[str]]:
    """Entities from every JSON-LD block; a block that is not valid JSON becomes a note."""
    entities: list[dict] = []
    notes: list[str] = []
    for n, node in enumerate(_LD_XPATH(doc), start=1):
        script = node.xpath("string()")
        block = f'<html><body><script type="application/ld+json">{script}</script></body></html>'
        try:
            data = extruct.extract(block, syntaxes=["json-ld"], errors="strict")["json-ld"]
        except Exception as exc:  # extruct raises what the JSON parser raised
            notes.append(f"JSON-LD block {n} is not valid JSON ({exc.__class__.__name__}); ignored")
            continue
        _flatten(data, entities)
    return entities, notes


def read_syntax(doc, base_url: str, syntax: str) -> tuple[list[dict], list[str]]:
    try:
        data = extruct.extract(doc, base_url=base_url, syntaxes=[syntax], uniform=True, errors="strict",
                               with_og_array=syntax == "opengraph")[syntax]
    except Exception as exc:
        return [], [f"{syntax} could not be read ({exc.__class__.__name__}); ignored"]
    found: list[dict] = []
    _flatten(data, found)
    return found, []


def _images(value, base_url: str) -> list[str]:
    urls: list[str] = []
    items = value if isinstance(value, list) else [value]
    for entry in items[:MAX_IMAGES * 2]:
        if isinstance(entry, dict):
            entry = _first(entry.get("contentUrl") or entry.get("url") or entry.get("@id"))
        if isinstance(entry, str) and entry.strip() and not entry.strip().lower().startswith("data:"):
            url = urljoin(base_url, entry.strip())
            if url not in urls:
                urls.append(url)
    return urls[:MAX_IMAGES]


def _place(value) -> tuple[str | None, float | None, float | None]:
    value = _first(value)
    if isinstance(value, str):
        return value, None, None
    if not isinstance(value, dict):
        return None, None, None
    address = _first(value.get("address"))
    if isinstance(address, dict):
        parts = [_name(address.get(k)) for k in ("addressLocality", "addressRegion", "postalCode")]
        text = ", ".join(p for p in parts if p) or _name(value)
    else:
        text = _name(address) or _name(value)
    geo = _first(value.get("geo"))
    lat = lon = None
    if isinstance(geo, dict):
        lat, lon = geo.get("latitude"), geo.get("longitude")
    return text, lat, lon


def _seller(value) -> dict:
    value = _first(value)
    if isinstance(value, str):
        return {"name": value}
    if not isinstance(value, dict):
        return {}
    seller = {"name": _name(value), "profile_url": _name(value.get("url")),
              "phone": _name(value.get("telephone")), "email": _name(value.get("email"))}
    return {k: v for k, v in seller.items() if v}


def _identifiers(entity: dict) -> list[dict]:
    from registry.vocab import resolve_identifier_kind

    found = []
    for prop, kind in IDENTIFIER_PROPERTIES.items():
        value = _name(entity.get(prop))
        if value:
            found.append({"kind": kind, "value": value})
    extra = entity.get("additionalProperty") or entity.get("identifier") or []
    for entry in (extra if isinstance(extra, list) else [extra])[:40]:
        if isinstance(entry, dict):
            kind = resolve_identifier_kind(_name(entry.get("name")) or _name(entry.get("propertyID")))
            value = _name(entry.get("value"))
            if kind and value:
                found.append({"kind": kind, "value": value})
    return found


def entity_to_listing(entity: dict, base_url: str) -> dict:
    """One schema.org Product/Vehicle/Offer entity as a listing record (the import format)."""
    offers = entity.get("offers")
    if "offer" in _types(entity) and isinstance(entity.get("itemOffered"), dict):
        entity, offers = entity["itemOffered"], entity
    offer = _first(offers) if not isinstance(offers, dict) else offers
    offer = offer if isinstance(offer, dict) else {}
    if "aggregateoffer" in _types(offer) and offer.get("offers"):
        inner = _first(offer.get("offers"))
        offer = {**offer, **inner} if isinstance(inner, dict) else offer
    spec = _first(offer.get("priceSpecification"))
    price = _first(offer.get("price")) or _first(offer.get("lowPrice"))
    if price is None and isinstance(spec, dict):
        price = _first(spec.get("price"))
    currency = _name(offer.get("priceCurrency")) or (_name(spec.get("priceCurrency")) if isinstance(spec, dict) else None)
    seller_raw = _first(offer.get("seller") or entity.get("seller"))
    location, lat, lon = _place(offer.get("availableAtOrFrom") or offer.get("areaServed") or offer.get("location")
                                or entity.get("contentLocation") or entity.get("location")
                                or ({"address": entity["address"]} if entity.get("address") else None)
                                or ({"address": seller_raw["address"]} if isinstance(seller_raw, dict)
                                    and seller_raw.get("address") else None))
    posted = next((_name(entity.get(k)) or _name(offer.get(k)) for k in DATE_PROPERTIES
                   if _name(entity.get(k)) or _name(offer.get(k))), None)
    year = next((_name(entity.get(k)) for k in YEAR_PROPERTIES if _name(entity.get(k))), None)
    year_match = re.search(r"\b(18|19|20|21)\d\d\b", year or "")
    record = {
        "title": _name(entity.get("name")), "description": _name(entity.get("description")),
        "price": price if isinstance(price, (int, float, str)) else None, "currency": currency,
        "location": location, "latitude": lat, "longitude": lon, "posted_at": posted,
        "make": _name(entity.get("brand")) or _name(entity.get("manufacturer")),
        "model": _name(entity.get("model")), "year": int(year_match[0]) if year_match else None,
        "colour": _name(entity.get("color")), "category": _name(entity.get("category")),
        "identifiers": _identifiers(entity), "photos": _images(entity.get("image"), base_url),
        "seller": _seller(offer.get("seller") or entity.get("seller") or offer.get("offeredBy")),
        "entity_url": _name(entity.get("url")) or _name(offer.get("url")),
    }
    return {k: v for k, v in record.items() if v not in (None, "", [], {})}


def opengraph_listing(entities: list[dict], base_url: str) -> dict | None:
    """The OpenGraph fallback: only pages whose og:type says product."""
    for og in entities:
        og_type = " ".join(_types(og)) or _name(og.get("og:type")) or ""
        if "product" not in og_type.lower():
            continue
        record = {"title": _name(og.get("og:title")), "description": _name(og.get("og:description")),
                  "price": _name(og.get("product:price:amount") or og.get("og:price:amount")),
                  "currency": _name(og.get("product:price:currency") or og.get("og:price:currency")),
                  "make": _name(og.get("product:brand")), "photos": _images(og.get("og:image"), base_url)}
        return {k: v for k, v in record.items() if v not in (None, "", [])}
    return None


def _is_listing_entity(entity: dict) -> bool:
    types = _types(entity)
    if types & LISTING_TYPES and _name(entity.get("name")):
        return True
    item = entity.get("itemOffered")
    return "offer" in types and isinstance(item, dict) and bool(_name(item.get("name")))


_TRACKING = ("utm_", "ref", "source", "fbclid", "gclid", "mc_", "from")


def _page_key(url: str, base: str) -> tuple[str, tuple]:
    """What identifies a page: its path and query without tracking parameters (scheme and host aside)."""
    parts = urlsplit(urljoin(base, url))
    query = tuple(sorted((k, v) for k, v in parse_qsl(parts.query) if not k.lower().startswith(_TRACKING)))
    return parts.path.rstrip("/") or "/", query


def _same_page(url: str | None, page_url: str) -> bool:
    return not url or _page_key(url, page_url) == _page_key(page_url, page_url)


def extract_listing(html_text: str, url: str) -> tuple[dict | None, list[str]]:
    """The listing a page describes (most complete schema.org entity for this page), and notes on problems.

    Pages listing several products with their own addresses are index pages: None.
    """
    try:
        doc = lxml_html.fromstring(html_text or "<html></html>")
    except (etree.ParserError, ValueError) as exc:
        return None, [f"page could not be parsed as HTML ({exc})"]
    base = doc.xpath("//base/@href")
    base_url = urljoin(url, base[0]) if base else url
    notes: list[str] = []
    candidates: list[dict] = []
    ld, ld_notes = read_jsonld(doc)
    notes += ld_notes
    micro, micro_notes = read_syntax(doc, base_url, "microdata")
    notes += micro_notes
    for entity in ld + micro:
        if _is_listing_entity(entity):
            candidates.append(entity_to_listing(entity, base_url))
    own = [c for c in candidates if _same_page(c.get("entity_url"), url)]
    if len({(c.get("title") or "").lower() for c in own}) >= 3:
        return None, notes  # many different products on one page: a list, not a listing
    if own:
        best = max(own, key=lambda c: (bool(c.get("entity_url")), "price" in c, len(c)))
        for other in own:  # the same thing described twice (JSON-LD and microdata): fill the gaps
            if (other.get("title") or "").lower() == (best.get("title") or "").lower():
                for key, value in other.items():
                    best.setdefault(key, value)
        best.pop("entity_url", None)
        return best, notes
    if candidates:
        return None, notes
    og, og_notes = read_syntax(doc, base_url, "opengraph")
    return opengraph_listing(og, base_url), notes + og_notes
