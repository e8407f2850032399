"""`texts.signature_blobs` computes every advert's MinHash at once in numpy: the same bytes as datasketch's
MinHash of each advert, one at a time, on realistic and odd shingle sets."""

from __future__ import annotations

import random

import pytest

from matching.networks.text import texts


def _one_at_a_time(sets):
    return [texts.to_blob(sig) if (sig := texts.signature(s)) is not None else None for s in sets]


def _advert_sets(seed: int, count: int) -> list[set[bytes]]:
    rng = random.Random(seed)
    words = ["john", "deere", "6155r", "£12,500", "ono", "tractor", "ßtraße", "naïve", "Ærø", "日本", "🚜", "x" * 300,
             "", " ", "|", "\x00", "a\nb", "quad"]
    out = []
    for _ in range(count):
        size = rng.choice([0, 1, 9, 10, 11, 25, 60, 400])
        out.append({f"{rng.choice(words)} {rng.choice(words)}{rng.randrange(50)}".encode() for _ in range(size)})
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_signatures_as_datasketch_one_advert_at_a_time(seed):
    sets = _advert_sets(seed, 400)
    assert texts.signature_blobs(sets) == _one_at_a_time(sets)


def test_adverts_from_real_text_and_edges(monkeypatch):
    adverts = ["John Deere 6155R, 2019, 4,200 hours. Front linkage; air brakes! Viewing welcome.",
               "Quad bike — Honda TRX 420, barely used. Café owner selling, £3 200 ono. Call Dave after 6pm.",
               "Ifor Williams trailer\nserial 12345678\nnew floor, new tyres, lights all working, swap for sheep"] * 3
    sets = [texts.own_shingles(text, {}) for text in adverts] + [set(), {b"one shingle"}]
    assert texts.signature_blobs(sets) == _one_at_a_time(sets)
    assert texts.signature_blobs([]) == []
    monkeypatch.setattr(texts, "SIGNATURE_BLOCK", 7)  # blocks smaller than one advert: one advert a block
    monkeypatch.setattr(texts, "SHINGLE_HASH_CACHE", 3)  # the cache emptied as it fills
    more = _advert_sets(9, 200)
    assert texts.signature_blobs(more) == _one_at_a_time(more)
    assert texts.signature_blobs(more) == _one_at_a_time(more)  # from the cache this time
