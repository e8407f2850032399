"""A match as a case-file record (JSON) and as section/field/value rows (CSV)."""

from __future__ import annotations

from datasette_config.csv_safety import spreadsheet_safe
from registry.db import utcnow
from registry.words.evidence import reason_words
from registry.words.labels import category_words, decision_words, kind_words


def case_record(match: dict, owner: dict | None, *, exported_by: str) -> dict:
    """What a case file needs: the decision trail, both sides, the reasons and the evidence hashes."""
    item, listing = match.get("item") or {}, match.get("listing") or {}
    state = match.get("state")
    return {
        "exported_at": utcnow(), "exported_by": exported_by,
        "match": {k: match.get(k) for k in ("id", "queue", "band", "score", "status", "created_at",
                                            "reviewed_by", "reviewed_at", "note")}
                 | {"state_in_words": state.text if state else match.get("status")},
        "reasons": [{**r, "in_words": reason_words(r)["text"]} for r in match.get("reasons") or []],
        "history": [{**h, "decision_in_words": decision_words(h.get("decision"))} for h in match.get("history") or []],
        "item": {k: item.get(k) for k in ("id", "category", "make", "model", "year", "colour", "description",
                                          "status")}
                | {"category_in_words": category_words(item.get("category")),
                   "state_in_words": item["state"].text if item.get("state") else item.get("status")},
        "identifiers": [{k: i.get(k) for k in ("kind", "raw_value", "normalised_value", "check_valid")}
                        | {"kind_in_words": kind_words(i.get("kind"))} for i in item.get("identifiers") or []],
        "registered_photos": [{"id": p["id"], "sha256": p["sha256"]} for p in item.get("photos") or []],
        "theft": match.get("theft"),
        "owner": owner,
        "listing": {k: listing.get(k) for k in (
            "id", "source", "url", "title", "description", "price", "currency", "price_text", "price_note",
            "location", "posted_at",
            "seller_name", "seller_profile_url", "seller_phone", "seller_email", "first_seen_at",
            "last_seen_at", "removed_at", "snapshot_sha256", "snapshot_fetched_at")},
        "listing_photos": [{"id": p["id"], "url": p["url"], "sha256": p["sha256"]}
                           for p in listing.get("photos") or []],
        "photo_pairs": match.get("photo_pairs") or [],
    }


def case_rows(record: dict) -> list[list[str]]:
    """The record flattened to section, field, value rows; lists are numbered."""
    rows = []

    def walk(section: str, prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(section, f"{prefix}.{key}" if prefix else key, inner)
        elif isinstance(value, list):
            for index, inner in enumerate(value, 1):
                walk(section, f"{prefix}[{index}]", inner)
        else:
            rows.append([section, prefix, spreadsheet_safe(value)])

    for section, value in record.items():
        if isinstance(value, dict | list):
            walk(section, "", value)
        else:
            rows.append(["export", section, spreadsheet_safe(value)])
    return rows
