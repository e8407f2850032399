"""A small workspace: owners, items, a theft, listings with hostile seller text, photos, snapshots, matches.

Markers are distinctive so tests can assert that personal data never reaches the wrong visitor.
"""

from __future__ import annotations

import json

from registry.items.registration import register_item, report_stolen
from registry.items.validation import validate_item
from registry.listings.store import clean_listing, save_listing_photo, save_snapshot, upsert_listing
from synthetic.photos import photo_bytes

OWNER_MARKERS = ["Zebedee Quillfeather", "zebedee.quill@example.org", "07700 900999", "SP11 0QZ"]
HOSTILE_TITLE = '<script>alert("title")</script>JD 6120M "><img src=x onerror=alert(1)>'
HOSTILE_DESCRIPTION = "<img src=x onerror=alert(2)> cheap tractor ' onmouseover='alert(3)"
HOSTILE_SELLER = '"><svg onload=alert(4)>'
HOSTILE_REASON = '<b onclick="alert(5)">serial</b> matches'
SNAPSHOT_HTML = b"<html><body><h1>Tractor for sale</h1><script>document.title='pwned'</script></body></html>"
# Strings a page must never contain unescaped.
RAW_HOSTILE = ["<script>alert(", "<img src=x onerror", "<svg onload", '<b onclick="alert(5)">', "' onmouseover='"]


def _item(db, record, seed):
    item, errors = validate_item(record)
    assert not errors, errors
    return register_item(db, item, [(f"p{seed}.jpg", photo_bytes(seed))]).item_id


def seed_workspace(db) -> dict:
    """Populate db; return the ids tests need."""
    owner = {"name": OWNER_MARKERS[0], "email": OWNER_MARKERS[1], "phone": OWNER_MARKERS[2],
             "postcode": OWNER_MARKERS[3]}
    tractor = _item(db, {"owner": owner, "category": "tractor", "make": "John Deere", "model": "6120M",
                         "year": 2019, "colour": "green", "description": "front loader",
                         "identifiers": [{"kind": "pin", "value": "1L06120MCKK123456"}]}, 1)
    quad = _item(db, {"owner": owner, "category": "quad", "make": "Honda", "model": "TRX420",
                      "identifiers": [{"kind": "frame", "value": "HFT420-778899"}]}, 2)
    theft_id = report_stolen(db, tractor, stolen_at="2026-11-01", crime_ref="44260123456",
                             place="Faccombe, Hampshire", latitude=51.31, longitude=-1.43)
    hostile = clean_listing({"source": "example-market", "url": "https://market.example/ad/1",
                             "title": HOSTILE_TITLE, "description": HOSTILE_DESCRIPTION, "price": 12500,
                             "location": "Andover", "latitude": 51.21, "longitude": -1.48,
                             "seller": {"name": HOSTILE_SELLER, "phone": "07700 900123",
                                        "profile_url": "javascript:alert(6)"}})
    hostile_id = upsert_listing(db, hostile).listing_id
    quiet = clean_listing({"source": "example-market", "url": "https://market.example/ad/2",
                           "title": "Honda quad TRX420", "price": 2100, "location": "Basingstoke"})
    quiet_id = upsert_listing(db, quiet).listing_id
    save_listing_photo(db, hostile_id, 1, "https://market.example/img/1.jpg", photo_bytes(1, quality=70))
    save_listing_photo(db, quiet_id, 1, "https://market.example/img/2.jpg", photo_bytes(2, quality=70))
    save_snapshot(db, hostile_id, SNAPSHOT_HTML, "2026-11-20T10:00:00Z")
    photo_id = db.execute("select id from photos where item_id = ?", [tractor]).fetchone()[0]
    listing_photo_id = db.execute("select id from listing_photos where listing_id = ?", [hostile_id]).fetchone()[0]
    reasons = [
        {"kind": "identifier", "detail": HOSTILE_REASON, "weight": 0.6, "identifier_id": 1,
         "identifier_kind": "pin", "registered": "1L06120MCKK123456", "listed": "1L0612OMCKK123456",
         "match": "exact"},
        {"kind": "photo", "detail": "listing photo 1 is a copy of registered photo 1", "weight": 0.3,
         "photo_id": photo_id, "listing_photo_id": listing_photo_id, "distance": 2, "hash": "phash",
         "mirrored": False},
    ]
    now = "2026-11-21T09:00:00Z"
    db["matches"].insert_all([
        {"id": "m-stolen-1", "item_id": tractor, "listing_id": hostile_id, "theft_id": theft_id,
         "queue": "stolen", "score": 0.93, "band": "strong", "reasons": json.dumps(reasons), "status": "new",
         "created_at": now, "updated_at": now},
        {"id": "m-owner-1", "item_id": quad, "listing_id": quiet_id, "theft_id": None, "queue": "owner_check",
         "score": 0.61, "band": "likely", "status": "new",
         "reasons": json.dumps([{"kind": "text", "detail": "make and model agree", "weight": 0.2}]),
         "created_at": now, "updated_at": now},
    ])
    return {"tractor": tractor, "quad": quad, "theft": theft_id, "hostile_listing": hostile_id,
            "quiet_listing": quiet_id, "photo": photo_id, "listing_photo": listing_photo_id,
            "stolen_match": "m-stolen-1", "owner_match": "m-owner-1"}
