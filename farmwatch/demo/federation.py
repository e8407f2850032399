"""The demonstration's second register: Ireland's, side by side with the demonstration (Great
Britain) register, each answering on its own port with its own database and key.

A tractor stolen in County Louth is reported to the Irish register; the machine turns up on the
marketplace the GB register scans (one of its ordinary listings). The GB register pulls Ireland's
stolen items, matches them with its own, answers its public check with the Garda's crime reference,
and sends the hit notice back, where it lands in the Irish queue.
"""

from __future__ import annotations

import socket
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from datasette_config.check.lookup import check_identifier
from datasette_config.serve import build_server
from matching.pipeline import match_listings
from registry.db import connect, data_dir
from registry.federation.keys import load_or_create_key, public_key_text
from registry.federation.peers import add_peer
from registry.federation.sync import sync_all
from registry.items.registration import register_item
from registry.items.validation import validate_item

IRISH_OWNER = {"name": "Ó Briain Farms", "email": "obriain.farms@example.ie", "phone": "+353 42 555 0101",
               "postcode": "A91 X2Y3"}
IRISH_CRIME_REF = "LH-2026-0417"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """A register's `farmwatch serve` in a background thread, on a free port of 127.0.0.1."""

    def __init__(self, db_path: Path):
        self.port = _free_port()
        self.server = build_server(db_path, "127.0.0.1", self.port, log_level="warning")
        self.thread = threading.Thread(target=self.server.run, name=f"register-{self.port}", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def _irish_register(path: Path, spec) -> object:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = connect(path)
    db["settings"].insert({"key": "demo", "value": "1"}, replace=True)
    posted = date.fromisoformat(spec.posted_at[:10])
    item, errors = validate_item({
        "owner": IRISH_OWNER, "category": spec.category, "make": spec.make, "model": spec.model, "year": spec.year,
        "colour": spec.colour, "description": "taken from a yard near Dundalk",
        "identifiers": [{"kind": spec.identifier_kind, "value": spec.identifier_shown}],
        "theft": {"stolen_at": (posted - timedelta(days=3)).isoformat(), "crime_ref": IRISH_CRIME_REF,
                  "place": "Dundalk, Co Louth"}})
    if errors:
        raise RuntimeError(f"the Irish demonstration item: {errors}")
    register_item(db, item, [("yard.jpg", spec.photos[0])])
    return db


def run_federation_demo(gb_db, scenario, say) -> dict:
    """Run the two-register story; prints what happens and returns {'match_id', 'listing', 'check'}."""
    spec = next(s for s in scenario.listings_in(0) if s.label == "unrelated" and s.identifier_shown)
    gb_path = Path(gb_db.execute("PRAGMA database_list").fetchone()[2])
    ie_path = gb_path.parent / "ireland" / "farmwatch.db"
    ie_db = _irish_register(ie_path, spec)
    gb, ie = Served(gb_path), Served(ie_path)
    try:
        gb_key, ie_key = (public_key_text(load_or_create_key(data_dir(d))) for d in (gb_db, ie_db))
        add_peer(gb_db, "Ireland", ie.url, ie_key)
        add_peer(ie_db, "Great Britain", gb.url, gb_key)
        say(f"    two registers side by side: Great Britain at {gb.url}, Ireland at {ie.url} ({ie_path})")
        pulled = sync_all(gb_db)["peers"][0]["pulled"]
        say(f"    GB pulled Ireland's stolen items: {pulled['stolen']} new (a {spec.make} {spec.model}, "
            f"stolen near Dundalk, crime reference {IRISH_CRIME_REF})")
        match_listings(gb_db, workers=1)
        row = gb_db.execute(
            "select m.id, m.band, m.score, l.title, l.source, l.url, t.force_area from matches m "
            "join items i on i.id = m.item_id join listings l on l.id = m.listing_id join thefts t on t.id = m.theft_id "
            "where i.register = 'Ireland' order by m.score desc limit 1").fetchone()
        if row is None:
            say("    no federated match was found")
            return {}
        say(f"    FEDERATED MATCH in the GB queue: {row[1]} {row[2]:.2f} \"{row[3]}\" on {row[4]} ({row[5]}), "
            f"from the Ireland register, stolen in {row[6]}")
        answer = check_identifier(gb_db.conn, spec.identifier_shown, str(gb_path))
        say(f"    GB public check of {spec.identifier_shown}: {answer.message}")
        pushed = sync_all(gb_db)["peers"][0]["pushed"]
        received = ie_db.execute("select m.band, l.source from matches m join listings l on l.id = m.listing_id").fetchall()
        say(f"    hit notice sent to Ireland ({pushed['sent']} sent); the Irish queue now holds: "
            + ", ".join(f"a {band} match from {source}" for band, source in received))
        return {"match_id": row[0], "listing": row[5], "check": answer.result, "received": received}
    finally:
        gb.stop()
        ie.stop()
        ie_db.close()
