"""Schema.org structures as real sites nest them, on fixture pages written here (no network)."""

import json

import pytest

from spiders.reading.listing import extract_listing

URL = "https://market.example/ad/4471-bmw-320d"


def ld(*blocks, extra: str = "", type_: str = "application/ld+json") -> str:
    scripts = "".join(f'<script type="{type_}">{json.dumps(b)}</script>' for b in blocks)
    return f"<html><head><title>Page title | Market</title>{scripts}</head><body>{extra}</body></html>"


def test_offer_inside_a_persons_makes_offer_names_its_seller():
    page = ld({"@context": "https://schema.org", "@type": "Person", "name": "Jo Farmer", "telephone": "07700 900123",
               "address": {"@type": "PostalAddress", "addressLocality": "Hexham"},
               "makesOffer": {"@type": "Offer", "price": 6200, "priceCurrency": "GBP",
                              "itemOffered": {"@type": "Product", "name": "Ifor Williams LM146", "url": URL}}})
    listing, _ = extract_listing(page, URL)
    assert listing["title"] == "Ifor Williams LM146" and listing["price"] == 6200 and listing["currency"] == "GBP"
    assert listing["seller"] == {"name": "Jo Farmer", "phone": "07700 900123"}
    assert listing["location"] == "Hexham"


def test_the_offered_car_names_the_listing_over_a_marketing_product_name():
    page = ld({"@type": "Product", "name": "BMW for EUR 34,990", "image": "https://cdn.market-img.net/a/1.jpg",
               "offers": {"@type": "Offer", "price": "34990", "priceCurrency": "EUR",
                          "itemOffered": {"@type": "Car", "name": "BMW 320d Touring", "vehicleIdentificationNumber":
                                          "WBA8E1105GK123456", "vehicleModelDate": "2016", "color": "Black"}}})
    listing, _ = extract_listing(page, URL)
    assert listing["title"] == "BMW 320d Touring"
    assert listing["year"] == 2016 and listing["colour"] == "Black"
    assert {"kind": "vin", "value": "WBA8E1105GK123456"} in listing["identifiers"]
    assert listing["price"] == "34990" and listing["currency"] == "EUR"


def test_item_page_main_entity_by_reference_wins_over_related_products():
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "ItemPage", "@id": URL + "#page", "mainEntity": {"@id": URL + "#ad"}},
        {"@type": "Vehicle", "@id": URL + "#ad", "name": "Massey Ferguson 5713", "url": "https://market.example/old-slug/4471",
         "offers": {"@type": "Offer", "price": 52000, "priceCurrency": "GBP", "offeredBy": {"@id": "#dealer"}},
         "isRelatedTo": [{"@type": "Product", "name": "MF 5612", "url": "https://market.example/ad/1"},
                         {"@type": "Product", "name": "MF 6713", "url": "https://market.example/ad/2"}]},
        {"@type": "AutoDealer", "@id": "#dealer", "name": "Border Tractors", "url": "https://market.example/d/border",
         "address": {"@type": "PostalAddress", "addressLocality": "Kelso", "addressRegion": "Scottish Borders"}}]}
    listing, _ = extract_listing(ld(graph), URL)
    assert listing["title"] == "Massey Ferguson 5713" and listing["price"] == 52000
    assert listing["seller"] == {"name": "Border Tractors", "profile_url": "https://market.example/d/border"}
    assert listing["location"] == "Kelso, Scottish Borders"


def test_a_nameless_product_takes_the_h1_when_the_page_title_repeats_it():
    page = ('<html><head><title>Honda TRX420 FourTrax | Market</title>'
            '<meta property="og:title" content="Honda TRX420 FourTrax | Market"></head><body>'
            '<h1>Honda TRX420 FourTrax</h1><div itemscope itemtype="https://schema.org/Product">'
            '<img itemprop="image" src="https://img.market-cdn.net/q/1.jpg">'
            '<div itemprop="offers" itemscope itemtype="https://schema.org/Offer">'
            '<span itemprop="price" content="4950">£4,950</span><meta itemprop="priceCurrency" content="GBP"></div>'
            '</div></body></html>')
    listing, _ = extract_listing(page, URL)
    assert listing["title"] == "Honda TRX420 FourTrax"
    assert listing["price"] == "4950" and listing["currency"] == "GBP"
    assert listing["photos"] == ["https://img.market-cdn.net/q/1.jpg"]


@pytest.mark.parametrize("offers, price, currency", [
    ({"@type": "Offer", "priceSpecification": {"@type": "UnitPriceSpecification", "price": 1250, "priceCurrency": "EUR"}},
     1250, "EUR"),
    ({"@type": "AggregateOffer", "lowPrice": "5.29", "highPrice": "9.56", "priceCurrency": "GBP"}, "5.29", "GBP"),
    ({"@type": "Offer", "offers": {"@type": "Offer", "price": "0.01", "priceCurrency": "USD"}}, "0.01", "USD"),
    ([{"@type": "Offer", "price": 900, "priceCurrency": "PLN"}, {"@type": "Offer", "price": 950}], 900, "PLN"),
])
def test_price_from_specifications_aggregates_and_offers_inside_offers(offers, price, currency):
    listing, _ = extract_listing(ld({"@type": "Product", "name": "Stihl MS 261", "offers": offers}), URL)
    assert (listing["price"], listing["currency"]) == (price, currency)


@pytest.mark.parametrize("type_, body", [
    ("application/ld+json; charset=utf-8", '{"@type": "Product", "name": "Kubota RTV-X900", "offers": {"price": 9000}}'),
    ("application/LD+JSON", '{"@type": "Product", "name": "Kubota RTV-X900", "offers": {"price": 9000}}'),
    ("application/ld+json", '<!--{"@type": "Product", "name": "Kubota RTV-X900", "offers": {"price": 9000}}-->'),
    ("application/ld+json", '//<![CDATA[\n{"@type": "Product", "name": "Kubota RTV-X900", "offers": {"price": 9000}}\n//]]>'),
    ("application/ld+json", '\ufeff{"@type": "Product",\u00a0"name": "Kubota RTV-X900", "offers": {"price": 9000}}'),
    ("application/ld+json", '{"@type": "Product", "name": "Kubota RTV-X900", "offers": {"price": 9000,},}'),
    ("application/ld+json", '{&quot;@type&quot;: &quot;Product&quot;, &quot;name&quot;: &quot;Kubota RTV-X900&quot;, '
                            '&quot;offers&quot;: {&quot;price&quot;: 9000}}'),
])
def test_jsonld_is_read_as_leniently_as_browsers_read_it(type_, body):
    page = f'<html><head><script type="{type_}">{body}</script></head><body></body></html>'
    listing, notes = extract_listing(page, URL)
    assert notes == []
    assert listing["title"] == "Kubota RTV-X900" and listing["price"] == 9000


def test_an_unreadable_block_is_noted_with_its_type():
    page = '<script type="application/ld+json; charset=utf-8">{"@type": "Product", "name": </script>'
    listing, notes = extract_listing(page, URL)
    assert listing is None
    assert notes and "JSON-LD block 1" in notes[0] and "charset=utf-8" in notes[0]


def test_rdfa_product_is_read():
    page = ('<html><body vocab="https://schema.org/"><div typeof="Product"><h1 property="name">JCB 3CX Sitemaster</h1>'
            '<div property="offers" typeof="Offer"><span property="price" content="31000">£31,000</span>'
            '<meta property="priceCurrency" content="GBP"></div></div></body></html>')
    listing, _ = extract_listing(page, URL)
    assert listing["title"] == "JCB 3CX Sitemaster" and listing["price"] == "31000" and listing["currency"] == "GBP"


def test_search_page_with_placeholder_ad_slots_is_not_a_listing():
    cards = "".join(
        f'<li itemscope itemtype="http://schema.org/Product"><a itemprop="url" href="/ad/{n}">'
        f'<span itemprop="name">Quad {n}</span></a><span itemprop="offers" itemscope itemtype="http://schema.org/Offer">'
        f'<meta itemprop="price" content="{n}000"><meta itemprop="priceCurrency" content="GBP"></span></li>' for n in (1, 2, 3))
    slot = ('<li itemscope itemtype="http://schema.org/Product"><a itemprop="url" href="">'
            '<span itemprop="name">\u2584\u2584\u2584\u2584\u2584</span></a></li>')
    page = f"<html><body><h1>Quads for sale</h1><ul>{slot}{cards}</ul></body></html>"
    assert extract_listing(page, "https://market.example/quads?page=1")[0] is None


def test_a_listing_whose_url_is_an_old_slug_is_still_the_pages_listing():
    page = ld({"@type": "Product", "name": "Trailer", "url": "https://market.example/ad/4471-old-title",
               "offers": {"price": 1500, "priceCurrency": "GBP"}})
    assert extract_listing(page, URL)[0]["title"] == "Trailer"


@pytest.mark.parametrize("canonical, fetched, same", [
    ("https://m.example/ad/5520-kubota-m5-111", "https://m.example/ad/5520", True),
    ("https://m.example/p/tractors/kubota-m5-111-loader/1310332867", "https://m.example/p/x/1310332867", True),
    ("https://m.example/ad/kubota-m5-111-with-loader", "https://m.example/old/kubota-m5-111-with-loader", True),
    ("https://m.example/ad/9/", "https://m.example/ad/9", True),
    ("https://m.example/p/18052730566", "https://m.example/itm/403760625150", False),  # a catalogue page
    ("https://m.example/", "https://m.example/ad/5520", False),
    ("https://m.example/tractors/2019", "https://m.example/ad/2019-kubota-77", False),
])
def test_a_canonical_address_is_used_only_for_the_same_ad(canonical, fetched, same):
    from spiders.spiders.base import same_ad

    assert same_ad(canonical, fetched) is same


def test_additional_properties_in_any_language_give_identifiers_and_place_but_never_an_engine_size():
    page = ld({"@type": "Vehicle", "name": "Fendt 724 Vario", "offers": {"price": 145000, "priceCurrency": "EUR"},
               "additionalProperty": [
                   {"@type": "PropertyValue", "name": "Fahrgestellnummer", "value": "WFD7240ABC1234567"},
                   {"@type": "PropertyValue", "name": "Engine", "value": "6.1 l 240 PS"},
                   {"@type": "PropertyValue", "name": "ID", "value": "88812345"},
                   {"@type": "PropertyValue", "name": "Standort", "value": "Kempten"},
                   {"@type": "PropertyValue", "name": "Baujahr", "value": "2021"}]})
    listing, _ = extract_listing(page, URL)
    assert listing["identifiers"] == [{"kind": "frame", "value": "WFD7240ABC1234567"}]
    assert listing["location"] == "Kempten" and listing["year"] == 2021
