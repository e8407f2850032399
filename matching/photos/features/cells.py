"""The cells of binary inverted files: how a faiss `IndexBinaryIVF` over ORB descriptors is divided
before anything is added. Stage two's per-category indexes (`matching.photos.features.index`) use k-means
cells; seller networks' crop index (`matching.networks.crop_index`) cells centred on sampled descriptors.
Measurements behind the settings: docs/features.md ("At full size")."""

from __future__ import annotations

import faiss
import numpy as np

from matching.photos.features.extract import DESCRIPTOR_BYTES

BITS = DESCRIPTOR_BYTES * 8
KMEANS_POINTS = 20  # training descriptors a cell (faiss asks 39); 10 made uneven cells: 3,550 compared a query, not 2,900
KMEANS_ITERATIONS = 5  # at 2.9 million 10 rounds took 19 s, 5 took 9 s; both found the nearest neighbour 63% of the time


def kmeans_ivf(codes: np.ndarray, ids: np.ndarray, nlist: int, nprobe: int, seed: int = 0) -> faiss.IndexBinaryIVF:
    """A faiss binary inverted file holding these descriptors (N x 32 uint8) under these ids (N, int64), its
    at most `nlist` cells trained by faiss's k-means (on the bits as floats, centres rounded back to bits)
    over KMEANS_POINTS random descriptors a cell, searching `nprobe` cells a query. The same seed gives the
    same cells. Fewer than KMEANS_POINTS descriptors: cells centred on sampled descriptors (`ivf_over`)."""
    nlist = min(nlist, len(codes) // KMEANS_POINTS)
    if nlist < 1:
        return ivf_over(codes, ids, 1, nprobe, seed)
    rng = np.random.default_rng(seed)
    sample = codes[np.sort(rng.choice(len(codes), size=KMEANS_POINTS * nlist, replace=False))]
    quantiser = faiss.IndexBinaryFlat(BITS)
    ivf = faiss.IndexBinaryIVF(quantiser, BITS, nlist)
    ivf.cp.niter = KMEANS_ITERATIONS
    ivf.cp.seed = seed + 1234
    ivf.cp.max_points_per_centroid = KMEANS_POINTS
    ivf.cp.min_points_per_centroid = 1  # no warning for fewer than faiss's 39 a cell: chosen (KMEANS_POINTS)
    ivf.train(sample)
    del sample
    ivf.nprobe = nprobe
    for start in range(0, len(codes), 1_000_000):
        ivf.add_with_ids(codes[start:start + 1_000_000], ids[start:start + 1_000_000])
    return ivf


def ivf_over(codes: np.ndarray, ids: np.ndarray, nlist: int, nprobe: int, seed: int = 0) -> faiss.IndexBinaryIVF:
    """A faiss binary inverted file holding these descriptors (N x 32 uint8) under these ids (N, int64), with
    at most `nlist` cells centred on a random sample of the distinct descriptors (no training pass),
    searching `nprobe` cells a query. Used by stage two's index and seller networks' crop index."""
    rng = np.random.default_rng(seed)
    sample = np.unique(codes[rng.choice(len(codes), size=min(len(codes), 2 * nlist), replace=False)], axis=0)
    nlist = max(1, min(nlist, len(sample)))
    quantiser = faiss.IndexBinaryFlat(BITS)
    quantiser.add(sample[rng.choice(len(sample), size=nlist, replace=False)] if len(sample) else
                  np.zeros((1, DESCRIPTOR_BYTES), np.uint8))
    ivf = faiss.IndexBinaryIVF(quantiser, BITS, nlist)
    ivf.is_trained = True
    ivf.nprobe = nprobe
    for start in range(0, len(codes), 1_000_000):
        ivf.add_with_ids(codes[start:start + 1_000_000], ids[start:start + 1_000_000])
    return ivf
