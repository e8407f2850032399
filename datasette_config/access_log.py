"""The access log: who saw an owner's contact details, exported a case or searched the registry, and why."""

from __future__ import annotations

from registry.db import utcnow


def log_access(conn, actor: dict, action: str, subject: str, *, owner_id: int | None = None,
               reason: str | None = None, path: str | None = None) -> None:
    """Append one entry; the table refuses updates and deletes."""
    conn.execute(
        "insert into access_log (actor, action, subject, owner_id, reason, path, created_at) "
        "values (?, ?, ?, ?, ?, ?, ?)",
        [actor.get("id") or "?", action, subject, owner_id, (reason or "").strip()[:500] or None,
         (path or "")[:500] or None, utcnow()],
    )


def owner_contact(conn, owner_id: int | None) -> dict | None:
    """An owner's name and contact details (only for pages that log the view)."""
    if owner_id is None:
        return None
    row = conn.execute("select id, name, email, phone, postcode, force_area from owners where id = ?",
                       [owner_id]).fetchone()
    if not row:
        return None
    return dict(zip(("id", "name", "email", "phone", "postcode", "force_area"), row, strict=True))
