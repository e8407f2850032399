"""Registering items with their owners, identifiers and photos; reporting thefts and recoveries.

Records are checked first by registry/items/validation.py.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlite_utils import Database

from registry.cleaning import clip, parse_date
from registry.db import data_dir, utcnow
from registry.identifiers.clones import refresh_clone_flags
from registry.identifiers.rules import Identifier
from registry.items.history import CLI_ACTOR, record_event
from registry.items.validation import Registered, RegistryError, ValidItem, validate_theft
from registry.photos.store import PhotoError, store_photo
from registry.places.areas import force_for_postcode
from registry.places.locating import theft_columns


def get_or_create_owner(db: Database, owner: dict) -> int:
    """The owner with this e-mail (or, without one, this name and postcode), created if new."""
    if owner.get("email"):
        row = db.execute("select id from owners where email = ?", [owner["email"]]).fetchone()
    else:
        row = db.execute(
            "select id from owners where email is null and name = ? and coalesce(postcode, '') = ?",
            [owner["name"], owner.get("postcode") or ""],
        ).fetchone()
    if row:
        updates = {k: v for k, v in owner.items() if v and k in ("phone", "postcode")}
        if updates:
            updates["force_area"] = force_for_postcode(owner.get("postcode"))
            db["owners"].update(row[0], {k: v for k, v in updates.items() if v is not None})
        return row[0]
    return db["owners"].insert({
        "name": owner["name"], "email": owner.get("email"), "phone": owner.get("phone"),
        "postcode": owner.get("postcode"), "force_area": force_for_postcode(owner.get("postcode")),
        "created_at": utcnow(),
    }).last_pk


def _existing_item(db: Database, owner_id: int, item: ValidItem) -> int | None:
    for ident in item.identifiers:
        row = db.execute(
            "select i.id from identifiers d join items i on i.id = d.item_id "
            "where d.normalised_value = ? and d.kind = ? and i.owner_id = ?",
            [ident.normalised_value, ident.kind, owner_id],
        ).fetchone()
        if row:
            return row[0]
    if item.identifiers:
        return None
    row = db.execute(
        "select id from items where owner_id = ? and category = ? and coalesce(make,'') = ? "
        "and coalesce(model,'') = ? and coalesce(year,0) = ? and coalesce(description,'') = ?",
        [owner_id, item.category, item.make or "", item.model or "", item.year or 0, item.description or ""],
    ).fetchone()
    return row[0] if row else None


def add_identifier(db: Database, item_id: int, owner_id: int, ident: Identifier) -> str | None:
    """Attach an identifier; returns a warning when another owner already registered the same key
    (an item its owner marked sold off the register does not count: see registry.clones)."""
    exists = db.execute(
        "select 1 from identifiers where item_id = ? and kind = ? and normalised_value = ?",
        [item_id, ident.kind, ident.normalised_value],
    ).fetchone()
    if exists:
        return None
    db["identifiers"].insert({
        "item_id": item_id, "kind": ident.kind, "raw_value": ident.raw_value,
        "normalised_value": ident.normalised_value,
        "check_valid": None if ident.check_valid is None else int(ident.check_valid),
        "possible_clone": 0, "note": ident.note, "created_at": utcnow(),
    })
    refresh_clone_flags(db, [ident.normalised_value])
    flagged = db.execute("select possible_clone from identifiers where item_id = ? and normalised_value = ?",
                         [item_id, ident.normalised_value]).fetchone()[0]
    if flagged:
        return (f"{ident.kind} {ident.raw_value} is already registered to another owner: "
                "both records are flagged as a possible clone for the police to check")
    return None


def add_photo(db: Database, item_id: int, data: bytes, name: str) -> bool:
    """Store and attach one photo; raises PhotoError with a clear message when it cannot."""
    stored = store_photo(data, data_dir(db), name)
    if db.execute("select 1 from photos where item_id = ? and sha256 = ?", [item_id, stored.sha256]).fetchone():
        return False
    position = db.execute("select coalesce(max(position), 0) + 1 from photos where item_id = ?", [item_id]).fetchone()[0]
    db["photos"].insert({"item_id": item_id, "position": position, **stored.as_row(),
                         "original_name": clip(name, 200), "created_at": utcnow()})
    return True


def register_item(db: Database, item: ValidItem, photos: list[tuple[str, bytes]] = (),
                  *, owner_id: int | None = None) -> Registered:
    """Create the item (or update the owner's existing one with the same identifier) in one transaction.

    Photos that cannot be stored become warnings; the rest of the item is kept.
    """
    with db.atomic():
        if owner_id is None:
            owner_id = get_or_create_owner(db, item.owner)
        now = utcnow()
        fields = {"category": item.category, "make": item.make, "model": item.model, "year": item.year,
                  "colour": item.colour, "description": item.description}
        item_id = _existing_item(db, owner_id, item)
        created = item_id is None
        if created:
            item_id = db["items"].insert({"owner_id": owner_id, **fields, "status": "registered",
                                          "created_at": now, "updated_at": now}).last_pk
        else:
            db["items"].update(item_id, {**{k: v for k, v in fields.items() if v is not None}, "updated_at": now})
        result = Registered(item_id, created)
        for ident in item.identifiers:
            warning = add_identifier(db, item_id, owner_id, ident)
            if warning:
                result.warnings.append(warning)
        for name, data in photos:
            try:
                result.photos_stored += add_photo(db, item_id, data, name)
            except PhotoError as exc:
                result.warnings.append(f"photo {exc} (item kept without it)")
        if item.theft:
            current = db.execute("select id from thefts where item_id = ? and current = 1", [item_id]).fetchone()
            if not current:
                _open_theft(db, item_id, item.theft)
            if not item.theft.get("crime_ref"):
                result.warnings.append("theft recorded without a police crime reference: add it with "
                                       f"farmwatch items report-stolen {item_id} --crime-ref REF")
    return result


def _open_theft(db: Database, item_id: int, theft: dict) -> int:
    theft_id = db["thefts"].insert({
        "item_id": item_id, "stolen_at": theft["stolen_at"], "reported_at": utcnow(),
        "crime_ref": theft.get("crime_ref"), "place": theft.get("place"),
        **theft_columns(db, item_id, theft), "current": 1,
    }).last_pk
    db.execute("update items set status = 'stolen', updated_at = ? where id = ?", [utcnow(), item_id])
    return theft_id


def get_item(db: Database, item_id) -> dict:
    try:
        row = db["items"].get(int(item_id))
    except Exception:
        raise RegistryError(f"item {item_id} is not on the register") from None
    return row


def report_stolen(db: Database, item_id, *, stolen_at, crime_ref: str, place: str | None = None,
                  latitude: float | None = None, longitude: float | None = None, actor: str | None = None) -> int:
    """Open a theft report for an item; refuses a second one while the first is current.

    `actor` (the account, or None for the command line) is kept as `reported_by` and in the item's
    history. Raises RegistryError naming each bad field.
    """
    get_item(db, item_id)
    theft, errors = validate_theft({"stolen_at": stolen_at, "crime_ref": crime_ref, "place": place,
                                    "latitude": latitude, "longitude": longitude})
    if not (crime_ref or "").strip():
        errors["theft.crime_ref"] = "a police crime reference is needed (call 101 to report the theft)"
    if errors:
        raise RegistryError("; ".join(errors.values()))
    with db.atomic():
        current = db.execute("select id, crime_ref from thefts where item_id = ? and current = 1", [item_id]).fetchone()
        if current:
            raise RegistryError(f"item {item_id} already has an open theft report (crime reference {current[1]})")
        theft_id = _open_theft(db, int(item_id), theft)
        db.execute("update thefts set reported_by = ? where id = ?", [actor or CLI_ACTOR, theft_id])
        record_event(db, int(item_id), "theft_reported", actor,
                     {"theft_id": theft_id, **{k: theft.get(k) for k in ("stolen_at", "crime_ref", "place")}})
        return theft_id


def mark_recovered(db: Database, item_id, recovered_at=None, *, actor: str | None = None) -> int:
    """Close the current theft report (recovered today unless `recovered_at` is given); returns its id.

    `actor` is kept as `recovered_by` and in the item's history. Raises RegistryError when the date
    is not a date, is in the future or before the theft, or the item has no open report.
    """
    get_item(db, item_id)
    when = parse_date(recovered_at) if recovered_at else utcnow()
    if recovered_at and not when:
        raise RegistryError(f'recovery date "{recovered_at}" is not a date (use YYYY-MM-DD)')
    if when[:10] > datetime.now(UTC).date().isoformat():
        raise RegistryError(f"recovery date {when[:10]} is in the future")
    with db.atomic():
        current = db.execute("select id, stolen_at from thefts where item_id = ? and current = 1", [item_id]).fetchone()
        if not current:
            raise RegistryError(f"item {item_id} has no open theft report")
        if when[:10] < (current[1] or "")[:10]:
            raise RegistryError(f"recovery date {when[:10]} is before the theft ({current[1][:10]})")
        db.execute("update thefts set current = 0, recovered_at = ?, recovered_by = ? where id = ?",
                   [when, actor or CLI_ACTOR, current[0]])
        db.execute("update items set status = 'recovered', updated_at = ? where id = ?", [utcnow(), item_id])
        record_event(db, int(item_id), "recovered", actor, {"theft_id": current[0], "recovered_at": when[:10]})
        return current[0]
