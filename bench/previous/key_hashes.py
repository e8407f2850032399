"""The identifier index's key_hashes as it was before the index was built in place (frozen copy, for the A/B figures
of bench_match_identifiers). Do not change it."""
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
    """(hashes, owner row) for each key itself and each of its one-character deletions."""
    hashes, owners = [], []
    positions = np.arange(WIDTH)
    for start, part, lengths in _chunks(codes):
        sums = _prefix_sums(part)
        total = sums[:, WIDTH:WIDTH + 1]
        with np.errstate(over="ignore"):
            deleted = sums[:, :WIDTH] + (total - sums[:, 1:]) * np.uint64(_P_INV)
        mask = positions[None, :] < lengths[:, None]
        rows = np.arange(len(part)) + start
        hashes += [total[:, 0], deleted[mask]]
        owners += [rows, np.repeat(rows, mask.sum(axis=1))]
    if not hashes:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(hashes).view(np.int64), np.concatenate(owners)


def hash_tails(codes: np.ndarray, min_length: int) -> tuple[np.ndarray, np.ndarray]:
    """(hashes, owner row) for each proper tail of each key at least min_length long."""
    hashes, owners = [], []
    positions = np.arange(WIDTH)
    for start, part, lengths in _chunks(codes):
        sums = _prefix_sums(part)
        total = sums[:, WIDTH:WIDTH + 1]
        with np.errstate(over="ignore"):
            tails = (total - sums[:, :WIDTH]) * _INV_POWERS[None, :WIDTH]
        mask = (positions[None, :] >= 1) & (positions[None, :] <= lengths[:, None] - min_length)
        rows = np.arange(len(part)) + start
        hashes.append(tails[mask])
        owners.append(np.repeat(rows, mask.sum(axis=1)))
    if not hashes:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(hashes).view(np.int64), np.concatenate(owners)
