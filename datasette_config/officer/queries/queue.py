"""The match queues: which matches an officer sees, in which order, with what on each row."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from datasette_config.toolkit import rows_as_dicts
from registry.identifiers.vocab import CATEGORIES
from registry.places.areas import FORCE_AREAS
from registry.places.groups import NATIONAL, ForceGroupError, force_groups, forces_in_scope, groups_of

BANDS = ("strong", "likely", "possible")
STATUSES = ("new", "confirmed", "dismissed", "all")
QUEUES = ("stolen", "owner_check")


@dataclass
class QueueFilters:
    queue: str = "stolen"
    status: str = "new"
    band: str = ""
    category: str = ""
    force_area: str = ""  # a force, a force group, or "" / "national" for every force
    border: bool = False  # only matches listed in another force than the theft's
    since: str = ""
    until: str = ""

    @classmethod
    def from_args(cls, args, default_area: str | None = None) -> QueueFilters:
        """Filters from the query string; unknown values fall back to the defaults. Without a
        `force_area` parameter the officer's own area applies (their force, group, or national)."""
        def pick(name, allowed=None, default=""):
            value = (args.get(name) or default).strip()[:100]
            return value if allowed is None or value in allowed else default

        area = pick("force_area") if "force_area" in args else (default_area or "")
        return cls(queue=pick("queue", QUEUES, "stolen"), status=pick("status", STATUSES, "new"),
                   band=pick("band", BANDS), category=pick("category"),
                   force_area="" if area.lower() == NATIONAL else area, border=args.get("border") == "1",
                   since=_date_or_blank(args.get("since")), until=_date_or_blank(args.get("until")))

    def scope(self) -> tuple[str, ...] | None:
        """The forces shown (None: all); an area that is neither a force nor a group matches nothing."""
        try:
            return forces_in_scope(self.force_area)
        except ForceGroupError:
            return (self.force_area,)


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


# The force where the item was stolen (the owner's force for an owner check, which has no theft).
_FORCE_AREA = ("coalesce((select t.force_area from thefts t where t.id = coalesce(m.theft_id, "
               "(select t2.id from thefts t2 where t2.item_id = m.item_id and t2.current = 1))), "
               "(select o.force_area from items i2 join owners o on o.id = i2.owner_id where i2.id = m.item_id))")

# A new or confirmed match whose listing was edited to remove its evidence since its last decision.
EDIT_PENDING = ("(m.status in ('new', 'confirmed') and m.evidence_edited_at is not null "
                "and coalesce(m.reviewed_at, '') < m.evidence_edited_at)")


_DETAILS_SQL = f"""
select m.id, m.queue, m.band, m.score, m.status, m.reasons, m.created_at, m.reviewed_by,
  m.evidence_edits, {EDIT_PENDING} as edit_pending,
  i.id as item_id, i.category, i.make, i.model, i.year, i.colour,
  l.id as listing_id, l.title, l.price, l.currency, l.source, l.removed_at,
  {_FORCE_AREA} as force_area, l.force_area as listed_area, l.location,
  (select p.id from photos p where p.item_id = i.id order by p.position, p.id limit 1) as first_photo_id,
  (select lp.id from listing_photos lp where lp.listing_id = l.id and lp.path is not null
     order by lp.position limit 1) as first_listing_photo_id
from matches m
join items i on i.id = m.item_id
join listings l on l.id = m.listing_id
where m.id in (select value from json_each(:ids))
"""


def _page_ids(conn, filters: QueueFilters, limit: int) -> list[str]:
    """The ids of one page of the queue, in queue order: with the default (new) or every status,
    matches raised because an edit removed their evidence come first (confirmed ones too).

    One small query per (status group, band), each walked in score order along the
    matches_queue index and stopped by its LIMIT, so a long queue is never sorted whole.
    """
    where, params = ["m.queue = :queue", "m.band = :band"], {"queue": filters.queue}
    if filters.category:
        where.append("exists (select 1 from items i where i.id = m.item_id and i.category = :category)")
        params["category"] = filters.category
    if filters.since:
        where.append("m.created_at >= :since")
        params["since"] = filters.since
    if filters.until:
        where.append("substr(m.created_at, 1, 10) <= :until")
        params["until"] = filters.until
    scope = filters.scope()
    if scope is not None:
        where.append(f"({_FORCE_AREA} in (select value from json_each(:scope)) or exists (select 1 from listings sl "
                     "where sl.id = m.listing_id and sl.force_area in (select value from json_each(:scope))))")
        params["scope"] = json.dumps(scope)
    if filters.border:
        where.append(f"{_FORCE_AREA} != (select bl.force_area from listings bl where bl.id = m.listing_id)")
    groups = [("m.status = :status", filters.status)] if filters.status != "all" else [
        ("m.status = :status", "new"), ("m.status in ('confirmed', 'dismissed')", None)]
    if filters.status in ("new", "all"):  # matches whose evidence the seller edited away come first
        groups = [(EDIT_PENDING, None)] + [(f"{clause} and not {EDIT_PENDING}", status) for clause, status in groups]
    ids: list[str] = []
    for status_clause, status in groups:
        for band in [filters.band] if filters.band else BANDS:
            if len(ids) >= limit:
                return ids
            sql = (f"select m.id from matches m where {' and '.join([*where, status_clause])} "
                   "order by m.score desc limit :limit")
            ids += [row[0] for row in conn.execute(
                sql, {**params, "band": band, "status": status, "limit": limit - len(ids)})]
    return ids


def queue_rows(conn, filters: QueueFilters, *, limit: int = 200, now: datetime | None = None) -> list[dict]:
    """Rows of a queue: new first, then by band and score, each with its photo pair and top reason."""
    ids = _page_ids(conn, filters, limit)
    by_id = {}
    for row in rows_as_dicts(conn, _DETAILS_SQL, {"ids": json.dumps(ids)}):
        reasons = parse_reasons(row.pop("reasons"))
        row["edits"] = [e.get("detail") for e in parse_reasons(row.pop("evidence_edits")) if e.get("detail")]
        row["top_reason"] = reasons[0].get("detail") or reasons[0].get("kind") if reasons else ""
        pair = next((r for r in reasons if r.get("photo_id") and r.get("listing_photo_id")), None)
        row["photo_id"] = pair["photo_id"] if pair else row["first_photo_id"]
        row["listing_photo_id"] = pair["listing_photo_id"] if pair else row["first_listing_photo_id"]
        row["age"] = age_text(row["created_at"], now)
        row["cross_border"] = bool(row["force_area"] and row["listed_area"] and row["force_area"] != row["listed_area"])
        by_id[row["id"]] = row
    return [by_id[i] for i in ids if i in by_id]


def filter_choices(conn) -> dict:
    """The values offered in the queue's filter menus (fixed vocabularies: no scan of the registry)."""
    counts = dict(conn.execute("select queue, count(*) from matches where status = 'new' group by queue"))
    return {"bands": BANDS, "statuses": STATUSES, "categories": sorted(CATEGORIES), "force_areas": FORCE_AREAS,
            "force_groups": list(force_groups()), "new_counts": counts}


def area_views(own_area: str | None) -> list[dict]:
    """The views an officer can switch between: their force, each group that includes it (or their
    group), and national; each {"label", "area"} with area as the `force_area` parameter."""
    views = []
    groups = force_groups()
    if own_area and own_area in groups:
        views.append({"label": f"{own_area} (your group)", "area": own_area})
    elif own_area and own_area != NATIONAL:
        views.append({"label": f"{own_area} (your force)", "area": own_area})
        views += [{"label": f"{g} (regional)", "area": g} for g in groups_of(own_area)]
    views.append({"label": "National (every force)", "area": NATIONAL})
    return views
