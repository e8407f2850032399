"""Officers' decisions on a match: appended to `reviews` and reflected in the match's status."""

from __future__ import annotations

from registry.db import utcnow

# form value -> (reviews.decision, new matches.status, statuses it may follow)
DECISIONS = {
    "confirm": ("confirmed", "confirmed", {"new", "dismissed"}),
    "dismiss": ("dismissed", "dismissed", {"new", "confirmed"}),
    "reopen": ("reopened", "new", {"confirmed", "dismissed"}),
}
NOTE_LIMIT = 2000


class DecisionError(ValueError):
    """A decision that cannot be recorded; the message says why."""


def record_decision(conn, match_id: str, decision: str, note: str | None, actor_id: str,
                    *, now: str | None = None) -> str:
    """Record one decision in the caller's transaction; returns the match's new status.

    A confirmed match whose evidence was edited since its last decision may be confirmed again:
    that records that an officer has seen the edit and takes it off the queue's edited list."""
    if decision not in DECISIONS:
        raise DecisionError(f'"{decision}" is not a decision: use confirm, dismiss or reopen')
    note = (note or "").strip()
    if len(note) > NOTE_LIMIT:
        raise DecisionError(f"the note is {len(note)} characters long; keep it under {NOTE_LIMIT}")
    logged, status, allowed_from = DECISIONS[decision]
    if decision in ("dismiss", "reopen") and not note:
        raise DecisionError(f"say why in the note when you {decision} a match")
    row = conn.execute("select status, evidence_edited_at, reviewed_at from matches where id = ?", [match_id]).fetchone()
    if row is None:
        raise DecisionError(f"match {match_id} does not exist")
    edit_unseen = bool(row[1]) and (row[2] is None or row[2] < row[1])
    if row[0] not in allowed_from and not (decision == "confirm" and edit_unseen):  # confirm again, the edit seen
        raise DecisionError(f"match {match_id} is already {row[0]}")
    moment = now or utcnow()
    conn.execute("insert into reviews (match_id, decision, note, actor, created_at) values (?, ?, ?, ?, ?)",
                 [match_id, logged, note or None, actor_id, moment])
    conn.execute("update matches set status = ?, reviewed_by = ?, reviewed_at = ?, note = ?, updated_at = ? "
                 "where id = ?", [status, actor_id, moment, note or None, moment, match_id])
    return status


def match_history(conn, match_id: str) -> list[dict]:
    """Every decision on a match, oldest first."""
    rows = conn.execute("select decision, note, actor, created_at from reviews where match_id = ? order by id",
                        [match_id]).fetchall()
    return [dict(zip(("decision", "note", "actor", "created_at"), row, strict=True)) for row in rows]
