"""`farmwatch crawl --start-url` over a small site on 127.0.0.1 whose pages each bring one reading rule:
a Windows-1252 page served as UTF-8, an ad on price application, a gallery under <base href>, a price in
kroner with no country, a gallery held only in a JSON attribute, and the last page of a category
holding a single ad (not a listing)."""

import json
import subprocess
import sys

import pytest

from registry.db import connect
from tests.spiders.test_real_crawl import serve

CP1252 = ('<html><head><meta charset="utf-8"><title>Caf\u00e9 trailer</title></head><body><h1>Ifor Williams '
          'caf\u00e9 trailer</h1><p class="price">\u20ac7.400</p><p>Twin axle, new floor, \u00bd tank of spares.</p>'
          '</body></html>')
POA = ('<html><head><title>Kubota M5-111 | Farm Ads</title></head><body><h1>Kubota M5-111</h1><p class="price">POA</p>'
       '<p>Loader tractor, 2,150 hours, one owner, always shedded, serviced every year by the dealer.</p></body></html>')
BASED = ('<html><head><base href="/media/ads/31/"><title>JCB 3CX</title></head><body><h1>JCB 3CX</h1>'
         '<p class="price">£31,000</p><div class="gallery"><img src="front.jpg"><img src="side.jpg"></div></body></html>')
KRONER = ('<html><head><title>Massey Ferguson 5713</title></head><body><h1>Massey Ferguson 5713</h1>'
          '<p class="price">412&nbsp;000&nbsp;kr</p><p>Low hours, front linkage.</p></body></html>')
ITEMS = json.dumps([{"large": {"url": f"/photos/77/{n}.jpg", "width": 2048},
                     "small": {"url": f"/photos/77/{n}.jpg?w=155", "width": 155}} for n in range(12)])
GALLERY = ('<html><head><title>Honda quad</title></head><body><h1>Honda TRX 420 quad</h1><p class="price">£4,950</p>'
           f"<div class=\"gallery\" data-gallery-items='{ITEMS}'></div>"
           '<img src="/photos/77/0.jpg?w=620"></body></html>')
LAST_PAGE = ('<html><head><title>Quads - page 2</title></head><body><h1>Quads for sale</h1>'
             '<div class="card"><a href="/ad/gallery"><h3>Honda TRX 420 quad</h3></a> <span>£4,950</span></div>'
             '<p><a href="/quads?page=1">Previous</a></p></body></html>')
INDEX = "<html><body><h1>Farm Ads</h1>" + "".join(
    f'<p><a href="{href}">{href}</a></p>' for href in ("/ad/cp1252", "/ad/poa", "/ad/based", "/ad/kroner", "/ad/gallery",
                                                      "/quads?page=2")) + "</body></html>"



@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    log: list[str] = []
    pages = {"/": INDEX, "/ad/poa": POA, "/ad/based": BASED, "/ad/kroner": KRONER, "/ad/gallery": GALLERY,
             "/quads": LAST_PAGE, "/robots.txt": "User-agent: *\nAllow: /\n"}
    server, base = serve("127.0.0.1", pages, log, raw={"/ad/cp1252": CP1252.encode("cp1252")})
    db_path = tmp_path_factory.mktemp("reading") / "farmwatch.db"
    proc = subprocess.run([sys.executable, "-m", "farmwatch.cli", "--db", str(db_path), "crawl", "--start-url",
                           base + "/", "--fast"], capture_output=True, text=True, timeout=180)
    server.shutdown()
    db = connect(db_path)
    rows = {url.removeprefix(base): {"id": lid, "title": title, "price": price, "currency": currency}
            for lid, url, title, price, currency in db.execute("select id, url, title, price, currency from listings")}
    photos = {url: [p.removeprefix(base) for (p,) in db.execute(
        "select url from listing_photos where listing_id = ? order by url", [row["id"]])] for url, row in rows.items()}
    yield proc, rows, photos, log
    db.close()


def test_the_crawl_stores_every_ad_and_no_category_page(crawled):
    proc, rows, _, _ = crawled
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert set(rows) == {"/ad/cp1252", "/ad/poa", "/ad/based", "/ad/kroner", "/ad/gallery"}


def test_a_windows_1252_page_served_as_utf8_reads_right(crawled):
    row = crawled[1]["/ad/cp1252"]
    assert row["title"] == "Ifor Williams café trailer"
    assert (row["price"], row["currency"]) == (7400, "EUR")


def test_an_ad_on_price_application_is_stored_without_a_price(crawled):
    row = crawled[1]["/ad/poa"]
    assert row["title"] == "Kubota M5-111" and row["price"] is None and row["currency"] is None


def test_a_gallery_under_base_href_is_requested_from_its_folder(crawled):
    assert crawled[2]["/ad/based"] == ["/media/ads/31/front.jpg", "/media/ads/31/side.jpg"]
    assert "/media/ads/31/front.jpg" in crawled[3]


def test_kroner_without_a_country_stay_unknown_never_pounds(crawled):
    row = crawled[1]["/ad/kroner"]
    assert row["price"] == 412000 and row["currency"] is None


def test_a_json_attribute_gallery_is_requested_whole_once_each_at_its_largest(crawled):
    photos = crawled[2]["/ad/gallery"]
    assert sorted(photos) == sorted(f"/photos/77/{n}.jpg" for n in range(12))
    requested = [p for p in crawled[3] if p.startswith("/photos/77/")]
    assert sorted(requested) == sorted(f"/photos/77/{n}.jpg" for n in range(12))
