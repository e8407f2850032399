"""The page reader's rules, each on small pages of its kind: decoding, prices and currencies, ads
without a price, <base href>, galleries from page state, one photo per picture, visible headlines,
place and seller from state, stock numbers, broken JSON-LD, listing or index."""

import json

import pytest

from registry.listings.prices import parse_price
from spiders.reading.currency import settle_currency
from spiders.reading.decode import decode_page
from spiders.reading.listing import extract_listing
from spiders.reading.photos import Gallery, largest_srcset

URL = "https://farm.example/ad/5520-kubota"


def page(body: str, head: str = "", lang: str = "") -> str:
    lang = f' lang="{lang}"' if lang else ""
    return (f"<html{lang}><head><title>Kubota M5-111 | Farm Ads</title>{head}</head><body><h1>Kubota M5-111</h1>"
            f"{body}<p>Good tractor, 2,150 hours, new rear tyres, serviced by the dealer every year.</p></body></html>")


def amount(listing):
    price = parse_price(listing.get("price"))
    return price.amount_float if price else None


# -- decoding -------------------------------------------------------------------------------------------

CAFE = '<html><head><meta charset="utf-8"></head><body><h1>Caf\u00e9 tractor \u20ac7.400 \u00a3500 \u2013 ok</h1></body></html>'


@pytest.mark.parametrize("body, header, text, codec", [
    (CAFE.encode("cp1252"), "text/html; charset=utf-8", "€7.400 £500 –", "cp1252"),  # Windows-1252 served as UTF-8
    (CAFE.replace('charset="utf-8"', "").encode("cp1252"), "text/html", "€7.400 £500 –", "cp1252"),  # nothing declared
    (CAFE.encode("utf-8"), "text/html; charset=iso-8859-1", "€7.400 £500 –", "utf-8"),  # UTF-8 served as Latin-1
    (b"\xef\xbb\xbf" + CAFE.encode("utf-8"), "text/html; charset=cp1252", "€7.400 £500 –", "utf-8"),  # the BOM wins
    ('<html lang="pl"><p>Cena 12 000 z\u0142, odbi\u00f3r \u0141\u00f3d\u017a, \u015bwietny ci\u0105gnik</p>'.encode("cp1250"),
     "text/html; charset=utf-8", "zł, odbiór Łódź", "cp1250"),  # a Polish page: its language's default
    (CAFE.encode("utf-8"), "text/html; charset=utf-8", "€7.400 £500 –", "utf-8"),
])
def test_pages_decode_as_written(body, header, text, codec):
    decoded, used, _ = decode_page(body, header)
    assert text in decoded and used == codec


def test_a_contradicted_declaration_is_noted():
    assert "written in cp1252" in decode_page(CAFE.encode("cp1252"), "text/html; charset=utf-8")[2]
    assert decode_page(CAFE.encode("utf-8"), "text/html; charset=utf-8")[2] is None


# -- prices and currencies ------------------------------------------------------------------------------

@pytest.mark.parametrize("body, head, lang, url, price, currency", [
    ('<p class="price">&pound;1,850 ono</p>', "", "", URL, 1850, "GBP"),
    ('<p class="price">&#x20AC;&nbsp;7.400</p>', "", "", URL, 7400, "EUR"),
    ('<p class="price">12&nbsp;000&nbsp;kr</p>', "", "", URL, 12000, None),  # SEK, NOK or DKK: unknown
    ('<p class="price">12 000 kr</p>', "", "sv-SE", URL, 12000, "SEK"),
    ('<p class="price">12 000 kr</p>', "", "", "https://www.finn.no/ad/1", 12000, "NOK"),
    ('<p class="price">12 000 kr</p>', '<meta property="og:locale" content="da_DK">', "", URL, 12000, "DKK"),
    ('<p class="price"><i class="icon-currency"></i> 12,000</p><p>Price: 12,000</p>', "", "", URL, 12000, None),
    ("<p>Price: 12,000</p>", "", "de-DE", URL, 12000, "EUR"),  # no sign: the stated locale
    ("<p>Price: 12,000</p>", "", "", "https://landwirt.de/ad/1", 12000, "EUR"),  # no sign: the country domain
    ("<p>Price: $9,500</p>", "", "en-AU", URL, 9500, "AUD"),
    ("<p>Price: $9,500</p>", "", "", URL, 9500, "USD"),
    ("<p>Price: £9,500</p>", "", "sv-SE", URL, 9500, None),  # a pound sign on a Swedish site: they disagree
])
def test_prices_and_currencies_read_from_the_page(body, head, lang, url, price, currency):
    listing, _ = extract_listing(page(body, head, lang), url)
    assert amount(listing) == price
    assert listing.get("currency") == currency


def test_structured_currency_and_the_shown_sign_must_agree():
    block = {"@context": "https://schema.org", "@type": "Product", "name": "Kubota M5-111",
             "offers": {"@type": "Offer", "price": "1850", "priceCurrency": "EUR"}}
    head = f'<script type="application/ld+json">{json.dumps(block)}</script>'
    agree, _ = extract_listing(page('<p class="price">€1,850</p>', head), URL)
    disagree, _ = extract_listing(page('<p class="price">£1,850</p>', head), URL)
    assert agree["currency"] == "EUR" and disagree.get("currency") is None


@pytest.mark.parametrize("codes, marks, hints, expected", [
    ([], ["kr"], [], None), ([], ["kr"], ["SEK"], "SEK"), (["EUR"], ["£"], [], None), ([], [], [], None),
    ([], [], ["EUR", "CHF"], None), (["BRL"], ["R$"], [], "BRL"), ([], ["lei"], [], None),
])
def test_currency_rule(codes, marks, hints, expected):
    assert settle_currency(codes, marks, hints) == expected


# -- ads without a price ------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    '<p class="price">POA</p>', "<p>Price on application</p>", "<p>Offers</p><p>Location: Hexham</p>",
    "<p>Current bid: place a bid to see</p>", "<dl><dt>Make</dt><dd>Kubota</dd><dt>Year</dt><dd>2019</dd></dl>",
    "<p>Preis auf Anfrage</p>",
])
def test_an_ad_without_a_readable_price_is_a_listing(body):
    listing, _ = extract_listing(page(body), URL)
    assert listing is not None and listing["title"] == "Kubota M5-111" and amount(listing) is None


def test_a_page_that_shows_no_ad_is_not_a_listing_for_want_of_a_price():
    about = "<html><head><title>About us</title></head><body><h1>About us</h1><p>We are a family firm.</p></body></html>"
    assert extract_listing(about, "https://farm.example/about")[0] is None


# -- listing or index ----------------------------------------------------------------------------------

LAST_PAGE = """<html><head><title>Tractors for sale - page 3</title></head><body><h1>Tractors for sale</h1>
<div class="card"><a href="/ad/7001-jd-6120m"><h3>John Deere 6120M</h3></a><span class="price">£24,000</span></div>
<div class="pages"><a href="/tractors?page=2">Previous</a> <a href="/tractors?page=1">1</a> 3</div></body></html>"""
ONLY_AD = LAST_PAGE.replace('<div class="pages"><a href="/tractors?page=2">Previous</a> <a href="/tractors?page=1">1</a> 3</div>', "")


@pytest.mark.parametrize("html", [LAST_PAGE, ONLY_AD])
def test_a_category_page_holding_a_single_ad_is_not_a_listing(html):
    assert extract_listing(html, "https://farm.example/tractors?page=3")[0] is None


def test_an_ad_without_a_price_beside_one_related_card_is_a_listing():
    related = '<div class="related"><a href="/ad/7001">John Deere 6120M</a> £24,000</div>'
    listing, _ = extract_listing(page('<p class="price">POA</p>' + related), URL)
    assert listing is not None and amount(listing) is None


def test_a_page_whose_json_ld_is_broken_beyond_reading_is_read_from_its_visible_page():
    head = '<script type="application/ld+json">{"@type": "Product", "name": "Kubota M5-111", "offers": {</script>'
    listing, notes = extract_listing(page('<p class="price">£38,500</p><dl><dt>Serial</dt><dd>KBCM5111C0J512345</dd></dl>',
                                          head), URL)
    assert listing["title"] == "Kubota M5-111" and amount(listing) == 38500
    assert {"kind": "serial", "value": "KBCM5111C0J512345"} in listing["identifiers"]
    assert any("JSON-LD" in note for note in notes)


# -- base href ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("base, expected", [
    ("/media/ads/5520/", "https://farm.example/media/ads/5520/1.jpg"),
    ("https://farm.example/media/ads/5520/", "https://farm.example/media/ads/5520/1.jpg"),
    ("https://evil.example/media/", "https://farm.example/ad/1.jpg"),  # another origin: ignored
    ("http://farm.example/media/", "https://farm.example/ad/1.jpg"),  # another scheme is another origin
])
def test_base_href_resolves_relative_addresses_on_the_own_origin_only(base, expected):
    listing, _ = extract_listing(page('<p class="price">£500</p><div class="gallery"><img src="1.jpg"></div>',
                                      f'<base href="{base}">'), URL)
    assert listing["photos"] == [expected]


# -- galleries ------------------------------------------------------------------------------------------

CDN = "https://img.farm.example"


def gallery_items(n: int) -> str:
    items = [{"id": i, "large": {"url": f"{CDN}/u/2026/{i}-scaled.jpg", "width": 2048},
              "small": {"url": f"{CDN}/u/2026/{i}-scaled.jpg?w=155&h=105", "width": 155}} for i in range(n)]
    return json.dumps(items).replace('"', "&quot;")


@pytest.mark.parametrize("markup, count", [
    (f'<div class="gallery" data-gallery-items="{gallery_items(40)}"></div>'
     f'<img src="{CDN}/u/2026/0-scaled.jpg?w=620"><img src="{CDN}/u/2026/3-scaled.jpg?w=620">', 40),
    (f"<div data-props='{json.dumps({'ad': {'photos': [f'{CDN}/p/{i}.jpg' for i in range(7)]}})}'></div>", 7),
    ('<script id="__NEXT_DATA__" type="application/json">' + json.dumps({"props": {"pageProps": {"listing": {
        "images": [f"{CDN}/listing-images/ab_{i}.jpg/1280x960.webp" for i in range(12)],
        "similarListings": [{"images": [f"{CDN}/other/{i}.jpg"]} for i in range(5)]}}}}) + "</script>"
     + "".join(f'<img src="{CDN}/listing-images/ab_{i}.jpg/250x188.webp">' for i in range(4)), 12),
    ("<script>window.__INITIAL_STATE__ = " + json.dumps({"ad": {"gallery": [
        {"thumb": f"{CDN}/g/{i}_thumb.jpg", "full": f"{CDN}/g/{i}.jpg"} for i in range(9)],
        "comments": [{"avatar": f"{CDN}/avatars/{i}.jpg"} for i in range(3)]}}) + ";</script>", 9),
])
def test_galleries_held_in_page_state_give_every_photo_once(markup, count):
    listing, _ = extract_listing(page('<p class="price">£500</p>' + markup), URL)
    assert len(listing["photos"]) == count
    assert not any("other" in p or "avatar" in p or "_thumb" in p or "?w=" in p for p in listing["photos"])


@pytest.mark.parametrize("addresses, kept", [
    ([f"{CDN}/a/960w/p.jpg", f"{CDN}/a/1280w/p.jpg"], f"{CDN}/a/1280w/p.jpg"),
    ([f"{CDN}/g/AB/s-l500.jpg", f"{CDN}/g/AB/s-l1600.jpg"], f"{CDN}/g/AB/s-l1600.jpg"),
    ([f"{CDN}/x/1.jpg?w=400", f"{CDN}/x/1.jpg"], f"{CDN}/x/1.jpg"),  # the original upload beats a resized copy
    ([f"{CDN}/w/tractor-300x200.jpg", f"{CDN}/w/tractor.jpg"], f"{CDN}/w/tractor.jpg"),
    ([f"{CDN}/g/1_thumb.jpg", f"{CDN}/g/1.jpg"], f"{CDN}/g/1.jpg"),
    ([f"{CDN}/thumbs500x500/40/408.jpg", f"{CDN}/images/40/408.jpg"], f"{CDN}/images/40/408.jpg"),
    ([f"{CDN}/up/f_auto,w_50,h_50/v1/cat.jpg", f"{CDN}/up/f_auto,w_500,h_500/v1/cat.jpg"], f"{CDN}/up/f_auto,w_500,h_500/v1/cat.jpg"),
])
def test_one_photo_per_picture_the_largest_kept(addresses, kept):
    gallery = Gallery(URL)
    for address in addresses:
        gallery.add(address)
    assert gallery.urls == [kept]


def test_different_pictures_stay_apart():
    gallery = Gallery(URL)
    for address in (f"{CDN}/IMG_2041.jpg", f"{CDN}/IMG_2042.jpg", f"{CDN}/ad/1_800.jpg", f"{CDN}/ad/2_800.jpg"):
        gallery.add(address)
    assert len(gallery.urls) == 4


def test_srcset_yields_its_largest_candidate_even_with_commas_in_addresses():
    srcset = f"{CDN}/up/f_auto,w_300/a.jpg 300w, {CDN}/up/f_auto,w_1600/a.jpg 1600w, {CDN}/up/f_auto,w_800/a.jpg 800w"
    assert largest_srcset(srcset) == f"{CDN}/up/f_auto,w_1600/a.jpg"
    listing, _ = extract_listing(page(f'<p class="price">£500</p><picture><source srcset="{srcset}">'
                                      f'<img src="{CDN}/up/f_auto,w_300/a.jpg"></picture>'), URL)
    assert listing["photos"] == [f"{CDN}/up/f_auto,w_1600/a.jpg"]


def test_photos_of_comments_other_ads_and_furniture_are_not_the_listings():
    body = (f'<p class="price">£500</p><div class="gallery"><img src="{CDN}/ad/5520/1.jpg"></div>'
            f'<div class="comments"><img src="{CDN}/users/7.jpg" width="60"></div>'
            f'<div class="similar-ads"><img src="{CDN}/ad/7001/1.jpg"></div>'
            f'<header><img src="{CDN}/site/top.jpg"></header><img src="{CDN}/site/logo.png">')
    listing, _ = extract_listing(page(body), URL)
    assert listing["photos"] == [f"{CDN}/ad/5520/1.jpg"]


# -- headline, place, seller, stock numbers -------------------------------------------------------------

@pytest.mark.parametrize("h1", [
    '<span style="display:none">SOLD &bull; </span><span hidden>Reserved &bull; </span>John Deere 6120M',
    '<span aria-hidden="true">SOLD • Reserved • </span>John Deere 6120M',
    '<span class="visually-hidden">SOLD</span> John Deere 6120M',
])
def test_headlines_are_the_visible_text_only(h1):
    html = (f"<html><head><title>John Deere 6120M | Farm Ads</title></head><body><h1>{h1}</h1>"
            "<p class=price>£24,000</p></body></html>")
    assert extract_listing(html, URL)[0]["title"] == "John Deere 6120M"


def test_place_and_seller_from_page_state_abroad_with_their_country():
    state = {"ad": {"subject": "Kubota M5-111", "images": [f"{CDN}/p/1.jpg", f"{CDN}/p/2.jpg"],
                    "user": {"name": "Agro Nord AB", "avatar": f"{CDN}/u/1.jpg"},
                    "location": {"city": "Göteborg", "region": "Västra Götaland", "countryCode": "SE"}}}
    body = f'<p class="price">120 000 kr</p><script id="initial" type="text/plain" data-json=\'{json.dumps(state)}\'></script>'
    listing, _ = extract_listing(page(body, lang="sv-SE"), URL)
    assert listing["location"] == "Göteborg, Västra Götaland, SE"
    assert listing["seller"]["name"] == "Agro Nord AB"
    assert listing["currency"] == "SEK" and len(listing["photos"]) == 2


def test_a_structured_place_abroad_keeps_its_country():
    block = {"@context": "https://schema.org", "@type": "Product", "name": "Kubota M5-111",
             "offers": {"@type": "Offer", "price": 20000, "priceCurrency": "EUR", "availableAtOrFrom": {
                 "@type": "Place", "address": {"addressLocality": "Olbernhau", "postalCode": "09526", "addressCountry": "DE"}}}}
    listing, _ = extract_listing(page("", f'<script type="application/ld+json">{json.dumps(block)}</script>'), URL)
    assert listing["location"] == "Olbernhau, 09526, DE"


@pytest.mark.parametrize("body", [
    "<dl><dt>Stock number</dt><dd>HX22914</dd><dt>Serial</dt><dd>KBCM5111C0J512345</dd></dl>",
    "<dl><dt>Serial</dt><dd>KBCM5111C0J512345</dd><dt>Our ref</dt><dd>HX22914</dd></dl>",
])
def test_a_dealers_stock_number_is_kept_as_such(body):
    listing, _ = extract_listing(page('<p class="price">£38,500</p>' + body), URL)
    kinds = {i["value"]: i["kind"] for i in listing["identifiers"]}
    assert kinds == {"HX22914": "stock", "KBCM5111C0J512345": "serial"}


def test_a_stock_number_in_the_text_is_never_a_candidate_identifier():
    from spiders.reading.text import find_identifiers

    assert find_identifiers("Stock No: HX22914A. Stock#: 88213471") == [
        {"kind": "stock", "value": "HX22914A"}, {"kind": "stock", "value": "88213471"}]


def test_contact_us_names_no_seller():
    html = "<html><body><h1>Kubota M5-111</h1><p class=price>£500</p><h3>Contact Us</h3></body></html>"
    assert "seller" not in extract_listing(html, URL)[0]
