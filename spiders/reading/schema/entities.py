"""A listing group of the schema.org graph as a listing record (the import format).

The most specific name wins (the offered car's over a marketing product name); the price comes
from the first offer that has one (`price`, an `AggregateOffer`'s `lowPrice`, or a
`priceSpecification`); the place from the offer's or seller's nested addresses; the seller
from inline objects, `@id` references or a `makesOffer` that names the offer.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from registry.listings.store import MAX_PHOTOS as MAX_IMAGES
from spiders.reading.schema.graph import ITEM_TYPES, Graph, Group, types_of
from spiders.reading.state import HOME_COUNTRIES

IDENTIFIER_PROPERTIES = {"serialNumber": "serial", "vehicleIdentificationNumber": "vin", "sku": "sku",
                         "mpn": "mpn", "productID": "product_id"}
DATE_PROPERTIES = ("datePosted", "datePublished", "dateCreated", "uploadDate", "validFrom", "availabilityStarts")
YEAR_PROPERTIES = ("vehicleModelDate", "modelDate", "productionDate", "dateVehicleFirstRegistered", "purchaseDate")
PLACE_PROPERTIES = ("availableAtOrFrom", "itemLocation", "areaServed", "location", "contentLocation",
                    "availableAtOrFrom", "address")


def text_of(value) -> str | None:
    """A plain value, or the name/value of an object; None for nothing usable."""
    if isinstance(value, list):
        value = next((v for v in value if v not in (None, "", {}, [])), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("value") or value.get("alternateName")
        if isinstance(value, list):
            value = next((v for v in value if isinstance(v, (str, int, float))), None)
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    return str(value).strip() or None


def is_placeholder_name(name: str | None) -> bool:
    """Ad slots and skeleton cards: a name without any letter or digit (e.g. a row of block characters)."""
    return name is not None and not re.search(r"\w", name)


def is_placeholder(record: dict) -> bool:
    """A listing record that is an ad slot: a placeholder name, or neither a name nor a price."""
    return is_placeholder_name(record.get("title")) or not (record.get("title") or record.get("price"))


def _number(value):
    """A coordinate as published: numbers kept as they are, text as text (cleaned later)."""
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else text_of(value)


def place_text(graph: Graph, value) -> tuple[str | None, float | None, float | None]:
    """(place, latitude, longitude) from a Place, PostalAddress, GeoCoordinates or text."""
    if isinstance(value, str):
        return value.strip() or None, None, None
    if not isinstance(value, dict):
        return None, None, None
    address = graph.first(value, "address")
    if "postaladdress" in types_of(value) or any(k in value for k in ("addressLocality", "addressRegion")):
        address = value
    text = None
    if isinstance(address, dict):
        parts = [text_of(graph.first(address, k)) for k in ("addressLocality", "addressRegion", "postalCode")]
        country = text_of(graph.first(address, "addressCountry"))
        if country and country.strip().lower() not in HOME_COUNTRIES:
            parts.append(country)  # a place abroad keeps its country as written ("DE", "France")
        text = ", ".join(dict.fromkeys(p for p in parts if p)) or text_of(graph.first(address, "streetAddress"))
    elif isinstance(address, str):
        text = address.strip() or None
    geo = graph.first(value, "geo")
    geo = value if "geocoordinates" in types_of(value) else geo
    lat = lon = None
    if isinstance(geo, dict):
        lat, lon = (_number(graph.first(geo, k)) for k in ("latitude", "longitude"))
    if text is None and "geocoordinates" not in types_of(value):
        text = text_of(value.get("name"))
    return text, lat, lon


def seller_record(graph: Graph, value) -> dict:
    """{name, profile_url, phone, email} as published; an @id reference is followed first."""
    value = graph.resolve(value)
    if isinstance(value, str):
        return {} if value.startswith(("http://", "https://", "#")) else {"name": value}
    if not isinstance(value, dict):
        return {}
    name = text_of(graph.first(value, "name")) or text_of(graph.first(value, "alternateName"))
    if not name:
        given = " ".join(filter(None, (text_of(graph.first(value, k)) for k in ("givenName", "familyName"))))
        name = given or None
    url = text_of(graph.first(value, "url"))
    record = {"name": name, "profile_url": urljoin(graph.base_url, url) if url else None,
              "phone": text_of(graph.first(value, "telephone")), "email": text_of(graph.first(value, "email"))}
    if record["email"]:
        record["email"] = re.sub(r"^mailto:", "", record["email"], flags=re.I)
    return {k: v for k, v in record.items() if v}


def images(graph: Graph, *nodes: dict | None) -> list[str]:
    """Image addresses of the nodes (strings or ImageObjects), made absolute, in order, once each."""
    urls: list[str] = []
    for node in nodes:
        for entry in graph.values(node, "image")[:MAX_IMAGES * 2]:
            if isinstance(entry, dict):
                entry = text_of(entry.get("contentUrl")) or text_of(entry.get("url")) or entry.get("@id")
            if isinstance(entry, str) and entry.strip() and not entry.strip().lower().startswith("data:"):
                url = urljoin(graph.base_url, entry.strip())
                if url not in urls:
                    urls.append(url)
    return urls[:MAX_IMAGES]


def _identifiers(graph: Graph, nodes: list[dict]) -> tuple[list[dict], dict]:
    """Identifiers the nodes publish, and other labelled properties (place, make, model, year, colour)
    from `additionalProperty`; a PropertyValue's name is read with the spec-table vocabulary."""
    from registry.identifiers.vocab import resolve_identifier_kind
    from spiders.reading.labels import IDENTIFIER_KINDS, field_for_label
    from spiders.reading.values import identifier_value

    found, fields = [], {}
    for node in nodes:
        for prop, kind in IDENTIFIER_PROPERTIES.items():
            value = text_of(graph.first(node, prop))
            if value and {"kind": kind, "value": value} not in found:
                found.append({"kind": kind, "value": value})
        for entry in (graph.values(node, "additionalProperty") + graph.values(node, "identifier"))[:40]:
            if not isinstance(entry, dict):
                continue
            label = text_of(graph.first(entry, "name")) or text_of(graph.first(entry, "propertyID"))
            raw = text_of(graph.first(entry, "value"))
            field = field_for_label(label)
            kind = field if field in IDENTIFIER_KINDS else resolve_identifier_kind(label)
            if kind and kind != "other" and field not in ("location", "make", "model", "year", "colour"):
                value = identifier_value(raw)
                if value and {"kind": kind, "value": value} not in found:
                    found.append({"kind": kind, "value": value})
            elif field in ("location", "make", "model", "year", "colour") and raw:
                fields.setdefault(field, raw)
    return found, fields


def _price(graph: Graph, offers: list[dict]) -> tuple[object, str | None]:
    """(price as published: a number stays a number, currency) from the first offer that has one."""
    currency = None
    for offer in offers:
        specs = graph.nodes_of(offer, "priceSpecification")
        currency = currency or text_of(graph.first(offer, "priceCurrency")) or next(
            (text_of(graph.first(s, "priceCurrency")) for s in specs if graph.first(s, "priceCurrency")), None)
        raw = graph.first(offer, "price", "lowPrice")
        if raw is None:
            raw = next((graph.first(s, "price") for s in specs if graph.first(s, "price") is not None), None)
        if raw is not None:
            return (raw if isinstance(raw, (int, float)) and not isinstance(raw, bool) else text_of(raw)), currency
    return None, currency


def group_to_listing(graph: Graph, group: Group) -> dict:
    """The listing record of one group; fields the page does not give are left out."""
    item, detail, offers = group.item, group.detail, group.offers
    parts = [n for n in (detail, item) if n is not None]
    names = [text_of(graph.first(n, "name")) for n in parts] + [text_of(graph.first(o, "name")) for o in offers]
    title = next((n for n in names if n and not is_placeholder_name(n)), None)
    price, currency = _price(graph, offers)
    sellers = [s for o in offers for s in graph.values(o, "seller") + graph.values(o, "offeredBy")]
    sellers += [s for n in parts for s in graph.values(n, "seller")]
    sellers += [s for o in offers for s in graph.sellers_offering(o)]
    seller = next((r for r in (seller_record(graph, s) for s in sellers) if r), {})
    location = lat = lon = None
    for node in [*offers, *parts, *(s for s in sellers if isinstance(s, dict))]:
        for prop in PLACE_PROPERTIES:
            for value in graph.values(node, prop):
                text, la, lo = place_text(graph, value)
                location = location or text
                lat, lon = lat if lat is not None else la, lon if lon is not None else lo
        if location:
            break
    dates = [text_of(graph.first(n, k)) for k in DATE_PROPERTIES for n in [*parts, *offers]]
    years = [text_of(graph.first(n, k)) for k in YEAR_PROPERTIES for n in parts]
    year_match = re.search(r"\b(18|19|20|21)\d\d\b", next((y for y in years if y), "") or "")
    descriptions = [text_of(graph.first(n, "description")) for n in [*parts, *offers]]
    identifiers, labelled = _identifiers(graph, [*parts, *offers])
    location = location or labelled.get("location")
    record = {
        "title": title, "description": next((d for d in descriptions if d), None),
        "price": price, "currency": currency, "location": location, "latitude": lat, "longitude": lon,
        "posted_at": next((d for d in dates if d), None),
        "make": next((text_of(graph.first(n, "brand", "manufacturer")) for n in parts
                      if graph.first(n, "brand", "manufacturer")), None),
        "model": next((text_of(graph.first(n, "model")) for n in parts if graph.first(n, "model")), None),
        "year": int(year_match[0]) if year_match else None,
        "colour": next((text_of(graph.first(n, "color")) for n in parts if graph.first(n, "color")), None),
        "category": next((text_of(graph.first(n, "category")) for n in parts if graph.first(n, "category")), None),
        "identifiers": identifiers, "photos": images(graph, *parts, *offers),
        "seller": seller,
        "entity_url": next((text_of(graph.first(n, "url")) for n in [*parts, *offers] if graph.first(n, "url")), None),
    }
    for key in ("make", "model", "colour"):
        record[key] = record[key] or labelled.get(key)
    if record["year"] is None and re.search(r"\b(18|19|20|21)\d\d\b", labelled.get("year") or ""):
        record["year"] = int(re.search(r"\b(18|19|20|21)\d\d\b", labelled["year"])[0])
    return {k: v for k, v in record.items() if v not in (None, "", [], {})}


def is_item(node: dict) -> bool:
    return bool(types_of(node) & ITEM_TYPES)
