"""Serving the demonstration marketplace from a background thread (or, with `farmwatch market`,
in the foreground). `server.variant` may be switched between crawls: 0 is tonight, 1 the next
night (some listings gone with 404/410, some repriced, some new). Every request path is kept in
`server.request_log` (and path, status and body bytes in `server.traffic`), so tests and the
benchmark can check what a crawler fetched.

Like a well-behaved site, every 200 carries a strong ETag (a digest of the body) and a Last-Modified
(a listing's page and photos: when it was posted, or when its content was first served changed;
other pages: when the server first served that content), a conditional request whose validators
still match is answered 304 Not Modified with no body (RFC 9110 section 13.2.2: If-None-Match first,
else If-Modified-Since), and the dealer's sitemap gives each page's `<lastmod>`. `server.validators
= False` turns all of that off (a site that sends no validators)."""

from __future__ import annotations

import hashlib
import re
import sys
import threading
import time
from datetime import UTC, datetime
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from farmwatch.demo.market import pages
from farmwatch.demo.scenario import Scenario

HTML = "text/html; charset=utf-8"


class MarketServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # a crawler opens many connections at once; the default 5 drops some

    def __init__(self, address, scenario: Scenario, variant: int = 0):
        super().__init__(address, MarketHandler)
        self.scenario = scenario
        self.variant = variant
        self.request_log: list[str] = []
        self.traffic: list[tuple[str, int, int]] = []  # (path, status, body bytes) of every answer
        self.validators = True
        self.started = time.time()
        self._modified: dict[str, tuple[str, float]] = {}  # path -> (etag, when that content was first served)
        self._lock = threading.Lock()
        self.by_path = {spec.path: spec for spec in scenario.listings}
        self.photos = {path: data for spec in scenario.listings
                       for path, data in zip(pages.photo_paths(spec), spec.photos, strict=True)}
        dealer_plain = [s for s in scenario.listings if s.site == "dealer" and s.label == "unrelated"
                        and not s.identifier_shown]
        self.opengraph_only = {s.path for s in dealer_plain[:2]}

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)

    def posted(self, path: str) -> float:
        """When a listing's page or photo was first published (its posting time), else server start."""
        key = path.removeprefix("/img/").rsplit("-", 1)[0] if path.startswith("/img/") else None
        for spec in self.scenario.listings:
            if spec.path == path or spec.key == key:
                return datetime.fromisoformat(spec.posted_at.replace("Z", "+00:00")).timestamp()
        return self.started

    def modified(self, path: str, body: bytes) -> tuple[str, float]:
        """(strong ETag, Last-Modified as epoch seconds) of this body at this path."""
        etag = '"' + hashlib.sha256(body).hexdigest()[:24] + '"'
        with self._lock:
            known = self._modified.get(path)
            if known is None or known[0] != etag:
                when = self.posted(path) if known is None else max(time.time(), known[1] + 1)
                known = self._modified[path] = (etag, float(int(when)))
        return known

    def lastmod(self, path: str) -> str:
        """The sitemap lastmod (W3C datetime) of a listing page in the current variant."""
        _, body = answer(self, path)[1:]
        when = self.modified(path, body)[1]
        return datetime.fromtimestamp(when, UTC).isoformat().replace("+00:00", "Z")

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


def answer(server: MarketServer, target: str) -> tuple[int, str, bytes]:
    """respond(), a bug showing as a 500 rather than a dropped connection."""
    try:
        return respond(server, target)
    except Exception as exc:
        return 500, "text/plain", f"error: {exc}".encode()


def not_modified(headers, etag: str, when: float) -> bool:
    """RFC 9110 section 13.2.2: If-None-Match decides when sent (weak comparison), else If-Modified-Since."""
    match = headers.get("If-None-Match")
    if match is not None:
        tags = [t.strip().removeprefix("W/") for t in match.split(",")]
        return "*" in tags or etag in tags
    since = headers.get("If-Modified-Since")
    if since:
        try:
            return when <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError, IndexError):
            return False
    return False


def respond(server: MarketServer, target: str) -> tuple[int, str, bytes]:
    """(status, content type, body) for a request target on the server's current variant."""
    variant, base, scenario = server.variant, server.base_url, server.scenario
    parts = urlsplit(target)
    path = parts.path
    live = lambda site: scenario.listings_in(variant, site)  # noqa: E731
    gone = lambda site: [s for s in scenario.listings_in(0, site) if variant not in s.variants]  # noqa: E731
    if path == "/robots.txt":
        return 200, "text/plain", pages.ROBOTS.format(base=base).encode()
    if path in server.photos:
        return 200, "image/jpeg", server.photos[path]
    if path == "/":
        body = ('<h1>Demonstration marketplace</h1><ul><li><a href="/classifieds/">Farm Classifieds</a></li>'
                '<li><a href="/dealer/">Westcountry Agri Sales</a></li>'
                '<li><a href="/feeds/saved-search.rss">Auction saved search (RSS)</a></li></ul>')
        return 200, HTML, pages._page("Demonstration marketplace", body).encode()
    if path == "/classifieds/":
        page = parse_qs(parts.query).get("page", ["1"])[0]
        page = int(page) if page.isdigit() else 1
        return 200, HTML, pages.classifieds_index(live("classifieds"), max(1, page), variant).encode()
    if path in ("/dealer/", "/dealer/stock"):
        sold = gone("dealer") if variant == 1 else []
        return 200, HTML, pages.dealer_index(live("dealer"), sold, variant).encode()
    if path == "/dealer/sitemap.xml":
        specs = live("dealer") + gone("dealer")
        lastmods = {s.path: server.lastmod(s.path) for s in specs} if server.validators else {}
        return 200, "application/xml", pages.dealer_sitemap(specs, base, lastmods).encode()
    if path == "/feeds/saved-search.rss":
        return 200, "application/rss+xml", pages.saved_search_feed(live("auction") + gone("auction"), base).encode()
    spec = server.by_path.get(path)
    if spec is not None:
        if variant not in spec.variants:
            status = spec.gone_status or 404
            return status, HTML, pages._page("Gone", "<h1>This listing has ended</h1>").encode()
        if spec.site == "classifieds":
            return 200, HTML, pages.classifieds_ad(spec, variant).encode()
        if spec.site == "dealer":
            return 200, HTML, pages.dealer_stock(spec, variant, base, spec.path in server.opengraph_only).encode()
        return 200, HTML, pages.auction_lot(spec, variant).encode()
    if re.match(r"^/(classifieds/(user|admin)/|dealer/(about|trade-only/)|auction/)", path):
        return 200, HTML, pages._page("Page", f"<h1>{path.split('/')[-1] or 'Page'}</h1>").encode()
    return 404, HTML, pages._page("Not found", "<h1>Not found</h1>").encode()


def send_validated(handler: BaseHTTPRequestHandler, status: int, content_type: str, body: bytes,
                   validators: tuple[str, float] | None) -> None:
    """Answer with ETag and Last-Modified when `validators` (etag, time) are given, and with 304 and no
    body when the request's conditional headers match them (`not_modified`); logs (path, status, bytes)
    in the server's `traffic`."""
    extra = {}
    if validators:
        etag, when = validators
        extra = {"ETag": etag, "Last-Modified": formatdate(when, usegmt=True)}
        if not_modified(handler.headers, etag, when):
            status, body = 304, b""
    handler.server.traffic.append((handler.path, status, len(body)))
    handler.send_response(status)
    if status != 304:
        handler.send_header("Content-Type", content_type)
    for name, value in extra.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class MarketHandler(BaseHTTPRequestHandler):
    server_version = "DemoMarket/1.0"

    def do_GET(self):  # noqa: N802
        self.server.request_log.append(self.path)
        status, content_type, body = answer(self.server, self.path)
        validators = self.server.modified(urlsplit(self.path).path, body) \
            if status == 200 and self.server.validators else None
        send_validated(self, status, content_type, body, validators)

    def log_message(self, format, *args):  # noqa: A002
        pass


def start_market(scenario: Scenario, host: str = "127.0.0.1", port: int = 0, variant: int = 0):
    """Serve the marketplace from a background thread; returns (server, base_url).
    Stop it with server.shutdown(); switch nights with server.variant = 1."""
    server = MarketServer((host, port), scenario, variant)
    thread = threading.Thread(target=server.serve_forever, name="demo-market", daemon=True)
    thread.start()
    return server, server.base_url
