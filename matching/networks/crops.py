"""Re-posted photos that perceptual hashes miss: crops and re-framings, found by local features.

A photo cropped by 5-10% moves its perceptual hash 8-22 bits, as far as a different photo. The
matcher's second stage finds such copies with ORB local features and geometric verification
(`matching.photos.features`); seller networks use the same parts on listing photos:

1. each listing photo with a stored file (not a stock picture, not of a dealer-sized seller) has its
   `KEYPOINTS` strongest ORB features extracted once and kept in `listing_photo_features`;
2. the photos of new listings vote (`matching.photos.features.vote.shortlist`) among every kept photo's
   descriptors in a faiss binary index;
3. each shortlisted photo of another seller is verified geometrically (`verify_pair`): `MIN_INLIERS`
   matching points in distinct places under one perspective, as the matcher's `STRONG_INLIERS`, and
   the perspective must be nearly a turn, scale and shift (the matcher's `MAX_DISTORTION` rule, scaled
   for a re-framing) with the points spread over the photo (`MIN_SPREAD`), so two photos that share
   only a watermark or a logo do not link.

Cost: about 10 ms a new photo for extraction and 6.6 KB kept per photo; the nightly run extracts only
new photos. Photos without a stored file (a crawl that kept only hashes) are left to the hashes.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from sqlite_utils import Database

from matching.networks.links import WEIGHTS, Link, make_link
from matching.photos.features.extract import FeatureError, Features, decode_for_features, extract_features
from matching.photos.features.index import FeatureIndex
from matching.photos.features.listing import KEPT_KEYPOINTS, keep_listing_features, kept_part, kept_row, load_kept_features
from matching.photos.features.match import MIN_SPREAD, STRONG_INLIERS
from matching.photos.features.verify import verify_pair
from matching.photos.features.vote import shortlist
from registry.db import data_dir

KEYPOINTS = KEPT_KEYPOINTS  # strongest ORB features kept per listing photo
MIN_INLIERS = STRONG_INLIERS
MAX_DISTORTION = 0.05  # a crop re-scaled to another aspect is a little further from a similarity than a copy


def load_features(db: Database, photo_ids: list[int]) -> dict[int, Features]:
    """Kept features of these listing photos (stage two keeps those it extracted the same night),
    extracting and keeping those not yet taken (`matching.photos.features.listing`). A photo whose file
    cannot be read keeps no features and is not tried again."""
    out, seen = load_kept_features(db, photo_ids)
    missing = [p for p in photo_ids if p not in seen]
    folder = data_dir(db)
    stored = []
    for start in range(0, len(missing), 500):
        part = missing[start:start + 500]
        for photo_id, path in db.execute(
                f"select id, path from listing_photos where id in ({','.join('?' * len(part))})", part).fetchall():
            try:
                full = extract_features(decode_for_features(folder / path, f"listing photo {photo_id}"))
            except (FeatureError, OSError):
                stored.append(kept_row(photo_id, None))
                continue
            out[photo_id] = kept_part(full)
            stored.append(kept_row(photo_id, full))
    keep_listing_features(db, stored)
    return out


def crop_links(db: Database, listing_ids: set[str] | None, skip_photos: Iterable[int] = (),
               busy_sellers: Iterable[int] = ()) -> list[Link]:
    """Photo links between sellers whose photos are the same picture cropped or re-framed, searched from
    the photos of these listings (all when None). `skip_photos`: listing photos judged stock by their
    hashes; `busy_sellers`: dealer-sized sellers, whose pictures link by hash only."""
    skip, busy = set(skip_photos), set(busy_sellers)
    rows = [(pid, lid, sid) for pid, lid, sid in db.execute(
        "select p.id, p.listing_id, l.seller_id from listing_photos p join listings l on l.id = p.listing_id "
        "where p.path is not null and p.error is null and l.seller_id is not null").fetchall()
        if pid not in skip and sid not in busy]
    if not rows:
        return []
    queries = [pid for pid, lid, _ in rows if listing_ids is None or lid in listing_ids]
    if not queries:
        return []
    features = load_features(db, [pid for pid, _, _ in rows])
    owner = {pid: (lid, sid) for pid, lid, sid in rows}
    index = FeatureIndex()
    for pid, f in features.items():
        if f.count:
            index.add(pid, f.descriptors)
    links: dict[tuple[int, int], Link] = {}
    for pid in queries:
        query = features.get(pid)
        if query is None or not query.count:
            continue
        listing_a, seller_a = owner[pid]
        for other, mirrored, _ in shortlist(index, query, None):
            if mirrored or other == pid or owner[other][1] == seller_a:
                continue
            listing_b, seller_b = owner[other]
            pair = (min(seller_a, seller_b), max(seller_a, seller_b))
            if pair in links:
                continue
            verified = verify_pair(query, features[other])
            if (verified.inliers < MIN_INLIERS or verified.distortion > MAX_DISTORTION
                    or verified.spread < MIN_SPREAD):
                continue
            links[pair] = make_link(
                seller_a, seller_b, "photo", "",
                f"the same photo in both sellers' adverts, cropped or re-framed ({verified.inliers} matching points "
                f"under one perspective, local features)", WEIGHTS["photo"], listing_a, listing_b)
    return list(links.values())


def stock_photo_ids(db: Database, stock_hashes: np.ndarray) -> set[int]:
    """Listing photos with a stored file (the only ones `crop_links` reads) whose pHash is one of these stock
    pictures' hashes (uint64)."""
    if not len(stock_hashes):
        return set()
    wanted = {f"{int(h):016x}" for h in stock_hashes.tolist()}
    return {pid for pid, phash in db.execute("select id, phash from listing_photos where phash is not null "
                                             "and path is not null and error is null")
            if phash in wanted}
