"""faiss binary indexes over the ORB descriptors of stolen items' photos, kept on disk.

Only photos of items with a current theft are indexed: those are the photos a listing
could be showing. There is one index per category, because stage two compares a listing
only with stolen items of its category: a quad bike's advert searches the quad bikes'
photos alone, at a fraction of the cost of searching everything. `refresh_feature_index`
brings the indexes in step with the thefts (adds photos of newly stolen items, drops
those of recovered ones, moves an item whose category changed) and saves them beside
the database (data/features/orb-<category>.npz), so a nightly run updates them instead
of rebuilding.

Only a photo's INDEXED_KEYPOINTS strongest descriptors go into the index: enough for
the true photo to collect votes, while verification uses all of them from
`photo_features`. The strongest descriptors of the photo's mirror image are indexed
too, so a mirrored copy is found by the listing photo's own descriptors. Each
descriptor's id is photo_id * 1024 + its keypoint number (+ MIRROR_OFFSET for the
mirror image), so votes add up per photo and a photo's descriptors are removed together.

Very small indexes are exhaustive (IndexBinaryFlat). Past IVF_MIN_VECTORS descriptors
the index becomes an inverted file (IndexBinaryIVF) whose coarse cells are k-means
centroids of a sample of the stored descriptors (`cells.kmeans_ivf`: KMEANS_POINTS a cell, KMEANS_ITERATIONS
rounds: 9 s of CPU for 4,096 cells). Measured at 2.9 million descriptors (a category of
8,000 stolen photos), k-means cells scanned 2,900 descriptors a query where cells centred
on sampled descriptors scanned 7,200 (listing descriptors fall in the crowded parts), and
found the true nearest neighbour more often (63% against 58%, 2 cells searched). The
cells are chosen again whenever the index has grown IVF_RETRAIN_GROWTH times over;
INDEX_LAYOUT names how, and a saved index of another layout is rebuilt.
"""

from __future__ import annotations

import io
import json
import os
import re
import time
from pathlib import Path

import faiss
import numpy as np
from sqlite_utils import Database

from matching.photos.features.cells import BITS, kmeans_ivf
from matching.photos.features.extract import DESCRIPTOR_BYTES, EXTRACTOR, MAX_KEYPOINTS, MIRROR_KEYPOINTS, load_photo_features
from registry.db import data_dir

ID_SHIFT = 10  # 1024 descriptor ids per photo
MIRROR_OFFSET = 512  # keypoint numbers from here on are the mirror image's
assert MAX_KEYPOINTS <= MIRROR_OFFSET and MIRROR_OFFSET + MIRROR_KEYPOINTS <= 1 << ID_SHIFT
INDEXED_KEYPOINTS = 200  # strongest descriptors per photo in the index (verification uses all)
IVF_MIN_VECTORS = 20_000  # below this (about 100 photos) an exhaustive search is as fast
IVF_MAX_LISTS = 4096  # more cells make each added descriptor's assignment slower than it saves
IVF_RETRAIN_GROWTH = 4  # choose the cells again once the index has grown this many times over
NPROBE = 2  # lists searched per descriptor: recall@5 stayed 1.0 at 50,000 photos (bench/bench_features.py)
INDEX_LAYOUT = "kmeans5-2sqrt"  # how the cells are chosen (build_ivf): a saved index of another layout is rebuilt
INDEX_FOLDER = Path("features")

faiss.omp_set_num_threads(1)  # as for OpenCV (extract.py): no thread pool for forked workers to inherit


class FeatureIndex:
    """Descriptors of indexed photos, searchable by Hamming distance, with the set of member photos."""

    def __init__(self, index: faiss.IndexBinary | None = None, members: set[int] | None = None,
                 trained_size: int = 0):
        self.index = index or faiss.IndexBinaryIDMap2(faiss.IndexBinaryFlat(BITS))
        self.members = members or set()
        self.trained_size = trained_size

    @property
    def kind(self) -> str:
        return "ivf" if self.trained_size else "flat"

    @property
    def vectors(self) -> int:
        return int(self.index.ntotal)

    def add(self, photo_id: int, descriptors: np.ndarray, mirror: np.ndarray | None = None) -> None:
        """Index a photo's strongest descriptors, and its mirror image's (both come strongest first)."""
        every, ids = photo_vectors(photo_id, descriptors, mirror)
        if len(every):
            self.index.add_with_ids(every, ids)
        self.members.add(int(photo_id))

    def remove(self, photo_ids) -> None:
        ids = [int(p) for p in photo_ids]
        if not ids:
            return
        every = ((np.array(ids, dtype=np.int64)[:, None] << ID_SHIFT)
                 + np.arange(1 << ID_SHIFT, dtype=np.int64)[None, :]).ravel()
        self.index.remove_ids(faiss.IDSelectorBatch(every))
        self.members.difference_update(ids)

    def search(self, descriptors: np.ndarray, k: int = 2) -> tuple[np.ndarray, np.ndarray]:
        """Distances and photo ids (-1 for none) of each descriptor's k nearest indexed descriptors."""
        distances, photos, _ = self.neighbours(descriptors, k)
        return distances, photos

    def nearest(self, descriptors: np.ndarray, k: int = 2) -> tuple[np.ndarray, np.ndarray]:
        """Hamming distances (int32) and descriptor ids (photo_id << ID_SHIFT | keypoint number; -1 for
        none) of each descriptor's k nearest indexed descriptors, nearer first: faiss's answer as it is."""
        return self.index.search(np.ascontiguousarray(descriptors, dtype=np.uint8), k)

    def neighbours(self, descriptors: np.ndarray, k: int = 2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Distances, photo ids (-1 for none) and keypoint numbers within those photos (strongest
        first, as stored; from MIRROR_OFFSET on, of the mirror image) of each descriptor's k
        nearest indexed descriptors."""
        if not len(descriptors) or not self.vectors:
            shape = (len(descriptors), k)
            return np.full(shape, BITS, dtype=np.int32), np.full(shape, -1, dtype=np.int64), np.zeros(shape, np.int64)
        distances, ids = self.index.search(np.ascontiguousarray(descriptors, dtype=np.uint8), k)
        found = ids >= 0
        return distances, np.where(found, ids >> ID_SHIFT, -1), np.where(found, ids & ((1 << ID_SHIFT) - 1), 0)

    def save(self, path: Path) -> None:
        """Write atomically: a half-written index is never read."""
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {"extractor": EXTRACTOR, "layout": INDEX_LAYOUT, "trained_size": self.trained_size}
        buffer = io.BytesIO()
        np.savez(buffer, index=faiss.serialize_index_binary(self.index),
                 members=np.array(sorted(self.members), dtype=np.int64), meta=np.array(json.dumps(meta)))
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(buffer.getvalue())
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> FeatureIndex | None:
        """The saved index, or None when there is none or it was built with other extractor settings or
        another layout of cells (INDEX_LAYOUT)."""
        try:
            with np.load(path) as saved:
                meta = json.loads(str(saved["meta"]))
                if meta.get("extractor") != EXTRACTOR or meta.get("layout") != INDEX_LAYOUT:
                    return None
                index = faiss.deserialize_index_binary(saved["index"])
                members = set(saved["members"].tolist())
        except (OSError, ValueError, KeyError, RuntimeError):
            return None
        if isinstance(index, faiss.IndexBinaryIVF):
            index.nprobe = NPROBE
        return cls(index, members, meta.get("trained_size", 0))


def _file_part(category: str) -> str:
    return re.sub(r"[^a-z0-9_]", "_", category.lower()) or "none"


def index_path(db: Database, category: str) -> Path:
    """The saved index of one category's stolen photos (a tractor listing searches only tractors)."""
    return data_dir(db) / INDEX_FOLDER / f"orb-{_file_part(category)}.npz"


_cache: dict[str, tuple[tuple[int, int], FeatureIndex]] = {}


def release_feature_indexes() -> int:
    """Drop the indexes this process holds (the next search loads them again from their files); returns
    how many were held. A nightly run calls it after matching: at 50,000 stolen photos they are about
    640 MB that the seller networks' step after it would otherwise carry."""
    held = len(_cache)
    _cache.clear()
    return held


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def saved_categories(db: Database) -> list[str]:
    """Categories with a saved index, by their file names."""
    folder = data_dir(db) / INDEX_FOLDER
    return sorted(p.name[len("orb-"):-len(".npz")] for p in folder.glob("orb-*.npz")) if folder.is_dir() else []


def load_feature_index(db: Database, category: str) -> FeatureIndex:
    """One category's saved index (cached in the process while the file is unchanged); an empty
    index when no stolen photo has that category. A missing or damaged file is rebuilt."""
    path = index_path(db, category)
    stamp = _stamp(path)
    cached = _cache.get(str(path))
    if cached and stamp and cached[0] == stamp:
        return cached[1]
    if stamp is None and not db.execute(
            "select 1 from photos p join thefts t on t.item_id = p.item_id and t.current = 1 "
            "join items i on i.id = p.item_id where i.category = ? limit 1", [category]).fetchone():
        return FeatureIndex()  # nothing of this category is stolen (or it has no photos)
    index = FeatureIndex.load(path) if stamp else None
    if index is None:
        refresh_feature_index(db)
        cached = _cache.get(str(path))
        return cached[1] if cached else FeatureIndex()
    _cache[str(path)] = (stamp, index)
    return index


def load_feature_indexes(db: Database, categories=None) -> list[FeatureIndex]:
    """The saved indexes of these categories (every category when None)."""
    if categories is None:
        stolen = {r[0] for r in db.execute(
            "select distinct i.category from items i join thefts t on t.item_id = i.id and t.current = 1").fetchall()}
        categories = sorted(stolen | set(saved_categories(db)))
    return [index for index in (load_feature_index(db, c) for c in sorted(set(categories))) if index.vectors]


def stolen_photo_categories(db: Database) -> dict[int, str]:
    """Photo id -> its item's category, for photos of items with a current theft report."""
    return dict(db.execute(
        "select p.id, i.category from photos p join thefts t on t.item_id = p.item_id and t.current = 1 "
        "join items i on i.id = p.item_id").fetchall())


def indexed_photos(db: Database) -> set[int]:
    """Every photo in the saved indexes."""
    return set().union(*(index.members for index in load_feature_indexes(db)))


def list_count(vectors: int) -> int:
    """Inverted lists (k-means cells) for an index of this many descriptors: about twice the square root,
    a power of two (4,096 at 2.9 million). A query compares its descriptor with every cell centre and with
    the descriptors of NPROBE cells; a scanned descriptor cost about 1.3 times a centre (1.5 ns against
    1.15 measured), so the least work is near 1.6 times the square root: at 2.9 million descriptors 4,096
    cells searched in 1.56-1.63 ms a listing photo, 3,072 in 1.67 and 2,048 in 1.81."""
    return int(min(IVF_MAX_LISTS, max(64, 2 ** round(np.log2(2 * max(vectors, 1) ** 0.5)))))


def photo_vectors(photo_id: int, descriptors: np.ndarray, mirror: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """A photo's indexed descriptors (its strongest, then its mirror image's) and their ids."""
    direct = descriptors[:INDEXED_KEYPOINTS]
    flipped = np.zeros((0, DESCRIPTOR_BYTES), np.uint8) if mirror is None else mirror[:MIRROR_KEYPOINTS]
    base = np.int64(photo_id) << ID_SHIFT
    ids = np.concatenate([base + np.arange(len(direct), dtype=np.int64),
                          base + MIRROR_OFFSET + np.arange(len(flipped), dtype=np.int64)])
    return np.ascontiguousarray(np.concatenate([direct, flipped]), dtype=np.uint8), ids


def _blob_array(blob: bytes | None) -> np.ndarray:
    return np.frombuffer(blob or b"", dtype=np.uint8).reshape(-1, DESCRIPTOR_BYTES)


def indexed_descriptors(db: Database, photo_ids) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """The stored descriptors that go into the index (the strongest, and the mirror image's), read
    without the rest."""
    ids = [int(p) for p in photo_ids]
    out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        for photo_id, blob, mirror in db.execute(
                f"select photo_id, substr(descriptors, 1, ?), mirror_descriptors from photo_features "
                f"where extractor = ? and photo_id in ({','.join('?' * len(part))})",
                [INDEXED_KEYPOINTS * DESCRIPTOR_BYTES, EXTRACTOR, *part]).fetchall():
            out[photo_id] = (_blob_array(blob), _blob_array(mirror))
    missing = [p for p in ids if p not in out]
    out.update({p: (f.descriptors, f.mirror.descriptors) for p, f in load_photo_features(db, missing).items()})
    return out


def build_ivf(descriptors: dict[int, tuple[np.ndarray, np.ndarray | None]], seed: int = 0) -> FeatureIndex:
    """A new inverted-file index over these photos (photo id -> its descriptors and its mirror
    image's), its cells k-means centroids of a sample of their descriptors (`kmeans_ivf`)."""
    vectors = [photo_vectors(p, direct, mirror) for p, (direct, mirror) in descriptors.items()]
    total = sum(len(ids) for _, ids in vectors)
    every = np.concatenate([v for v, _ in vectors] + [np.zeros((0, DESCRIPTOR_BYTES), np.uint8)])
    ids = np.concatenate([i for _, i in vectors] + [np.zeros(0, np.int64)])
    del vectors
    ivf = kmeans_ivf(every, ids, list_count(total), NPROBE, seed)
    return FeatureIndex(ivf, set(descriptors), max(total, 1))


def refresh_feature_index(db: Database) -> dict:
    """Bring the saved indexes (one per category) in step with current thefts; returns what changed
    (for the run report). An item whose category changed moves to the other index."""
    started = time.perf_counter()
    wanted: dict[str, set[int]] = {}
    for photo_id, category in stolen_photo_categories(db).items():
        wanted.setdefault(_file_part(category), set()).add(photo_id)
    totals = {"photos": 0, "added": 0, "removed": 0, "descriptors": 0, "rebuilt": False, "indexes": 0}
    kinds = set()
    for category in sorted(set(wanted) | set(saved_categories(db))):
        path = index_path(db, category)
        index = FeatureIndex.load(path) or FeatureIndex()
        photos = wanted.get(category, set())
        added = sorted(photos - index.members)
        removed = sorted(index.members - photos)
        index.remove(removed)
        for start in range(0, len(added), 500):  # a first build of many photos stays within memory
            chunk = added[start:start + 500]
            features = load_photo_features(db, chunk)
            for photo_id in chunk:
                found = features[photo_id]
                index.add(photo_id, found.descriptors, found.mirror.descriptors if found.mirror else None)
        rebuilt = index.vectors >= IVF_MIN_VECTORS and (
            not index.trained_size or index.vectors > index.trained_size * IVF_RETRAIN_GROWTH)
        if rebuilt:
            index = build_ivf(indexed_descriptors(db, sorted(index.members)))
        if not photos:  # no stolen photo of this category any more
            path.unlink(missing_ok=True)
            _cache.pop(str(path), None)
            totals["removed"] += len(removed)
            continue
        if added or removed or rebuilt or not path.exists():
            index.save(path)
        _cache[str(path)] = (_stamp(path), index)
        kinds.add(index.kind)
        totals["photos"] += len(index.members)
        totals["added"] += len(added)
        totals["removed"] += len(removed)
        totals["descriptors"] += index.vectors
        totals["rebuilt"] |= rebuilt
        totals["indexes"] += 1
    (data_dir(db) / INDEX_FOLDER / "orb-index.npz").unlink(missing_ok=True)  # the single index of earlier versions
    totals["kind"] = "ivf" if "ivf" in kinds else "flat"
    totals["seconds"] = round(time.perf_counter() - started, 2)
    return totals
