"""Giving listings their sellers and signals: the first step of `farmwatch networks`.

Reads listings new or changed since they were last read, finds or creates each one's seller,
stores what the listing says about the seller (signals) and refreshes the sellers it touched.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable

from sqlite_utils import Database

from matching.networks.links import MAX_SELLERS
from matching.networks.sellers import SellerFacts, normalise_handle, seller_facts
from matching.networks.signals import listing_signals
from matching.networks.text import texts
from matching.networks.text.texts import Cut

BATCH = 5000
LISTING_COLUMNS = ("id, source, url, location, title, model, description, seller_name, seller_profile_url, seller_phone, "
                   "seller_email, structured_identifiers")


def _chunks(values: list, size: int = BATCH):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def load_seller_keys(db: Database) -> dict[tuple[str, str], int]:
    """Every known seller's id by (source, seller key)."""
    return {(source, key): sid for sid, source, key in db.execute("select id, source, seller_key from sellers")}


def shared_contacts(db: Database, facts: list[SellerFacts]) -> set[str]:
    """Contacts in sellers' details that MAX_SELLERS or more different names show, in these listings
    and those already read: a site's own number, not one seller's."""
    names: dict[str, set] = defaultdict(set)
    for f in facts:
        contact = f.contact()
        if contact:
            names[contact].add((f.source, normalise_handle(f.name)))
    limit = MAX_SELLERS["phone"]
    shared = {c for c, n in names.items() if len(n) > limit}
    counts = {c: len(n) for c, n in names.items() if c not in shared}
    if counts:
        db.execute("create temp table if not exists batch_contacts (value text primary key)")
        db.execute("delete from batch_contacts")
        db.conn.executemany("insert into batch_contacts values (?)", [(c,) for c in counts])
        for value, sellers in db.execute(
                "select value, count(distinct seller_id) from listing_signals where kind in ('phone', 'email') "
                "and value in (select value from batch_contacts) group by value"):
            if sellers + counts[value] > limit:
                shared.add(value)
    return shared


# listing id, seller's profile address, seller facts, signals, the advert cut into phrases (or None)
Read = tuple[str, str | None, SellerFacts, list[tuple[str, str]], Cut | None]


def read_listings(db: Database, listing_ids: list[str], cut: bool = False) -> list[Read]:
    """Each of these listings' seller facts, signals (`seller_facts`, `listing_signals`) and, with `cut`,
    advert cut into phrases (`texts.cut`, for the text signatures), in the order the database returns
    them; the listing's id and its seller's profile address come along."""
    columns = [c.strip() for c in LISTING_COLUMNS.split(",")]
    out: list[Read] = []
    marks = ",".join("?" * len(listing_ids))
    for row in db.execute(f"select {LISTING_COLUMNS} from listings where id in ({marks})", listing_ids):
        listing = dict(zip(columns, row, strict=True))
        facts = seller_facts(listing)
        out.append((listing["id"], listing["seller_profile_url"], facts, listing_signals(listing, facts),
                    texts.cut(texts.advert_text(listing["title"], listing["description"])) if cut else None))
    return out


def assign_sellers(db: Database, listing_ids: list[str], now: str,
                   progress: Callable[[int, int], None] | None = None,
                   cuts: dict[str, Cut] | None = None) -> tuple[set[int], int]:
    """Give each listing its seller and signals; returns the sellers touched and how many sellers are new.
    `cuts`, when given, receives each listing's advert cut into phrases (`texts.cut`), read with it."""
    keys = load_seller_keys(db)
    read = [one for part in _chunks(listing_ids) for one in read_listings(db, part, cuts is not None)]
    if cuts is not None:
        cuts.update((lid, cut) for lid, *_, cut in read)
    shared = shared_contacts(db, [f for _, _, f, _, _ in read])
    touched: set[int] = set()
    new = done = 0
    for start in range(0, len(read), BATCH):
        part = read[start:start + BATCH]
        ids = [lid for lid, *_ in part]
        marks = ",".join("?" * len(ids))
        updates, signals = [], []
        previous = {lid: sid for lid, sid in db.execute(
            f"select id, seller_id from listings where id in ({marks}) and seller_id is not null", ids)}
        with db.atomic():
            for lid, profile_url, facts, listed, _ in part:
                facts = facts.without_shared_contact(shared)
                seller_id = keys.get((facts.source, facts.key))
                if seller_id is None:
                    seller_id = db.execute(
                        "insert into sellers (source, seller_key, handle, name, profile_url, updated_at) "
                        "values (?, ?, ?, ?, ?, ?)",
                        [facts.source, facts.key, facts.key.split(":", 1)[1] if facts.key.startswith("handle:") else None,
                         facts.name, profile_url, now]).lastrowid
                    keys[(facts.source, facts.key)] = seller_id
                    new += 1
                touched.add(seller_id)
                if previous.get(lid) not in (None, seller_id):
                    touched.add(previous[lid])
                updates.append((seller_id, lid))
                signals += [(lid, kind, value, seller_id) for kind, value in listed]
            db.execute(f"delete from listing_signals where listing_id in ({marks})", ids)
            db.conn.executemany("update listings set seller_id = ? where id = ?", updates)
            db.conn.executemany("insert or ignore into listing_signals (listing_id, kind, value, seller_id) "
                                "values (?, ?, ?, ?)", signals)
        done += len(part)
        if progress:
            progress(done, len(listing_ids))
    refresh_sellers(db, sorted(touched), now)
    return touched, new


def refresh_sellers(db: Database, seller_ids: list[int], now: str) -> None:
    """Recompute the touched sellers' contacts, listing counts and first and last seen from their listings;
    a seller left with no listing (its listings now name another) is removed with its links."""
    for part in _chunks(seller_ids, 900):
        marks = ",".join("?" * len(part))
        stats = {sid: rest for sid, *rest in db.execute(
            "select seller_id, count(*), min(first_seen_at), max(last_seen_at), "
            "(select seller_name from listings l2 where l2.seller_id = l.seller_id order by last_seen_at desc limit 1), "
            "(select seller_profile_url from listings l3 where l3.seller_id = l.seller_id "
            " and seller_profile_url is not null order by last_seen_at desc limit 1) "
            f"from listings l where seller_id in ({marks}) group by seller_id", part)}
        contacts: dict[int, dict[str, list[str]]] = {sid: {"phone": [], "email": []} for sid in part}
        for sid, kind, value in db.execute(
                f"select distinct seller_id, kind, value from listing_signals where seller_id in ({marks}) "
                "and +kind in ('phone', 'email') order by seller_id, kind, value", part):  # by seller, not by kind
            contacts[sid][kind].append(value)
        with db.atomic():
            for sid in part:
                if sid not in stats:
                    db.execute("delete from seller_links where seller_a = ? or seller_b = ?", [sid, sid])
                    db.execute("delete from listing_texts where seller_id = ?", [sid])
                    db.execute("delete from sellers where id = ?", [sid])
            db.conn.executemany(
                "update sellers set listings = ?, first_seen_at = ?, last_seen_at = ?, name = ?, "
                "profile_url = coalesce(?, profile_url), phones = ?, emails = ?, updated_at = ? where id = ?",
                [(*stats[sid], json.dumps(contacts[sid]["phone"]), json.dumps(contacts[sid]["email"]), now, sid)
                 for sid in part if sid in stats])
