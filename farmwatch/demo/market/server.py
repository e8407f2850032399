"""Serving the demonstration marketplace from a background thread (or, with `farmwatch market`,
in the foreground). `server.variant` may be switched between crawls: 0 is tonight, 1 the next
night (some listings gone with 404/410, some repriced, some new). Every request path is kept in
`server.request_log`, so tests can check what a crawler fetched."""

from __future__ import annotations

import re
import sys
import threading
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
        self.by_path = {spec.path: spec for spec in scenario.listings}
        self.photos = {path: data for spec in scenario.listings
                       for path, data in zip(pages.photo_paths(spec), spec.photos, strict=True)}
        dealer_plain = [s for s in scenario.listings if s.site == "dealer" and s.label == "unrelated"
                        and not s.identifier_shown]
        self.opengraph_only = {s.path for s in dealer_plain[:2]}

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


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
        return 200, "application/xml", pages.dealer_sitemap(live("dealer") + gone("dealer"), base).encode()
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


class MarketHandler(BaseHTTPRequestHandler):
    server_version = "DemoMarket/1.0"

    def do_GET(self):  # noqa: N802
        self.server.request_log.append(self.path)
        try:
            status, content_type, body = respond(self.server, self.path)
        except Exception as exc:  # a bug here should show as a 500, not a dropped connection
            status, content_type, body = 500, "text/plain", f"error: {exc}".encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002
        pass


def start_market(scenario: Scenario, host: str = "127.0.0.1", port: int = 0, variant: int = 0):
    """Serve the marketplace from a background thread; returns (server, base_url).
    Stop it with server.shutdown(); switch nights with server.variant = 1."""
    server = MarketServer((host, port), scenario, variant)
    thread = threading.Thread(target=server.serve_forever, name="demo-market", daemon=True)
    thread.start()
    return server, server.base_url
