"""Saved real marketplace pages served on 127.0.0.1, crawled as a user would, scored against what a
careful reader sees (`truth.json` beside the pages).

The pages live outside the project (`../shared/real-pages`, or `$FARMWATCH_REAL_PAGES`); they are
read from there and never copied. Each page is served at the address it had on its own site (its
`path` in truth.json). Photos the pages name on other hosts cannot be reached from here, so a photo
counts as requested when the crawl tried it (a `listing_photos` row); photos on 127.0.0.1 are also
seen in the server's request log.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
# share of pages each figure must reach (the acceptance check on held-back pages of the same kinds:
# every listing found and no other page stored; titles, prices with their currency, places and sellers
# as a careful reader sees them; photo counts exact)
TARGETS = {"listings": 1.0, "not_listings": 1.0, "title": 1.0, "price": 1.0, "location": 9 / 11, "seller": 1.0,
           "identifiers": 1.0, "photos": 11 / 12}
PLACEHOLDER = re.compile(r"(^data:)|spacer|blank\.gif|1x1|pixel\.gif|loading|placeholder|grey\.gif|transparent",
                         re.I)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a crawl's burst of photo requests; the default 5 drops connections


def pages_folder() -> Path | None:
    """The saved pages: $FARMWATCH_REAL_PAGES, else ../shared/real-pages beside the repository; None if absent."""
    candidates = [os.environ.get("FARMWATCH_REAL_PAGES"), REPO_ROOT.parent / "shared" / "real-pages",
                  REPO_ROOT.parent.parent / "shared" / "real-pages", Path("/work/shared/real-pages")]
    for candidate in candidates:
        if candidate and (Path(candidate) / "truth.json").is_file():
            return Path(candidate)
    return None


def serve_pages(folder: Path, truth: dict):
    """A server on 127.0.0.1 answering each page at its path; photos at /photos/... get a tiny JPEG."""
    by_path = {page["path"]: folder / page["file"] for page in truth["pages"]}
    log: list[str] = []
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (64, 48), (120, 160, 90)).save(buffer, "JPEG")
    jpeg = buffer.getvalue()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            log.append(self.path)
            target = by_path.get(self.path)
            if self.path == "/robots.txt":
                self.answer(200, "text/plain", b"User-agent: *\nAllow: /\n")
            elif target is not None:
                self.answer(200, "text/html; charset=utf-8", target.read_bytes())
            elif re.search(r"\.(jpe?g|png|gif|webp)$", self.path, re.I):
                self.answer(200, "image/jpeg", jpeg)
            else:
                self.answer(404, "text/plain", b"not here")

        def answer(self, status, content_type, body):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = _Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}", log


def crawl(base: str, truth: dict, db_path: Path) -> subprocess.CompletedProcess:
    """`farmwatch crawl --start-url URL ...` over every page, as a user would start it."""
    command = [sys.executable, "-m", "farmwatch.cli", "--db", str(db_path), "crawl", "--fast", "--show-errors", "0"]
    for page in truth["pages"]:
        command += ["--start-url", base + page["path"]]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=REPO_ROOT, env=env)


def _norm(text) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().casefold()


def _key(value: str) -> str:
    from registry.identifiers.rules import matching_key

    return matching_key(value) or ""


def score(db_path: Path, truth: dict) -> tuple[list[dict], dict]:
    """One row per page (what was stored beside what a careful reader sees) and the totals."""
    from registry.db import connect

    db = connect(db_path, migrate=False)
    listings = [dict(zip([c[0] for c in cur.description], row, strict=True))
                for cur in [db.execute("select * from listings")] for row in cur.fetchall()]
    rows = []
    for page in truth["pages"]:
        path = page["path"]
        found = [row for row in listings if (urlsplit(row["url"]).path + (
            "?" + urlsplit(row["url"]).query if urlsplit(row["url"]).query else "")) == path]
        row = found[0] if found else None
        result = {"file": page["file"], "listing": page["listing"], "stored": row is not None}
        if row is not None:
            photos = db.execute("select url, error from listing_photos where listing_id = ?", [row["id"]]).fetchall()
            result.update({
                "title": row["title"], "price": row["price"], "currency": row["currency"],
                "location": row["location"], "seller": row["seller_name"],
                "identifiers": json.loads(row["structured_identifiers"] or "[]"),
                "photos": len(photos), "placeholders": sum(1 for url, _ in photos if PLACEHOLDER.search(url or "")),
                "private": sum(1 for _, error in photos if error and "private" in error),
            })
        rows.append(result)
    db.close()
    return rows, _totals(rows, truth)


def judge(result: dict, page: dict) -> dict:
    """{field: right or not} for one stored listing beside what a careful reader sees, and `spurious`
    (identifiers that are neither required nor acceptable)."""
    verdict = {}
    titles = [page.get("title")] + page.get("title_alt", [])
    verdict["title"] = _norm(result.get("title")) in {_norm(t) for t in titles if t}
    prices = [page.get("price")] + page.get("price_alt", [])
    verdict["price"] = (result.get("price") is not None
                        and any(p is not None and abs(result["price"] - p) < 0.005 for p in prices)
                        and result.get("currency") == page.get("currency"))
    if page.get("location"):
        places = [page["location"]] + page.get("location_alt", [])
        got = _norm(result.get("location"))
        verdict["location"] = bool(got) and any(_norm(p) in got or got in _norm(p) for p in places)
    if page.get("seller"):
        got = _norm(result.get("seller"))
        verdict["seller"] = bool(got) and (_norm(page["seller"]) in got or got in _norm(page["seller"]))
    wanted = {_key(i["value"]) for i in page.get("identifiers", [])}
    allowed = wanted | {_key(v) for v in page.get("acceptable_identifiers", [])}
    got = {_key(i["value"]) for i in result.get("identifiers", [])}
    if wanted:
        verdict["identifiers"] = wanted <= got
    verdict["spurious"] = sorted(i["value"] for i in result.get("identifiers", []) if _key(i["value"]) not in allowed)
    # each photo of the listing's own gallery requested once: the exact count, no placeholder
    verdict["photos"] = result.get("photos", 0) == page.get("photos", 0) and not result.get("placeholders")
    return verdict


def _totals(rows: list[dict], truth: dict) -> dict:
    totals = {k: [0, 0] for k in ("listings", "not_listings", "title", "price", "location", "seller",
                                  "identifiers", "photos")}
    totals["spurious"] = []
    totals["private"] = 0
    for result, page in zip(rows, truth["pages"], strict=True):
        if not page["listing"]:
            totals["not_listings"][1] += 1
            totals["not_listings"][0] += not result["stored"]
            continue
        totals["listings"][1] += 1
        totals["listings"][0] += result["stored"]
        verdict = judge(result, page)
        result["verdict"] = verdict
        for key in ("title", "price", "location", "seller", "identifiers", "photos"):
            if key in verdict:
                totals[key][1] += 1
                totals[key][0] += bool(verdict[key])
        totals["spurious"] += verdict["spurious"]
        totals["private"] += result.get("private", 0)
    return totals


def print_table(rows: list[dict], totals: dict, truth: dict) -> None:
    print(f"{'page':44} {'listing':8} {'title':6} {'price':6} {'place':6} {'seller':6} {'ids':5} {'photos':9}")
    for result, page in zip(rows, truth["pages"], strict=True):
        verdict = result.get("verdict", {})

        def mark(key, verdict=verdict):
            return "-" if key not in verdict else ("ok" if verdict[key] else "MISS")

        stored = "ok" if result["stored"] == page["listing"] else ("STORED" if result["stored"] else "MISS")
        photos = f"{result.get('photos', 0)}/{page.get('photos', 0)}" if page["listing"] else "-"
        print(f"{page['file'][:44]:44} {stored:8} {mark('title'):6} {mark('price'):6} {mark('location'):6} "
              f"{mark('seller'):6} {mark('identifiers'):5} {photos:9}")
        if verdict.get("spurious"):
            print(f"    spurious identifiers: {verdict['spurious']}")
        for key, label in (("title", "title"), ("location", "location"), ("seller", "seller")):
            if verdict.get(key) is False:
                print(f"    {label}: {result.get(key)!r} (truth {page.get(key)!r})")
        if verdict.get("price") is False:
            print(f"    price: {result.get('price')!r} {result.get('currency')!r} (truth {page.get('price')} "
                  f"{page.get('currency')})")
    for key in ("listings", "not_listings", "title", "price", "location", "seller", "identifiers", "photos"):
        got, total = totals[key]
        target = TARGETS.get(key)
        aim = f"target >= {target:.2f}" if target is not None else ""
        print(f"{key:14} {got}/{total}  {got / total if total else 1:.2f}  {aim}")
    print(f"{'spurious':14} {len(totals['spurious'])}")
    print(f"{'private':14} {totals['private']} photo addresses refused as private")
