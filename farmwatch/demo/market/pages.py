"""The pages of the demonstration marketplace's three sites, each with its own structure:

- /classifieds/: a general classifieds site; list pages with pagination, ad pages with a spec
  table, no structured data at all (read by CSS selectors);
- /dealer/: a machinery dealer; stock pages with JSON-LD in three shapes (a Product with a brand
  object and ImageObjects, an @graph with a Vehicle, a Product with a PIN as additionalProperty
  in a second block), a few with only OpenGraph tags, and a sitemap;
- /auction/ and /feeds/saved-search.rss: an auction house's saved-search RSS feed whose lot
  pages carry microdata.
"""

from __future__ import annotations

import json
from html import escape

from farmwatch.demo.scenario import ListingSpec

PER_PAGE = 12
ROBOTS = """User-agent: *
Disallow: /classifieds/admin/
Disallow: /dealer/trade-only/
Disallow: /auction/private/
Sitemap: {base}/dealer/sitemap.xml
"""


def price_of(spec: ListingSpec, variant: int) -> float:
    return spec.price_variant1 if variant == 1 and spec.price_variant1 else spec.price


def photo_paths(spec: ListingSpec) -> list[str]:
    return [f"/img/{spec.key}-{n}.jpg" for n in range(1, len(spec.photos) + 1)]


def _page(title: str, body: str, head: str = "") -> str:
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)}</title>{head}</head>"
            f"<body>{body}</body></html>")


def classifieds_index(specs: list[ListingSpec], page: int, variant: int) -> str:
    pages = max(1, -(-len(specs) // PER_PAGE))
    shown = specs[(page - 1) * PER_PAGE:page * PER_PAGE]
    rows = "".join(
        f'<li class="result"><a class="ad-link" href="{s.path}">{escape(s.title)}</a> '
        f'<span class="price">£{price_of(s, variant):,.0f}</span> <span class="where">{escape(s.location)}</span></li>'
        for s in shown)
    if page == 1:  # a featured ad in the moderators' area, which robots.txt closes to crawlers
        rows += '<li class="result featured"><a class="ad-link" href="/classifieds/admin/ad/9999">Featured: reported ad</a></li>'
    nav = (f'<a class="next" rel="next" href="/classifieds/?page={page + 1}">Next page</a>' if page < pages else "")
    body = (f'<header><a href="/classifieds/">Farm Classifieds</a> <a href="https://social.example.com/share">Share</a>'
            f'</header><h1>Farm machinery for sale (page {page} of {pages})</h1><ul class="results">{rows}</ul>'
            f'<nav class="pagination">{nav}</nav>')
    return _page(f"Farm Classifieds, page {page}", body)


def classifieds_ad(spec: ListingSpec, variant: int) -> str:
    imgs = "".join(f'<img src="{p}" alt="photo {n}">' for n, p in enumerate(photo_paths(spec), start=1))
    spec_rows = [("Make", "make", spec.make), ("Model", "model", spec.model), ("Year", "year", spec.year),
                 ("Colour", "colour", spec.colour)]
    if spec.identifier_shown:
        spec_rows.append(("Serial no.", "serial", spec.identifier_shown))
    table = "".join(f'<tr><th>{label}</th><td class="{cls}">{escape(str(value))}</td></tr>'
                    for label, cls, value in spec_rows)
    body = (f'<article class="ad"><h1 class="ad-title">{escape(spec.title)}</h1>'
            f'<p class="price">£{price_of(spec, variant):,.0f} ono</p><p class="where">{escape(spec.location)}</p>'
            f'<p class="posted">Posted <time datetime="{spec.posted_at}">{spec.posted_at[:10]}</time></p>'
            f'<div class="gallery">{imgs}</div><div class="ad-body"><p>{escape(spec.description)}</p></div>'
            f'<table class="spec">{table}</table>'
            f'<div class="seller"><a class="seller-name" href="/classifieds/user/{escape(spec.seller["name"])}">'
            f'{escape(spec.seller["name"])}</a> <span class="phone">{escape(spec.seller["phone"])}</span></div>'
            f'</article>')
    return _page(spec.title, body)


def _offer(spec: ListingSpec, variant: int, base: str) -> dict:
    return {"@type": "Offer", "price": f"{price_of(spec, variant):.2f}", "priceCurrency": "GBP",
            "availability": "https://schema.org/InStock", "validFrom": spec.posted_at,
            "seller": {"@type": "AutoDealer", "name": "Westcountry Agri Sales", "telephone": "01392 555 777",
                       "url": f"{base}/dealer/"},
            "availableAtOrFrom": {"@type": "Place", "address": {"@type": "PostalAddress",
                                                                "addressLocality": spec.location}}}


def dealer_jsonld(spec: ListingSpec, variant: int, base: str) -> list[dict]:
    images = [f"{base}{p}" for p in photo_paths(spec)]
    common = {"name": spec.title, "description": spec.description, "color": spec.colour, "category": spec.category,
              "model": spec.model, "offers": _offer(spec, variant, base)}
    ident = {}
    if spec.identifier_shown:
        ident = {"vehicleIdentificationNumber" if spec.identifier_kind == "vin" else "serialNumber":
                 spec.identifier_shown}
    if spec.layout == 0:
        return [{"@context": "https://schema.org", "@type": "Product", **common, **ident,
                 "brand": {"@type": "Brand", "name": spec.make}, "sku": f"WAS-{spec.key[-12:]}",
                 "productionDate": str(spec.year),
                 "image": [{"@type": "ImageObject", "contentUrl": i, "width": 800} for i in images]}]
    if spec.layout == 1:
        return [{"@context": "https://schema.org", "@graph": [
            {"@type": "Organization", "name": "Westcountry Agri Sales", "url": f"{base}/dealer/"},
            {"@type": "BreadcrumbList", "itemListElement": [{"@type": "ListItem", "position": 1, "name": "Stock"}]},
            {"@type": "Vehicle", **common, **ident, "brand": spec.make, "vehicleModelDate": str(spec.year),
             "image": images[0] if len(images) == 1 else images}]}]
    extra = []
    if spec.identifier_shown:
        extra = [{"@type": "PropertyValue", "name": "PIN" if spec.identifier_kind == "pin" else "Serial number",
                  "value": spec.identifier_shown}]
    return [{"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": []},
            {"@context": "https://schema.org", "@type": "Product", **common, "brand": {"@type": "Brand", "name": spec.make},
             "additionalProperty": extra, "image": images}]


def dealer_stock(spec: ListingSpec, variant: int, base: str, opengraph_only: bool = False) -> str:
    imgs = "".join(f'<img src="{p}" alt="">' for p in photo_paths(spec))
    if opengraph_only:
        head = (f'<meta property="og:type" content="product"><meta property="og:title" content="{escape(spec.title)}">'
                f'<meta property="og:description" content="{escape(spec.description)}">'
                + "".join(f'<meta property="og:image" content="{base}{p}">' for p in photo_paths(spec))
                + f'<meta property="product:price:amount" content="{price_of(spec, variant):.2f}">'
                  '<meta property="product:price:currency" content="GBP">')
    else:
        head = "".join(f'<script type="application/ld+json">{json.dumps(block)}</script>'
                       for block in dealer_jsonld(spec, variant, base))
    body = (f'<nav><a href="/dealer/">Westcountry Agri Sales</a> <a href="/dealer/stock">All stock</a></nav>'
            f'<main><h1>{escape(spec.title)}</h1><div class="photos">{imgs}</div><p>{escape(spec.description)}</p>'
            f'<p>Price: £{price_of(spec, variant):,.0f} + VAT</p></main>')
    return _page(spec.title, body, head)


def dealer_index(specs: list[ListingSpec], sold: list[ListingSpec], variant: int) -> str:
    rows = "".join(f'<div class="unit"><a href="{s.path}">{escape(s.title)}</a> £{price_of(s, variant):,.0f}</div>'
                   for s in specs)
    sold_rows = "".join(f'<li><a href="{s.path}">{escape(s.title)} (sold)</a></li>' for s in sold)
    body = (f'<h1>Westcountry Agri Sales: used machinery</h1><div class="stock">{rows}</div>'
            f'<h2>Recently sold</h2><ul>{sold_rows}</ul>'
            f'<p><a href="/dealer/trade-only/">Trade-only stock</a> <a href="https://www.example.com/finance">Finance</a>'
            f' <a href="/dealer/about">About us</a></p>')
    return _page("Westcountry Agri Sales", body)


def dealer_sitemap(specs: list[ListingSpec], base: str, lastmods: dict[str, str] | None = None) -> str:
    """The dealer's sitemap: its stock pages, each with its lastmod when given (path -> W3C datetime)."""
    lastmods = lastmods or {}
    urls = "".join(f"<url><loc>{base}{s.path}</loc>"
                   + (f"<lastmod>{lastmods[s.path]}</lastmod>" if s.path in lastmods else "") + "</url>"
                   for s in specs)
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{base}/dealer/</loc></url>{urls}</urlset>")


def auction_lot(spec: ListingSpec, variant: int) -> str:
    imgs = "".join(f'<img itemprop="image" src="{p}" alt="">' for p in photo_paths(spec))
    ident = ""
    if spec.identifier_shown:
        prop = "vehicleIdentificationNumber" if spec.identifier_kind == "vin" else "serialNumber"
        ident = f'<p>Serial: <span itemprop="{prop}">{escape(spec.identifier_shown)}</span></p>'
    body = (f'<div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">{escape(spec.title)}</h1>'
            f'<p>Make: <span itemprop="brand">{escape(spec.make)}</span>, model <span itemprop="model">'
            f'{escape(spec.model)}</span>, colour <span itemprop="color">{escape(spec.colour)}</span></p>{ident}'
            f'<div class="lot-photos">{imgs}</div><div itemprop="description">{escape(spec.description)}</div>'
            f'<div itemprop="offers" itemscope itemtype="https://schema.org/Offer">Guide price '
            f'<meta itemprop="priceCurrency" content="GBP">£<span itemprop="price" content="{price_of(spec, variant):.0f}">'
            f'{price_of(spec, variant):,.0f}</span><meta itemprop="validFrom" content="{spec.posted_at}">'
            f'<div itemprop="availableAtOrFrom" itemscope itemtype="https://schema.org/Place">Viewing at '
            f'<span itemprop="name">{escape(spec.location)}</span></div></div></div>')
    return _page(f"Lot: {spec.title}", body)


def saved_search_feed(specs: list[ListingSpec], base: str) -> str:
    items = "".join(
        f"<item><title>{escape(s.title)}</title><link>{base}{s.path}</link>"
        f"<description>{escape(s.description[:120])}</description><pubDate>{s.posted_at}</pubDate>"
        f'<enclosure url="{base}{photo_paths(s)[0]}" type="image/jpeg" length="0"/></item>'
        for s in specs)
    items += (f"<item><title>Private treaty lot</title><link>{base}/auction/private/lot/1</link>"
              "<description>members only</description></item>")
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>Saved search: farm machinery</title><link>{base}/auction/</link>{items}</channel></rss>")
