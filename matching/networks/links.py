"""Links between two sellers, one per kind of shared evidence, each with a weight and words to read out.

Weights are how sure a link alone makes us that two sellers are one operation (0..1). A value shared
by too many sellers is no evidence of anything: a marketplace's own phone number or address in many
sellers' adverts, a common handle, a model code that looks like a serial. `MAX_SELLERS` says, per
kind, how many different sellers may share one value before it stops linking them (measured by
document frequency over all sellers; see docs/networks.md). A dealer's many listings are one seller,
so they never link anyone on their own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import phonenumbers
from sqlite_utils import Database

from matching.networks.handles import HandleCrowd, handle_bits, handle_weight
from matching.photos.evidence import STOCK_PHOTO_LISTINGS
from matching.photos.index import PhotoHashIndex, parse_hex

WEIGHTS = {"phone": 0.95, "email": 0.95, "profile": 0.95, "identifier": 0.85, "photo": 0.8, "text": 0.6,
           "handle": 0.45}
MAX_SELLERS = {"phone": 9, "email": 9, "profile": 9, "handle": 4, "identifier": 3}
REGISTERED_IDENTIFIER_SELLERS = 9  # a registered item's own identifier is no model code: it may link more sellers
PHOTO_RADIUS = 6  # pHash bits: re-encoded, resized and brightened copies (measured 0-6); with the dHash vote
# below, chance pairs stay rare (the matcher's measurement: pHash <= 10 gives 0.01 chance matches a query at 1M)
PHOTO_DHASH = 10  # and the dHash agrees, a second vote against chance
STOCK_SAME_SELLER = 3  # a picture one seller puts on three different adverts is a brochure or stock picture


@dataclass(frozen=True)
class Link:
    """Evidence that two sellers are one: `seller_a` < `seller_b`; `value` is the shared value, if any."""

    seller_a: int
    seller_b: int
    kind: str
    value: str
    detail: str
    weight: float
    listing_a: str | None = None
    listing_b: str | None = None


def make_link(a: int, b: int, kind: str, value: str, detail: str, weight: float,
              listing_a: str | None = None, listing_b: str | None = None) -> Link:
    """A link with its sellers (and their listings) in id order."""
    if a > b:
        a, b, listing_a, listing_b = b, a, listing_b, listing_a
    return Link(a, b, kind, value, detail, round(weight, 3), listing_a, listing_b)


def readable(kind: str, value: str) -> str:
    """A shared value as an analyst reads it out (`+447700900123` -> `+44 7700 900123`)."""
    if kind == "phone":
        try:
            return phonenumbers.format_number(phonenumbers.parse(value), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        except phonenumbers.NumberParseException:
            return value
    return value


def value_links(kind: str, value: str, holders: list[tuple[int, str, str]],
                crowd: HandleCrowd | None = None, limit: int | None = None) -> list[Link]:
    """Links from one shared value; `holders` are (seller id, source, one listing id) per seller.

    Nothing when too many sellers share the value (see MAX_SELLERS); a handle links only sellers
    on different marketplaces (on one marketplace a handle is one seller), weighted by how
    distinctive it is among the crawled handles (`crowd`; `matching.networks.handles`). `limit`
    overrides MAX_SELLERS (a registered item's identifier)."""
    if len(holders) < 2 or len(holders) > (limit or MAX_SELLERS[kind]):
        return []
    shown = readable(kind, value)
    words = {
        "phone": f"same phone number {shown} in both sellers' adverts",
        "email": f"same e-mail address {shown} in both sellers' adverts",
        "profile": f"same profile address {shown}",
        "identifier": f"both sellers listed identifier {shown}",
    }
    out = []
    weight = WEIGHTS[kind]
    if kind == "handle":
        bits = handle_bits(value)
        others, close = crowd.crowd(value, {h[0] for h in holders}) if crowd else (0, [])
        weight = handle_weight(bits, others)
        why = (f"{bits:.0f} bits by its make-up; "
               + (f"{others} other seller(s) use it or a close handle ({', '.join(close) or value})" if others
                  else "no other seller uses it or a close handle"))
    for (a, source_a, listing_a), (b, source_b, listing_b) in combinations(holders, 2):
        if kind == "handle":
            if source_a == source_b:
                continue
            detail = f"same handle \"{shown}\" on {source_a} and {source_b} ({why})"
        else:
            detail = words[kind]
        out.append(make_link(a, b, kind, value, detail, weight, listing_a, listing_b))
    return out


def handle_crowd(db: Database) -> HandleCrowd:
    """Every crawled handle with its sellers and their sources."""
    holders: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for value, seller_id, source in db.execute(
            "select distinct s.value, s.seller_id, se.source from listing_signals s join sellers se on se.id = s.seller_id "
            "where s.kind = 'handle'"):
        holders[value].append((seller_id, source))
    return HandleCrowd(dict(holders))


def shared_value_links(db: Database, values: list[tuple[str, str]] | str | None = None) -> tuple[list[Link], int]:
    """Links from every shared signal value (or only these (kind, value) pairs, given as a list or as the
    name of a table with `kind` and `value` columns); also how many values were too common to link
    (switchboards, common handles)."""
    query = ("select s.kind, s.value, s.seller_id, l.source, min(s.listing_id) from listing_signals s "
             "join listings l on l.id = s.listing_id {where} group by s.kind, s.value, s.seller_id order by 1, 2")
    groups: dict[tuple[str, str], list] = defaultdict(list)
    if values is None:
        rows = db.execute(query.format(where="")).fetchall()
    else:
        table = values if isinstance(values, str) else "wanted_values"
        if not isinstance(values, str):
            db.execute("create temp table if not exists wanted_values (kind text, value text, primary key (kind, value))")
            db.execute("delete from wanted_values")
            db.conn.executemany("insert or ignore into wanted_values values (?, ?)", values)
        rows = db.execute(query.format(
            where=f"where (s.kind, s.value) in (select kind, value from {table})")).fetchall()
    for kind, value, seller_id, source, listing_id in rows:
        groups[(kind, value)].append((seller_id, source, listing_id))
    links, common = [], 0
    crowd = None
    if any(kind == "handle" and len({h[1] for h in holders}) > 1 for (kind, _), holders in groups.items()):
        crowd = handle_crowd(db)
    registered = registered_identifiers(db, [value for (kind, value), holders in groups.items()
                                             if kind == "identifier" and len(holders) > MAX_SELLERS[kind]])
    for (kind, value), holders in groups.items():
        limit = REGISTERED_IDENTIFIER_SELLERS if kind == "identifier" and value in registered else None
        if len(holders) > (limit or MAX_SELLERS[kind]):
            common += 1
        links += value_links(kind, value, holders, crowd, limit)
    return links, common


def registered_identifiers(db: Database, values: list[str]) -> set[str]:
    """Those of these identifier keys that an item on the register carries."""
    found: set[str] = set()
    for start in range(0, len(values), 900):
        part = values[start:start + 900]
        found.update(r[0] for r in db.execute(
            f"select normalised_value from identifiers where normalised_value in ({','.join('?' * len(part))})", part))
    return found


def photo_links(db: Database, listing_ids: set[str] | str | None = None) -> tuple[list[Link], int, np.ndarray]:
    """Links from the same photo in two sellers' adverts (pHash within PHOTO_RADIUS bits, dHash within
    PHOTO_DHASH), searched from these listings' photos (all when None; a str names a table of listing
    ids). A picture in the adverts of
    STOCK_PHOTO_LISTINGS or more other sellers is a stock or brochure photo, as the matcher rules,
    and so is one that a seller shows on STOCK_SAME_SELLER or more adverts (a dealer's brochure
    picture, not a photo of one item); neither links anyone. Identical hashes are searched once, so
    a stock picture in a hundred thousand adverts costs one search. Also returns how many distinct
    pictures were judged stock, and their pHashes (uint64), for the local-feature stage to leave out."""
    if isinstance(listing_ids, str):
        listing_ids = {lid for (lid,) in db.execute(f"select id from {listing_ids}")}
    rows = db.execute(
        "select p.listing_id, l.seller_id, p.phash, p.dhash from listing_photos p "
        "join listings l on l.id = p.listing_id where p.phash is not null and l.seller_id is not null").fetchall()
    if not rows:
        return [], 0, np.zeros(0, np.uint64)
    listing = [r[0] for r in rows]
    seller = np.array([r[1] for r in rows], dtype=np.int64)
    dhash = hex_hashes([r[3] or "" for r in rows])
    unique, inverse = np.unique(hex_hashes([r[2] for r in rows]), return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(unique) + 1))
    members = lambda u: order[bounds[u]:bounds[u + 1]]  # noqa: E731
    sellers_per_hash = _distinct_sellers_per_hash(inverse, seller, len(unique))
    busy = sellers_per_hash > STOCK_PHOTO_LISTINGS
    queries = np.arange(len(unique)) if listing_ids is None else _sorted_distinct(
        inverse[[i for i, lid in enumerate(listing) if lid in listing_ids]])
    queries = queries[~busy[queries]]
    links, stock = {}, int(busy.sum())
    judged = set(np.flatnonzero(busy).tolist())
    if not len(queries):
        return [], stock, unique[busy]
    q, d, _ = PhotoHashIndex(unique).search(unique[queries], PHOTO_RADIUS)
    q = queries[q]
    keep = ~_alone(q, bounds)[q]
    q, d = q[keep], d[keep]
    neighbours: dict[int, list[int]] = defaultdict(list)
    for qi, di in zip(q.tolist(), d.tolist(), strict=True):
        neighbours[qi].append(di)
    for u, near in neighbours.items():
        if busy[near].any():
            stock += 1
            judged.update([u, *near])
            continue
        own = members(u)
        cluster = np.concatenate([members(v) for v in near])
        cluster = cluster[np.bitwise_count(dhash[cluster] ^ dhash[own[0]]) <= PHOTO_DHASH]
        by_seller: dict[int, set[str]] = defaultdict(set)
        for i in cluster.tolist():
            by_seller[int(seller[i])].add(listing[i])
        if len(by_seller) - 1 >= STOCK_PHOTO_LISTINGS or max(len(v) for v in by_seller.values()) >= STOCK_SAME_SELLER:
            stock += 1
            judged.update([u, *near])
            continue
        for i in own.tolist():
            for j in cluster.tolist():
                if seller[i] == seller[j]:
                    continue
                bits = int(np.bitwise_count(unique[inverse[i]] ^ unique[inverse[j]]))
                same = "identical" if bits == 0 else f"{bits} bit{'s' if bits > 1 else ''} apart by perceptual hash"
                link = make_link(int(seller[i]), int(seller[j]), "photo", "",
                                 f"the same photo in both sellers' adverts ({same})", WEIGHTS["photo"],
                                 listing[i], listing[j])
                links.setdefault((link.seller_a, link.seller_b), link)
    return list(links.values()), stock, unique[sorted(judged)]


def _alone(found: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Per distinct hash (bool): near no other hash and shown by one photo, so it links no one and is no stock
    picture. `found`: the query hash of each (query, neighbour) pair the search returned (a query finds itself);
    `bounds`: each hash's first photo and the end, in photo order (len = hashes + 1). Most of a night's photos
    are such; they are set aside in numpy rather than looked at one by one."""
    return (np.bincount(found, minlength=len(bounds) - 1) == 1) & (np.diff(bounds) == 1)


def _distinct_sellers_per_hash(inverse: np.ndarray, seller: np.ndarray, hashes: int) -> np.ndarray:
    """How many distinct sellers show each hash (`inverse`: each photo's hash number, `seller`: its seller
    id, >= 0), as an int array of `hashes` counts. One int64 key per (hash, seller) pair, sorted, runs
    counted: numpy 2's `np.unique` of 2-D columns or of int64 values (hashed) took 2.7-3.8 s of CPU for
    3,300,000 photos, the sort 0.2 s."""
    if not len(inverse):
        return np.zeros(hashes, dtype=np.int64)
    width = int(seller.max()) + 1
    return np.bincount(_sorted_distinct(inverse.astype(np.int64) * width + seller) // width, minlength=hashes)


def _sorted_distinct(values: np.ndarray) -> np.ndarray:
    """`np.unique(values)` of a 1-D integer array by a sort (numpy 2's `np.unique` hashes integers, 10-20
    times slower on arrays of 300,000 and more)."""
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered


def hex_hashes(values: list[str]) -> np.ndarray:
    """Stored 16-digit hex hashes to uint64 in one pass (an empty or missing hash becomes 0)."""
    if (np.fromiter(map(len, values), dtype=np.int64, count=len(values)) == 16).all():
        return np.frombuffer(bytes.fromhex("".join(values)), dtype=">u8").astype(np.uint64)
    return parse_hex(values)


TEXT_STRONG = (0.6, 15)  # containment and shared shingles of near-identical own text: joins alone
TEXT_WEAK = (0.5, 12)  # alike: evidence that needs another kind beside it
TEXT_WEIGHTS = (0.85, 0.6)


def text_weight(containment: float, shared: int, busy: bool = False) -> float:
    """The weight of a text link from the verified overlap of two adverts' own shingles
    (`matching.networks.text.texts.overlap`); 0 when they are not alike. A dealer-sized seller (`busy`)
    gets at most the weak weight: dealers share template wording."""
    if containment >= TEXT_STRONG[0] and shared >= TEXT_STRONG[1] and not busy:
        return TEXT_WEIGHTS[0]
    if containment >= TEXT_WEAK[0] and shared >= TEXT_WEAK[1]:
        return TEXT_WEIGHTS[1]
    return 0.0


def text_link(seller_a: int, seller_b: int, listing_a: str, listing_b: str, containment: float, shared: int,
              weight: float) -> Link:
    """A link from near-identical advert text, with the verified overlap of the two adverts' own text."""
    return make_link(seller_a, seller_b, "text", "",
                     f"advert texts alike once phrases used by many sellers are left out: {containment:.0%} of the "
                     f"shorter advert's own word pairs ({shared}) are in the other",
                     weight, listing_a, listing_b)
