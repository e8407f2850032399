"""A seller edits adverts after they matched: real Scrapy crawls (`farmwatch crawl --start-url` in a
subprocess) of a site served on 127.0.0.1, before and after the edit (serial removed, photo replaced,
price cut), for a confirmed and an unreviewed match. Each match stays pinned to what it saw with its
band; the edit is flagged and raised; the original snapshot is served with its hash, and the case file's
hashes verify."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import subprocess
import sys
import threading
import zipfile
from http.server import BaseHTTPRequestHandler

import pytest

from datasette_config.app import make_datasette
from datasette_config.auth.sessions import COOKIE_NAME, create_session
from datasette_config.officer.decisions import record_decision
from matching.pipeline import match_listings
from registry.accounts.users import add_user
from registry.db import connect
from registry.imports.files import import_items
from synthetic.photos import photo_bytes
from tests.spiders.fixture_sites import LoopbackServer

ITEMS = [
    {"owner": {"name": "A Farmer", "email": "a@example.org"}, "category": "power_tool", "make": "Stihl",
     "model": "MS 261", "identifiers": [{"kind": "serial", "value": "ST4402S889112"}], "photos": ["saw.jpg"],
     "theft": {"stolen_at": "2026-11-01", "crime_ref": "44260000001", "place": "Faccombe"}},
    {"owner": {"name": "B Farmer", "email": "b@example.org"}, "category": "quad", "make": "Honda",
     "model": "TRX420", "identifiers": [{"kind": "frame", "value": "478TE2404M0654321"}], "photos": ["quad.jpg"],
     "theft": {"stolen_at": "2026-11-02", "crime_ref": "44260000002", "place": "Hurstbourne Tarrant"}},
]
ADS = {  # path: (title, serial, registered photo seed, price before, price after)
    "/ad/saw": ("Stihl MS 261 chainsaw", "ST4402S889112", 31, 9500, 6000),
    "/ad/quad": ("Honda TRX420 quad", "478TE2404M0654321", 32, 4200, 3900),
}


def ad_page(path: str, edited: bool) -> bytes:
    title, serial, _, before, after = ADS[path]
    product = {"@context": "https://schema.org", "@type": "Product", "name": title,
               "description": "Little used, sold as seen." + ("" if edited else f" Serial {serial}."),
               "image": [f"{path}/{'main' if path == '/ad/quad' else 'new' if edited else 'old'}.jpg"],
               "offers": {"@type": "Offer", "price": str(after if edited else before), "priceCurrency": "GBP"}}
    if not edited:
        product["serialNumber"] = serial
    block = json.dumps(product)
    return (f'<html><head><meta charset="utf-8"><script type="application/ld+json">{block}</script></head>'
            f"<body><h1>{title}</h1><p>{product['description']}</p></body></html>").encode()


def serve(state: dict):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            path = self.path.split("?")[0]
            if path == "/robots.txt":
                body, kind = b"User-agent: *\nAllow: /\n", "text/plain"
            elif path == "/":
                body, kind = "".join(f'<a href="{p}">{p}</a>' for p in ADS).encode(), "text/html"
            elif path in ADS:
                body, kind = ad_page(path, state["edited"]), "text/html; charset=utf-8"
            elif path.endswith(".jpg") and path.rsplit("/", 1)[0] in ADS:
                seed = ADS[path.rsplit("/", 1)[0]][2]  # the quad's seller swaps the picture at the same address
                new = path.endswith("new.jpg") or (path.endswith("main.jpg") and state["edited"])
                body, kind = photo_bytes(seed + 40 if new else seed), "image/jpeg"
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

    server = LoopbackServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def crawl(db_path, base):
    proc = subprocess.run([sys.executable, "-m", "farmwatch.cli", "--db", str(db_path), "crawl", "--start-url",
                           base + "/", "--fast"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]


@pytest.fixture(scope="module")
def edited_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("edited")
    db_path = folder / "data" / "farmwatch.db"
    db = connect(db_path)
    (folder / "saw.jpg").write_bytes(photo_bytes(31))
    (folder / "quad.jpg").write_bytes(photo_bytes(32))
    (folder / "items.jsonl").write_text("\n".join(json.dumps(i) for i in ITEMS))
    assert not import_items(db, folder / "items.jsonl").errors
    state = {"edited": False}
    server, base = serve(state)
    try:
        crawl(db_path, base)
        match_listings(db)
        before = {r["url"].rsplit("/", 1)[1]: r for r in db.query(
            "select m.*, l.url from matches m join listings l on l.id = m.listing_id")}
        with db.conn:
            record_decision(db.conn, before["saw"]["id"], "confirm", "serial checked", "olivia")
        state["edited"] = True
        crawl(db_path, base)
        report = match_listings(db)
    finally:
        server.shutdown()
        server.server_close()
    after = {r["url"].rsplit("/", 1)[1]: r for r in db.query(
        "select m.*, l.url from matches m join listings l on l.id = m.listing_id")}
    yield db, db_path, before, after, report
    db.close()


def versions(db, listing_id):
    return list(db.query("select * from listing_versions where listing_id = ? order by number", [listing_id]))


@pytest.mark.parametrize("ad", ["saw", "quad"], ids=["confirmed", "unreviewed"])
def test_match_keeps_its_band_and_version_and_the_edit_is_flagged(edited_site, ad):
    db, _, before, after, report = edited_site
    assert before[ad]["band"] == "strong"
    match = after[ad]
    first, second = versions(db, match["listing_id"])
    assert (match["band"], match["score"], match["reasons"]) == (before[ad]["band"], before[ad]["score"],
                                                                 before[ad]["reasons"])
    assert match["listing_version_id"] == first["id"]
    assert match["status"] == ("confirmed" if ad == "saw" else "new")
    kinds = {e["kind"] for e in json.loads(match["evidence_edits"])}
    assert kinds == {"identifier", "photo"}
    assert first["via"] == second["via"] == "crawl" and first["crawl_run_id"] != second["crawl_run_id"]
    assert report.edited == 2


def test_original_snapshot_and_photos_stay_on_disk_with_their_hashes(edited_site):
    db, db_path, _, after, _ = edited_site
    first, second = versions(db, after["saw"]["listing_id"])
    assert first["snapshot_sha256"] != second["snapshot_sha256"]
    html = gzip.decompress((db_path.parent / first["snapshot_path"]).read_bytes())
    assert hashlib.sha256(html).hexdigest() == first["snapshot_sha256"] and b"ST4402S889112" in html
    for photo in db.query("select * from listing_version_photos where version_id = ?", [first["id"]]):
        assert hashlib.sha256((db_path.parent / photo["path"]).read_bytes()).hexdigest() == photo["sha256"]


@pytest.fixture
def officer(edited_site):
    db, db_path, *_ = edited_site
    user = db.execute("select id from users where username = 'olivia'").fetchone()
    user_id = user[0] if user else add_user(db, "olivia", "correct horse battery", "officer")
    return make_datasette(db_path, secret="test-secret-0123456789abcdef"), {COOKIE_NAME: create_session(db, {"id": user_id})}


async def test_match_page_and_exports_show_the_version_seen_first(edited_site, officer):
    db, _, _, after, _ = edited_site
    ds, cookies = officer
    match = after["saw"]
    first, _ = versions(db, match["listing_id"])
    page = (await ds.client.get(f"/match/{match['id']}", cookies=cookies)).text
    assert first["snapshot_sha256"] in page and "version 1 of 2" in page
    assert "serial ST4402S889112 removed" in page and "price cut from £9,500 to £6,000" in page
    assert "photos replaced: 1 removed, 1 added" in page and "Evidence edited after the match" in page
    record = (await ds.client.get(f"/match/{match['id']}.json", cookies=cookies)).json()
    assert record["listing"]["snapshot_sha256"] == first["snapshot_sha256"] and record["listing"]["price"] == 9500
    assert [v["version"] for v in record["versions"]] == [1, 2]
    assert "serial ST4402S889112 removed" in record["versions"][1]["changes"]
    csv_text = (await ds.client.get(f"/match/{match['id']}.csv", cookies=cookies)).text
    assert first["snapshot_sha256"] in csv_text
    snapshot = await ds.client.get(f"/listing/{match['listing_id']}/snapshot?version=1", cookies=cookies)
    assert snapshot.headers["x-snapshot-sha256"] == first["snapshot_sha256"]
    assert snapshot.headers["x-snapshot-verified"] == "yes" and "ST4402S889112" in snapshot.text
    pinned = await ds.client.get(f"/match/{match['id']}/snapshot", cookies=cookies)
    assert pinned.status_code == 302
    assert pinned.headers["location"] == f"/listing/{match['listing_id']}/snapshot?version=1"
    # the photo the match cited is still served, though the listing no longer shows it
    cited = next(r["listing_photo_id"] for r in json.loads(match["reasons"]) if r.get("listing_photo_id"))
    assert (await ds.client.get(f"/photo/listing/{cited}.jpg", cookies=cookies)).status_code == 200


async def test_queue_raises_both_edited_matches(edited_site, officer):
    _, _, _, after, _ = edited_site
    ds, cookies = officer
    queue = (await ds.client.get("/queue?force_area=national", cookies=cookies)).text
    for ad in ("saw", "quad"):
        assert f'data-match-id="{after[ad]["id"]}"' in queue
    assert "evidence edited, to review" in queue


async def test_case_file_hashes_verify(edited_site, officer):
    db, _, _, after, _ = edited_site
    ds, cookies = officer
    match = after["quad"]
    response = await ds.client.get(f"/match/{match['id']}.case.zip", cookies=cookies)
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["pinned_version"] == 1 and manifest["all_verified"] and not manifest["missing"]
    for entry in manifest["files"]:
        assert hashlib.sha256(archive.read(entry["path"])).hexdigest() == entry["sha256"] == (
            entry["recorded_sha256"] or entry["sha256"])
    for line in archive.read("SHA256SUMS").decode().splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    first, second = versions(db, match["listing_id"])
    snapshots = {e["listing_version"]: e for e in manifest["files"] if e["path"].startswith("snapshots/")}
    assert snapshots[1]["sha256"] == first["snapshot_sha256"] and snapshots[2]["sha256"] == second["snapshot_sha256"]
    assert snapshots[1]["crawl_run"]["id"] == first["crawl_run_id"] and snapshots[1]["url"].endswith("/ad/quad")
    assert manifest["files"][1]["path"] == "snapshots/version-1.html"  # the version the match saw comes first
    assert (await ds.client.get(f"/match/{match['id']}.case.zip")).status_code in (302, 403)
