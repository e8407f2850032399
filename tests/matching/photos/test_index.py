"""Multi-index hashing finds exactly the hashes within the radius, as a full scan would."""

import numpy as np
import pytest

from matching.photos.index import PhotoHashIndex, parse_hex


@pytest.fixture(scope="module")
def hashes():
    rng = np.random.default_rng(7)
    base = rng.integers(0, 2**63, 2000, dtype=np.uint64)
    # clusters of near copies, the hard case for a chunked index
    near = np.repeat(base[:200], 10)
    flips = rng.integers(0, 64, (len(near), 6)).astype(np.uint64)
    for j in range(6):
        near ^= np.uint64(1) << flips[:, j]
    return np.concatenate([base, near])


@pytest.mark.parametrize("radius", [0, 3, 6, 7, 10])
def test_matches_a_full_scan(hashes, radius):
    index = PhotoHashIndex(hashes)
    rng = np.random.default_rng(radius)
    queries = hashes[rng.integers(0, len(hashes), 60)].copy()
    queries[::3] ^= np.uint64(0b1011) << np.uint64(20)
    q, d, dist = index.search(queries, radius)
    for i, query in enumerate(queries):
        expected = set(np.nonzero(np.bitwise_count(hashes ^ query) <= radius)[0].tolist())
        assert set(d[q == i].tolist()) == expected
    assert (dist <= radius).all()
    assert (dist == np.bitwise_count(hashes[d] ^ queries[q])).all()


def test_empty_index_and_empty_queries():
    assert all(len(a) == 0 for a in PhotoHashIndex(np.empty(0, np.uint64)).search(np.array([1], np.uint64), 6))
    assert all(len(a) == 0 for a in PhotoHashIndex(np.array([1], np.uint64)).search(np.empty(0, np.uint64), 6))


def test_parse_hex_reads_stored_hashes():
    assert parse_hex(["ffffffffffffffff", "0000000000000001", None]).tolist() == [2**64 - 1, 1, 0]


def test_a_picture_in_thousands_of_adverts_is_searched_in_bounded_passes(monkeypatch):
    """A placeholder repeated across adverts fills one bucket; the batch splits and still finds every copy."""
    import matching.photos.index as index_module
    monkeypatch.setattr(index_module, "MAX_CANDIDATES", 500)
    rng = np.random.default_rng(5)
    hashes = rng.integers(0, 2**63, 3000, dtype=np.uint64)
    hashes[:1200] = hashes[0]
    queries = np.concatenate([hashes[:1], hashes[1500:1520], hashes[:1] ^ np.uint64(1 << 40)])
    q, d, dist = PhotoHashIndex(hashes).search(queries, 6)
    for i, query in enumerate(queries):
        assert set(d[q == i].tolist()) == set(np.nonzero(np.bitwise_count(hashes ^ query) <= 6)[0].tolist())
    assert (q == 0).sum() == 1200 and (q == len(queries) - 1).sum() == 1200
