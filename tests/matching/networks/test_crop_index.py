"""The crop index's exhaustive search by faiss's counting selection finds what its heap finds, in the same order."""

from __future__ import annotations

import faiss
import numpy as np
import pytest

from matching.networks.crop_index import CropIndex
from matching.photos.features.index import BITS


def _descriptors(seed: int, rows: int) -> np.ndarray:
    """Descriptors drawn from a few patterns with a few bits flipped: many equal distances (ties)."""
    rng = np.random.default_rng(seed)
    patterns = rng.integers(0, 256, (int(rng.integers(3, 40)), BITS // 8), dtype=np.uint8)
    out = patterns[rng.integers(0, len(patterns), rows)]
    flips = (rng.random(out.shape) < 0.01) * rng.integers(1, 256, out.shape)
    return out ^ flips.astype(np.uint8)


@pytest.mark.parametrize("seed", range(6))
def test_the_counting_search_equals_the_heap_search_ties_included(seed):
    found = _descriptors(seed, 6000)
    photos = list(range(100, 130))
    index = CropIndex()
    index.add(photos, [p * 7 for p in photos], np.split(found, len(photos)))
    queries = _descriptors(seed + 100, 400)
    queries[:100] = found[::60]  # some queries are indexed descriptors: their own distance-0 ties
    heap = faiss.IndexBinaryIDMap(faiss.IndexBinaryFlat(BITS))
    heap.add_with_ids(found, faiss.vector_to_array(index.index.id_map).astype(np.int64))
    assert faiss.downcast_IndexBinary(heap.index).use_heap
    for k in (1, 2, 5):
        want = heap.search(queries, k)
        got = index.searchable().nearest(queries, k)
        assert not faiss.downcast_IndexBinary(index.index.index).use_heap
        assert (got[0] == want[0]).all() and (got[1] == want[1]).all()
