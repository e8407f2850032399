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


def encode_keys(keys: list[str]) -> np.ndarray:
    """(n, WIDTH) byte codes of the keys, 0-padded; encode once, hash many ways."""
    padded = "".join(k[:WIDTH].ljust(WIDTH, "\0") for k in keys).encode("utf-8", "replace")
    if len(padded) != len(keys) * WIDTH:  # non-ASCII keys: encode one by one, cutting bytes
        padded = b"".join(k.encode("utf-8")[:WIDTH].ljust(WIDTH, b"\0") for k in keys)
    return np.frombuffer(padded, dtype=np.uint8).reshape(len(keys), WIDTH)


def _chunks(codes: np.ndarray):
    for start in range(0, len(codes), CHUNK):
        part = codes[start:start + CHUNK].astype(np.uint64)
        yield start, part, (part > 0).sum(axis=1)


def _lengths(codes: np.ndarray) -> np.ndarray:
    """Characters in each key (its non-zero codes), counted a chunk at a time."""
    return np.concatenate([(codes[s:s + CHUNK] > 0).sum(axis=1) for s in range(0, len(codes), CHUNK)]
                          or [np.empty(0, np.int64)])


def _prefix_sums(codes: np.ndarray) -> np.ndarray:
    """(n, WIDTH + 1): S[:, i] = hash of the first i characters."""
    with np.errstate(over="ignore"):
        terms = codes * _POWERS[:WIDTH]
        sums = np.zeros((len(codes), WIDTH + 1), dtype=np.uint64)
        np.cumsum(terms, axis=1, out=sums[:, 1:])
    return sums


def hash_keys(keys: list[str] | np.ndarray) -> np.ndarray:
    """One hash per key (keys as strings or as `encode_keys` codes)."""
    codes = encode_keys(keys) if isinstance(keys, list) else keys
    out = [_prefix_sums(part)[:, WIDTH] for _, part, _ in _chunks(codes)]
    return np.concatenate(out).view(np.int64) if out else np.empty(0, np.int64)


def hash_deletions(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(hashes int64, owner row int32) for each key itself and each of its one-character deletions.

    The outputs are allocated once at their final size and filled a chunk at a time, so building
    the index for a million keys holds no second copy of its 15 million hashes."""
    lengths = _lengths(codes)
    total = len(codes) + int(np.minimum(lengths, WIDTH).sum())
    hashes = np.empty(total, np.uint64)
    owners = np.empty(total, np.int32)
    positions = np.arange(WIDTH)
    at = 0
    for start, part, part_lengths in _chunks(codes):
        sums = _prefix_sums(part)
        whole = sums[:, WIDTH]
        with np.errstate(over="ignore"):
            deleted = sums[:, :WIDTH] + (whole[:, None] - sums[:, 1:]) * np.uint64(_P_INV)
        mask = positions[None, :] < part_lengths[:, None]
        rows = np.arange(start, start + len(part), dtype=np.int32)
        picked = deleted[mask]
        hashes[at:at + len(part)] = whole
        owners[at:at + len(part)] = rows
        at += len(part)
        hashes[at:at + len(picked)] = picked
        owners[at:at + len(picked)] = np.repeat(rows, mask.sum(axis=1))
        at += len(picked)
    return hashes.view(np.int64), owners


def hash_tails(codes: np.ndarray, min_length: int) -> tuple[np.ndarray, np.ndarray]:
    """(hashes int64, owner row int32) for each proper tail of each key at least min_length long."""
    lengths = np.minimum(_lengths(codes), WIDTH)
    total = int(np.maximum(lengths - min_length, 0).sum())
    hashes = np.empty(total, np.uint64)
    owners = np.empty(total, np.int32)
    positions = np.arange(WIDTH)
    at = 0
    for start, part, part_lengths in _chunks(codes):
        sums = _prefix_sums(part)
        total_sums = sums[:, WIDTH:WIDTH + 1]
        with np.errstate(over="ignore"):
            tails = (total_sums - sums[:, :WIDTH]) * _INV_POWERS[None, :WIDTH]
        mask = (positions[None, :] >= 1) & (positions[None, :] <= part_lengths[:, None] - min_length)
        picked = tails[mask]
        hashes[at:at + len(picked)] = picked
        owners[at:at + len(picked)] = np.repeat(np.arange(start, start + len(part), dtype=np.int32), mask.sum(axis=1))
        at += len(picked)
    return hashes.view(np.int64), owners
