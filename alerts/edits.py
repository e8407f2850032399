"""Matches whose listing the seller edited to remove the evidence, for the officers' digest.

A match flagged by matching.edits (an identifier or photo it rested on removed by a later
version of the listing) is named in the digest until an officer decides on it again; each
flag is sent once per officer (`alerts_sent` key `edit:<match id>:<flagged at>`).
"""

from __future__ import annotations

import json

from sqlite_utils import Database

UNKNOWN_AREA = "Area not known"


def edited_matches(db: Database) -> list[dict]:
    """Stolen-queue matches (new or confirmed) with an edit flagged since their last decision, newest first."""
    rows = db.query(
        """
        select m.id, m.band, m.score, m.status, m.evidence_edits, m.evidence_edited_at, i.category, i.make, i.model,
               t.crime_ref, coalesce(t.force_area, o.force_area, :unknown) as area, l.force_area as listed_area, l.title
        from matches m join items i on i.id = m.item_id join owners o on o.id = i.owner_id
        join listings l on l.id = m.listing_id left join thefts t on t.id = m.theft_id
        where m.queue = 'stolen' and m.status in ('new', 'confirmed') and m.evidence_edited_at is not null
          and coalesce(m.reviewed_at, '') < m.evidence_edited_at
        order by m.evidence_edited_at desc
        """, {"unknown": UNKNOWN_AREA})
    return [{**r, "key": f"edit:{r['id']}:{r['evidence_edited_at']}"} for r in rows]


def edit_lines(match: dict, base_url: str) -> list[str]:
    """The digest lines naming one edited match: what it is, what the seller removed and when, the link."""
    try:
        edits = [e for e in json.loads(match["evidence_edits"] or "[]") if isinstance(e, dict)]
    except ValueError:
        edits = []
    removed = "; ".join(f"{e.get('detail')} (version {e.get('version')}, seen {e.get('seen_at')})" for e in edits)
    name = f"{match['category']} {match['make'] or ''} {match['model'] or ''}".rstrip()
    return [
        f"[{match['status'].upper()} {match['band'].upper()} {match['score']:.2f}] {name}, "
        f"crime reference {match['crime_ref'] or 'none'} ({match['area']})",
        f"  listed: {match['title'] or '(no title)'}",
        f"  edited after the match: {removed or 'evidence removed'}",
        f"  open: {base_url}/match/{match['id']}",
        "",
    ]
