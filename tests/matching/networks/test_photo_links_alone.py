"""Photo links set aside, in numpy, the night's hashes near no other and shown once: the same links, stock
count and stock hashes as looking at every hash."""

from __future__ import annotations

import numpy as np
import pytest

from matching.networks import links


def _marketplace(db, seed: int) -> set[str]:
    """Sellers' listings with one photo hash each: lone pictures, near and identical copies across sellers,
    copies within one seller, a stock picture and a brochure picture; returns the night's listing ids."""
    rng = np.random.default_rng(seed)
    photos: list[tuple[int, int]] = [(int(h), int(rng.integers(1, 60))) for h in rng.integers(0, 2**63, 400)]
    for _ in range(30):  # copies, 0-6 bits apart, by another seller or the same one
        h, seller = photos[int(rng.integers(0, len(photos)))]
        flipped = h ^ sum(1 << int(b) for b in rng.choice(64, int(rng.integers(0, 7)), replace=False))
        photos.append((flipped, seller if rng.random() < 0.3 else int(rng.integers(1, 60))))
    stock = int(rng.integers(0, 2**63))
    photos += [(stock, s) for s in range(1, 9)]  # in many sellers' adverts
    brochure = int(rng.integers(0, 2**63))
    photos += [(brochure, 7), (brochure, 7), (brochure, 7), (brochure, 8)]  # one seller's three adverts
    db.conn.executemany("insert into sellers (id, source, seller_key, updated_at) values (?, 'site-a', ?, 'x')",
                        [(s, f"handle:s{s}") for s in range(1, 60)])
    rows = [(f"l{n}", seller, f"https://site-a.example/{n}") for n, (_, seller) in enumerate(photos)]
    db.conn.executemany("insert into listings (id, seller_id, source, url, first_seen_at, last_seen_at, changed_at) "
                        "values (?, ?, 'site-a', ?, 'x', 'x', 'x')", rows)
    db.conn.executemany("insert into listing_photos (listing_id, position, phash, dhash) values (?, 1, ?, ?)",
                        [(f"l{n}", f"{h:016x}", f"{h ^ 0x5A5A:016x}") for n, (h, _) in enumerate(photos)])
    return {f"l{n}" for n in range(len(photos)) if rng.random() < 0.4}


@pytest.mark.parametrize("seed", range(5))
def test_the_same_links_and_stock_as_looking_at_every_hash(db, monkeypatch, seed):
    night = _marketplace(db, seed)
    for listing_ids in (night, None):
        found, stock, hashes = links.photo_links(db, listing_ids)
        with monkeypatch.context() as patched:
            patched.setattr(links, "_alone", lambda q, bounds: np.zeros(len(bounds) - 1, bool))
            expected = links.photo_links(db, listing_ids)
        assert found == expected[0] and stock == expected[1] and hashes.tolist() == expected[2].tolist()
        assert found and stock >= 2


def test_alone_means_near_only_itself_and_shown_once():
    # hashes 0..3: 0 found only itself and shown once; 1 found itself and hash 2; 3 found itself, shown twice
    found = np.array([0, 1, 1, 2, 2, 3])
    bounds = np.array([0, 1, 2, 3, 5])
    assert links._alone(found, bounds).tolist() == [True, False, False, False]
