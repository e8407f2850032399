"""What the network pages show: networks ranked by risk, and one network's sellers, listings, links
and matched stolen items. Plain functions over a sqlite3 connection, tested directly."""

from __future__ import annotations

import json
from dataclasses import dataclass

from datasette_config.toolkit import dict_rows

NETWORK_LISTINGS_SHOWN = 300


@dataclass
class NetworkFilters:
    force_area: str = ""
    source: str = ""
    min_sellers: int = 2

    @classmethod
    def from_args(cls, args) -> NetworkFilters:
        try:
            min_sellers = max(1, min(int(args.get("min_sellers") or 2), 1000))
        except ValueError:
            min_sellers = 2
        return cls((args.get("force_area") or "").strip()[:100], (args.get("source") or "").strip()[:100], min_sellers)


def network_rows(conn, filters: NetworkFilters, limit: int = 200) -> list[dict]:
    """Networks by risk rank, filtered by force area and source (each a JSON list in the row)."""
    where, params = ["n.sellers >= :min_sellers"], {"min_sellers": filters.min_sellers, "limit": limit}
    if filters.force_area:
        where.append("exists (select 1 from json_each(n.areas) where value = :force_area)")
        params["force_area"] = filters.force_area
    if filters.source:
        where.append("exists (select 1 from json_each(n.sources) where value = :source)")
        params["source"] = filters.source
    rows = dict_rows(conn.execute(
        "select n.*, (select group_concat(coalesce(s.handle, s.name, 'seller ' || s.id), ', ') from "
        "(select * from sellers where network_id = n.id order by listings desc limit 4) s) as names "
        f"from networks n where {' and '.join(where)} order by n.risk_rank limit :limit", params))
    for row in rows:
        row["sources"], row["areas"] = json.loads(row["sources"]), json.loads(row["areas"])
    return rows


def network_choices(conn) -> dict:
    """Force areas and sources that networks of two or more sellers have, for the filters."""
    def values(column: str) -> list[str]:
        return [r[0] for r in conn.execute(
            f"select distinct j.value from networks n, json_each(n.{column}) j where n.sellers > 1 order by 1")]
    return {"force_areas": values("areas"), "sources": values("sources")}


def network_of_listing(conn, listing_id: str) -> dict | None:
    """The network a listing's seller belongs to (id, sellers, listings), or None."""
    rows = dict_rows(conn.execute(
        "select n.id, n.sellers, n.listings, n.risk_rank from listings l join sellers s on s.id = l.seller_id "
        "join networks n on n.id = s.network_id where l.id = ?", [listing_id]))
    return rows[0] if rows else None


def load_network(conn, network_id: int) -> dict | None:
    """One network: its row, sellers (with contacts), listings (oldest first), links and stolen-item matches."""
    found = dict_rows(conn.execute("select * from networks where id = ?", [network_id]))
    if not found:
        return None
    network = found[0]
    network["sources"], network["areas"] = json.loads(network["sources"]), json.loads(network["areas"])
    sellers = dict_rows(conn.execute(
        "select id, source, handle, name, profile_url, phones, emails, listings, first_seen_at, last_seen_at "
        "from sellers where network_id = ? order by listings desc, id", [network_id]))
    for s in sellers:
        s["phones"], s["emails"] = json.loads(s["phones"]), json.loads(s["emails"])
        s["label"] = s["handle"] or s["name"] or f"seller {s['id']}"
    listings = dict_rows(conn.execute(
        "select l.id, l.seller_id, l.source, l.url, l.title, l.price, l.currency, l.location, l.force_area, "
        "coalesce(l.posted_at, l.first_seen_at) as listed_at, l.first_seen_at, l.last_seen_at, l.removed_at "
        "from listings l join sellers s on s.id = l.seller_id where s.network_id = ? "
        "order by coalesce(l.posted_at, l.first_seen_at), l.id limit ?", [network_id, NETWORK_LISTINGS_SHOWN]))
    links = dict_rows(conn.execute(
        "select k.id, k.seller_a, k.seller_b, k.kind, k.detail, k.weight, k.listing_a, k.listing_b, k.created_at "
        "from seller_links k join sellers a on a.id = k.seller_a join sellers b on b.id = k.seller_b "
        "where a.network_id = ? and b.network_id = ? order by k.weight desc, k.kind", [network_id, network_id]))
    matches = dict_rows(conn.execute(
        "select m.id, m.listing_id, m.item_id, m.band, m.score, m.status, i.category, i.make, i.model, "
        "t.crime_ref, t.stolen_at, t.force_area from matches m join listings l on l.id = m.listing_id "
        "join sellers s on s.id = l.seller_id join items i on i.id = m.item_id left join thefts t on t.id = m.theft_id "
        "where s.network_id = ? and m.queue = 'stolen' and m.status != 'dismissed' and m.band in ('strong', 'likely') "
        "order by m.status = 'confirmed' desc, m.score desc", [network_id]))
    by_id = {s["id"]: s for s in sellers}
    for link in links:
        link["a_label"], link["b_label"] = by_id[link["seller_a"]]["label"], by_id[link["seller_b"]]["label"]
    return {"network": network, "sellers": sellers, "listings": listings, "links": links, "matches": matches,
            "listings_cut": network["listings"] > len(listings)}
