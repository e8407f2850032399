"""A farmer's own items: list, read, register, edit, photos, theft and recovery.

Every function takes the owner id of the logged-in account (from the session, never
from the request) and touches only rows `where owner_id = ?`; an item of another
owner is treated exactly like one that does not exist.
"""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from datasette_config.toolkit import rows_as_dicts
from registry.db import data_dir, inside, utcnow
from registry.items.history import item_history
from registry.items.registration import add_identifier, add_photo, mark_recovered, register_item, report_stolen
from registry.items.sales import latest_sale, mark_sold
from registry.items.validation import Registered, RegistryError, ValidItem
from registry.photos.store import PhotoError

MAX_PHOTOS_PER_ITEM = 30
_ITEM_COLUMNS = "id, category, make, model, year, colour, description, status, created_at, updated_at"


class NotYours(RegistryError):
    """No such item among this owner's records (whether or not it exists for someone else)."""


def own_item(db: Database, owner_id: int, item_id) -> dict:
    """The owner's item, or NotYours."""
    try:
        number = int(item_id)
    except (TypeError, ValueError):
        raise NotYours(f"item {str(item_id)[:20]} is not one of yours") from None
    rows = rows_as_dicts(db, f"select {_ITEM_COLUMNS} from items where id = ? and owner_id = ?", [number, int(owner_id)])
    if not rows:
        raise NotYours(f"item {number} is not one of yours")
    return rows[0]


def list_own_items(db: Database, owner_id: int) -> list[dict]:
    """Every item of the owner, newest first, with identifiers, photo count and open theft."""
    items = rows_as_dicts(db, f"select {_ITEM_COLUMNS} from items where owner_id = ? order by id desc", [int(owner_id)])
    if not items:
        return items
    by_id = {item["id"]: {**item, "identifiers": [], "photos": 0, "crime_ref": None, "pending_checks": 0,
                          "sold_at": None}
             for item in items}
    params = [int(owner_id)]
    for row in rows_as_dicts(db, "select d.item_id, d.kind, d.raw_value from identifiers d join items i "
                         "on i.id = d.item_id where i.owner_id = ? order by d.id", params):
        by_id[row["item_id"]]["identifiers"].append({"kind": row["kind"], "raw_value": row["raw_value"]})
    for row in rows_as_dicts(db, "select p.item_id, count(*) as n from photos p join items i on i.id = p.item_id "
                         "where i.owner_id = ? group by p.item_id", params):
        by_id[row["item_id"]]["photos"] = row["n"]
    for row in rows_as_dicts(db, "select t.item_id, t.crime_ref from thefts t join items i on i.id = t.item_id "
                         "where i.owner_id = ? and t.current = 1", params):
        by_id[row["item_id"]]["crime_ref"] = row["crime_ref"]
    for row in rows_as_dicts(db, "select m.item_id, count(*) as n from matches m join items i on i.id = m.item_id "
                         "where i.owner_id = ? and m.queue = 'owner_check' and m.status = 'new' "
                         "group by m.item_id", params):
        by_id[row["item_id"]]["pending_checks"] = row["n"]
    for row in rows_as_dicts(db, "select s.item_id, max(s.sold_at) as sold_at from item_sales s join items i "
                         "on i.id = s.item_id where i.owner_id = ? and s.from_owner_id = i.owner_id "
                         "and s.to_owner_id is null group by s.item_id", params):
        by_id[row["item_id"]]["sold_at"] = row["sold_at"]
    return list(by_id.values())


def item_detail(db: Database, owner_id: int, item_id) -> dict:
    """One item of the owner with its identifiers, photos and theft history."""
    item = own_item(db, owner_id, item_id)
    item["identifiers"] = rows_as_dicts(db, "select kind, raw_value, normalised_value, check_valid, possible_clone, note "
                                    "from identifiers where item_id = ? order by id", [item["id"]])
    item["photos"] = rows_as_dicts(db, "select id, position, width, height, original_name, created_at from photos "
                               "where item_id = ? order by position", [item["id"]])
    item["thefts"] = rows_as_dicts(db, "select stolen_at, reported_at, crime_ref, place, current, recovered_at, "
                               "force_area, place_note "
                               "from thefts where item_id = ? order by id desc", [item["id"]])
    item["history"] = item_history(db, item["id"])
    item["sale"] = latest_sale(db, item["id"])
    return item


def register_own_item(db: Database, owner_id: int, item: ValidItem,
                      photos: list[tuple[str, bytes]] = ()) -> Registered:
    """Register (or, with an identifier the owner already has, update) an item for this owner only."""
    return register_item(db, item, list(photos)[:MAX_PHOTOS_PER_ITEM], owner_id=int(owner_id))


def update_own_item(db: Database, owner_id: int, item_id, item: ValidItem) -> list[str]:
    """Replace the item's details and identifiers; returns warnings (possible clones).

    Identifiers of an item with an open theft report can be added but not removed:
    they are what finds it on a marketplace.
    """
    with db.atomic():
        current = own_item(db, owner_id, item_id)
        wanted = {(i.kind, i.normalised_value) for i in item.identifiers}
        existing = rows_as_dicts(db, "select id, kind, normalised_value, raw_value from identifiers where item_id = ?",
                         [current["id"]])
        removed = [row for row in existing if (row["kind"], row["normalised_value"]) not in wanted]
        if removed and current["status"] == "stolen":
            names = ", ".join(f"{r['kind']} {r['raw_value']}" for r in removed)
            raise RegistryError(f"{names}: identifiers of an item reported stolen cannot be removed "
                                "while the theft is open")
        db.execute("update items set category = ?, make = ?, model = ?, year = ?, colour = ?, description = ?, "
                   "updated_at = ? where id = ? and owner_id = ?",
                   [item.category, item.make, item.model, item.year, item.colour, item.description, utcnow(),
                    current["id"], int(owner_id)])
        for row in removed:
            db.execute("delete from identifiers where id = ?", [row["id"]])
        warnings = []
        for ident in item.identifiers:
            warning = add_identifier(db, current["id"], int(owner_id), ident)
            if warning:
                warnings.append(warning)
        return warnings


def add_own_photos(db: Database, owner_id: int, item_id, photos: list[tuple[str, bytes]]) -> tuple[int, list[str]]:
    """Store photos on the owner's item; returns (stored, problems), one problem per refused photo."""
    item = own_item(db, owner_id, item_id)
    have = db.execute("select count(*) from photos where item_id = ?", [item["id"]]).fetchone()[0]
    stored, problems = 0, []
    for n, (name, data) in enumerate(photos):
        if have + stored >= MAX_PHOTOS_PER_ITEM:
            problems.append(f"{len(photos) - n} photo(s) not added: an item keeps at most {MAX_PHOTOS_PER_ITEM}")
            break
        try:
            with db.atomic():
                stored += add_photo(db, item["id"], data, name)
        except PhotoError as exc:
            problems.append(str(exc))
    return stored, problems


def own_photo_file(db: Database, owner_id: int, photo_id) -> Path:
    """The stored file of one of the owner's photos, or NotYours."""
    try:
        number = int(photo_id)
    except (TypeError, ValueError):
        raise NotYours("no such photo") from None
    row = db.execute("select p.path from photos p join items i on i.id = p.item_id "
                     "where p.id = ? and i.owner_id = ?", [number, int(owner_id)]).fetchone()
    path = inside(data_dir(db), row[0]) if row else None
    if path is None:
        raise NotYours("no such photo")
    return path


def report_own_theft(db: Database, owner_id: int, item_id, theft: dict, actor: str | None = None) -> int:
    item = own_item(db, owner_id, item_id)
    return report_stolen(db, item["id"], stolen_at=theft["stolen_at"], crime_ref=theft["crime_ref"],
                         place=theft.get("place"), actor=actor)


def mark_own_recovered(db: Database, owner_id: int, item_id, actor: str | None = None) -> int:
    item = own_item(db, owner_id, item_id)
    return mark_recovered(db, item["id"], actor=actor)


def sell_own_item(db: Database, owner_id: int, item_id, sold_at, new_owner_email: str | None,
                  actor: str | None = None) -> dict:
    """Mark the owner's item sold (moved to the buyer's record when an e-mail is given); NotYours
    for anyone else's item, RegistryError for a refused sale (see registry.sales.mark_sold)."""
    item = own_item(db, owner_id, item_id)
    return mark_sold(db, item["id"], int(owner_id), sold_at=sold_at, new_owner_email=new_owner_email, actor=actor)
