"""Storing where thefts happened and where listings are offered (position, force, precision, note).

A theft is placed when it is reported; listings are placed in batches (`locate_pending`) before
matching and by `farmwatch init`, so a crawl never waits for the gazetteer. A row is pending while
both `place_precision` and `place_note` are NULL; a changed listing becomes pending again.
"""

from __future__ import annotations

from sqlite_utils import Database

from registry.places.lookup import Place, resolve_place

OWNER_FALLBACK = "force from the owner's postcode, since the place was not found"


def theft_columns(db: Database, item_id: int, theft: dict) -> dict:
    """The place columns of a new theft: position and force from its place text (and coordinates);
    the owner's postcode force only when the place cannot be resolved (never for a place abroad, or in
    Ireland or the Channel Islands without a town we know: their force is not the owner's), and then the
    note says so.
    A force given explicitly (`theft['force_area']`) wins."""
    place = resolve_place(theft.get("place"), theft.get("latitude"), theft.get("longitude"))
    columns = _columns(place)
    if theft.get("force_area"):
        columns["force_area"] = theft["force_area"]
    elif not place.force_area and place.precision not in ("abroad", "region"):
        row = db.execute("select o.force_area from items i join owners o on o.id = i.owner_id where i.id = ?",
                         [item_id]).fetchone()
        if row and row[0]:
            columns["force_area"] = row[0]
            columns["place_note"] = f"{place.note}; {OWNER_FALLBACK}" if place.note else OWNER_FALLBACK
    return columns


def _columns(place: Place) -> dict:
    return {"latitude": place.latitude, "longitude": place.longitude, "force_area": place.force_area,
            "place_precision": place.precision, "place_note": place.note, "place_country": place.country}


def locate_pending(db: Database, *, limit: int | None = None) -> dict[str, int]:
    """Place every pending listing and theft; returns counts {'listings': n, 'thefts': n, 'unresolved': n}."""
    counts = {"listings": 0, "thefts": 0, "unresolved": 0}
    suffix = f" limit {int(limit)}" if limit else ""
    listings = db.execute("select id, location, latitude, longitude from listings "
                          "where place_precision is null and place_note is null" + suffix).fetchall()
    thefts = db.execute("select id, item_id, place, latitude, longitude from thefts "
                        "where place_precision is null and place_note is null" + suffix).fetchall()
    with db.atomic():
        placed = []
        for listing_id, location, lat, lon in listings:
            place = resolve_place(location, lat, lon)
            columns = _columns(place)
            placed.append((columns["latitude"], columns["longitude"], columns["force_area"], columns["place_precision"],
                           columns["place_note"], columns["place_country"], listing_id))
            counts["listings"] += 1
            counts["unresolved"] += not place.resolved
        # one statement for all (sqlite-utils' update() reads the table's columns again for every row:
        # two thirds of this function's time for 20,000 listings)
        db.conn.executemany("update listings set latitude = ?, longitude = ?, force_area = ?, place_precision = ?, "
                            "place_note = ?, place_country = ? where id = ?", placed)
        for theft_id, item_id, text, lat, lon in thefts:
            columns = theft_columns(db, item_id, {"place": text, "latitude": lat, "longitude": lon})
            db["thefts"].update(theft_id, columns)
            counts["thefts"] += 1
            counts["unresolved"] += columns["place_precision"] is None
    return counts
