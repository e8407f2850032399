"""The crop search's index of listing photos, kept on disk and brought up to date by each night.

Which photos it holds (`searched_photos`): listing photos with a stored file, no error and a known seller,
not stock pictures and not of a dealer-sized seller (as `crops.crop_links` always took), of listings seen
within WINDOW_DAYS of the newest sighting in the database, and the night's own photos whatever their age.

The window's rule and its reason: a crop the perceptual hashes miss is searched for among adverts seen in
the last WINDOW_DAYS (90) only. An operation re-posts photos of the kit it is selling now, under its other
names, within weeks; a link once found is kept in `seller_links` after its adverts leave the window, and
uncropped copies of older photos are still found by their hashes over all history
(`links.photo_links`). The window is counted back from the newest `last_seen_at` (the last crawl), not
from the clock, so an archive imported late is searched as of its own time. Without it the search held
every past photo (about 8 KB each in the index: a million past listings of three photos, 24 GB).

How it is kept, in the data folder, named after the database file: `features/farmwatch-listing-crops.faiss`
(a faiss `IndexBinaryIDMap` over an exhaustive `IndexBinaryFlat`, each photo's KEPT_KEYPOINTS descriptors
under ids photo_id * 1024 + keypoint, as stage two's `features.index`), `….npy` (the member photos' ids and
fingerprints, `searched_photos`) and `….json` (the extractor, and counts that tie the files together: files
that disagree are not read, and the index is built again from the kept features). A night removes the
photos that left the window (or became stock, or whose seller reached a dealer's size, or were deleted)
and adds those that entered it, reading only their features. Memory: about 6.4 KB of descriptors and
1.6 KB of ids per photo in the window, plus the features of one batch of the night's photos and of their
candidates (`crops.QUERY_BATCH`).
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from pathlib import Path

import faiss
import numpy as np
from sqlite_utils import Database

from matching.photos.features.cells import BITS, ivf_over
from matching.photos.features.extract import EXTRACTOR
from matching.photos.features.index import ID_SHIFT, IVF_RETRAIN_GROWTH, FeatureIndex
from registry.db import data_dir

WINDOW_DAYS = 90  # adverts seen this many days before the newest sighting are searched for crops (see above)
INDEX_FOLDER = Path("features")
IVF_MIN_VECTORS = 100_000  # 500 photos: below, an exhaustive search costs a night photo at most about 16 ms
# (29 ms at 180,000 descriptors, measured); past it the inverted file lost no crop (docs/networks.md)
IVF_MAX_LISTS = 65_536
NPROBE = 2  # cells searched per descriptor; the crops found measured in bench/bench_network_crops.py
REMOVE_BATCH = 2000  # photos removed per faiss call
ADD_BATCH = 2000  # photos whose kept features are read at once while adding (about 13 MB)


def window_start(db: Database) -> str | None:
    """ISO 8601 UTC text: listings last seen at or after it are in the window; None when there is no listing."""
    newest = db.execute("select max(last_seen_at) from listings").fetchone()[0]
    if not newest:
        return None
    moment = datetime.fromisoformat(newest.replace("Z", "+00:00")) - timedelta(days=WINDOW_DAYS)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def searched_photos(db: Database, night: set[str] | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(photo ids, their sellers' ids, the photos' fingerprints, whether each is of the night's listings):
    int64, int64, int64 and bool arrays ordered by photo id, of the listing photos with a stored file in the
    window (module docstring) and those of the night's listings (`night`; every listing when None, a rebuild:
    every photo is searched). A fingerprint is the first 60 bits of the photo's SHA-256: the saved index keeps
    them, so a photo id that names another photo (another database in the folder, one restored from a
    backup) is never searched by the descriptors of the photo it used to name."""
    base = ("select p.id, l.seller_id, coalesce(substr(p.sha256, 1, 15), '0') from listing_photos p "
            "join listings l on l.id = p.listing_id "
            "where p.path is not null and p.error is null and l.seller_id is not null")
    if night is None:
        found = _table(db.execute(base))
        tonight = found[:, 0]
    else:
        start = window_start(db)
        window = _table(db.execute(f"{base} and l.last_seen_at >= ?", [start])) if start else _table([])
        ids, parts = sorted(night), []
        for at in range(0, len(ids), 500):
            part = ids[at:at + 500]
            parts.append(_table(db.execute(f"{base} and l.id in ({','.join('?' * len(part))})", part)))
        nights = np.concatenate(parts) if parts else _table([])
        found, tonight = np.concatenate([window, nights]), nights[:, 0]
    found = found[np.unique(found[:, 0], return_index=True)[1]]
    return found[:, 0], found[:, 1], found[:, 2], np.isin(found[:, 0], tonight)


def _table(cursor) -> np.ndarray:
    """(photo id, seller id, fingerprint) rows as an N x 3 int64 array, read 100,000 rows at a time."""
    fetch = getattr(cursor, "fetchmany", None)
    parts = [np.zeros((0, 3), np.int64)]
    while fetch is not None:
        rows = fetch(100_000)
        if not rows:
            break
        parts.append(np.array([(p, s, int(h, 16)) for p, s, h in rows], dtype=np.int64))
    return np.concatenate(parts)


class CropIndex:
    """The saved index of searched listing photos: a faiss binary index and the member photo ids."""

    def __init__(self, index: faiss.IndexBinary | None = None, members: np.ndarray | None = None,
                 trained_size: int = 0):
        """`members`: (photo id, fingerprint) rows ordered by photo id, int64 (`searched_photos`);
        `trained_size`: the descriptors an inverted file's cells were chosen from (0: exhaustive)."""
        self.index = index or faiss.IndexBinaryIDMap(faiss.IndexBinaryFlat(BITS))
        self.members = np.zeros((0, 2), np.int64) if members is None else np.asarray(members, np.int64).reshape(-1, 2)
        self.trained_size = trained_size
        if trained_size:
            self.index.nprobe = NPROBE

    @property
    def kind(self) -> str:
        return "ivf" if self.trained_size else "flat"

    @property
    def vectors(self) -> int:
        return int(self.index.ntotal)

    def searchable(self) -> FeatureIndex:
        """The same index as the vote (`features.vote.shortlist`) reads it."""
        return FeatureIndex(self.index)

    def remove(self, photo_ids: np.ndarray) -> None:
        if not len(photo_ids):
            return
        ids = np.asarray(photo_ids, dtype=np.int64)
        for start in range(0, len(ids), REMOVE_BATCH):  # each selector holds 1024 ids a photo
            every = ((ids[start:start + REMOVE_BATCH, None] << ID_SHIFT)
                     + np.arange(1 << ID_SHIFT, dtype=np.int64)[None, :]).ravel()
            self.index.remove_ids(faiss.IDSelectorBatch(every))
        self.members = self.members[~np.isin(self.members[:, 0], photo_ids)]

    def changes(self, photo_ids: np.ndarray, fingerprints: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(member ids to remove, photo ids to add) for the index to hold exactly these photos: a member whose
        fingerprint differs is both."""
        wanted = np.stack([photo_ids, fingerprints], axis=1) if len(photo_ids) else np.zeros((0, 2), np.int64)
        same = np.isin(_keys(self.members), _keys(wanted))
        gone = self.members[~same, 0]
        new = wanted[~np.isin(_keys(wanted), _keys(self.members)), 0]
        return gone, new

    def add(self, photo_ids: list[int], fingerprints: list[int], descriptors: list[np.ndarray]) -> None:
        """Index these photos' descriptors (strongest first; a photo may have none)."""
        vectors = [d for d in descriptors if len(d)]
        if vectors:
            ids = np.concatenate([(np.int64(p) << ID_SHIFT) + np.arange(len(d), dtype=np.int64)
                                  for p, d in zip(photo_ids, descriptors, strict=True) if len(d)])
            self.index.add_with_ids(np.ascontiguousarray(np.concatenate(vectors), dtype=np.uint8), ids)
        added = np.stack([np.asarray(photo_ids, np.int64), np.asarray(fingerprints, np.int64)], axis=1).reshape(-1, 2)
        every = np.concatenate([self.members, added])
        self.members = every[np.argsort(every[:, 0], kind="stable")]

    def needs_cells(self) -> bool:
        """Past IVF_MIN_VECTORS descriptors an inverted file, its cells chosen again each time it has grown
        IVF_RETRAIN_GROWTH times over (as stage two's index, `features.index`)."""
        return self.vectors >= IVF_MIN_VECTORS and (
            not self.trained_size or self.vectors > self.trained_size * IVF_RETRAIN_GROWTH)

    def choose_cells(self, seed: int = 0) -> None:
        """Move every descriptor into a new inverted file whose cells are centred on a random sample of them
        (about sqrt(2 N) cells: a descriptor is compared with every centre and with NPROBE cells' members)."""
        codes, ids = _every_vector(self.index)
        nlist = int(min(IVF_MAX_LISTS, max(64, 2 ** round(np.log2((2 * len(codes)) ** 0.5)))))
        self.index = ivf_over(codes, ids, nlist, NPROBE, seed)
        self.trained_size = len(codes)

    def _meta(self) -> dict:
        return {"extractor": EXTRACTOR, "trained_size": self.trained_size, "vectors": self.vectors,
                "members": len(self.members),
                "member_sum": int(self.members[:, 0].sum()) if len(self.members) else 0}

    def save(self, db: Database) -> None:
        """Write the three files, each atomically; the metadata last, so files that do not agree are never read."""
        stem = index_stem(db)
        stem.parent.mkdir(parents=True, exist_ok=True)
        def members(path: Path) -> None:
            with path.open("wb") as handle:
                np.save(handle, self.members, allow_pickle=False)

        for suffix, write in ((".faiss", lambda p: faiss.write_index_binary(self.index, str(p))), (".npy", members),
                              (".json", lambda p: p.write_text(json.dumps(self._meta())))):
            path = stem.with_suffix(suffix)
            tmp = path.with_name(path.name + ".tmp")
            write(tmp)
            os.replace(tmp, path)

    @classmethod
    def load(cls, db: Database) -> CropIndex | None:
        """The saved index, or None when there is none, it is damaged, or another extractor made it."""
        stem = index_stem(db)
        try:
            meta = json.loads(stem.with_suffix(".json").read_text())
            members = np.load(stem.with_suffix(".npy"), allow_pickle=False)
            index = faiss.read_index_binary(str(stem.with_suffix(".faiss")))
        except (OSError, ValueError, RuntimeError):
            return None
        found = cls(index, members, meta.get("trained_size", 0) if isinstance(meta, dict) else 0)
        return found if found._meta() == meta else None


def _every_vector(index: faiss.IndexBinary) -> tuple[np.ndarray, np.ndarray]:
    """(codes N x 32 uint8, ids int64) of every descriptor in an IDMap over a flat index or in an inverted file."""
    if isinstance(index, faiss.IndexBinaryIVF):
        lists = index.invlists
        codes, ids = [np.zeros((0, BITS // 8), np.uint8)], [np.zeros(0, np.int64)]
        for number in range(index.nlist):
            size = lists.list_size(number)
            if size:
                codes.append(faiss.rev_swig_ptr(lists.get_codes(number), size * (BITS // 8)).copy().reshape(size, -1))
                ids.append(faiss.rev_swig_ptr(lists.get_ids(number), size).copy())
        return np.concatenate(codes), np.concatenate(ids)
    flat = faiss.downcast_IndexBinary(index.index)
    return (faiss.vector_to_array(flat.xb).reshape(-1, BITS // 8),
            faiss.vector_to_array(index.id_map).astype(np.int64))


def index_stem(db: Database) -> Path:
    """The saved index's files without their suffix: `features/<database name>-listing-crops` in the data folder
    (two databases in one folder, as the benchmarks keep them, do not share one)."""
    name = Path(db.execute("PRAGMA database_list").fetchone()[2] or "memory").stem
    return data_dir(db) / INDEX_FOLDER / f"{name}-listing-crops"


def _keys(rows: np.ndarray) -> np.ndarray:
    """One comparable value per (photo id, fingerprint) row."""
    return np.ascontiguousarray(rows).view([("id", np.int64), ("print", np.int64)]).ravel()


def forget_crop_index(db: Database) -> None:
    """Delete the saved index (a rebuild of the networks starts from nothing)."""
    stem = index_stem(db)
    for suffix in (".faiss", ".npy", ".json"):
        stem.with_suffix(suffix).unlink(missing_ok=True)
