"""What a careful reader takes from a page outside its structured data, on fixture pages written here."""

import pytest

from spiders.reading.labels import field_for_label
from spiders.reading.listing import extract_listing
from spiders.reading.photos import Gallery, is_placeholder, largest_srcset, photo_key
from spiders.reading.text import find_identifiers
from spiders.reading.values import identifier_value, is_phone

URL = "https://market.example/ad/5520"


def ad(body: str, title: str = "Kubota M5-111 - £38,500") -> str:
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"


@pytest.mark.parametrize("label, field", [
    ("Serial number:", "serial"), ("S/N", "serial"), ("Seriennummer", "serial"), ("N° de série", "serial"),
    ("Numer seryjny", "serial"), ("Numero di serie", "serial"), ("Serienummer", "serial"), ("Numar de serie", "serial"),
    ("Serijos numeris", "serial"), ("Número de serie", "serial"), ("Fahrgestellnummer", "frame"),
    ("Chassisnummer", "frame"), ("Numer ramy", "frame"), ("Chassis no.", "frame"), ("VIN", "vin"), ("FIN", "vin"),
    ("Telaio", "vin"), ("Engine No", "engine"), ("Motornummer", "engine"), ("Numer silnika", "engine"),
    ("Kennzeichen", "registration"), ("Kenteken", "registration"), ("Reg no.", "registration"),
    ("Ohrmarke", "ear_tag"), ("Ear tag", "ear_tag"), ("Transponder", "microchip"), ("Mikrochip", "microchip"),
    ("Passport number", "ueln"), ("UELN", "ueln"), ("Stock#", "stock"), ("Ref:", "stock"), ("Bestandsnummer", "stock"),
    ("Standort", "location"), ("Lokalizacja", "location"), ("Sted", "location"), ("Localisation", "location"),
    ("Item location", "location"), ("Verkäufer", "seller"), ("Sprzedawca", "seller"), ("Baujahr", "year"),
    ("Betriebsstunden", "hours"), ("Marke", "make"), ("Engine", None), ("Title", None), ("Mileage", None),
])
def test_labels_in_the_resale_markets_languages(label, field):
    assert field_for_label(label) == field


@pytest.mark.parametrize("body, kind, value, location", [
    ("<dl><dt>Seriennummer</dt><dd>KBCM5111C0J512345</dd><dt>Standort</dt><dd>Bremen</dd></dl>",
     "serial", "KBCM5111C0J512345", "Bremen"),
    ("<table><tr><th>N° de série :</th><td>F21012345AB</td></tr><tr><th>Lieu</th><td>Rennes</td></tr></table>",
     "serial", "F21012345AB", "Rennes"),
    ("<p>Numer seryjny: ZKDM5111X9J51234<br>Lokalizacja: Poznań</p>", "serial", "ZKDM5111X9J51234", "Poznań"),
    ("<ul><li>Chassisnummer: YU2KLM8890D12345</li><li>Locatie: Emmen</li></ul>", "frame", "YU2KLM8890D12345", "Emmen"),
    ("<div><span class='spec-label'>Serienummer</span><span class='spec-value'>NV4421778</span></div>"
     "<div><span class='spec-label'>Sted</span><span class='spec-value'>Hamar</span></div>", "serial", "NV4421778", "Hamar"),
    ("<table><tr><td><b>VIN:</b></td><td>1G1YY12S625129021<br><a href='/r'>FREE report</a></td>"
     "<td><b>Stock#:</b></td><td>P5110A</td></tr></table>", "vin", "1G1YY12S625129021", None),
])
def test_spec_tables_and_label_lines_give_identifiers_and_place(body, kind, value, location):
    listing, _ = extract_listing(ad(body), URL)
    assert {"kind": kind, "value": value} in listing["identifiers"]
    assert listing.get("location") == location


def test_a_cell_boundary_is_a_word_boundary_and_contact_numbers_are_no_identifiers():
    body = ("<table><tr><td><b>Phone:</b></td><td>(754) 224-3257</td><td><b>Fax:</b></td><td>(954) 781-9050</td></tr>"
            "<tr><td><b>Engine:</b></td><td>V8 5.7L OHV</td></tr></table>"
            "<p>Find us on AutoScout24 or call 1-888-453-5244, sales@dealer-example.com, www.dealer123.example</p>")
    listing, _ = extract_listing(ad(body), URL)
    description = listing["description"]
    assert "3257Fax" not in description.replace(" ", "").replace("\n", "")
    assert listing.get("identifiers", []) == []
    assert find_identifiers(description, listing["title"]) == []


@pytest.mark.parametrize("value, expected", [
    ("1G1YY12S625129021 FREE AutoCheck report", "1G1YY12S625129021"), ("V8 5.7L OHV", None),
    ("(754) 224-3257", None), ("07700 900123", None), ("UK 123456 7 00012", "UK 123456 7 00012"),
    ("JH2TE 27N8K 426846", "JH2TE 27N8K 426846"), ("2019", None), ("150 hp", None), ("unknown", None),
])
def test_identifier_values_keep_the_code_and_refuse_the_rest(value, expected):
    assert identifier_value(value) == expected


@pytest.mark.parametrize("text, expected", [
    ("Listed on AutoScout24 today", []), ("iPhone12X charger included", []), ("runs on Windows10 laptop", []),
    ("keyword stuffing 330xi cts-v s2000 g35 q45 2500HD", []), ("mail seller.alias111@example.com", []),
    ("plate says JH2TE27N8K426846 underneath", [("other", "JH2TE27N8K426846")]),
])
def test_spurious_identifiers_in_running_text(text, expected):
    assert [(c["kind"], c["value"]) for c in find_identifiers(text)] == expected


def test_the_items_own_model_code_and_the_site_name_are_no_identifiers():
    assert find_identifiers("John Deere 6120MXL2 for sale on farmtrader2020", model="6120MXL2",
                            site_words={"farmtrader2020"}) == []


@pytest.mark.parametrize("value, phone", [("(754) 224-3257", True), ("+44 7700 900123", True), ("6104732772", True),
                                          ("1-888-453-5244", True), ("+49 30 1234567", True), ("1G1YY12S625129021", False),
                                          ("07700900123", True), ("982000123456789", False), ("UK 123456 7 00012", False)])
def test_phone_numbers(value, phone):
    assert is_phone(value) is phone


LAZY_GALLERY = """
<div class="gallery">
  <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="https://img.cdn-market.net/ad/5520/1_800.jpg">
  <img src="/static/spacer.gif" data-lazy="https://img.cdn-market.net/ad/5520/2_800.jpg">
  <img src="https://img.cdn-market.net/ad/5520/3_320.jpg"
       srcset="https://img.cdn-market.net/ad/5520/3_320.jpg 320w, https://img.cdn-market.net/ad/5520/3_1024.jpg 1024w">
  <img class="lazy" src="/img/loading.gif" data-original="https://img.cdn-market.net/ad/5520/4_800.jpg">
  <noscript><img src="https://img.cdn-market.net/ad/5520/5_800.jpg"></noscript>
  <img src="https://img.cdn-market.net/ad/5520/1_120.jpg" width="60">
  <img src="https://track.example/pixel.gif" width="1" height="1">
</div>
<div class="similar"><a href="/ad/9911"><img src="https://img.cdn-market.net/ad/9911/1_320.jpg"></a></div>
<img src="/static/logo.png" alt="Market logo">
"""


def test_lazy_gallery_on_a_cdn_host_gives_every_real_photo_and_no_placeholder():
    page = ad(LAZY_GALLERY).replace("</head>", '<meta property="og:image" '
                                              'content="https://img.cdn-market.net/ad/5520/1_400.jpg"></head>')
    listing, _ = extract_listing(page, URL)
    assert listing["photos"] == [f"https://img.cdn-market.net/ad/5520/{n}" for n in
                                 ("1_800.jpg", "2_800.jpg", "3_1024.jpg", "4_800.jpg", "5_800.jpg")]


def test_gallery_array_in_a_page_script():
    script = ('<script>var ad = {"id": 5520, imageUrls: ["https://i.cdn-market.net/z/aa1/$_58.JPG", '
              '"https://i.cdn-market.net/z/bb2/$_58.JPG"], "relatedImages": ["https://i.cdn-market.net/z/zz9/$_58.JPG"]};'
              '</script><script>x = {"imgArr": [{"thumbImgUrl": "https://i.cdn-market.net/g/cc3/s-l64.jpg", '
              '"maxImageUrl": "https://i.cdn-market.net/g/cc3/s-l1600.jpg"}]}</script>')
    listing, _ = extract_listing(ad(script), URL)
    assert listing["photos"] == ["https://i.cdn-market.net/z/aa1/$_58.JPG", "https://i.cdn-market.net/z/bb2/$_58.JPG",
                                 "https://i.cdn-market.net/g/cc3/s-l1600.jpg"]


@pytest.mark.parametrize("url, placeholder", [
    ("data:image/png;base64,AAAA", True), ("https://m.example/static/spacer.gif", True),
    ("https://m.example/img/1x1.png", True), ("https://m.example/img/loading.gif", True),
    ("https://m.example/i/noimage_thumbnail.png", True), ("https://m.example/icons/star.svg", True),
    ("https://market.example/ad/5520", True), ("https://cdn.example/ad/5520/1.jpg", False),
])
def test_placeholders(url, placeholder):
    assert is_placeholder(url, URL) is placeholder


def test_size_variants_are_one_photo_at_its_largest():
    gallery = Gallery(URL)
    for url in ("https://i.example/g/AB/s-l64.jpg", "https://i.example/g/AB/s-l1600.jpg", "https://i.example/g/AB/s-l500.jpg",
                "https://i.example/p/19bc_105.jpg", "https://i.example/p/ff9b_105.jpg", "https://i.example/x/1.jpg?w=200",
                "https://i.example/x/1.jpg?w=1200"):
        gallery.add(url)
    assert gallery.urls == ["https://i.example/g/AB/s-l1600.jpg", "https://i.example/p/19bc_105.jpg",
                            "https://i.example/p/ff9b_105.jpg", "https://i.example/x/1.jpg?w=1200"]
    assert photo_key("https://i.example/g/AB/s-l64.jpg")[0] == photo_key("https://i.example/g/AB/s-l1600.jpg")[0]
    assert largest_srcset("a.jpg 1x, b.jpg 2x") == "b.jpg"


@pytest.mark.parametrize("page", [
    ad("<p>This posting has expired.</p>", title="Posting expired"),
    "<html><head><title>Log into Facebook</title></head><body><h1>Marketplace</h1><p>£300</p>"
    "<form><input name=email><input type=password name=pass></form></body></html>",
    "<html><body><h1>Featured tractors</h1>" + "".join(
        f'<div class="card"><a href="/ad/{n}"><img src="/i/{n}.jpg">MF {n}</a><span>£{n},000</span></div>'
        for n in range(1, 6)) + "</body></html>",
    "<html><body><h1>Arts and crafts</h1>" + "".join(
        f'<p><a href="/art/{n}.html">Item {n} -</a> ${n}0 (Naples)</p>' for n in range(1, 9)) + "</body></html>",
])
def test_expired_notices_login_walls_home_and_search_pages_are_not_listings(page):
    assert extract_listing(page, "https://market.example/")[0] is None


def test_a_classified_without_structured_data():
    page = ("<html><head><title>300ZX Nissan Twin Turbo 1992</title></head><body>"
            "<h2>300ZX Nissan Twin Turbo 1992 - $5800 (N.Miami/ Hialeah)</h2>"
            "<div id='userbody'>Motor rebuilt two years ago, new leather seats, alarm. Exterior should be painted. "
            "Offers and trades considered.<br>786-555-0147 Sam<br><ul><li> Location: N.Miami/ Hialeah</ul>"
            "<table><tr><td><img src='http://images.cl-photos.net/3n23kf3lf.jpg'></td></tr></table></div></body></html>")
    listing, _ = extract_listing(page, "https://miami.market.example/mdc/cto/1130212403.html")
    assert listing["title"] == "300ZX Nissan Twin Turbo 1992"
    assert (listing["price"], listing["currency"]) == ("$5800", "USD")  # as shown; the amount is read at storage
    assert listing["location"] == "N.Miami/ Hialeah"
    assert listing["seller"] == {"name": "Sam", "phone": "786-555-0147"}
    assert listing["photos"] == ["http://images.cl-photos.net/3n23kf3lf.jpg"]


@pytest.mark.parametrize("url, page, reason", [
    ("https://market.example/", ad("<p>Welcome</p>"), "home page"),
    ("https://market.example/login", ad("<p>£5</p>", title="Sign in to Market - £5"), "login wall"),
    ("https://market.example/ad/77", ad("<p>Diese Anzeige ist nicht mehr verfügbar.</p>"), "expired or removed"),
    ("https://market.example/ad/78", ad("<p>This listing has ended.</p>"), "expired or removed"),
    ("https://market.example/ad/79", ad("<p>Good tractor.</p>"), None),
])
def test_why_a_page_without_structured_data_is_not_a_listing(url, page, reason):
    from lxml import html

    from spiders.reading.visible.decision import not_listing

    found = not_listing(html.fromstring(page), url, "Kubota M5-111")
    assert (found is None) if reason is None else (reason in found)
