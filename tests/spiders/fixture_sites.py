"""Small fixture sites for crawl tests, served on 127.0.0.1 (port 0), over HTTP or HTTPS.

A site is a dict of path -> (status, content type, body) or path -> ("redirect", location); a
callable value is called with the server (so a test can change the site between crawls). HTTPS
uses a self-signed certificate made here with `cryptography` (Scrapy does not verify
certificates by default), so an `http` to `https` redirect is a real change of scheme and port.
"""

from __future__ import annotations

import datetime
import gzip
import io
import ssl
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml
from PIL import Image

RESOLVER = "tests.spiders.loopback_dns.LocalhostResolver"
SETTINGS = {"DOWNLOAD_TIMEOUT": 5, "RETRY_TIMES": 0, "TWISTED_DNS_RESOLVER": RESOLVER}


def jpeg(colour: tuple[int, int, int], size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def ad_page(title: str, price: str = "£4,500", photos: tuple[str, ...] = (), extra: str = "") -> str:
    gallery = "".join(f'<img src="{p}" alt="photo">' for p in photos)
    return (f"<html><head><title>{title}</title></head><body><h1>{title}</h1><p class='price'>{price}</p>"
            f"<dl><dt>Location</dt><dd>Hexham</dd></dl><div class='gallery'>{gallery}</div>{extra}</body></html>")


def index_page(links: list[str]) -> str:
    return "<html><body><h1>Machinery for sale</h1>" + "".join(f'<p><a href="{h}">{h}</a></p>' for h in links) + "</body></html>"


def gz(text: str) -> bytes:
    return gzip.compress(text.encode(), mtime=0)


def _certificate(folder: Path) -> tuple[str, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.DNSName("*.farm.localhost"),
                                                        x509.DNSName("farm.localhost")]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


class LoopbackServer(ThreadingHTTPServer):
    """A test server for crawls: one thread per connection and a listen backlog deep enough for a
    crawl's burst. A crawl with --fast opens up to 16 connections at once (a listing's photos are
    fetched together); the standard library's backlog of 5 makes the kernel drop the other SYNs
    (counted as ListenOverflows in /proc/net/netstat), each retried by the client only after 1 s, 3 s,
    7 s, so on a loaded machine a photo could time out without ever reaching the server."""

    daemon_threads = True
    request_queue_size = 128


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        self.server.log.append(self.path)
        route = self.server.site.get(self.path.split("?")[0], (404, "text/html", b"not found"))
        if callable(route):
            route = route(self.server)
        if route[0] == "redirect":
            self.send_response(301)
            self.send_header("Location", route[1])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status, kind, body = route
        body = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(site: dict, *, tls: bool = False) -> ThreadingHTTPServer:
    """Serve `site` on 127.0.0.1 at a free port (server.port); stop with server.shutdown()."""
    server = LoopbackServer(("127.0.0.1", 0), Handler)
    server.site, server.log = site, []
    server.port = server.server_address[1]
    if tls:
        folder = Path(tempfile.mkdtemp(prefix="fw-tls-"))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*_certificate(folder))
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def crawl(db_path: Path, folder: Path, sources: list[dict], *extra: str, timeout: float = 180):
    """`farmwatch crawl` of the given sources (each gets SETTINGS under its own) in a subprocess."""
    for source in sources:
        source["settings"] = {**SETTINGS, **source.get("settings", {})}
    path = folder / "sources.yaml"
    path.write_text(yaml.safe_dump({"contact": "mailto:test@example.org", "sources": sources}))
    return subprocess.run([sys.executable, "-m", "farmwatch.cli", "--db", str(db_path), "crawl", "--sources", str(path),
                           "--fast", "--show-errors", "50", *extra], capture_output=True, text=True, timeout=timeout)
