"""A marketplace of realistic size for bench_crawl, served on 127.0.0.1 from a background thread.

N listing pages (schema.org Product with an Offer in JSON-LD: name, price, serial number, seller,
place, 3 photo addresses, the shape of the demonstration dealer's pages), category pages of 50
listings with next links, a sitemap with each listing's lastmod, and 3 distinct 1600x1200 JPEGs per
listing. The photos come from a pool of generated scenes (encoded once); each served photo's bytes
are made distinct by a JPEG COM segment after the SOI marker, so the crawl's SHA-256 dedup skips none.
Every 200 carries a strong ETag and a Last-Modified, and a matching If-None-Match (else
If-Modified-Since) is answered 304 with no body, as farmwatch.demo.market.server does.
"""

from __future__ import annotations

import hashlib
import json
import threading
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml

from farmwatch.demo.market.server import send_validated
from synthetic.photos import encode, scene

HTML = "text/html; charset=utf-8"
PER_PAGE = 50
PHOTOS_PER_LISTING = 3
CATEGORIES = ("tractors", "trailers", "quad-bikes", "implements")
MAKES = ("John Deere", "Massey Ferguson", "New Holland", "Kubota", "Ifor Williams", "Honda")
PLACES = ("Okehampton, Devon", "Hexham, Northumberland", "Brecon, Powys", "Thirsk, North Yorkshire")
PUBLISHED = 1_767_225_600.0  # 2026-01-01T00:00:00Z: when every page and photo was last changed
PUBLISHED_W3C = "2026-01-01T00:00:00Z"


class LoopbackServer(ThreadingHTTPServer):
    """One thread per connection and a listen backlog of 128: a crawl with --fast opens up to 16
    connections at once, and the standard library's backlog of 5 makes the kernel drop SYNs."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def photo_pool(count: int, size: tuple[int, int] = (1600, 1200)) -> list[bytes]:
    """`count` distinct JPEGs of `size` pixels (seeds 5000..), encoded once."""
    return [encode(scene(5000 + n, size)) for n in range(count)]


def with_comment(jpeg: bytes, text: str) -> bytes:
    """The JPEG with a COM segment (FF FE, 2-byte big-endian length including itself) after SOI."""
    payload = text.encode()
    return jpeg[:2] + b"\xff\xfe" + (len(payload) + 2).to_bytes(2, "big") + payload + jpeg[2:]


def listing_page(n: int, base: str) -> str:
    """Listing n's page: a schema.org Product with an Offer in JSON-LD, like the demo dealer's."""
    make, place = MAKES[n % len(MAKES)], PLACES[n % len(PLACES)]
    title = f"{make} {CATEGORIES[n % len(CATEGORIES)][:-1]} no. {n}"
    images = [f"{base}/img/{n}-{k}.jpg" for k in range(1, PHOTOS_PER_LISTING + 1)]
    block = {"@context": "https://schema.org", "@type": "Product", "name": title,
             "description": f"Well kept {title}, serviced, ready to work. Viewing welcome.",
             "brand": {"@type": "Brand", "name": make}, "model": f"M{n % 97}", "serialNumber": f"BS{n:07d}X",
             "image": images,
             "offers": {"@type": "Offer", "price": f"{1500 + 37 * n:.2f}", "priceCurrency": "GBP",
                        "availability": "https://schema.org/InStock", "validFrom": PUBLISHED_W3C,
                        "seller": {"@type": "Person", "name": f"Seller {n % 200}"},
                        "availableAtOrFrom": {"@type": "Place", "address": {
                            "@type": "PostalAddress", "addressLocality": place}}}}
    head = f'<script type="application/ld+json">{json.dumps(block)}</script>'
    imgs = "".join(f'<img src="{i}" alt="">' for i in images)
    body = (f'<nav><a href="/market/">All categories</a></nav><main><h1>{escape(title)}</h1>'
            f'<div class="photos">{imgs}</div><p>Price: £{1500 + 37 * n:,}</p></main>')
    return _page(title, body, head)


def _page(title: str, body: str, head: str = "") -> str:
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)}</title>{head}</head>"
            f"<body>{body}</body></html>")


class BenchMarket(LoopbackServer):
    def __init__(self, listings: int, pool: list[bytes]):
        super().__init__(("127.0.0.1", 0), BenchHandler)
        self.listings, self.pool = listings, pool
        self.traffic: list[tuple[str, int, int]] = []  # (path, status, body bytes) of every answer
        self._etags: dict[str, str] = {}
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def in_category(self, category: int) -> list[int]:
        return [n for n in range(self.listings) if n % len(CATEGORIES) == category]

    def respond(self, target: str) -> tuple[int, str, bytes]:
        parts = urlsplit(target)
        path, base = parts.path, self.base_url
        if path == "/robots.txt":
            return 200, "text/plain", f"User-agent: *\nSitemap: {base}/market/sitemap.xml\n".encode()
        if path.startswith("/img/") and path.endswith(".jpg"):
            n, _, k = path[5:-4].partition("-")
            if n.isdigit() and k.isdigit() and int(n) < self.listings and 1 <= int(k) <= PHOTOS_PER_LISTING:
                index = int(n) * PHOTOS_PER_LISTING + int(k) - 1
                return 200, "image/jpeg", with_comment(self.pool[index % len(self.pool)], f"bench photo {path}")
        if path == "/market/":
            links = "".join(f'<li><a href="/market/c/{c}/">{c}</a></li>' for c in CATEGORIES)
            return 200, HTML, _page("Bench market", f"<h1>Bench market</h1><ul>{links}</ul>").encode()
        if path == "/market/sitemap.xml":
            urls = "".join(f"<url><loc>{base}/market/item/{n}</loc><lastmod>{PUBLISHED_W3C}</lastmod></url>"
                           for n in range(self.listings))
            return 200, "application/xml", ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns='
                                            f'"http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>').encode()
        if path.startswith("/market/c/") and path.rstrip("/").rsplit("/", 1)[-1] in CATEGORIES:
            category = CATEGORIES.index(path.rstrip("/").rsplit("/", 1)[-1])
            page = parse_qs(parts.query).get("page", ["1"])[0]
            page = max(1, int(page)) if page.isdigit() else 1
            items = self.in_category(category)
            shown = items[(page - 1) * PER_PAGE:page * PER_PAGE]
            rows = "".join(f'<li><a href="/market/item/{n}">listing {n}</a></li>' for n in shown)
            more = page * PER_PAGE < len(items)
            nav = f'<a rel="next" href="{path}?page={page + 1}">Next page</a>' if more else ""
            return 200, HTML, _page(f"{CATEGORIES[category]} page {page}", f"<ul>{rows}</ul><nav>{nav}</nav>").encode()
        if path.startswith("/market/item/"):
            n = path.rsplit("/", 1)[-1]
            if n.isdigit() and int(n) < self.listings:
                return 200, HTML, listing_page(int(n), base).encode()
        return 404, HTML, _page("Not found", "<h1>Not found</h1>").encode()

    def etag(self, path: str, body: bytes) -> str:
        with self._lock:
            known = self._etags.get(path)
        if known is None:
            known = '"' + hashlib.sha256(body).hexdigest()[:24] + '"'
            with self._lock:
                self._etags[path] = known
        return known


class BenchHandler(BaseHTTPRequestHandler):
    server_version = "BenchMarket/1.0"

    def do_GET(self):  # noqa: N802
        status, content_type, body = self.server.respond(self.path)
        validators = (self.server.etag(self.path, body), PUBLISHED) if status == 200 else None
        send_validated(self, status, content_type, body, validators)

    def log_message(self, format, *args):  # noqa: A002
        pass


def start_bench_market(listings: int, pool: list[bytes]) -> BenchMarket:
    """Serve the market from a background thread; stop it with shutdown() and server_close()."""
    server = BenchMarket(listings, pool)
    threading.Thread(target=server.serve_forever, name="bench-market", daemon=True).start()
    return server


def write_bench_sources(base_url: str, path: Path) -> Path:
    """A sources file with one structured source starting at the market's sitemap and category list."""
    sources = {"contact": "mailto:rural-crime@example.org", "sources": [
        {"name": "bench-market", "kind": "structured", "enabled": True,
         "start_urls": [f"{base_url}/market/sitemap.xml", f"{base_url}/market/"]}]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(sources, sort_keys=False), encoding="utf-8")
    return path
