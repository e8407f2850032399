"""Listing fields read from schema.org data on saved pages (no network)."""

from pathlib import Path

import pytest

from spiders.reading.listing import extract_listing

PAGES = Path(__file__).parent / "pages"


def read(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def test_jsonld_graph_with_brand_object_images_offer_and_place():
    listing, notes = extract_listing(read("dealer_graph.html"), "https://dealer.example/used/6120m-123")
    assert notes == []
    assert listing["title"] == "2019 John Deere 6120M"
    assert listing["make"] == "John Deere" and listing["model"] == "6120M" and listing["colour"] == "Green"
    assert listing["year"] == 2019
    assert {"kind": "vin", "value": "1L06120MCKK123456"} in listing["identifiers"]
    assert {"kind": "sku", "value": "AD-6120-19"} in listing["identifiers"]
    assert listing["photos"] == ["https://dealer.example/img/6120-1.jpg", "https://cdn.dealer.example/6120-2.jpg"]
    assert listing["price"] == "42,500.00" and listing["currency"] == "GBP"
    assert listing["location"] == "Andover, Hampshire"
    assert (listing["latitude"], listing["longitude"]) == (51.2, -1.48)
    assert listing["posted_at"] == "2026-11-20T10:00:00+01:00"
    assert listing["seller"] == {"name": "Agri Dealer Ltd", "phone": "01264 555000", "profile_url": "https://dealer.example/"}


def test_broken_jsonld_beside_valid_microdata_keeps_the_microdata_and_notes_the_problem():
    listing, notes = extract_listing(read("broken_jsonld_microdata.html"), "https://auction.example/lot/7")
    assert len(notes) == 1 and "JSON-LD block 1" in notes[0]
    assert listing["title"] == "Honda TRX420 FourTrax"
    assert listing["make"] == "Honda"
    assert {"kind": "serial", "value": "JH2TE 27N8K 426846"} in listing["identifiers"]
    assert {"kind": "mpn", "value": "TRX420FM"} in listing["identifiers"]
    assert listing["price"] == "4950" and listing["currency"] == "GBP"
    assert listing["photos"] == ["https://auction.example/lot/quad-1.jpg"]


@pytest.mark.parametrize("page, url, expected", [
    ("opengraph.html", "https://market.example/t", {"title": "Ifor Williams trailer", "price": "3200", "currency": "GBP",
                                                     "photos": ["https://market.example/t1.jpg", "https://market.example/t2.jpg"]}),
    ("offer_item.html", "https://shop.example/saw", {"title": "Stihl MS 261", "price": 950, "currency": "EUR",
                                                      "posted_at": "2026-11-01", "photos": ["https://shop.example/saw.jpg"],
                                                      "identifiers": [{"kind": "serial", "value": "181234567"},
                                                                      {"kind": "product_id", "value": "MS261"}]}),
])
def test_opengraph_fallback_and_offer_with_item_offered(page, url, expected):
    listing, _ = extract_listing(read(page), url)
    assert {k: listing.get(k) for k in expected} == expected


@pytest.mark.parametrize("page", ["index_products.html", "article.html"])
def test_pages_that_are_not_one_listing_give_none(page):
    listing, _ = extract_listing(read(page), "https://market.example/search")
    assert listing is None


@pytest.mark.parametrize("html", ["", "<html>", "\x00\x01garbage", "<script type='application/ld+json'>" + "[" * 5000 + "</script>",
                                  "<script type='application/ld+json'>{\"@type\": \"Product\", \"name\": {\"a\": [1]}}</script>"])
def test_garbage_never_raises(html):
    listing, notes = extract_listing(html, "https://market.example/x")
    assert listing is None or isinstance(listing, dict)


def test_own_entity_is_recognised_despite_tracking_parameters_and_related_products_are_not_merged():
    html = """<script type="application/ld+json">[
      {"@type": "Product", "name": "JCB 3CX", "url": "https://m.example/ad/9?utm_source=x", "offers": {"price": 30000}},
      {"@type": "Product", "name": "Related trailer", "image": "related.jpg", "sku": "REL-1", "color": "red", "model": "LM"}]</script>"""
    listing, _ = extract_listing(html, "http://m.example/ad/9/?ref=home")
    assert listing["title"] == "JCB 3CX" and listing["price"] == 30000
    assert "photos" not in listing and "identifiers" not in listing


def test_many_products_without_addresses_are_a_list_page():
    html = "".join(f'<div itemscope itemtype="https://schema.org/Product"><span itemprop="name">Item {n}</span></div>'
                   for n in range(4))
    assert extract_listing(html, "https://m.example/search?q=tractor")[0] is None


@pytest.mark.parametrize("extra, location", [
    ({"address": {"@type": "PostalAddress", "addressLocality": "Hexham", "postalCode": "NE46 1AA"}}, "Hexham, NE46 1AA"),
    ({"offers": {"price": 5, "seller": {"@type": "Person", "name": "Jo", "address": "Skipton"}}}, "Skipton"),
    ({"offers": {"price": 5, "areaServed": "Devon"}}, "Devon"),
])
def test_location_from_the_item_the_offer_or_the_seller(extra, location):
    import json

    html = f'<script type="application/ld+json">{json.dumps({"@type": "Product", "name": "Quad", **extra})}</script>'
    assert extract_listing(html, "https://m.example/ad/1")[0]["location"] == location
