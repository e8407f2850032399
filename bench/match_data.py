"""Synthetic registries and listings at scale for the matcher benchmarks (not a benchmark itself)."""

from __future__ import annotations

import random

import numpy as np

from registry.identifiers.rules import matching_key

ALPHABET = "ABCDEFGHJKMNPRSTUVWXYZ0123456789"
FILLER = ("Good condition, used daily until recently. Call 07700 9{p:05d}. £{k},{h:03d} ono. {hours} hours. "
          "Located SP{d} {d}AB. Front loader, PTO 540/1000, 3 point linkage, new tyres. ")


def peak_rss_reset() -> None:
    """Reset the kernel's peak-memory mark for this process (Linux), so a stage can be measured alone."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def peak_rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def make_keys(n: int, seed: int = 1) -> list[str]:
    """Matching keys of serial-like values: maker prefixes shared by many, then sequence numbers (the hard case)."""
    rng = random.Random(seed)
    prefixes = ["".join(rng.choice(ALPHABET[:24]) for _ in range(rng.choice([2, 4, 8]))) for _ in range(2000)]
    keys = set()
    while len(keys) < n:
        prefix = rng.choice(prefixes)
        keys.add(matching_key(f"{prefix}{rng.randrange(10**5, 10**9)}"))
    return sorted(keys, key=lambda _: rng.random())


def make_listing_texts(keys: list[str], n: int, seed: int = 2) -> list[tuple[str, str, str]]:
    """(title, description, structured) for n listings: some show a key exactly, re-typed, one-off or in part."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        filler = FILLER.format(p=rng.randrange(10**5), k=rng.randrange(2, 60), h=rng.randrange(1000),
                               hours=rng.randrange(100, 9000), d=rng.randrange(1, 10))
        key = rng.choice(keys)
        roll = rng.random()
        if roll < 0.05:
            shown = f"serial {key[:4]} {key[4:]}"
        elif roll < 0.10:
            pos = rng.randrange(len(key))
            shown = f"serial {key[:pos]}{rng.choice(ALPHABET)}{key[pos + 1:]}"
        elif roll < 0.15:
            shown = f"serial ends {key[-7:]}"
        else:
            shown = f"ref {rng.randrange(10**6, 10**8)}"
        out.append((f"John Deere 6120M tractor {rng.randrange(2000, 2025)}", filler + shown + " " + filler, "[]"))
    return out


def make_photo_hashes(n: int, seed: int = 3) -> np.ndarray:
    """64-bit hashes with the skew of real pHashes: bits biased per position, and clusters of near copies."""
    rng = np.random.default_rng(seed)
    bias = rng.uniform(0.3, 0.7, 64)
    bits = rng.random((n, 64)) < bias
    hashes = np.packbits(bits, axis=1, bitorder="little").view(np.uint64).ravel().copy()
    copies = rng.integers(0, n, n // 20)  # 5% are near copies of another photo (same machine, two angles)
    flips = rng.integers(0, 64, (len(copies), 8)).astype(np.uint64)
    near = hashes[rng.integers(0, n, len(copies))].copy()
    for j in range(8):
        near ^= np.uint64(1) << flips[:, j]
    hashes[copies] = near
    return hashes
