"""Registered photos that a listing photo (or its mirror image) copies, graded by two hashes.

Thresholds, from measurements on this kind of data: re-encoding, resizing, brightness
and mirroring move pHash by at most 6 bits and dHash by at most 7, while unrelated
photos sit 10 or more pHash bits apart even in a small set; at a million registered
photos pHash <= 10 already gives about one chance match in a hundred queries. So:

- near-identical (may make a match strong): pHash <= 6 and dHash <= 10;
- close (likely): pHash <= 6 with dHash up to 20, or dHash <= 7 with pHash up to 22
  (an overlay such as a watermark moves pHash far more than dHash);
- similar (supporting only, for items that other evidence already points at):
  pHash <= 12 or dHash <= 10, by direct comparison with that item's photos.

Both hashes are searched exactly within 7 bits with multi-index hashing; every pair
found by either search is graded on both distances. A listing photo that copies the
photos of several registered items is a stock or brochure picture and proves little.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

import numpy as np
from sqlite_utils import Database

from matching.evidence import Evidence
from matching.photos.index import PhotoHashIndex, parse_hex

SEARCH_RADIUS = 7
STRONG_PHASH, STRONG_DHASH = 6, 10
CLOSE_PHASH_WIDE_DHASH = 20
CLOSE_DHASH, CLOSE_DHASH_WIDE_PHASH = 7, 22
SIMILAR_PHASH, SIMILAR_DHASH = 12, 10
STOCK_PHOTO_ITEMS = 3
STOCK_PHOTO_LISTINGS = 5  # a picture in this many other adverts from other sellers is a brochure or stock photo


@dataclass(frozen=True)
class ListingPhoto:
    listing: int  # position of the listing in the batch
    id: int  # listing_photos.id
    position: int
    phash: int
    dhash: int
    phash_mirror: int
    dhash_mirror: int


@dataclass(frozen=True)
class PhotoHit:
    photo: ListingPhoto
    index: int  # position in the RegisteredPhotos arrays
    phash_distance: int
    dhash_distance: int
    mirrored: bool


class RegisteredPhotos:
    def __init__(self, photo_ids, item_ids, positions, phash, dhash):
        self.photo_ids = np.asarray(photo_ids, dtype=np.int64)
        self.item_ids = np.asarray(item_ids, dtype=np.int64)
        self.positions = np.asarray(positions, dtype=np.int64)
        self.phash = np.asarray(phash, dtype=np.uint64)
        self.dhash = np.asarray(dhash, dtype=np.uint64)
        self.p_index = PhotoHashIndex(self.phash)
        self.d_index = PhotoHashIndex(self.dhash)
        order = np.argsort(self.item_ids, kind="stable")
        self._by_item_order = order
        self._by_item_keys = self.item_ids[order]

    @classmethod
    def load(cls, db: Database) -> RegisteredPhotos:
        rows = db.execute("select id, item_id, position, phash, dhash from photos").fetchall()
        return cls([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                   parse_hex([r[3] for r in rows]), parse_hex([r[4] for r in rows]))

    def __len__(self) -> int:
        return len(self.photo_ids)

    def of_item(self, item_id: int) -> np.ndarray:
        lo, hi = np.searchsorted(self._by_item_keys, [item_id, item_id + 1])
        return self._by_item_order[lo:hi]

    def search(self, photos: list[ListingPhoto]) -> list[PhotoHit]:
        """Every registered photo within the search radius of a listing photo or its mirror, either hash."""
        if not photos or not len(self):
            return []
        direct_p = np.array([p.phash for p in photos], dtype=np.uint64)
        mirror_p = np.array([p.phash_mirror for p in photos], dtype=np.uint64)
        direct_d = np.array([p.dhash for p in photos], dtype=np.uint64)
        mirror_d = np.array([p.dhash_mirror for p in photos], dtype=np.uint64)
        n = len(photos)
        pairs: set[tuple[int, int, bool]] = set()
        for index, queries in ((self.p_index, np.concatenate([direct_p, mirror_p])),
                               (self.d_index, np.concatenate([direct_d, mirror_d]))):
            q, d, _ = index.search(queries, SEARCH_RADIUS)
            pairs.update(zip((q % n).tolist(), d.tolist(), (q >= n).tolist(), strict=True))
        best: dict[tuple[int, int], PhotoHit] = {}
        for q, d, mirrored in pairs:
            photo = photos[q]
            p_dist = (int(mirror_p[q] if mirrored else direct_p[q]) ^ int(self.phash[d])).bit_count()
            d_dist = (int(mirror_d[q] if mirrored else direct_d[q]) ^ int(self.dhash[d])).bit_count()
            hit = PhotoHit(photo, d, p_dist, d_dist, mirrored)
            old = best.get((q, d))
            if old is None or p_dist + d_dist < old.phash_distance + old.dhash_distance:
                best[(q, d)] = hit
        return list(best.values())

    def compare_item(self, photos: list[ListingPhoto], item_id: int) -> list[PhotoHit]:
        """Direct comparison of listing photos with one item's photos (for items other evidence found)."""
        out = []
        for d in self.of_item(item_id).tolist():
            for photo in photos:
                options = []
                for mirrored, ph, dh in ((False, photo.phash, photo.dhash), (True, photo.phash_mirror, photo.dhash_mirror)):
                    options.append(PhotoHit(photo, d, (ph ^ int(self.phash[d])).bit_count(),
                                            (dh ^ int(self.dhash[d])).bit_count(), mirrored))
                out.append(min(options, key=lambda h: h.phash_distance + h.dhash_distance))
        return out


def grade_hit(hit: PhotoHit) -> str | None:
    """near_identical, close, similar or None."""
    p, d = hit.phash_distance, hit.dhash_distance
    if p <= STRONG_PHASH and d <= STRONG_DHASH:
        return "near_identical"
    if (p <= STRONG_PHASH and d <= CLOSE_PHASH_WIDE_DHASH) or (d <= CLOSE_DHASH and p <= CLOSE_DHASH_WIDE_PHASH):
        return "close"
    if p <= SIMILAR_PHASH or d <= SIMILAR_DHASH:
        return "similar"
    return None


def photo_evidence(hit: PhotoHit, grade: str, registered_position: int, photo_id: int,
                   stock_items: int = 1, other_listings: int = 0) -> Evidence:
    """One photo hit as evidence; `stock_items` is how many registered items the listing photo copies,
    `other_listings` how many other sellers' adverts show the same picture."""
    p, d = hit.phash_distance, hit.dhash_distance
    what = "a mirrored copy" if hit.mirrored else "a copy"
    extras = {"photo_id": photo_id, "listing_photo_id": hit.photo.id, "distance": p, "hash": "phash",
              "dhash_distance": d, "mirrored": hit.mirrored, "grade": grade}
    listing_side = f"listing photo {hit.photo.position}"
    registered_side = f"registered photo {registered_position}"
    if grade == "near_identical":
        detail = f"{listing_side} is {what} of {registered_side}, {p} bits apart (second hash: {d} bits)"
        weight, strong = 0.97, True
    elif grade == "close":
        if p > STRONG_PHASH:
            extras.update(distance=d, hash="dhash", phash_distance=p)
            detail = (f"{listing_side} is {what} of {registered_side} with changes such as a watermark or a "
                      f"crop: difference hash {d} bits apart, perceptual hash {p} bits apart")
        else:
            detail = f"{listing_side} is {what} of {registered_side}, {p} bits apart, with some changes (second hash: {d} bits)"
        weight, strong = 0.8, False
    else:
        detail = f"{listing_side} looks like {registered_side} ({p} bits apart), not close enough to count alone"
        weight, strong = 0.2, False
    if stock_items > STOCK_PHOTO_ITEMS:
        detail += f"; but it matches photos of {stock_items} registered items, so it is probably a stock photo"
        weight, strong = min(weight, 0.3), False
        extras["stock"] = True
    elif other_listings >= STOCK_PHOTO_LISTINGS:
        detail += (f"; but {other_listings} other sellers' adverts show the same picture, so it is probably a "
                   "stock or brochure photo")
        weight, strong = min(weight, 0.3), False
        extras["stock"] = True
    return Evidence("photo", detail, weight, strong=strong, decisive=strong, extras=extras)


class ListingPhotoIndex:
    """Every stored listing photo's pHash, to tell a stock picture (in many sellers' adverts) from a copy.

    A seller is held as the 64-bit hash of its key (`hash()`, the same in the forked match workers;
    two of 300,000 sellers' keys share one with odds of about 1 in 400 million). Memory: 8 bytes of
    photo hash, 8 of seller and the hash index's 16 per photo (a national history of 3,000,000 photos:
    about 100 MB; a list of the photos' seller strings took 250 MB, copied again into each worker)."""

    def __init__(self, db: Database):
        cursor = db.execute(
            "select p.phash, coalesce(l.seller_profile_url, l.seller_name, l.seller_phone, l.id) "
            "from listing_photos p join listings l on l.id = p.listing_id where p.phash is not null")
        hashes, codes = [], []
        while rows := cursor.fetchmany(_READ_ROWS):
            hashes.append(parse_hex([r[0] for r in rows]))
            codes.append(np.fromiter((hash(r[1]) for r in rows), dtype=np.int64, count=len(rows)))
        self.seller_codes = np.concatenate(codes) if codes else np.empty(0, np.int64)
        # searched only for the few photos that copy a registered one: no side-by-side copies
        self.index = PhotoHashIndex(np.concatenate(hashes) if hashes else np.empty(0, np.uint64), side_by_side=False)

    def other_sellers(self, photos: list[ListingPhoto], sellers: list[str]) -> list[int]:
        """For each photo, how many other sellers' adverts carry a near-identical picture (either way round)."""
        if not photos or not len(self.index):
            return [0] * len(photos)
        queries = np.array([p.phash for p in photos] + [p.phash_mirror for p in photos], dtype=np.uint64)
        q, d, _ = self.index.search(queries, STRONG_PHASH)
        q %= len(photos)
        own = np.fromiter((hash(s) for s in sellers), dtype=np.int64, count=len(sellers))
        found = self.seller_codes[d]
        keep = found != own[q]
        others = {(int(a), int(b)) for a, b in zip(q[keep].tolist(), found[keep].tolist(), strict=True)}
        counts = [0] * len(photos)
        for qi, _ in others:
            counts[qi] += 1
        return counts


_READ_ROWS = 100_000


def discount_stock_photos(evidence: list[Evidence], stock_photo_ids: set[int]) -> list[Evidence]:
    """Evidence from any other photo source (local features) about a listing photo that the hashes
    showed to be a stock picture counts for little, like the hash evidence itself."""
    out = []
    for e in evidence:
        if e.kind != "photo" and e.extras.get("listing_photo_id") in stock_photo_ids and e.weight > 0:
            e = replace(e, weight=min(e.weight, 0.3), strong=False, decisive=False,
                        detail=e.detail + "; but the picture is a stock photo (in many adverts or registrations)")
        out.append(e)
    return out


def load_listing_photos(db: Database, listing_ids: list[str]) -> dict[str, list[tuple]]:
    """Hashed photos of these listings: listing id -> [(id, position, phash, dhash, phash_m, dhash_m)]."""
    out: dict[str, list[tuple]] = defaultdict(list)
    for start in range(0, len(listing_ids), 500):
        part = listing_ids[start:start + 500]
        rows = db.execute(
            "select listing_id, id, position, phash, dhash, phash_mirror, dhash_mirror from listing_photos "
            f"where listing_id in ({','.join('?' * len(part))}) and phash is not null and dhash is not null "
            "order by listing_id, position", part).fetchall()
        for row in rows:
            out[row[0]].append(row[1:])
    return out
