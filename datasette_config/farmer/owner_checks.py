"""Owner checks: a farmer's registered (not stolen) item seen for sale, and the farmer's answer.

"That's mine, I'm selling it" closes the check (decision `owner_selling`). "That's not
me" moves the same match, same id, into the officers' stolen queue as a likely theft
not yet reported (decision `owner_not_me`). Both answers go into the append-only
`reviews` log under the farmer's account name.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlite_utils import Database

from datasette_config.farmer.items import NotYours
from datasette_config.toolkit import rows_as_dicts
from registry.db import data_dir, inside, utcnow
from registry.items.validation import RegistryError

ANSWERS = {"selling": "owner_selling", "not_me": "owner_not_me"}
ANSWER_LABELS = {"owner_selling": "That's mine, I'm selling it", "owner_not_me": "That's not me"}
_SAFE_LINK = ("http://", "https://")

_SELECT = (
    "select m.id as match_id, m.item_id, m.queue, m.status, m.band, m.score, m.reasons, m.created_at, "
    "i.category, i.make, i.model, l.source, l.url, l.title, l.price, l.currency, l.location, l.posted_at, "
    "l.removed_at, (select count(*) from listing_photos lp where lp.listing_id = m.listing_id "
    "and lp.path is not null) as listing_photos, (select r.decision from reviews r where r.match_id = m.id "
    "and r.decision in ('owner_selling', 'owner_not_me') order by r.id desc limit 1) as answer, "
    "(select r.created_at from reviews r where r.match_id = m.id "
    "and r.decision in ('owner_selling', 'owner_not_me') order by r.id desc limit 1) as answered_at "
    "from matches m join items i on i.id = m.item_id join listings l on l.id = m.listing_id "
    "where i.owner_id = ?"
)


def _reason_lines(raw: str | None) -> list[str]:
    try:
        reasons = json.loads(raw or "[]")
    except (TypeError, ValueError):
        return []
    lines = []
    for reason in reasons if isinstance(reasons, list) else []:
        if isinstance(reason, dict):
            lines.append(str(reason.get("detail") or reason.get("kind") or "")[:300])
    return [line for line in lines if line]


def _shape(row: dict) -> dict:
    row = dict(row)
    row["reasons"] = _reason_lines(row["reasons"])
    if not str(row.get("url") or "").lower().startswith(_SAFE_LINK):
        row["url"] = None
    row["answer_label"] = ANSWER_LABELS.get(row["answer"])
    return row


def _rows(db: Database, sql: str, params: list) -> list[dict]:
    return [_shape(row) for row in rows_as_dicts(db, sql, params)]


def list_owner_checks(db: Database, owner_id: int) -> dict[str, list[dict]]:
    """{"pending": checks awaiting the farmer's answer, "answered": those already answered}."""
    rows = _rows(db, _SELECT + " and (m.queue = 'owner_check' or exists (select 1 from reviews r "
                 "where r.match_id = m.id and r.decision in ('owner_selling', 'owner_not_me'))) "
                 "order by m.created_at desc, m.id", [int(owner_id)])
    pending = [r for r in rows if r["answer"] is None and r["queue"] == "owner_check" and r["status"] == "new"]
    answered = [r for r in rows if r["answer"] is not None]
    return {"pending": pending, "answered": answered}


def answer_owner_check(db: Database, owner_id: int, match_id: str, answer: str, actor: str,
                       note: str | None = None) -> str:
    """Record the farmer's answer; returns the decision stored. Refuses anything not theirs or not open."""
    decision = ANSWERS.get(answer)
    if decision is None:
        raise RegistryError(f'answer "{str(answer)[:20]}" is not one of: {", ".join(ANSWERS)}')
    with db.atomic():
        row = db.execute(
            "select m.queue, m.status from matches m join items i on i.id = m.item_id "
            "where m.id = ? and i.owner_id = ?", [str(match_id), int(owner_id)],
        ).fetchone()
        if not row:
            raise NotYours("no such check among your items")
        if row[0] != "owner_check" or row[1] != "new":
            raise RegistryError("this check has already been answered or passed to the police")
        now = utcnow()
        clean_note = (note or "").replace("\x00", "").strip()[:1000] or None
        db["reviews"].insert({"match_id": str(match_id), "decision": decision, "note": clean_note,
                              "actor": actor, "created_at": now})
        if decision == "owner_selling":
            db.execute("update matches set status = 'dismissed', reviewed_by = ?, reviewed_at = ?, "
                       "updated_at = ? where id = ?", [actor, now, now, str(match_id)])
        else:
            db.execute("update matches set queue = 'stolen', status = 'new', updated_at = ? where id = ?",
                       [now, str(match_id)])
    return decision


def check_photo_file(db: Database, owner_id: int, match_id: str) -> Path:
    """The first stored photo of the listing behind one of the owner's checks, or NotYours."""
    row = db.execute(
        "select lp.path from matches m join items i on i.id = m.item_id "
        "join listing_photos lp on lp.listing_id = m.listing_id "
        "where m.id = ? and i.owner_id = ? and lp.path is not null order by lp.position limit 1",
        [str(match_id), int(owner_id)],
    ).fetchone()
    path = inside(data_dir(db), row[0]) if row else None
    if path is None:
        raise NotYours("no such photo")
    return path
