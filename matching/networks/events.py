"""Network events for officers: new listings from a network that has offered a stolen item.

When a network holds a confirmed or strong stolen-item match, every new listing of any of its
sellers deserves a look: it may be the next stolen item. The nightly report counts them and the
officers' alert digest lists them (each listing once, by `alerts_sent`).
"""

from __future__ import annotations

import json

from sqlite_utils import Database

NEW_DAYS = 7  # a listing first seen this recently is "new" for the digest


def flagged_network_listings(db: Database, days: int = NEW_DAYS) -> list[dict]:
    """Listings first seen in the last `days` days whose seller's network (two or more sellers) has a
    confirmed or strong stolen-item match, other than the matched listings themselves; highest risk first.
    Each row: listing_id, title, url, source, location, price, currency, network_id, network_sellers,
    matches_confirmed, matches_strong, areas (a list of force areas)."""
    rows = db.query(
        """
        select l.id as listing_id, l.title, l.url, l.source, l.location, l.price, l.currency,
               n.id as network_id, n.sellers as network_sellers, n.matches_confirmed, n.matches_strong,
               n.areas, n.risk_rank
        from listings l join sellers s on s.id = l.seller_id join networks n on n.id = s.network_id
        where n.sellers > 1 and (n.matches_confirmed > 0 or n.matches_strong > 0)
          and l.first_seen_at >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', :window)
          and not exists (select 1 from matches m where m.listing_id = l.id and m.queue = 'stolen'
                          and m.status != 'dismissed' and (m.status = 'confirmed' or m.band = 'strong'))
        order by n.risk_rank, l.first_seen_at desc
        """, {"window": f"-{int(days)} days"})
    return [{**r, "areas": json.loads(r["areas"] or "[]")} for r in rows]


def event_lines(event: dict, base_url: str) -> list[str]:
    """The digest's lines for one event."""
    price = f"{event['currency'] or ''} {event['price']:,.0f}".strip() if event["price"] is not None else "no price"
    matched = ", ".join(f"{n} {kind}" for kind, n in (("confirmed", event["matches_confirmed"]),
                                                      ("strong", event["matches_strong"])) if n)
    return [
        f"[NETWORK {event['network_id']}] {event['title'] or '(no title)'}, {price}, "
        f"{event['location'] or 'location not given'} on {event['source']}",
        f"  a network of {event['network_sellers']} sellers with {matched} stolen-item match(es)",
        f"  open: {base_url}/network/{event['network_id']}",
        "",
    ]
