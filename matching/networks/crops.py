"""Re-posted photos that perceptual hashes miss: crops and re-framings, found by local features.

A photo cropped by 5-10% moves its perceptual hash 8-22 bits, as far as a different photo. The
matcher's second stage finds such copies with ORB local features and geometric verification
(`matching.photos.features`); seller networks use the same parts on listing photos:

1. each listing photo with a stored file (not a stock picture, not of a dealer-sized seller) has its
   `KEYPOINTS` strongest ORB features extracted once and kept in `listing_photo_features`;
2. the photos of new listings vote (`matching.photos.features.vote.shortlist`) among the descriptors of
   the photos in the crop window (adverts seen in the last `crop_index.WINDOW_DAYS`) in a faiss binary
   index kept on disk and updated by each night (`crop_index`);
3. each shortlisted photo of another seller is verified geometrically (`verify_pair`): `MIN_INLIERS`
   matching points in distinct places under one perspective, as the matcher's `STRONG_INLIERS`, and
   the perspective must be nearly a turn, scale and shift (the matcher's `MAX_DISTORTION` rule, scaled
   for a re-framing) with the points spread over the photo (`MIN_SPREAD`), so two photos that share
   only a watermark or a logo do not link.

Cost: about 10 ms a new photo for extraction and 6.6 KB kept per photo; the nightly run extracts only
new photos and reads only the features of photos entering the window and of the night's candidates.
Photos without a stored file (a crawl that kept only hashes) are left to the hashes.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from sqlite_utils import Database

from matching.networks.crop_index import ADD_BATCH, CropIndex, searched_photos
from matching.networks.links import WEIGHTS, Link, make_link
from matching.photos.features.extract import DESCRIPTOR_BYTES, FeatureError, Features, decode_for_features, extract_features
from matching.photos.features.listing import KEPT_KEYPOINTS, keep_listing_features, kept_part, kept_row, load_kept_features
from matching.photos.features.match import MIN_SPREAD, STRONG_INLIERS
from matching.photos.features.verify import verify_pair
from matching.photos.features.vote import shortlist
from registry.db import data_dir

KEYPOINTS = KEPT_KEYPOINTS  # strongest ORB features kept per listing photo
MIN_INLIERS = STRONG_INLIERS
MAX_DISTORTION = 0.05  # a crop re-scaled to another aspect is a little further from a similarity than a copy
QUERY_BATCH = 1000  # the night's photos searched at once, with their candidates' features (about 60 MB at most)
_NO_DESCRIPTORS = np.zeros((0, DESCRIPTOR_BYTES), np.uint8)


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


def refresh_crop_index(db: Database, photo_ids: np.ndarray, fingerprints: np.ndarray,
                       rebuild: bool = False) -> tuple[CropIndex, dict]:
    """The saved crop index (`crop_index`) brought to hold exactly these photos (sorted int64 ids, with their
    fingerprints, `searched_photos`): photos no longer wanted (or whose fingerprint changed) are removed and new
    ones added, reading only the new ones' features (`load_features`, which
    extracts those not yet kept); saved when it changed. `rebuild` starts from nothing. Returns the index and
    counts for the run report: photos `kept` from the saved index, `added`, `removed`, `vectors`."""
    index = None if rebuild else CropIndex.load(db)
    loaded = index is not None
    index = index or CropIndex()
    gone, new = index.changes(photo_ids, fingerprints)
    index.remove(gone)
    new = new.tolist()
    print_of = dict(zip(photo_ids.tolist(), fingerprints.tolist(), strict=True)) if new else {}
    for start in range(0, len(new), ADD_BATCH):
        part = new[start:start + ADD_BATCH]
        found = load_features(db, part)
        index.add(part, [print_of[p] for p in part], [found[p].descriptors if p in found else _NO_DESCRIPTORS for p in part])
    cells = index.needs_cells()
    if cells:
        index.choose_cells()
    if new or len(gone) or cells or not loaded:
        index.save(db)
    return index, {"kept": len(photo_ids) - len(new), "added": len(new), "removed": len(gone),
                   "vectors": index.vectors, "kind": index.kind}


def _listings_of(db: Database, photo_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(photo_ids))
    out: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        out.update(db.execute(f"select id, listing_id from listing_photos where id in ({','.join('?' * len(part))})",
                              part).fetchall())
    return out


def crop_links(db: Database, listing_ids: set[str] | None, skip_photos: Iterable[int] = (),
               busy_sellers: Iterable[int] = (), report: dict | None = None) -> list[Link]:
    """Photo links between sellers whose photos are the same picture cropped or re-framed, searched from
    the photos of these listings (all when None: a rebuild) among the photos in the crop window
    (`crop_index`). `skip_photos`: listing photos judged stock by their hashes; `busy_sellers`: dealer-sized
    sellers, whose pictures link by hash only. `report`, when given, receives the index's counts
    (`refresh_crop_index`). The night's photos are read QUERY_BATCH at a time, with the features of the
    photos they shortlist, so memory follows the batch and the window, not the history."""
    photo_ids, sellers, fingerprints, night = searched_photos(db, listing_ids)
    keep = ~np.isin(photo_ids, np.fromiter(skip_photos, np.int64)) & ~np.isin(sellers, np.fromiter(busy_sellers, np.int64))
    photo_ids, sellers, fingerprints, night = photo_ids[keep], sellers[keep], fingerprints[keep], night[keep]
    queries = photo_ids[night].tolist()
    if not queries:
        return []
    index, counts = refresh_crop_index(db, photo_ids, fingerprints, rebuild=listing_ids is None)
    if report is not None:
        report.update(counts)
    searchable = index.searchable()
    links: dict[tuple[int, int], Link] = {}
    for start in range(0, len(queries), QUERY_BATCH):
        batch = queries[start:start + QUERY_BATCH]
        features = load_features(db, batch)
        found = {pid: shortlist(searchable, features[pid], None) for pid in batch
                 if pid in features and features[pid].count}
        others = {other for hits in found.values() for other, _, _ in hits} - features.keys()
        features.update(load_kept_features(db, sorted(others))[0])
        wanted = np.array(sorted({*found, *(o for hits in found.values() for o, _, _ in hits)}), dtype=np.int64)
        seller_of = dict(zip(wanted.tolist(), sellers[np.searchsorted(photo_ids, wanted)].tolist(), strict=True))
        listing_of = _listings_of(db, wanted.tolist())
        for pid, hits in found.items():
            seller_a, listing_a = seller_of[pid], listing_of[pid]
            for other, mirrored, _ in hits:
                if mirrored or other == pid or seller_of[other] == seller_a or other not in features:
                    continue
                seller_b, listing_b = seller_of[other], listing_of[other]
                pair = (min(seller_a, seller_b), max(seller_a, seller_b))
                if pair in links:
                    continue
                verified = verify_pair(features[pid], features[other])
                if (verified.inliers < MIN_INLIERS or verified.distortion > MAX_DISTORTION
                        or verified.spread < MIN_SPREAD):
                    continue
                links[pair] = make_link(
                    seller_a, seller_b, "photo", "",
                    f"the same photo in both sellers' adverts, cropped or re-framed ({verified.inliers} matching "
                    f"points under one perspective, local features)", WEIGHTS["photo"], listing_a, listing_b)
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
