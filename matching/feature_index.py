"""A faiss binary index over the ORB descriptors of stolen items' photos, kept on disk.

Only photos of items with a current theft are indexed: those are the photos a listing
could be showing. `refresh_feature_index` brings the index in step with the thefts
(adds photos of newly stolen items, drops those of recovered ones) and saves it beside
the database (data/features/), so a nightly run updates it instead of rebuilding.

Each descriptor's id is photo_id * 1024 + its keypoint number, so the votes of a
query's descriptors add up per photo and a photo's descriptors are removed together.
Small indexes are exhaustive (IndexBinaryFlat); past IVF_MIN_VECTORS descriptors the
index is rebuilt as an inverted file (IndexBinaryIVF) trained on the stored
descriptors, which keeps a query near constant time as the registry grows.
"""

from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path

import faiss
import numpy as np
from sqlite_utils import Database

from matching.feature_extract import DESCRIPTOR_BYTES, EXTRACTOR, MAX_KEYPOINTS, load_photo_features
from registry.db import data_dir

ID_SHIFT = 10  # 1024 descriptor ids per photo
assert MAX_KEYPOINTS <= 1 << ID_SHIFT
BITS = DESCRIPTOR_BYTES * 8
IVF_MIN_VECTORS = 500_000  # below this an exhaustive search is fast enough (about 1,000 photos)
IVF_RETRAIN_GROWTH = 4  # retrain the coarse quantiser once the index has grown this many times over
TRAIN_PER_LIST = 40
NPROBE = 16
INDEX_FILE = Path("features") / "orb-index.npz"


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

    def add(self, photo_id: int, descriptors: np.ndarray) -> None:
        if len(descriptors):
            ids = (np.int64(photo_id) << ID_SHIFT) + np.arange(len(descriptors), dtype=np.int64)
            self.index.add_with_ids(np.ascontiguousarray(descriptors, dtype=np.uint8), ids)
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
        if not len(descriptors) or not self.vectors:
            shape = (len(descriptors), k)
            return np.full(shape, BITS, dtype=np.int32), np.full(shape, -1, dtype=np.int64)
        distances, ids = self.index.search(np.ascontiguousarray(descriptors, dtype=np.uint8), k)
        return distances, np.where(ids >= 0, ids >> ID_SHIFT, -1)

    def save(self, path: Path) -> None:
        """Write atomically: a half-written index is never read."""
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {"extractor": EXTRACTOR, "trained_size": self.trained_size}
        buffer = io.BytesIO()
        np.savez(buffer, index=faiss.serialize_index_binary(self.index),
                 members=np.array(sorted(self.members), dtype=np.int64), meta=np.array(json.dumps(meta)))
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(buffer.getvalue())
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> FeatureIndex | None:
        """The saved index, or None when there is none or it was built with other extractor settings."""
        try:
            with np.load(path) as saved:
                meta = json.loads(str(saved["meta"]))
                if meta.get("extractor") != EXTRACTOR:
                    return None
                index = faiss.deserialize_index_binary(saved["index"])
                members = set(saved["members"].tolist())
        except (OSError, ValueError, KeyError, RuntimeError):
            return None
        if isinstance(index, faiss.IndexBinaryIVF):
            index.nprobe = NPROBE
        return cls(index, members, meta.get("trained_size", 0))


def index_path(db: Database) -> Path:
    return data_dir(db) / INDEX_FILE


_cache: dict[str, tuple[tuple[int, int], FeatureIndex]] = {}


def load_feature_index(db: Database) -> FeatureIndex:
    """The saved index (cached in the process while the file is unchanged); built when missing."""
    path = index_path(db)
    try:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        stamp = None
    cached = _cache.get(str(path))
    if cached and stamp and cached[0] == stamp:
        return cached[1]
    index = FeatureIndex.load(path) if stamp else None
    if index is None:
        refresh_feature_index(db)
        return _cache[str(path)][1]
    _cache[str(path)] = (stamp, index)
    return index


def stolen_photo_ids(db: Database) -> set[int]:
    """Photos of items with a current theft report: the ones a listing could be showing."""
    return {r[0] for r in db.execute(
        "select p.id from photos p join thefts t on t.item_id = p.item_id and t.current = 1").fetchall()}


def _train_ivf(db: Database, photo_ids: list[int]) -> FeatureIndex:
    """A new inverted-file index trained on a sample of the stored descriptors, then filled."""
    features = load_photo_features(db, photo_ids)
    total = sum(f.count for f in features.values())
    nlist = int(min(16384, max(256, 2 ** round(np.log2(max(total, 1) ** 0.5 * 2)))))
    rng = np.random.default_rng(0)
    every = np.concatenate([f.descriptors for f in features.values() if f.count])
    sample = every[rng.choice(len(every), size=min(len(every), nlist * TRAIN_PER_LIST), replace=False)]
    ivf = faiss.index_binary_factory(BITS, f"BIVF{nlist}")
    ivf.train(sample)
    ivf.nprobe = NPROBE
    rebuilt = FeatureIndex(ivf, set(), total)
    for photo_id, f in features.items():
        rebuilt.add(photo_id, f.descriptors)
    return rebuilt


def refresh_feature_index(db: Database) -> dict:
    """Bring the saved index in step with current thefts; returns what changed (for the run report)."""
    started = time.perf_counter()
    path = index_path(db)
    index = FeatureIndex.load(path) or FeatureIndex()
    wanted = stolen_photo_ids(db)
    added = sorted(wanted - index.members)
    removed = sorted(index.members - wanted)
    index.remove(removed)
    features = load_photo_features(db, added)
    for photo_id in added:
        index.add(photo_id, features[photo_id].descriptors)
    rebuilt = False
    needs_ivf = index.vectors >= IVF_MIN_VECTORS and (
        not index.trained_size or index.vectors > index.trained_size * IVF_RETRAIN_GROWTH)
    if needs_ivf:
        index, rebuilt = _train_ivf(db, sorted(index.members)), True
    if added or removed or rebuilt or not path.exists():
        index.save(path)
    stat = path.stat()
    _cache[str(path)] = ((stat.st_mtime_ns, stat.st_size), index)
    return {"photos": len(index.members), "added": len(added), "removed": len(removed),
            "descriptors": index.vectors, "kind": index.kind, "rebuilt": rebuilt,
            "seconds": round(time.perf_counter() - started, 2)}
