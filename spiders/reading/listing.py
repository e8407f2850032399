"""The listing a page shows: its schema.org graph (JSON-LD, microdata, RDFa), then what a careful
reader takes from the page itself (headline, price, spec table, place, seller, gallery).

Pure functions over HTML text (no Scrapy), so they are tested on saved pages. Each JSON-LD
block is read on its own, so one broken block does not hide the others or the microdata beside
it; problems come back as notes for the crawl's error log.

A page is a listing when it has one main listing entity: the `mainEntity` of its page node, the
one entity whose address is this page's, or the only one on the page. Entities in related-item
carousels and lists, and ad placeholders (no real name), do not count; a page with several
entities pointing at other pages is a search or index page. Without structured data, a page is
a listing when it shows a headline and an ad (a price, words standing for one, an identifier, spec
fields) and is none of the pages spiders.reading.visible.decision.not_listing names.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from spiders.reading.currency import page_hints, price_mark, settle_currency
from spiders.reading.photos import Gallery, is_chrome_address, photo_folder
from spiders.reading.price import tidy_price
from spiders.reading.schema.entities import group_to_listing, is_placeholder
from spiders.reading.schema.graph import Graph, from_rdfa
from spiders.reading.schema.jsonld import read_blocks
from spiders.reading.state import galleries, page_states, script_images, state_place, state_seller
from spiders.reading.visible.images import page_images
from spiders.reading.visible.lines import is_hidden
from spiders.reading.visible.page import meta, metas, not_listing, read_page

_TRACKING = ("utm_", "ref", "source", "fbclid", "gclid", "mc_", "from")


def read_syntax(doc, base_url: str, syntax: str) -> tuple[list, list[str]]:
    """One syntax extruct reads (microdata uniform, RDFa expanded), or a note when it fails."""
    import extruct  # on first use: over a second of start-up a crawl that reads no page never needs

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


def base_address(doc, url: str) -> str:
    """The address relative ones resolve against: the page's `<base href>` when it stays on the page's
    own origin (scheme, host and port), else the page's address (a base pointing at another site is
    ignored, so a page cannot send the crawl elsewhere)."""
    for href in doc.xpath("//base/@href")[:1]:
        base = urljoin(url, href.strip())
        own, other = urlsplit(url), urlsplit(base)
        if (own.scheme, own.hostname, own.port) == (other.scheme, other.hostname, other.port):
            return base
    return url


def _page_gallery(doc, url: str, structured: list[str], base: str, scripts: bool = True) -> Gallery:
    gallery = Gallery(url, base)
    for address in structured + (script_images(doc) if scripts else []):
        gallery.add(address)
    known = {photo_folder(u) for u in gallery.urls}
    for address in page_images(doc, url, base):
        if not known or photo_folder(urljoin(base, address)) in known:
            gallery.add(address)
    for og in metas(doc, "og:image") or metas(doc, "twitter:image"):
        if not is_chrome_address(og):
            gallery.add(og)
    return gallery


def _gallery(doc, url: str, structured: list[str], declared: list[str], base: str) -> list[str]:
    """The listing's photos. A gallery the page declares as a list in its state (a JSON attribute,
    a script object) is the whole gallery when it holds at least as many photos as the rest of the
    page shows: the structured, script and page images then only stand in for a larger size of one
    of its photos. Otherwise structured and script galleries come first, and the page's images join
    them when they come from where those photos come from (the same host and folder), or stand alone
    when the page has no other."""
    if not declared:
        return _page_gallery(doc, url, structured, base).urls
    shown = _page_gallery(doc, url, structured, base, scripts=False)
    gallery = Gallery(url, base)
    for address in declared:
        gallery.add(address)
    complete = len(gallery.urls) >= len(shown.urls)
    for address in shown.urls:
        gallery.add(address, join=not complete)
    return gallery.urls


def _hidden_in_headline(doc, structured: str, visible: str) -> bool:
    """True when the structured name is the page's visible headline plus text the page hides in its
    h1 (status badges such as "SOLD • Reserved •" in hidden spans)."""
    def fold(text: str) -> str:
        return " ".join(text.split()).casefold()

    if fold(structured) == fold(visible):
        return False
    rest = fold(structured)
    for h1 in doc.iter("h1"):
        for el in h1.iter():
            if is_hidden(el) and fold(el.text_content()):
                rest = rest.replace(fold(el.text_content()), " ", 1)
    return fold(rest) == fold(visible)


def extract_listing(html_text: str, url: str) -> tuple[dict | None, list[str]]:
    """(the listing a page shows, notes on what could not be read); the listing is None when the page
    is not one listing. The record is in the import format (registry.listings.store.clean_listing) with the
    price as published and the currency settled by spiders.reading.currency (None when unknown), plus
    `currency_hints` (the currencies the site's locale and domain name) for prices read later from a
    source's selectors."""
    try:
        doc = lxml_html.fromstring(html_text or "<html></html>")
    except (etree.ParserError, ValueError) as exc:
        return None, [f"page could not be parsed as HTML ({exc})"]
    base_url = base_address(doc, url)
    graph, notes = page_graph(doc, base_url, html_text)
    structured, is_index = main_listing(graph, doc, url)
    if is_index:
        return None, notes
    page = read_page(doc, url)
    if structured is None and not page.get("_listing"):
        return None, notes
    record = dict(structured or {})
    if record.get("title") and page.get("title") and _hidden_in_headline(doc, record["title"], page["title"]):
        record["title"] = page["title"]  # the structured name carries text the page hides (status badges)
    for key in ("title", "price", "location", "description", "make", "model", "colour", "year"):
        if not record.get(key) and page.get(key):
            record[key] = page[key]
    record["price"] = tidy_price(record.get("price"))
    hints = page_hints(doc, url)
    record["currency"] = settle_currency(
        [(structured or {}).get("currency"), meta(doc, "product:price:currency", "og:price:currency")],
        [price_mark(record.get("price")), price_mark(tidy_price(page.get("price")))], hints)
    record["currency_hints"] = hints
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
    states = page_states(doc)
    declared = galleries(states)
    owner = next((o for o, _ in declared if isinstance(o, dict)), None)
    if owner is not None:
        if not record.get("location") and state_place(owner):
            record["location"] = state_place(owner)
        if not seller.get("name") and state_seller(owner):
            record["seller"] = {**seller, "name": state_seller(owner)}
    record["photos"] = _gallery(doc, url, record.get("photos") or [], [u for _, urls in declared for u in urls],
                                base_url)
    record.pop("entity_url", None)
    record["site_name"] = meta(doc, "og:site_name")
    return {k: v for k, v in record.items() if v not in (None, "", [], {})}, notes


def why_not_listing(html_text: str, url: str) -> tuple[str, str | None]:
    """(rule, detail): why extract_listing finds no listing on this page, named as docs/spiders.md
    names the rules ("index page", "the site's home page", "a login wall", "no headline", ...)."""
    try:
        doc = lxml_html.fromstring(html_text or "<html></html>")
    except (etree.ParserError, ValueError) as exc:
        return "not HTML", str(exc)[:200]
    graph, _ = page_graph(doc, url, html_text)
    structured, is_index = main_listing(graph, doc, url)
    if is_index:
        return "index page", "several schema.org entities point at other pages"
    page = read_page(doc, url)
    if structured is not None or page.get("_listing"):
        return "no title", None
    why = not_listing(doc, url, page.get("title"))
    if why:
        for rule in ("home page", "login wall", "expired or removed notice", "result cards"):
            if rule in why:
                return rule, why
        return why, None
    if not page.get("title"):
        return "no headline", None
    return "no price shown", "a page without structured data is a listing when it shows a headline and a price"
