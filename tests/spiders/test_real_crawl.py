"""`farmwatch crawl --start-url` over fixture pages written here, served on 127.0.0.1, with the photos on
a second host (a CDN on 127.0.0.2): one listing per ad whatever address reached it, every gallery photo
requested from the CDN, no placeholder requested, index pages not stored."""

import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler
from io import BytesIO

import pytest
from PIL import Image

from registry.db import connect
from tests.spiders.fixture_sites import LoopbackServer

AD = """<html><head><title>Kubota M5-111 tractor | Farm Market</title>
<link rel="canonical" href="/ad/5520-kubota-m5-111"><meta property="og:site_name" content="Farm Market"></head><body>
<h1>Kubota M5-111 tractor</h1><p class="price">£38,500 ono</p>
<dl><dt>Standort</dt><dd>Hexham</dd><dt>Seriennummer</dt><dd>KBCM5111C0J512345</dd><dt>Motor</dt><dd>V4 3.8L</dd></dl>
<div class="gallery">
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="{cdn}/ad/5520/1_800.jpg">
<img src="/static/spacer.gif" data-lazy="{cdn}/ad/5520/2_800.jpg">
<img src="{cdn}/ad/5520/3_320.jpg" srcset="{cdn}/ad/5520/3_320.jpg 320w, {cdn}/ad/5520/3_1024.jpg 1024w">
<noscript><img src="{cdn}/ad/5520/4_800.jpg"></noscript></div>
<p>Listed on FarmMarket24. Call 01434 600700.</p>
<div class="seller">Seller: Tynedale Tractors</div></body></html>"""
INDEX = """<html><body><h1>Tractors</h1>
<div class="card"><a href="/ad/5520-kubota-m5-111">Kubota M5-111</a> £38,500</div>
<div class="card"><a href="/ad/5520?utm_source=home">Kubota (old link)</a> £38,500</div>
<div class="card"><a href="/ad/7001">MF 5713</a> £52,000</div>
<div class="card"><a href="/ad/7002">JCB 3CX</a> £31,000</div></body></html>"""


def serve(host: str, pages: dict, log: list, raw: dict | None = None):
    """A server on host answering pages (text, sent as UTF-8), raw bodies (bytes, sent as they are
    under a UTF-8 header) and any .jpg with a small JPEG."""
    buffer = BytesIO()
    Image.new("RGB", (80, 60), (90, 140, 60)).save(buffer, "JPEG")
    jpeg = buffer.getvalue()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            log.append(self.path)
            path = self.path.split("?")[0]
            if path in (raw or {}):
                body, kind = raw[path], "text/html; charset=utf-8"
            elif path in pages:
                body, kind = pages[path].encode(), "text/html; charset=utf-8"
            elif path.endswith(".jpg"):
                body, kind = jpeg, "image/jpeg"
            else:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = LoopbackServer((host, 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    cdn_log, site_log = [], []
    cdn, cdn_base = serve("127.0.0.2", {}, cdn_log)
    ad = AD.replace("{cdn}", cdn_base)
    site, base = serve("127.0.0.1", {"/": INDEX, "/ad/5520-kubota-m5-111": ad, "/ad/5520": ad,
                                      "/robots.txt": "User-agent: *\nAllow: /\n"}, site_log)
    db_path = tmp_path_factory.mktemp("real") / "farmwatch.db"
    proc = subprocess.run([sys.executable, "-m", "farmwatch.cli", "--db", str(db_path), "crawl", "--start-url",
                           base + "/", "--fast"], capture_output=True, text=True, timeout=180)
    site.shutdown()
    cdn.shutdown()
    db = connect(db_path)
    yield proc, db, base, cdn_log, site_log
    db.close()


def test_one_listing_under_its_canonical_address(crawled):
    proc, db, base, _, site_log = crawled
    assert proc.returncode == 0, proc.stderr
    rows = db.execute("select url, title, price, currency, location, seller_name, structured_identifiers "
                      "from listings").fetchall()
    assert [r[0] for r in rows] == [base + "/ad/5520-kubota-m5-111"]
    url, title, price, currency, location, seller, identifiers = rows[0]
    assert (title, price, currency, location, seller) == ("Kubota M5-111 tractor", 38500, "GBP", "Hexham",
                                                          "Tynedale Tractors")
    assert '"KBCM5111C0J512345"' in identifiers
    assert "FarmMarket24" not in identifiers and "V4" not in identifiers and "01434" not in identifiers
    assert "/ad/5520" in site_log and "/ad/5520-kubota-m5-111" in site_log


def test_every_gallery_photo_is_requested_from_the_cdn_and_no_placeholder(crawled):
    _, db, _, cdn_log, site_log = crawled
    assert sorted(set(cdn_log) - {"/robots.txt"}) == ["/ad/5520/1_800.jpg", "/ad/5520/2_800.jpg", "/ad/5520/3_1024.jpg",
                                                      "/ad/5520/4_800.jpg"]
    assert "/static/spacer.gif" not in site_log
    stored = db.execute("select count(*) from listing_photos where sha256 is not null").fetchone()[0]
    assert stored == 4
