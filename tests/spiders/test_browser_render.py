"""A source marked `render: browser`: a marketplace page that builds its ad with script from a JSON
endpoint is read fully through Debian's Chromium (scrapy-playwright), in a real `farmwatch crawl`."""

import json
import os
import shutil

import pytest

from registry.db import connect
from tests.spiders.fixture_sites import crawl, index_page, jpeg, serve

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not shutil.which(os.environ.get("FARMWATCH_CHROMIUM", "/usr/bin/chromium")),
                                 reason="Debian's chromium is not installed")]

SHELL = """<html><head><title>Loading...</title><script src="/static/ad.js" defer></script></head>
<body><div id="app">Loading the ad...</div></body></html>"""
SCRIPT = """
fetch('/api/ads/' + location.pathname.split('/').pop() + '.json').then(r => r.json()).then(ad => {
  const app = document.getElementById('app');
  const h1 = document.createElement('h1'); h1.textContent = ad.title; app.replaceChildren(h1);
  const price = document.createElement('p'); price.className = 'price'; price.textContent = ad.price; app.append(price);
  const place = document.createElement('dl');
  place.innerHTML = '<dt>Location</dt><dd></dd><dt>Serial number</dt><dd></dd>';
  place.querySelectorAll('dd')[0].textContent = ad.place; place.querySelectorAll('dd')[1].textContent = ad.serial;
  app.append(place);
  for (const src of ad.photos) { const img = document.createElement('img'); img.src = src; app.append(img); }
  document.title = ad.title;
  fetch('http://169.254.169.254/latest/meta-data/').catch(() => {});
});
"""


def test_a_page_that_loads_its_ad_from_json_by_script_is_read_fully(tmp_path):
    ad = {"title": "Kubota RTV-X900 utility vehicle", "price": "£9,750", "place": "Hexham",
          "serial": "KRTV900A12345", "photos": ["/img/rtv-1.jpg", "/img/rtv-2.jpg"]}
    server = serve({
        "/robots.txt": (200, "text/plain", "User-agent: *\nAllow: /\n"),
        "/": (200, "text/html", index_page(["/ad/77"])),
        "/ad/77": (200, "text/html", SHELL),
        "/static/ad.js": (200, "application/javascript", SCRIPT),
        "/api/ads/77.json": (200, "application/json", json.dumps(ad)),
        "/img/rtv-1.jpg": (200, "image/jpeg", jpeg((120, 40, 40))),
        "/img/rtv-2.jpg": (200, "image/jpeg", jpeg((40, 120, 40))),
    })
    db_path = tmp_path / "fw.db"
    proc = crawl(db_path, tmp_path, [{"name": "scripted", "kind": "structured", "render": "browser",
                                      "start_urls": [f"http://127.0.0.1:{server.port}/"]}], timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    db = connect(db_path)
    row = db.execute("select title, price, currency, location, structured_identifiers from listings").fetchone()
    assert row[:4] == ("Kubota RTV-X900 utility vehicle", 9750.0, "GBP", "Hexham")
    assert "KRTV900A12345" in row[4]
    assert [r[0] for r in db.execute("select count(*) from listing_photos where path is not null")] == [2]
    assert "/api/ads/77.json" in server.log
    assert server.log.count("/img/rtv-1.jpg") == 1  # the browser loads no image; the photo is fetched once
