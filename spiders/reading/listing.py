"""The listing a page shows: its schema.org graph (JSON-LD, microdata, RDFa), then what a careful
reader takes from the page itself (headline, price, spec table, place, seller, gallery).

Pure functions over HTML text (no Scrapy), so they are tested on saved pages. Each JSON-LD
block is read on its own, so one broken block does not hide the others or the microdata beside
it; problems come back as notes for the crawl's error log.

A page is a listing when it has one main listing entity: the `mainEntity` of its page node, the
one entity whose address is this page's, or the only one on the page. Entities in related-item
carousels and lists, and ad placeholders (no real name), do not count; a page with several
entities pointing at other pages is a search or index page. Without structured data, a page is
a listing when it shows a headline and an asking price, is not a login wall and holds no more
than two result cards (a link and a price together).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urljoin, urlsplit

import extruct
from lxml import etree
from lxml import html as lxml_html

from spiders.reading.photos import Gallery, is_chrome_address, photo_folder
from spiders.reading.schema.entities import group_to_listing, is_placeholder
from spiders.reading.schema.graph import Graph, from_rdfa
from spiders.reading.schema.jsonld import read_blocks
from spiders.reading.script import script_images
from spiders.reading.visible.images import page_images
from spiders.reading.visible.page import meta, metas, read_page

_TRACKING = ("utm_", "ref", "source", "fbclid", "gclid", "mc_", "from")


def read_syntax(doc, base_url: str, syntax: str) -> tuple[list, list[str]]:
    """One syntax extruct reads (microdata uniform, RDFa expanded), or a note when it fails."""
    try:
        data = extruct.extract(doc, base_url=base_url, syntaxes=[syntax], uniform=syntax == "microdata",
                               errors="strict")[syntax]
    except Exception as exc:
        return [], [f"{syntax} could not be read ({exc.__class__.__name__}); ignored"]
    return data if isinstance(data, list) else [data], []


def page_graph(doc, base_url: str, html_text: str | None = None) -> tuple[Graph, list[str]]:
    """Every schema.org node on the page, with notes on what could not be read (RDFa is parsed
    from the page's text, which extruct's RDFa reader needs)."""
    roots, notes = read_blocks(doc)
    micro, micro_notes = read_syntax(doc, base_url, "microdata")
    roots += micro
    notes += micro_notes
    if doc.xpath("//*[@typeof or @vocab]"):
        source = html_text if html_text is not None else etree.tostring(doc, encoding="unicode")
        rdfa, rdfa_notes = read_syntax(source, base_url, "rdfa")
        roots += from_rdfa(rdfa)
        notes += rdfa_notes
    return Graph(roots, base_url), notes


def _page_key(url: str, base: str) -> tuple[str, tuple]:
    parts = urlsplit(urljoin(base, url))
    query = tuple(sorted((k, v) for k, v in parse_qsl(parts.query) if not k.lower().startswith(_TRACKING)))
    return parts.path.rstrip("/") or "/", query


def own_addresses(doc, url: str) -> set:
    """Keys of the addresses this page answers to: its own, its canonical link, its og:url."""
    keys = {_page_key(url, url)}
    for href in doc.xpath('//link[translate(@rel, "CANONICAL", "canonical")="canonical"]/@href'):
        keys.add(_page_key(href.strip(), url))
    og = meta(doc, "og:url")
    if og:
        keys.add(_page_key(og, url))
    return keys


def main_listing(graph: Graph, doc, url: str) -> tuple[dict | None, bool]:
    """(the main listing's record, whether the graph says this is an index page)."""
    groups = [g for g in graph.groups()]
    records = {id(g): group_to_listing(graph, g) for g in groups}
    for entity in graph.main_entities():
        for group in groups:
            if entity is group.item or entity in group.offers or entity is group.detail:
                return records[id(group)], False
    top = [g for g in groups if not g.related and not is_placeholder(records[id(g)])]
    keys = own_addresses(doc, url)
    own = [g for g in top if records[id(g)].get("entity_url") and _page_key(records[id(g)]["entity_url"], url) in keys]
    elsewhere = [g for g in top if records[id(g)].get("entity_url") and g not in own]
    if own:
        titles = {(records[id(g)].get("title") or "").lower() for g in own}
        if len(titles) >= 3:
            return None, True
        best = max(own, key=lambda g: ("price" in records[id(g)], len(records[id(g)])))
        merged = dict(records[id(best)])
        for other in own:
            if (records[id(other)].get("title") or "").lower() == (merged.get("title") or "").lower():
                for key, value in records[id(other)].items():
                    merged.setdefault(key, value)
        return merged, False
    if len(elsewhere) >= 2:
        return None, True
    if len(top) == 1:
        return records[id(top[0])], False
    if top and len({(records[id(g)].get("title") or "").lower() for g in top}) == 1:
        return records[id(top[0])], False
    return None, bool(top)


def _gallery(doc, url: str, structured: list[str]) -> list[str]:
    """Structured and script galleries first; the page's images join them when they come from where
    those photos come from (the same host and folder), or stand alone when the page has no other."""
    gallery = Gallery(url)
    for address in structured + script_images(doc):
        gallery.add(address)
    known = {photo_folder(u) for u in gallery.urls}
    for address in page_images(doc, url):
        if not known or photo_folder(urljoin(url, address)) in known:
            gallery.add(address)
    for og in metas(doc, "og:image") or metas(doc, "twitter:image"):
        if not is_chrome_address(og):
            gallery.add(og)
    return gallery.urls


def extract_listing(html_text: str, url: str) -> tuple[dict | None, list[str]]:
    """The listing a page shows and notes on problems; None when the page is not one listing."""
    try:
        doc = lxml_html.fromstring(html_text or "<html></html>")
    except (etree.ParserError, ValueError) as exc:
        return None, [f"page could not be parsed as HTML ({exc})"]
    base = doc.xpath("//base/@href")
    base_url = urljoin(url, base[0]) if base else url
    graph, notes = page_graph(doc, base_url, html_text)
    structured, is_index = main_listing(graph, doc, url)
    if is_index:
        return None, notes
    page = read_page(doc, url)
    if structured is None and not page.get("_listing"):
        return None, notes
    record = dict(structured or {})
    for key in ("title", "price", "currency", "location", "description", "make", "model", "colour", "year"):
        if not record.get(key) and page.get(key):
            record[key] = page[key]
    if structured and page.get("_price_seen") and "price" in record and "currency" not in record:
        record["currency"] = page.get("currency")
    seller = dict(record.get("seller") or {})
    shown = page.get("seller") or {}
    if not seller.get("name") or (shown.get("name") or "").casefold() == seller["name"].casefold():
        for key, value in shown.items():
            seller.setdefault(key, value)
    if seller:
        record["seller"] = seller
    identifiers = list(record.get("identifiers") or [])
    for found in page.get("identifiers") or []:
        if all(found["value"] != known["value"] for known in identifiers):
            identifiers.append(found)
    record["identifiers"] = identifiers
    record["photos"] = _gallery(doc, url, record.get("photos") or [])
    record.pop("entity_url", None)
    record["site_name"] = meta(doc, "og:site_name")
    return {k: v for k, v in record.items() if v not in (None, "", [], {})}, notes
