"""`farmwatch networks`: sellers, links and networks brought up to date with the listings.

Incremental by default: only listings new or changed since they were last read are read again,
and only the links their values, photos and text can make are recomputed; the grouping into
networks is then redone over all links (cheap: one pass over the link table). `rebuild` starts
from nothing (after a change of rules).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import NamedTuple

import numpy as np
from sqlite_utils import Database

from matching.networks.crop_index import forget_crop_index
from matching.networks.crops import crop_links, stock_photo_ids
from matching.networks.decisions import (
    analyst_pairs,
    apply_decisions,
    decisions_in_force,
    near_misses,
    write_near_misses,
)
from matching.networks.graph import DEALER_LISTINGS, group_sellers
from matching.networks.identities import BATCH, assign_sellers
from matching.networks.links import Link, photo_links, shared_value_links, text_link, text_weight
from matching.networks.store import write_networks
from matching.networks.text import phrases, texts
from matching.networks.text.texts import Cut
from registry.db import bulk_work, utcnow


class Evidence(NamedTuple):
    """What the grouping reads of a stored link: the strongest weight per pair of sellers and kind."""

    seller_a: int
    seller_b: int
    kind: str
    weight: float


@dataclass
class NetworkReport:
    listings: int = 0
    sellers_new: int = 0
    links: dict[str, int] = field(default_factory=dict)  # links written this run, by kind
    common_values: int = 0  # shared values too common to link anyone (switchboards, common handles)
    stock_photos: int = 0
    crop_index: dict = field(default_factory=dict)  # the crop search's saved index: photos kept, added, removed
    networks: int = 0  # networks of more than one seller
    networks_new: int = 0
    listings_joining_flagged: int = 0  # new listings in a network with a confirmed or strong match
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


def _pending(db: Database) -> list[str]:
    """Listings new or changed since the run last read them (the partial index `listings_to_network`)."""
    return [r[0] for r in db.execute(
        "select id from listings where networked_at is null or networked_at < changed_at or seller_id is null")]


def _store_links(db: Database, links: list[Link], now: str) -> None:
    db.conn.executemany(
        "insert into seller_links (seller_a, seller_b, kind, value, detail, weight, listing_a, listing_b, created_at) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (seller_a, seller_b, kind, value) do update set "
        "detail = excluded.detail, weight = excluded.weight, listing_a = excluded.listing_a, "
        "listing_b = excluded.listing_b",
        [(k.seller_a, k.seller_b, k.kind, k.value, k.detail, k.weight, k.listing_a, k.listing_b, now) for k in links])


def _cut_texts(db: Database, listing_ids: list[str],
               cuts: dict[str, Cut] | None = None) -> list[tuple[str, int, list[str], list[bytes]]]:
    """(listing id, seller id, phrases, phrase keys) of these listings' adverts (title and description),
    taken from `cuts` where the sellers' step already cut them (`assign_sellers`), else cut here."""
    out = []
    for lid, sid, title, description in db.execute(
            f"select id, seller_id, title, description from listings where id in ({','.join('?' * len(listing_ids))})",
            listing_ids):
        parts, keys = cuts[lid] if cuts and lid in cuts else texts.cut(texts.advert_text(title, description))
        out.append((lid, sid, parts, keys))
    return out


def update_texts(db: Database, listing_ids: list[str], rebuild: bool = False,
                 cuts: dict[str, Cut] | None = None) -> list[Link]:
    """Signatures of these listings' own text (boilerplate: phrases counted over every listing, kept
    between runs in `matching.networks.text.phrases`), then their near-identical-text links against every
    stored signature. `cuts`: adverts already cut into phrases by listing id (`assign_sellers`'s)."""
    if rebuild:
        phrases.rebuild(db, ((sid, texts.advert_text(title, description))
                             for sid, title, description in db.execute("select seller_id, title, description from listings")))
    held = []  # a night's adverts cut into phrases once (a rebuild cuts each batch again, not to hold them all)
    counted: dict[bytes, int] = {}  # a night's phrases' sellers once every batch is counted in (the last count)
    if not rebuild:
        for start in range(0, len(listing_ids), BATCH):
            rows = _cut_texts(db, listing_ids[start:start + BATCH], cuts)
            counted.update(phrases.add_keys(db, {(key, sid) for _, sid, _, keys in rows for key in keys}))
            held.append(rows)
    wanted = set(listing_ids)
    for n, start in enumerate(range(0, len(listing_ids), BATCH)):
        rows = held[n] if held else _cut_texts(db, listing_ids[start:start + BATCH])
        phrase_sellers = ({key: counted[key] for *_, keys in rows for key in keys if key in counted} if held
                          else phrases.lookup(db, (key for *_, keys in rows for key in keys)))
        shingles = [texts.own_shingles_of(parts, keys, phrase_sellers) for _, _, parts, keys in rows]
        stored = [(lid, sid, len(own), blob) for (lid, sid, *_), own, blob
                  in zip(rows, shingles, texts.signature_blobs(shingles), strict=True)]
        with db.atomic():
            db.conn.executemany("insert or replace into listing_texts (listing_id, seller_id, shingles, minhash) "
                                "values (?, ?, ?, ?)", stored)
    ids, owners, blobs = [], [], []
    for lid, sid, blob in db.execute("select listing_id, seller_id, minhash from listing_texts where minhash is not null"):
        ids.append(lid)
        owners.append(sid)
        blobs.append(blob)
    if not ids:
        return []
    matrix = np.frombuffer(b"".join(blobs), dtype="<u4").reshape(len(ids), texts.NUM_PERM)
    owner = np.array(owners, dtype=np.int64)
    queries = np.array([lid in wanted for lid in ids], dtype=bool)
    pairs = texts.similar_pairs(ids, owner, matrix, queries)
    return verify_texts(db, pairs)


def verify_texts(db: Database, pairs: list[tuple[str, str, float]]) -> list[Link]:
    """Text links from candidate listing pairs, verified on their own shingles; the best per two sellers."""
    wanted = sorted({lid for a, b, _ in pairs for lid in (a, b)})
    own: dict[str, tuple[int, set[bytes]]] = {}
    for start in range(0, len(wanted), BATCH):
        part = wanted[start:start + BATCH]
        rows = db.execute(f"select id, seller_id, coalesce(title, '') || char(10) || coalesce(description, '') "
                          f"from listings where id in ({','.join('?' * len(part))})", part).fetchall()
        phrase_sellers = phrases.lookup(db, (texts.phrase_key(p) for _, _, text in rows for p in texts.phrases(text)))
        for lid, sid, text in rows:
            own[lid] = (sid, texts.own_shingles(text, phrase_sellers))
    busy = {sid for sid, n in db.execute("select id, listings from sellers") if n >= DEALER_LISTINGS}
    best: dict[tuple[int, int], Link] = {}
    for a, b, _ in pairs:
        (sa, shingles_a), (sb, shingles_b) = own[a], own[b]
        containment, shared = texts.overlap(shingles_a, shingles_b)
        weight = text_weight(containment, shared, sa in busy or sb in busy)
        if not weight:
            continue
        link = text_link(sa, sb, a, b, containment, shared, weight)
        key = (link.seller_a, link.seller_b)
        if key not in best or (link.weight, containment) > (best[key].weight, 0):
            best[key] = link
    return list(best.values())


def update_networks(db: Database, *, rebuild: bool = False,
                    progress: Callable[[str, int, int], None] | None = None) -> NetworkReport:
    """Bring sellers, seller links and networks up to date; see the module docstring. Runs with a larger
    SQLite page cache and rarer checkpoints (`registry.db.bulk_work`): the step reads and rewrites rows
    spread over the whole register (listings, signals, phrases), 0.9 of the CPU time at full size."""
    with bulk_work(db):
        return _update_networks(db, rebuild, progress)


def _update_networks(db: Database, rebuild: bool, progress: Callable[[str, int, int], None] | None) -> NetworkReport:
    started = time.monotonic()
    now = utcnow()
    report = NetworkReport()
    if rebuild:
        with db.atomic():
            for table in ("seller_links", "listing_signals", "listing_texts", "listing_photo_features",
                          "seller_near_misses", "text_phrases", "boilerplate_phrases"):
                db.execute(f"delete from {table}")
            db.execute("update listings set networked_at = null")
        forget_crop_index(db)
    pending = _pending(db)
    report.listings = len(pending)
    touched: set[int] = set()
    if pending:
        # a night's adverts cut into phrases as their sellers are read, for the text signatures (a rebuild
        # cuts each batch when it needs it, not to hold every advert's phrases at once)
        cuts: dict[str, Cut] | None = None if rebuild else {}
        touched, report.sellers_new = assign_sellers(
            db, pending, now, (lambda d, t: progress("sellers", d, t)) if progress else None, cuts)
        db.execute("create temp table if not exists pending_listings (id text primary key)")
        db.execute("delete from pending_listings")
        db.conn.executemany("insert into pending_listings values (?)", [(p,) for p in pending])
        if not rebuild:  # the values the night's listings show: only their links are made again
            db.execute("create temp table if not exists night_values (kind text, value text, primary key (kind, value))")
            db.execute("delete from night_values")
            db.execute("insert into night_values select distinct kind, value from listing_signals "
                       "where listing_id in (select id from pending_listings)")
        value_links, report.common_values = shared_value_links(db, None if rebuild else "night_values")
        photos, report.stock_photos, stock_hashes = photo_links(db, None if rebuild else "pending_listings")
        busy = [sid for sid, n in db.execute("select id, listings from sellers") if n >= DEALER_LISTINGS]
        known = {(k.seller_a, k.seller_b) for k in photos}
        photos += [k for k in crop_links(db, None if rebuild else set(pending), stock_photo_ids(db, stock_hashes), busy,
                                            report.crop_index)
                   if (k.seller_a, k.seller_b) not in known]
        text_links = update_texts(db, pending, rebuild, cuts)
        cuts = None  # the night's phrases are not held through the rest of the step
        with db.atomic():
            if not rebuild:
                night = "(kind, value) in (select kind, value from night_values)"
                touched.update(s for pair in db.execute(f"select seller_a, seller_b from seller_links where {night}")
                               for s in pair)
                db.execute(f"delete from seller_links where {night}")
            _store_links(db, value_links + photos + text_links, now)
            touched.update(s for k in value_links + photos + text_links for s in (k.seller_a, k.seller_b))
            db.conn.executemany("update listings set networked_at = ? where id = ?", [(now, p) for p in pending])
        for link in value_links + photos + text_links:
            report.links[link.kind] = report.links.get(link.kind, 0) + 1
    if progress:
        progress("networks", 0, 1)
    links = [Evidence(*row) for row in db.execute(
        "select seller_a, seller_b, kind, max(weight) from seller_links group by seller_a, seller_b, kind")]
    counts = dict(db.execute("select id, listings from sellers").fetchall())
    decisions = decisions_in_force(db)
    touched.update(s for pair in decisions for s in pair)
    groups = group_sellers(counts, apply_decisions(links, decisions), counts)
    previous = write_networks(db, groups, now, analyst_pairs(decisions, groups), None if rebuild else touched)
    write_near_misses(db, near_misses(links, groups, counts, decisions))
    current = {min(g): g for g in groups if len(g) > 1}
    report.networks = len(current)
    report.networks_new = sum(1 for nid, members in current.items() if nid not in previous)
    if pending:
        report.listings_joining_flagged = db.execute(
            "select count(*) from listings l join sellers s on s.id = l.seller_id join networks n on n.id = s.network_id "
            "where l.id in (select id from pending_listings) and l.first_seen_at = l.changed_at and n.sellers > 1 "
            "and (n.matches_confirmed > 0 or n.matches_strong > 0) and not exists (select 1 from matches m "
            "where m.listing_id = l.id and m.queue = 'stolen' and m.status != 'dismissed' "
            "and (m.status = 'confirmed' or m.band = 'strong'))").fetchone()[0]
    if progress:
        progress("networks", 1, 1)
    report.seconds = round(time.monotonic() - started, 2)
    return report
