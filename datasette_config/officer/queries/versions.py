"""The listing as a match saw it (its pinned version), the versions since, and the edits flagged."""

from __future__ import annotations

import json

from registry.listings.version_changes import version_history
from registry.listings.versions import listing_versions

SEEN_FIELDS = ("title", "description", "price", "currency", "price_text", "location", "posted_at", "category",
               "make", "model", "year", "colour", "seller_name", "seller_profile_url", "seller_phone", "seller_email")


def _edits(text: str | None) -> list[dict]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return [e for e in value if isinstance(e, dict)] if isinstance(value, list) else []


def add_versions(conn, match: dict) -> dict:
    """Give a loaded match (queries.match.load_match) its listing's versions and the listing as seen.

    Adds `versions` (oldest first, each with `changes` in words, `fields`, `photos`), `pinned` (the
    version the match rests on; the first version for a match made before versions were kept and
    never re-pinned), `later_versions`, `seen` (the listing's columns as the pinned version showed
    them, with its snapshot and photos), `evidence_edits` (parsed) and `edit_pending` (an edit
    flagged since the last decision). Without versions `seen` is the current listing.
    """
    listing = match.get("listing")
    watch = [{"kind": (r.get("identifier_kind") or "identifier").replace("_", " "), "value": str(r["listed"])}
             for r in match.get("reasons") or [] if r.get("listed") is not None]
    versions = version_history(listing_versions(conn, listing["id"]), watch) if listing else []
    pinned = next((v for v in versions if v["id"] == match.get("listing_version_id")), None)
    if pinned is None and versions:
        pinned = versions[0] if match.get("listing_version_id") is None else versions[-1]
    match["versions"] = versions
    match["pinned"] = pinned
    match["later_versions"] = [v for v in versions if pinned and v["number"] > pinned["number"]]
    match["current_version"] = versions[-1]["number"] if versions else None
    match["evidence_edits"] = _edits(match.get("evidence_edits"))
    edited_at, reviewed_at = match.get("evidence_edited_at"), match.get("reviewed_at")
    match["edit_pending"] = bool(edited_at and (not reviewed_at or reviewed_at < edited_at))
    match["seen"] = seen_listing(listing, pinned) if listing else None
    return match


def seen_listing(listing: dict, version: dict | None) -> dict:
    """The listing's columns with the version's published fields, snapshot and photos in their place."""
    if version is None:
        return {**listing, "version": None}
    fields = version["fields"]
    identifiers = fields.get("structured_identifiers")
    try:
        identifiers = json.loads(identifiers) if isinstance(identifiers, str) else identifiers or []
    except ValueError:
        identifiers = []
    photos = [{"id": p["listing_photo_id"], **{k: p[k] for k in ("position", "url", "sha256", "width", "height",
                                                                  "error", "fetched_at")}} for p in version["photos"]]
    return {**listing, **{k: fields.get(k) for k in SEEN_FIELDS}, "structured_identifiers": identifiers,
            "snapshot_path": version["snapshot_path"], "snapshot_sha256": version["snapshot_sha256"],
            "snapshot_fetched_at": version["snapshot_fetched_at"], "photos": photos, "version": version["number"],
            "version_seen_at": version["seen_at"], "version_last_seen_at": version["last_seen_at"],
            "version_via": version["via"], "version_crawl_run_id": version["crawl_run_id"]}
