"""A match as a case-file record (JSON) and as section/field/value rows (CSV)."""

from __future__ import annotations

from datasette_config.csv_safety import spreadsheet_safe
from registry.db import utcnow


def case_record(match: dict, owner: dict | None, *, exported_by: str) -> dict:
    """What a case file needs: the decision trail, both sides, the reasons and the evidence hashes.

    `listing` and `listing_photos` are the listing as the match saw it (its pinned version, with that
    version's snapshot hash); `versions` follows with every version, what changed and when, and
    `evidence_edits` with the evidence a later version removed.
    """
    item, listing = match.get("item") or {}, match.get("seen") or match.get("listing") or {}
    return {
        "exported_at": utcnow(), "exported_by": exported_by,
        "match": {k: match.get(k) for k in ("id", "queue", "band", "score", "status", "created_at",
                                            "reviewed_by", "reviewed_at", "note", "evidence_edited_at")},
        "reasons": match.get("reasons") or [],
        "history": match.get("history") or [],
        "item": {k: item.get(k) for k in ("id", "category", "make", "model", "year", "colour", "description",
                                          "status")},
        "identifiers": [{k: i.get(k) for k in ("kind", "raw_value", "normalised_value", "check_valid")}
                        for i in item.get("identifiers") or []],
        "registered_photos": [{"id": p["id"], "sha256": p["sha256"]} for p in item.get("photos") or []],
        "theft": match.get("theft"),
        "owner": owner,
        "listing": {k: listing.get(k) for k in (
            "id", "source", "url", "title", "description", "price", "currency", "price_text", "price_note",
            "location", "posted_at",
            "seller_name", "seller_profile_url", "seller_phone", "seller_email", "first_seen_at",
            "last_seen_at", "removed_at", "snapshot_sha256", "snapshot_fetched_at", "version", "version_seen_at",
            "version_last_seen_at", "version_via", "version_crawl_run_id")},
        "listing_photos": [{"id": p["id"], "position": p.get("position"), "url": p["url"], "sha256": p["sha256"]}
                           for p in listing.get("photos") or []],
        "photo_pairs": match.get("photo_pairs") or [],
        "evidence_edits": match.get("evidence_edits") or [],
        "current_version": match.get("current_version"),
        "versions": [version_summary(v) for v in match.get("versions") or []],
    }


def version_summary(version: dict) -> dict:
    """One listing version for a case file: when and by what it was seen, its hashes, what changed."""
    return {"version": version["number"], "seen_at": version["seen_at"], "last_seen_at": version["last_seen_at"],
            "via": version["via"], "crawl_run_id": version["crawl_run_id"], "url": version["url"],
            "snapshot_sha256": version["snapshot_sha256"], "snapshot_fetched_at": version["snapshot_fetched_at"],
            "price": version["fields"].get("price"), "currency": version["fields"].get("currency"),
            "title": version["fields"].get("title"),
            "photos": [{"position": p["position"], "url": p["url"], "sha256": p["sha256"]} for p in version["photos"]],
            "changes": version.get("changes") or []}


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
