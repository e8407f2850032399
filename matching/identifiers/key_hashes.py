"""Vectorised 64-bit hashes of keys, of their one-character deletions and of their tails.

The one-edit index holds every key with each character deleted in turn (15 million
strings for a million 15-character keys); making those strings in Python takes longer
than the whole match should. A polynomial hash (sum of c_j * P**j, wrapping at 2**64)
lets numpy compute all of them from prefix sums without making a single string:
deleting character i gives S_i + (T - S_(i+1)) / P, and the tail starting at s gives
(T - S_s) / P**s, where S are prefix sums, T the total and 1/P the inverse of P mod 2**64.
Equal strings always hash equal; unequal ones collide rarely, and callers verify hits.
"""

from __future__ import annotations

import numpy as np

WIDTH = 32  # longest key hashed; longer keys are cut (matching keys are at most 30 here)
_P = 0x9E3779B97F4A7C15  # odd, so it has an inverse modulo 2**64
_P_INV = pow(_P, -1, 2**64)
_POWERS = np.array([pow(_P, j, 2**64) for j in range(WIDTH + 1)], dtype=np.uint64)
_INV_POWERS = np.array([pow(_P_INV, j, 2**64) for j in range(WIDTH + 1)], dtype=np.uint64)
CHUNK = 100_000
BLOCK = 4096  # rows hashed at a time: (BLOCK, WIDTH) uint64 temporaries of 1 MB


def encode_keys(keys: list[str] | tuple[str, ...]) -> np.ndarray:
    """(n, WIDTH) byte codes of the keys, 0-padded and cut at WIDTH bytes; encode once, hash many ways.

    ASCII keys (the registry's matching keys) are converted by numpy in one call; any other key makes
    every key be encoded in UTF-8 one by one (cut at WIDTH bytes)."""
    try:
        return np.array(keys, dtype=f"S{WIDTH}").view(np.uint8).reshape(len(keys), WIDTH)
    except UnicodeEncodeError:
        padded = b"".join(k.encode("utf-8", "replace")[:WIDTH].ljust(WIDTH, b"\0") for k in keys)
        return np.frombuffer(padded, dtype=np.uint8).reshape(len(keys), WIDTH)


def _lengths(codes: np.ndarray) -> np.ndarray:
    """Characters in each key (its non-zero codes), counted a chunk at a time."""
    return np.concatenate([(codes[s:s + CHUNK] > 0).sum(axis=1) for s in range(0, len(codes), CHUNK)]
                          or [np.empty(0, np.int64)])


def _blocks(codes: np.ndarray, lengths: np.ndarray, start: int, stop: int):
    """(first row, codes x P**j as uint64, prefix sums S with S[:, i] the hash of the first i characters,
    lengths) for rows start..stop a BLOCK at a time: small enough that the temporaries stay in the
    processor's cache, which makes the arithmetic twice as fast as on whole chunks."""
    for first in range(start, stop, BLOCK):
        part = codes[first:min(first + BLOCK, stop)]
        terms = np.multiply(part, _POWERS[:WIDTH], dtype=np.uint64)
        sums = np.empty((len(part), WIDTH + 1), np.uint64)
        sums[:, 0] = 0
        np.cumsum(terms, axis=1, out=sums[:, 1:])
        yield first, terms, sums, lengths[first:first + len(part)]


def hash_keys(keys: list[str] | tuple[str, ...] | np.ndarray) -> np.ndarray:
    """One hash per key (keys as strings or as `encode_keys` codes): the sum of c_j * P**j, wrapping."""
    codes = keys if isinstance(keys, np.ndarray) else encode_keys(keys)
    out = np.empty(len(codes), np.uint64)
    with np.errstate(over="ignore"):
        for start in range(0, len(codes), CHUNK):
            part = codes[start:start + CHUNK]
            np.sum(part * _POWERS[:WIDTH], axis=1, dtype=np.uint64, out=out[start:start + CHUNK])
    return out.view(np.int64)


def hash_deletions(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(hashes int64, owner row int32) for each key itself and each of its one-character deletions.

    The outputs are allocated once at their final size and filled a block at a time, so building
    the index for a million keys holds no second copy of its 15 million hashes. Per CHUNK of keys,
    the keys' own hashes come first, then their deletions, key by key."""
    lengths = _lengths(codes)
    total = len(codes) + int(lengths.sum())
    hashes = np.empty(total, np.uint64)
    owners = np.empty(total, np.int32)
    positions = np.arange(WIDTH)
    at = 0
    with np.errstate(over="ignore"):
        for chunk in range(0, len(codes), CHUNK):
            stop = min(chunk + CHUNK, len(codes))
            whole_at, at = at, at + stop - chunk
            for first, terms, sums, part_lengths in _blocks(codes, lengths, chunk, stop):
                n = len(terms)
                whole = sums[:, WIDTH]
                deleted = np.subtract(whole[:, None], sums[:, 1:], out=terms)  # S_i + (T - S_(i+1)) / P
                deleted *= np.uint64(_P_INV)
                deleted += sums[:, :WIDTH]
                rows = np.arange(first, first + n, dtype=np.int32)
                hashes[whole_at:whole_at + n] = whole
                owners[whole_at:whole_at + n] = rows
                whole_at += n
                picked = int(part_lengths.sum())
                mask = positions[None, :] < part_lengths[:, None]
                np.compress(mask.ravel(), deleted.ravel(), out=hashes[at:at + picked])
                owners[at:at + picked] = np.repeat(rows, part_lengths)
                at += picked
    return hashes.view(np.int64), owners


def hash_tails(codes: np.ndarray, min_length: int) -> tuple[np.ndarray, np.ndarray]:
    """(hashes int64, owner row int32) for each proper tail of each key at least min_length long."""
    lengths = _lengths(codes)
    counts = np.maximum(lengths - min_length, 0)
    total = int(counts.sum())
    hashes = np.empty(total, np.uint64)
    owners = np.empty(total, np.int32)
    positions = np.arange(WIDTH)
    at = 0
    with np.errstate(over="ignore"):
        for first, terms, sums, part_lengths in _blocks(codes, lengths, 0, len(codes)):
            tails = np.subtract(sums[:, WIDTH:WIDTH + 1], sums[:, :WIDTH], out=terms)  # (T - S_s) / P**s
            tails *= _INV_POWERS[:WIDTH]
            mask = (positions[None, :] >= 1) & (positions[None, :] <= part_lengths[:, None] - min_length)
            part_counts = counts[first:first + len(terms)]
            picked = int(part_counts.sum())
            np.compress(mask.ravel(), tails.ravel(), out=hashes[at:at + picked])
            owners[at:at + picked] = np.repeat(np.arange(first, first + len(terms), dtype=np.int32), part_counts)
            at += picked
    return hashes.view(np.int64), owners
