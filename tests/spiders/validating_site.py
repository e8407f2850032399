"""A fixture site on 127.0.0.1 that sends validators and answers conditional requests, well or badly.

`site.pages` maps a path to a `Page` (body, content type, how it validates); tests change pages between
crawls. Every request is logged with the conditional headers it carried (`site.log`: list of (path,
If-None-Match, If-Modified-Since)), and every answer's status (`site.answers`: list of (path, status)).

ETag modes: "strong" (a digest of the body), "weak" (the same, marked W/), "rotating" (a new tag on every
answer, as some servers do), "none". `last_modified` is sent as given (a date in the future, or text that
is no date, are both possible). `force_304` answers 304 whatever was asked (a server that never should);
`contradict` answers a matching conditional request with 304 but another ETag.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler

from tests.spiders.fixture_sites import LoopbackServer

_counter = itertools.count()


@dataclass
class Page:
    body: bytes | str
    kind: str = "text/html; charset=utf-8"
    etag: str = "strong"
    last_modified: str | None = None
    force_304: bool = False
    contradict: bool = False

    def data(self) -> bytes:
        return self.body.encode() if isinstance(self.body, str) else self.body

    def tag(self) -> str | None:
        digest = hashlib.sha256(self.data()).hexdigest()[:16]
        return {"strong": f'"{digest}"', "weak": f'W/"{digest}"', "rotating": f'"r{next(_counter)}"'}.get(self.etag)


def _not_modified(headers, tag: str | None, last_modified: str | None) -> bool:
    match = headers.get("If-None-Match")
    if match is not None:
        return tag is not None and tag.removeprefix("W/") in [t.strip().removeprefix("W/") for t in match.split(",")]
    since = headers.get("If-Modified-Since")
    if since and last_modified:
        try:
            return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError, IndexError):
            return False
    return False


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        server = self.server
        path = self.path.split("?")[0]
        server.log.append((path, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")))
        page = server.pages.get(path)
        if page is None:
            self.answer(path, 404, {"Content-Type": "text/html"}, b"not found")
            return
        tag = page.tag()
        headers = {"Content-Type": page.kind}
        if tag:
            headers["ETag"] = tag
        if page.last_modified:
            headers["Last-Modified"] = page.last_modified
        if page.force_304 or _not_modified(self.headers, tag, page.last_modified):
            if page.contradict:
                headers["ETag"] = '"something-else"'
            self.answer(path, 304, {k: v for k, v in headers.items() if k != "Content-Type"}, b"")
            return
        self.answer(path, 200, headers, page.data())

    def answer(self, path: str, status: int, headers: dict, body: bytes) -> None:
        self.server.answers.append((path, status))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve_validating(pages: dict[str, Page]) -> LoopbackServer:
    """Serve `pages` on 127.0.0.1 at a free port (server.port, server.base); stop with server.shutdown()."""
    server = LoopbackServer(("127.0.0.1", 0), Handler)
    server.pages, server.log, server.answers = pages, [], []
    server.port = server.server_address[1]
    server.base = f"http://127.0.0.1:{server.port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
