"""The match queues: which matches an officer sees, in which order, with what on each row."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

BANDS = ("strong", "likely", "possible")
STATUSES = ("new", "confirmed", "dismissed", "all")
QUEUES = ("stolen", "owner_check")


@dataclass
class QueueFilters:
    queue: str = "stolen"
    status: str = "new"
    band: str = ""
    category: str = ""
    force_area: str = ""
    since: str = ""
    until: str = ""

    @classmethod
    def from_args(cls, args) -> QueueFilters:
        """Filters from the query string; unknown values fall back to the defaults."""
        def pick(name, allowed=None, default=""):
            value = (args.get(name) or default).strip()[:100]
            return value if allowed is None or value in allowed else default

        return cls(queue=pick("queue", QUEUES, "stolen"), status=pick("status", STATUSES, "new"),
                   band=pick("band", BANDS), category=pick("category"), force_area=pick("force_area"),
                   since=_date_or_blank(args.get("since")), until=_date_or_blank(args.get("until")))


def _date_or_blank(value: str | None) -> str:
    try:
        return datetime.strptime((value or "").strip(), "%Y-%m-%d").date().isoformat()
    except ValueError:
        return ""


def parse_reasons(text: str | None) -> list[dict]:
    """The reasons JSON as a list of dicts; anything malformed is dropped, never raised."""
    try:
        value = json.loads(text or "[]")
    except (TypeError, ValueError):
        return []
    return [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []


def age_text(created_at: str | None, now: datetime | None = None) -> str:
    """How long ago, in the largest sensible unit ('3 h', '2 d')."""
    try:
        then = datetime.fromisoformat((created_at or "").replace("Z", "+00:00"))
    except ValueError:
        return ""
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    seconds = max(0, ((now or datetime.now(UTC)) - then).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{int(seconds // size)} {unit}"
    return "now"


_QUEUE_SQL = """
select m.id, m.queue, m.band, m.score, m.status, m.reasons, m.created_at, m.reviewed_by,
  i.id as item_id, i.category, i.make, i.model, i.year, i.colour,
  l.id as listing_id, l.title, l.price, l.currency, l.source, l.removed_at,
  coalesce(t.force_area, (select o.force_area from owners o where o.id = i.owner_id)) as force_area,
  (select p.id from photos p where p.item_id = i.id order by p.position, p.id limit 1) as first_photo_id,
  (select lp.id from listing_photos lp where lp.listing_id = l.id and lp.path is not null
     order by lp.position limit 1) as first_listing_photo_id
from matches m
join items i on i.id = m.item_id
join listings l on l.id = m.listing_id
left join thefts t on t.id = coalesce(m.theft_id,
  (select t2.id from thefts t2 where t2.item_id = i.id and t2.current = 1))
where m.queue = :queue
  and (:status = 'all' or m.status = :status)
  and (:band = '' or m.band = :band)
  and (:category = '' or i.category = :category)
  and (:force_area = '' or coalesce(t.force_area,
        (select o.force_area from owners o where o.id = i.owner_id)) = :force_area)
  and (:since = '' or m.created_at >= :since)
  and (:until = '' or substr(m.created_at, 1, 10) <= :until)
order by m.status = 'new' desc,
  case m.band when 'strong' then 0 when 'likely' then 1 else 2 end,
  m.score desc, m.created_at desc
limit :limit
"""


def queue_rows(conn, filters: QueueFilters, *, limit: int = 200, now: datetime | None = None) -> list[dict]:
    """Rows of a queue: new first, then by band and score, each with its photo pair and top reason."""
    params = {**filters.__dict__, "limit": limit}
    cursor = conn.execute(_QUEUE_SQL, params)
    names = [d[0] for d in cursor.description]
    rows = []
    for values in cursor.fetchall():
        row = dict(zip(names, values, strict=True))
        reasons = parse_reasons(row.pop("reasons"))
        row["top_reason"] = reasons[0].get("detail") or reasons[0].get("kind") if reasons else ""
        pair = next((r for r in reasons if r.get("photo_id") and r.get("listing_photo_id")), None)
        row["photo_id"] = pair["photo_id"] if pair else row["first_photo_id"]
        row["listing_photo_id"] = pair["listing_photo_id"] if pair else row["first_listing_photo_id"]
        row["age"] = age_text(row["created_at"], now)
        rows.append(row)
    return rows


def filter_choices(conn) -> dict:
    """The values offered in the queue's filter menus."""
    categories = [r[0] for r in conn.execute("select distinct category from items where id in "
                                             "(select item_id from matches) order by 1")]
    areas = [r[0] for r in conn.execute(
        "select distinct force_area from thefts where force_area is not null union "
        "select distinct force_area from owners where force_area is not null order by 1")]
    counts = dict(conn.execute("select queue, count(*) from matches where status = 'new' group by queue"))
    return {"bands": BANDS, "statuses": STATUSES, "categories": categories, "force_areas": areas,
            "new_counts": counts}
