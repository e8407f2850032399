"""Everything the match page and the case export show about one match, read in one place."""

from __future__ import annotations

import json

from datasette_config.officer.decisions import match_history
from datasette_config.officer.highlight import highlight_pair
from datasette_config.officer.queries.queue import age_text, parse_reasons
from datasette_config.officer.queries.versions import add_versions
from datasette_config.toolkit import rows_as_dicts
from registry.items.history import item_history
from registry.items.sales import latest_sale


def _row(conn, sql: str, params) -> dict | None:
    rows = rows_as_dicts(conn, sql, params)
    return rows[0] if rows else None


def load_item(conn, item_id: int) -> dict | None:
    """The registered item with identifiers, photos, theft reports and matches (no owner contact)."""
    item = _row(conn, "select * from items where id = ?", [item_id])
    if item is None:
        return None
    item["identifiers"] = rows_as_dicts(conn, "select id, kind, raw_value, normalised_value, check_valid, possible_clone "
                                      "from identifiers where item_id = ? order by id", [item_id])
    item["photos"] = rows_as_dicts(conn, "select id, position, sha256, width, height, path from photos where item_id = ? "
                                 "order by position, id", [item_id])
    item["thefts"] = rows_as_dicts(conn, "select * from thefts where item_id = ? order by current desc, stolen_at desc",
                           [item_id])
    item["matches"] = rows_as_dicts(conn, "select m.id, m.band, m.score, m.status, m.queue, l.title, l.source "
                                  "from matches m join listings l on l.id = m.listing_id where m.item_id = ? "
                                  "order by m.score desc", [item_id])
    item["history"] = item_history(conn, item_id)
    item["sale"] = latest_sale(conn, item_id)
    item["current_theft"] = next((t for t in item["thefts"] if t["current"]), None)
    return item


def load_listing(conn, listing_id: str) -> dict | None:
    listing = _row(conn, "select * from listings where id = ?", [listing_id])
    if listing is None:
        return None
    try:
        listing["structured_identifiers"] = json.loads(listing.get("structured_identifiers") or "[]")
    except ValueError:
        listing["structured_identifiers"] = []
    listing["photos"] = rows_as_dicts(conn, "select id, position, url, sha256, width, height, error, fetched_at "
                                      "from listing_photos where listing_id = ? order by position", [listing_id])
    return listing


def photo_pairs(reasons: list[dict]) -> list[dict]:
    """The registered/listing photo pairs exactly as the matcher paired them."""
    pairs, seen = [], set()
    for reason in reasons:
        key = (reason.get("photo_id"), reason.get("listing_photo_id"))
        if all(isinstance(k, int) for k in key) and key not in seen:
            seen.add(key)
            pairs.append({"photo_id": key[0], "listing_photo_id": key[1], "distance": reason.get("distance"),
                          "hash": reason.get("hash"), "mirrored": bool(reason.get("mirrored")),
                          "inliers": reason.get("inliers"),
                          "detail": reason.get("detail")})
    return pairs


def number_pairs(pairs: list[dict], item: dict | None, listing: dict | None) -> list[dict]:
    """Give each pair the photos' positions ("registered photo 2", "listing photo 1"): the numbers
    the matcher's reasons use, not the database ids."""
    registered = {p["id"]: p["position"] for p in (item or {}).get("photos", [])}
    listed = {p["id"]: p["position"] for p in (listing or {}).get("photos", [])}
    for pair in pairs:
        pair["registered_position"] = registered.get(pair["photo_id"])
        pair["listing_position"] = listed.get(pair["listing_photo_id"])
    return pairs


def found_text(age: str) -> str:
    """'found 3 h ago', or 'found just now' in a match's first minute (age_text says 'now')."""
    return "just now" if age in ("now", "") else f"{age} ago"


def identifier_comparisons(reasons: list[dict]) -> list[dict]:
    """Identifier reasons with both values split into matching and differing characters."""
    result = []
    for reason in reasons:
        if reason.get("registered") is None or reason.get("listed") is None:
            continue
        registered, listed = str(reason["registered"]), str(reason["listed"])
        reg_segments, listed_segments = highlight_pair(registered, listed)
        result.append({"kind": reason.get("identifier_kind") or reason.get("kind"),
                       "match": reason.get("match"), "registered": reg_segments, "listed": listed_segments,
                       "detail": reason.get("detail")})
    return result


def load_match(conn, match_id: str) -> dict | None:
    """The match with its item, listing, theft, reasons, photo pairs, identifiers and decision history,
    and the listing as the match saw it with the versions since (queries.versions.add_versions)."""
    match = _row(conn, "select * from matches where id = ?", [match_id])
    if match is None:
        return None
    match["reasons"] = parse_reasons(match["reasons"])
    match["age"] = age_text(match["created_at"])
    match["found"] = found_text(match["age"])
    match["item"] = load_item(conn, match["item_id"])
    match["listing"] = load_listing(conn, match["listing_id"])
    theft_id = match.get("theft_id")
    match["theft"] = (_row(conn, "select * from thefts where id = ?", [theft_id]) if theft_id else
                      _row(conn, "select * from thefts where item_id = ? order by current desc, stolen_at desc "
                                 "limit 1", [match["item_id"]]))
    add_versions(conn, match)
    match["photo_pairs"] = number_pairs(photo_pairs(match["reasons"]), match["item"], match["seen"])
    match["identifier_comparisons"] = identifier_comparisons(match["reasons"])
    match["history"] = match_history(conn, match_id)
    return match
