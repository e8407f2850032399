"""Writing networks: `sellers.network_id` and one `networks` row per network, ranked by risk.

A network's id is the smallest id of its sellers, so a network keeps its id while it grows.
Risk, for the order analysts work in: stolen-item matches first (confirmed 100, strong 20, likely 5
each, reviewed as dismissed not at all), then the analysts' own word (10 per pair of its sellers an
officer confirmed or joined by hand), then reach (2 per seller beyond the first, 3 per marketplace
beyond the first). Ties go to the network seen most recently.
"""

from __future__ import annotations

import json
from collections import defaultdict
from functools import lru_cache

from sqlite_utils import Database

from registry.places.lookup import force_for_place

RISK = {"confirmed": 100, "strong": 20, "likely": 5, "seller": 2, "source": 3, "analyst": 10}


def listing_area(force_area: str | None, location: str | None) -> str | None:
    """A listing's police force area: the one stored when the listing was placed, else its location's."""
    return force_area or _place_force(location)


@lru_cache(maxsize=100_000)
def _place_force(location: str | None) -> str | None:
    return force_for_place(location)


def risk_score(matches_confirmed: int, matches_strong: int, matches_likely: int, sellers: int, sources: int,
               analyst_pairs: int = 0) -> float:
    """The risk of a network from its matches, the pairs of its sellers officers confirmed or joined,
    and its reach (weights in RISK)."""
    return (RISK["confirmed"] * matches_confirmed + RISK["strong"] * matches_strong + RISK["likely"] * matches_likely
            + RISK["analyst"] * analyst_pairs + RISK["seller"] * max(sellers - 1, 0)
            + RISK["source"] * max(sources - 1, 0))


def write_networks(db: Database, groups: list[set[int]], now: str,
                   analyst: dict[int, int] | None = None) -> dict[int, set[int]]:
    """Store the groups as networks; returns the previous multi-seller networks (id -> seller ids).
    `analyst`: per network id, the pairs of its sellers officers confirmed or joined."""
    previous: dict[int, set[int]] = defaultdict(set)
    for sid, nid in db.execute("select id, network_id from sellers where network_id in "
                               "(select id from networks where sellers > 1)"):
        previous[nid].add(sid)
    created = dict(db.execute("select id, created_at from networks").fetchall())
    current = dict(db.execute("select id, network_id from sellers").fetchall())
    assignment = [(min(g), sid) for g in groups for sid in g if current.get(sid) != min(g)]
    with db.atomic():
        db.conn.executemany("update sellers set network_id = ? where id = ?", assignment)
        db.execute("delete from networks")
        rows = _network_rows(db, created, now, analyst or {})
        db.conn.executemany(
            "insert into networks (id, sellers, listings, links, sources, areas, first_seen_at, last_seen_at, "
            "matches_confirmed, matches_strong, matches_likely, risk, risk_rank, created_at, updated_at) "
            "values (:id, :sellers, :listings, :links, :sources, :areas, :first_seen_at, :last_seen_at, "
            ":matches_confirmed, :matches_strong, :matches_likely, :risk, :risk_rank, :created_at, :updated_at)", rows)
    return dict(previous)


def _network_rows(db: Database, created: dict[int, str], now: str, analyst: dict[int, int]) -> list[dict]:
    rows: dict[int, dict] = {}
    for nid, sellers, listings, first, last in db.execute(
            "select s.network_id, count(distinct s.id), count(l.id), min(l.first_seen_at), max(l.last_seen_at) "
            "from sellers s left join listings l on l.seller_id = s.id group by s.network_id"):
        rows[nid] = {"id": nid, "sellers": sellers, "listings": listings, "links": 0, "sources": set(), "areas": set(),
                     "first_seen_at": first, "last_seen_at": last, "matches_confirmed": 0, "matches_strong": 0,
                     "matches_likely": 0, "created_at": created.get(nid, now), "updated_at": now}
    for nid, source, force_area, location in db.execute(
            "select distinct s.network_id, l.source, l.force_area, l.location from sellers s "
            "join listings l on l.seller_id = s.id "
            "where s.network_id in (select network_id from sellers group by network_id having count(*) > 1)"):
        rows[nid]["sources"].add(source)
        area = listing_area(force_area, location)
        if area:
            rows[nid]["areas"].add(area)
    for nid, source in db.execute(
            "select s.network_id, min(s.source) from sellers s group by s.network_id having count(*) = 1"):
        rows[nid]["sources"].add(source)
    for nid, links in db.execute("select s.network_id, count(*) from seller_links k join sellers s on s.id = k.seller_a "
                                 "group by s.network_id"):
        rows[nid]["links"] = links
    for nid, status, band, area, count in db.execute(
            "select s.network_id, m.status, m.band, coalesce(t.force_area, o.force_area), count(distinct m.id) "
            "from matches m join listings l on l.id = m.listing_id join sellers s on s.id = l.seller_id "
            "join items i on i.id = m.item_id join owners o on o.id = i.owner_id "
            "left join thefts t on t.id = m.theft_id "
            "where m.queue = 'stolen' and m.status != 'dismissed' group by 1, 2, 3, 4"):
        row = rows[nid]
        if status == "confirmed":
            row["matches_confirmed"] += count
        elif band == "strong":
            row["matches_strong"] += count
        elif band == "likely":
            row["matches_likely"] += count
        else:
            continue
        if area:
            row["areas"].add(area)
    for row in rows.values():
        row["risk"] = risk_score(row["matches_confirmed"], row["matches_strong"], row["matches_likely"],
                                 row["sellers"], len(row["sources"]), analyst.get(row["id"], 0))
    ordered = sorted(rows.values(), key=lambda r: (r["last_seen_at"] or "", -r["id"]), reverse=True)
    ordered.sort(key=lambda r: -r["risk"])
    for rank, row in enumerate(ordered, 1):
        row["risk_rank"] = rank
        row["sources"] = json.dumps(sorted(row["sources"]))
        row["areas"] = json.dumps(sorted(row["areas"]))
    return ordered
