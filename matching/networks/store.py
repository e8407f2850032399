"""Writing networks: `sellers.network_id` and one `networks` row per network, ranked by risk.

A network's id is the smallest id of its sellers, so a network keeps its id while it grows.
Risk, for the order analysts work in: stolen-item matches first (confirmed 100, strong 20, likely 5
each, reviewed as dismissed not at all), then the analysts' own word (10 per pair of its sellers an
officer confirmed or joined by hand), then reach (2 per seller beyond the first, 3 per marketplace
beyond the first). Ties go to the network seen most recently.
"""

from __future__ import annotations

import json
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


def write_networks(db: Database, groups: list[set[int]], now: str, analyst: dict[int, int] | None = None,
                   touched: set[int] | None = None) -> set[int]:
    """Store the groups as networks; returns the ids of the previous multi-seller networks.
    `analyst`: per network id, the pairs of its sellers officers confirmed or joined.

    `touched` (sellers whose listings or links changed this run) makes the write incremental: only the
    networks whose members changed, that hold a touched seller, a stolen-item match (now or at the last
    run) or a listing seen since the last run are counted again from their listings; every other row
    keeps its row (risk ranks are then written again where they moved). None (a rebuild) counts every
    network. Sellers named in officers' decisions must be among `touched` (their pairs move the risk)."""
    current = dict(db.execute("select id, network_id from sellers").fetchall())
    previous = {nid for nid, n in db.execute(
        "select network_id, count(*) from sellers group by network_id having count(*) > 1")}
    target = {sid: min(g) for g in groups for sid in g}
    assignment = [(nid, sid) for sid, nid in target.items() if current.get(sid) != nid]
    sizes = {min(g): len(g) for g in groups}
    dirty: set[int] | None = None
    if touched is not None:
        dirty = {nid for nid, _ in assignment} | {target[s] for s in touched if s in target}
        dirty |= {current[sid] for _, sid in assignment if current.get(sid) is not None}
        dirty |= {target[sid] for sid in _matched_sellers(db) if sid in target}
        dirty |= {nid for nid, n in db.execute("select id, sellers from networks") if n != sizes.get(nid)}
        last_run = db.execute("select max(updated_at) from networks").fetchone()[0]
        if last_run:
            dirty |= {target[sid] for (sid,) in db.execute(  # by the index listings_last_seen
                "select seller_id from listings where last_seen_at > ?", [last_run]) if sid in target}
    created = dict(db.execute("select id, created_at from networks").fetchall())
    with db.atomic():
        db.conn.executemany("update sellers set network_id = ? where id = ?", assignment)
        if dirty is None:
            db.execute("delete from networks")
            _insert(db, _network_rows(db, created, now, analyst or {}))
        else:
            _update_rows(db, set(target.values()), dirty, created, now, analyst or {})
        _rank(db)
    return previous


_COLUMNS = ("id, sellers, listings, links, sources, areas, first_seen_at, last_seen_at, matches_confirmed, "
            "matches_strong, matches_likely, risk, risk_rank, created_at, updated_at")


def _insert(db: Database, rows: list[dict]) -> None:
    db.conn.executemany(f"insert or replace into networks ({_COLUMNS}) values "
                        f"({', '.join(':' + c.strip() for c in _COLUMNS.split(','))})", rows)


def _matched_sellers(db: Database) -> set[int]:
    """Sellers in a network with a stolen-item match now or at the last run (its counts may have moved)."""
    found = {sid for (sid,) in db.execute(
        "select distinct l.seller_id from matches m join listings l on l.id = m.listing_id "
        "where m.queue = 'stolen' and m.status != 'dismissed' and l.seller_id is not null")}
    found |= {sid for (sid,) in db.execute(
        "select s.id from sellers s join networks n on n.id = s.network_id "
        "where n.matches_confirmed + n.matches_strong + n.matches_likely > 0")}
    return found


def _update_rows(db: Database, ids: set[int], dirty: set[int], created: dict[int, str], now: str,
                 analyst: dict[int, int]) -> None:
    """Count the dirty networks again and drop the networks gone; the rest keep their rows."""
    dirty &= ids
    db.execute("create temp table if not exists dirty_networks (id integer primary key)")
    db.execute("delete from dirty_networks")
    db.conn.executemany("insert into dirty_networks values (?)", [(n,) for n in dirty])
    db.conn.executemany("delete from networks where id = ?", [(nid,) for nid in created if nid not in ids])
    _insert(db, _network_rows(db, created, now, analyst, "(select id from dirty_networks)"))


def _rank(db: Database) -> None:
    """`risk_rank` of every network: 1 the highest risk, ties to the network seen most recently, then the
    smaller id. Only ranks that moved are written."""
    db.execute("update networks set risk_rank = ranked.n from (select id, row_number() over "
               "(order by risk desc, coalesce(last_seen_at, '') desc, id) as n from networks) as ranked "
               "where ranked.id = networks.id and networks.risk_rank is not ranked.n")


def _network_rows(db: Database, created: dict[int, str], now: str, analyst: dict[int, int],
                  only: str | None = None) -> list[dict]:
    """Rows of every network, or of the networks whose ids the SQL expression `only` selects."""
    within = f"s.network_id in {only}" if only else "1"
    rows: dict[int, dict] = {}
    for nid, sellers, listings, first, last in db.execute(
            "select s.network_id, count(distinct s.id), count(l.id), min(l.first_seen_at), max(l.last_seen_at) "
            f"from sellers s left join listings l on l.seller_id = s.id where {within} group by s.network_id"):
        rows[nid] = {"id": nid, "sellers": sellers, "listings": listings, "links": 0, "sources": set(), "areas": set(),
                     "first_seen_at": first, "last_seen_at": last, "matches_confirmed": 0, "matches_strong": 0,
                     "matches_likely": 0, "created_at": created.get(nid, now), "updated_at": now}
    for nid, source, force_area, location in db.execute(
            "select distinct s.network_id, l.source, l.force_area, l.location from sellers s "
            f"join listings l on l.seller_id = s.id where {within} and "
            "s.network_id in (select network_id from sellers group by network_id having count(*) > 1)"):
        rows[nid]["sources"].add(source)
        area = listing_area(force_area, location)
        if area:
            rows[nid]["areas"].add(area)
    for nid, source in db.execute(
            f"select s.network_id, min(s.source) from sellers s where {within} group by s.network_id "
            "having count(*) = 1"):
        rows[nid]["sources"].add(source)
    for nid, links in db.execute("select s.network_id, count(*) from seller_links k join sellers s on s.id = k.seller_a "
                                 f"where {within} group by s.network_id"):
        rows[nid]["links"] = links
    for nid, status, band, area, count in db.execute(
            "select s.network_id, m.status, m.band, coalesce(t.force_area, o.force_area), count(distinct m.id) "
            "from matches m join listings l on l.id = m.listing_id join sellers s on s.id = l.seller_id "
            "join items i on i.id = m.item_id join owners o on o.id = i.owner_id "
            "left join thefts t on t.id = m.theft_id "
            f"where m.queue = 'stolen' and m.status != 'dismissed' and {within} group by 1, 2, 3, 4"):
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
        row["risk_rank"] = None  # ranked in SQL over every network (`_rank`)
        row["sources"] = json.dumps(sorted(row["sources"]))
        row["areas"] = json.dumps(sorted(row["areas"]))
    return list(rows.values())
