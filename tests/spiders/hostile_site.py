"""A hostile classifieds site for tests: every page does something a crawler must survive."""

from __future__ import annotations

import gzip
import json
import struct
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from synthetic.photos import photo_bytes

GOOD_PHOTO = photo_bytes(11, (320, 240))


def png_bomb() -> bytes:
    """A tiny PNG that declares 100000 x 100000 pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def jsonld_page(listing: dict, extra: str = "", head: str = "") -> bytes:
    block = json.dumps({"@context": "https://schema.org", "@type": "Product", **listing}).replace("</", "<\\/")
    return (f'<html><head><meta charset="utf-8">{head}<script type="application/ld+json">{block}</script></head>'
            f"<body><h1>{listing.get('name', '')}</h1>{extra}</body></html>").encode()


def pages(variant: int) -> dict:
    good = jsonld_page({"name": "Kubota M5-111 tractor", "serialNumber": "KBM5111-861613",
                        "image": ["/img/good.jpg"], "brand": {"@type": "Brand", "name": "Kubota"},
                        "offers": {"@type": "Offer", "price": "31000" if variant == 0 else "29500", "priceCurrency": "GBP"}})
    broken = (b'<html><head><script type="application/ld+json">{"@type": "Product", "name": </script></head><body>'
              b'<div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Honda quad</h1>'
              b'<span itemprop="serialNumber">JH2TE27N8K426846</span></div></body></html>')
    cp1252 = ('<html><head><meta charset="utf-8"></head><body><div itemscope itemtype="https://schema.org/Product">'
              '<h1 itemprop="name">Caf\u00e9 tractor \u00a3500 \u2013 bargain</h1></div></body></html>').encode("cp1252")
    injection = jsonld_page({
        "name": "<script>alert('x')</script>Ifor Williams trailer <img src=x onerror=alert(2)>",
        "description": "Good trailer<iframe src='https://evil.example/'></iframe> <b>bold</b> & more",
        "offers": {"price": "2,500", "priceCurrency": "GBP"}})
    bad_images = jsonld_page({"name": "Stihl chainsaw", "image": [
        "/img/good.jpg", "/img/bomb.png", "/img/truncated.jpg", "/img/html.jpg", "/img/missing.jpg",
        "https://offsite.invalid/photo.jpg"]})
    index_links = ["/ad/good", "/ad/good?utm_campaign=spring#photos", "/ad/cp1252", "/ad/huge", "/loop/a", "/ad/error500", "/ad/slow", "/ad/bad-images",
                   "/ad/injection", "/ad/gone", "/ad/canon-1", "/ad/canon-2", "/ad/gzip-bomb", "/ad/no-title", "/private/ad/1", "/trap/1",
                   "https://offsite.invalid/ad/1", "mailto:x@example.org", "javascript:alert(1)"]
    index_links.append("/ad/broken-ld" if variant == 0 else "/ad/new-1")
    index = "<html><body>" + "".join(f'<a href="{href}">{href}</a>' for href in index_links) + "</body></html>"
    routes = {
        "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /private/\n"),
        "/": (200, "text/html", index.encode()),
        "/ad/good": (200, "text/html", good),
        "/ad/broken-ld": (200, "text/html", broken) if variant == 0 else (404, "text/html", b"gone"),
        "/ad/new-1": (200, "text/html", jsonld_page({"name": "New UTV listing", "offers": {"price": 9000}})),
        "/ad/cp1252": (200, "text/html; charset=utf-8", cp1252),
        "/ad/huge": (200, "text/html", b"<html><body>" + b"<p>spam</p>" * 300_000 + b"</body></html>"),
        "/ad/error500": (500, "text/html", b"server error"),
        "/ad/bad-images": (200, "text/html", bad_images),
        "/ad/injection": (200, "text/html", injection),
        "/ad/gone": (410, "text/html", b"gone"),
        # every page claims the home page as its canonical address
        "/ad/canon-1": (200, "text/html", jsonld_page({"name": "Trailer one"}, head='<link rel="canonical" href="/">')),
        "/ad/canon-2": (200, "text/html", jsonld_page({"name": "Trailer two"}, head='<link rel="canonical" href="/">')),
        "/ad/no-title": (200, "text/html", jsonld_page({"description": "no name"})),
        "/private/ad/1": (200, "text/html", jsonld_page({"name": "Private listing"})),
        "/img/good.jpg": (200, "image/jpeg", GOOD_PHOTO),
        "/img/bomb.png": (200, "image/png", png_bomb()),
        "/img/truncated.jpg": (200, "image/jpeg", photo_bytes(12, (320, 240))[:1500]),
        "/img/html.jpg": (200, "image/jpeg", b"<html><body>not an image</body></html>"),
    }
    return routes


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        self.server.request_log.append(self.path)
        self.server.user_agents.add(self.headers.get("User-Agent"))
        path = self.path
        if path == "/ad/slow":
            time.sleep(8)  # twice the crawl's DOWNLOAD_TIMEOUT: timed out however busy the machine
            return self.reply(200, "text/html", jsonld_page({"name": "Slow page"}))
        if path == "/ad/gzip-bomb":  # 3 MB of zeros sent as 3 KB of gzip
            body = gzip.compress(b"<html>" + b"\0" * 3_000_000, mtime=0)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if path == "/loop/a":
            return self.redirect("/loop/b")
        if path == "/loop/b":
            return self.redirect("/loop/a")
        if path.startswith("/trap/"):  # an endless chain of pages
            n = int(path.split("/")[-1] or 0) + 1
            return self.reply(200, "text/html", f'<a href="/trap/{n}">next</a>'.encode())
        status, ctype, body = self.server.routes(self.server.variant).get(path, (404, "text/html", b"not found"))
        self.reply(status, ctype, body)

    def redirect(self, target):
        self.send_response(302)
        self.send_header("Location", target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def reply(self, status, ctype, body):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


class HostileServer(ThreadingHTTPServer):
    request_queue_size = 128
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # crawlers hang up on huge and slow pages: that is the point


def start_hostile_site():
    server = HostileServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.variant = 0
    server.request_log = []
    server.user_agents = set()
    cache = {0: pages(0), 1: pages(1)}
    server.routes = cache.__getitem__
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
