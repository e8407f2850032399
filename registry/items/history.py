"""An item's history: theft reports, recoveries, sales and transfers, each with who and when.

`item_events` is append-only (triggers refuse updates and deletes), so the history a case file
relies on cannot be rewritten. The actor is an account name (`pc-smith`, `fern`) or, for the
command line, `cli`.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from registry.clock import utcnow

EVENTS = ("theft_reported", "recovered", "sold", "transferred", "identifier_removed")
CLI_ACTOR = "cli"


def record_event(db: Database, item_id: int, event: str, actor: str | None, detail: dict | None = None,
                 *, now: str | None = None) -> int:
    """Append one event to the item's history; `detail` is kept as JSON. Raises ValueError for an
    event not in EVENTS."""
    if event not in EVENTS:
        raise ValueError(f'"{event}" is not an item event; known: {", ".join(EVENTS)}')
    cursor = db.execute(
        "insert into item_events (item_id, event, detail, actor, created_at) values (?, ?, ?, ?, ?)",
        [item_id, event, json.dumps(detail or {}, sort_keys=True), actor or CLI_ACTOR, now or utcnow()])
    return cursor.lastrowid


def item_history(db, item_id: int) -> list[dict]:
    """The item's events, oldest first: `{event, detail (dict), actor, created_at, text}` where
    `text` is the event in words. `db` is a sqlite-utils Database or a sqlite3 connection."""
    rows = db.execute("select event, detail, actor, created_at from item_events where item_id = ? order by id",
                      [item_id]).fetchall()
    out = []
    for event, detail, actor, created_at in rows:
        try:
            detail = json.loads(detail or "{}")
        except ValueError:
            detail = {}
        out.append({"event": event, "detail": detail, "actor": actor, "created_at": created_at,
                    "text": describe_event(event, detail)})
    return out


def describe_event(event: str, detail: dict) -> str:
    """One line for an event, e.g. 'reported stolen on 2026-11-01 at Faccombe, crime reference 4426...'."""
    if event == "theft_reported":
        return (f"reported stolen on {detail.get('stolen_at') or '?'} at {detail.get('place') or 'an unrecorded place'}, "
                f"crime reference {detail.get('crime_ref') or 'none'}")
    if event == "recovered":
        return f"recovered on {detail.get('recovered_at') or '?'}"
    if event == "sold":
        return f"marked sold on {detail.get('sold_at') or '?'} (new owner not on the register)"
    if event == "transferred":
        return f"sold on {detail.get('sold_at') or '?'} and moved, with its history, to the new owner's record"
    if event == "identifier_removed":
        return (f"{(detail.get('kind') or 'identifier').replace('_', ' ')} \"{detail.get('typed') or ''}\" removed: "
                f"{detail.get('reason') or 'not an identifier'}")
    return event.replace("_", " ")
