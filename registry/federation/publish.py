"""What this register publishes to its peers: the items it holds stolen now, by change number.

Each of our own items with a current theft has a row in `federation_published` with a change
number (`seq`) and the digest of its published record; `refresh_published` gives a new number to
every item whose record changed, and to every item no longer stolen (recovered, or its theft closed),
which is then published as withdrawn. A peer asks for the changes after the last number it saw
(`stolen_feed`), so it gets each change once, in order, and catches up after any outage.

What crosses (`item_record`): identifiers, category, make, model, year, colour, description, up to
four photos (reduced to 1024 px, re-encoded without metadata) with their hashes, and the theft's
date, town, force, country and crime reference. Never the owner's name, e-mail, phone or address,
nor the theft's place as typed (it may be the farm's address): only the town it resolves to.
Items held from peers are never published again (no echoes between registers).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json

from PIL import Image

from registry.db import data_dir, inside, utcnow
from registry.places.gazetteer import nearest_town
from registry.places.lookup import resolve_place

PHOTOS_PER_ITEM = 4
PHOTO_MAX_SIDE = 1024
FEED_LIMIT = 25  # items a page: with photos, a page stays a few megabytes

_ITEM_FIELDS = ("category", "make", "model", "year", "colour", "description")


def _town(place_text, latitude, longitude, precision, force) -> str | None:
    """The town of a theft, never its address: the town the place resolved to, or the nearest town
    to its position; a county alone stays a county."""
    if latitude is not None and longitude is not None:
        town, distance = nearest_town(latitude, longitude)
        if distance <= 30:
            return town.name
    if precision in ("town", "county", "abroad"):
        return resolve_place(place_text).label
    return None


def _records(conn, item_ids=None) -> dict[int, dict]:
    """Published records (without photo bytes) of our own items with a current theft."""
    if item_ids is not None and not item_ids:
        return {}
    where = "" if item_ids is None else f" and i.id in ({','.join('?' * len(item_ids))})"
    rows = conn.execute(
        "select i.id, i.category, i.make, i.model, i.year, i.colour, i.description, t.stolen_at, t.place, "
        "t.latitude, t.longitude, t.place_precision, t.force_area, t.place_country, t.crime_ref "
        "from items i join thefts t on t.item_id = i.id and t.current = 1 "
        "where i.register is null" + where, list(item_ids or [])).fetchall()
    records: dict[int, dict] = {}
    for row in rows:
        item_id = row[0]
        record = {"id": str(item_id), **dict(zip(_ITEM_FIELDS, row[1:7], strict=True))}
        record["theft"] = {"stolen_at": row[7], "town": _town(row[8], row[9], row[10], row[11], row[12]),
                           "force": row[12], "country": row[13], "crime_ref": row[14]}
        record["identifiers"] = [{"kind": k, "value": v} for k, v in conn.execute(
            "select kind, raw_value from identifiers where item_id = ? order by id", [item_id])]
        record["photos"] = [{"sha256": s} for (s,) in conn.execute(
            "select sha256 from photos where item_id = ? order by position limit ?", [item_id, PHOTOS_PER_ITEM])]
        records[item_id] = record
    return records


def _digest(record: dict) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True, default=str).encode()).hexdigest()


def refresh_published(conn) -> int:
    """Give new change numbers to changed, new and withdrawn items; returns how many changed.
    Call inside a write transaction."""
    current = {item_id: _digest(record) for item_id, record in _records(conn).items()}
    published = {r[0]: (r[1], r[2]) for r in conn.execute("select item_id, digest, withdrawn from federation_published")}
    seq = conn.execute("select coalesce(max(seq), 0) from federation_published").fetchone()[0]
    now, changed = utcnow(), 0
    for item_id, digest in current.items():
        if published.get(item_id) != (digest, 0):
            seq += 1
            changed += 1
            conn.execute("insert into federation_published (item_id, seq, digest, withdrawn, updated_at) "
                         "values (?, ?, ?, 0, ?) on conflict (item_id) do update set seq = excluded.seq, "
                         "digest = excluded.digest, withdrawn = 0, updated_at = excluded.updated_at",
                         [item_id, seq, digest, now])
    for item_id, (_, withdrawn) in published.items():
        if item_id not in current and not withdrawn:
            seq += 1
            changed += 1
            conn.execute("update federation_published set seq = ?, withdrawn = 1, updated_at = ? where item_id = ?",
                         [seq, now, item_id])
    return changed


def reduced_photo(data: bytes) -> bytes:
    """A photo as it crosses: at most 1024 px on its longer side, JPEG, no metadata (re-encoded)."""
    img = Image.open(io.BytesIO(data))
    img.load()
    img = img.convert("RGB")
    img.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def _with_photos(conn, record: dict) -> dict:
    folder = data_dir(conn)
    photos = []
    for photo in record["photos"]:
        row = conn.execute("select path, phash, dhash from photos where item_id = ? and sha256 = ?",
                           [int(record["id"]), photo["sha256"]]).fetchone()
        path = inside(folder, row[0]) if row else None
        if path is None or not path.is_file():
            continue
        data = reduced_photo(path.read_bytes())
        photos.append({"sha256": hashlib.sha256(data).hexdigest(), "phash": row[1], "dhash": row[2],
                       "jpeg": base64.b64encode(data).decode()})
    return {**record, "photos": photos}


def stolen_feed(conn, since: int, limit: int = FEED_LIMIT) -> dict:
    """The changes after change number `since`: {'cursor', 'more', 'items'}; an item is either its whole
    record with `status` 'stolen' or {'id', 'seq', 'status': 'withdrawn'}."""
    limit = max(1, min(int(limit), FEED_LIMIT))
    rows = conn.execute("select item_id, seq, withdrawn from federation_published where seq > ? order by seq limit ?",
                        [since, limit + 1]).fetchall()
    more = len(rows) > limit
    rows = rows[:limit]
    records = _records(conn, [r[0] for r in rows if not r[2]]) if rows else {}
    items = []
    for item_id, seq, withdrawn in rows:
        record = records.get(item_id)
        if withdrawn or record is None:
            items.append({"id": str(item_id), "seq": seq, "status": "withdrawn"})
        else:
            items.append({**_with_photos(conn, record), "seq": seq, "status": "stolen"})
    return {"cursor": rows[-1][1] if rows else since, "more": more, "items": items}
