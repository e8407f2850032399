"""Distinct sellers per photo hash, counted by sorting one int64 key per pair: the same counts as
`np.unique` of the (hash, seller) columns."""

from __future__ import annotations

import numpy as np
import pytest

from matching.networks.links import _distinct_sellers_per_hash


@pytest.mark.parametrize(("photos", "hashes", "sellers"), [
    (0, 3, 1), (1, 1, 1), (50, 5, 3), (10_000, 700, 40), (100_000, 90_000, 30_000)])
def test_counts_as_unique_pairs(photos, hashes, sellers):
    rng = np.random.default_rng(photos)
    inverse = rng.integers(0, hashes, photos)
    seller = rng.integers(0, sellers, photos)
    expected = np.bincount(np.unique(np.stack([inverse, seller]), axis=1)[0], minlength=hashes)
    assert _distinct_sellers_per_hash(inverse, seller, hashes).tolist() == expected.tolist()


def test_one_seller_showing_a_photo_twice_counts_once():
    assert _distinct_sellers_per_hash(np.array([0, 0, 0, 1]), np.array([7, 7, 8, 7]), 3).tolist() == [2, 1, 0]


@pytest.mark.parametrize("values", [[], [3], [5, 1, 5, 2, 1], list(range(1000, 0, -7)) * 3])
def test_sorted_distinct_as_unique(values):
    from matching.networks.links import _sorted_distinct
    array = np.array(values, dtype=np.int64)
    assert _sorted_distinct(array).tolist() == np.unique(array).tolist()
