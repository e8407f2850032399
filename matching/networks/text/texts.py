"""Near-identical advert text beyond a marketplace's boilerplate, by MinHash (the `datasketch` package).

An operation posting through several handles reuses its own wording; a marketplace, a dealer and
everyone else reuse template phrases ("Viewing welcome. All items sold as seen. No time wasters.").
So we cut each advert into phrases (sentences, clauses between commas, lines) and drop every phrase that appears in the
adverts of `BOILERPLATE_SELLERS` or more different sellers: measured document frequency, whatever
the phrase says. What is left is shingled into overlapping runs of `SHINGLE_WORDS` words; an advert
with fewer than `MIN_SHINGLES` of them says too little of its own to link anyone. Signatures are
datasketch MinHashes; candidates come from banding them (locality-sensitive hashing) when the
estimated Jaccard similarity of their shingle sets is at least `MIN_SIMILARITY`. A candidate is then
verified on the shingles themselves (`overlap`): the share of the shorter advert's own shingles found
in the other (containment, so a sentence dropped or moved costs little and one re-worded costs only
its own shingles) and how many they share.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

import numpy as np
from datasketch import LeanMinHash, MinHash
from datasketch.hashfunc import sha1_hash32

BOILERPLATE_SELLERS = 10
SHINGLE_WORDS = 2
MIN_SHINGLES = 10
MIN_SIMILARITY = 0.3
PAIRS_PER_SELLERS = 4  # candidate listing pairs verified per pair of sellers, best estimates first
NUM_PERM = 64
BANDS, ROWS = 21, 3  # 63 of the 64 values banded
MAX_BUCKET = 200
_PHRASES = re.compile(r"[.!?;,:•|()]+(?:\s|$)|[\n\r]+")
_WORDS = re.compile(r"[a-z0-9£]+")
SCHEME = "affine32"
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=15, scheme=SCHEME).permutations


def phrases(text: str | None) -> list[str]:
    """A text's phrases (sentences, clauses, lines) as lower-case words joined by single spaces."""
    if not text:
        return []
    return [phrase for part in _PHRASES.split(text.lower()) if (phrase := _phrase_of(part))]


@lru_cache(maxsize=1 << 17)
def _phrase_of(part: str) -> str:
    """One part of an advert as its words joined by single spaces ('' when it has none). Cached: adverts
    share their template phrases."""
    return " ".join(_WORDS.findall(part))


@lru_cache(maxsize=1 << 16)
def phrase_key(phrase: str) -> bytes:
    """A short, stable digest of a phrase, for counting in how many sellers' adverts it appears (8 bytes,
    BLAKE2b). Cached: a night's adverts repeat the same phrases (a night of 10,000 held 33,000 distinct
    phrases in 241,000)."""
    return hashlib.blake2b(phrase.encode(), digest_size=8).digest()


Cut = tuple[list[str], list[bytes]]  # an advert's phrases (`phrases`) and their `phrase_key`s


def advert_text(title: str | None, description: str | None) -> str:
    """A listing's advert as its text is read: its title, a line break, its description."""
    return f"{title or ''}\n{description or ''}"


def cut(text: str | None) -> Cut:
    """A text's phrases and their keys."""
    parts = phrases(text)
    return parts, [phrase_key(p) for p in parts]


def own_shingles(text: str | None, phrase_sellers: dict[bytes, int]) -> set[bytes]:
    """The advert's word shingles once every boilerplate phrase is dropped."""
    return own_shingles_of(*cut(text), phrase_sellers)


def own_shingles_of(parts: list[str], keys: list[bytes], phrase_sellers: dict[bytes, int]) -> set[bytes]:
    """`own_shingles` of an advert already cut into its phrases (`phrases`) with their `phrase_key`s."""
    kept: list[str] = []
    for phrase, key in zip(parts, keys, strict=True):
        if phrase_sellers.get(key, 0) < BOILERPLATE_SELLERS:
            kept.extend(phrase.split())
            kept.append("|")  # no shingle spans two phrases
    shingles = set()
    for i in range(len(kept) - SHINGLE_WORDS + 1):
        gram = kept[i:i + SHINGLE_WORDS]
        if "|" not in gram:
            shingles.add(" ".join(gram).encode())
    return shingles


def signature(shingles: set[bytes]) -> LeanMinHash | None:
    """The MinHash of a shingle set, or None when the set is too small to say anything."""
    if len(shingles) < MIN_SHINGLES:
        return None
    m = MinHash(num_perm=NUM_PERM, seed=15, permutations=_PERMUTATIONS, scheme=SCHEME)
    m.update_batch(list(shingles))
    return LeanMinHash(m)


# MurmurHash3's 32-bit finalizer, as datasketch's "affine32" scheme pre-mixes each input hash (datasketch 2.0,
# `minhash._fmix`): shifts and multipliers.
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))
_SHINGLE_HASHES: dict[bytes, int] = {}  # sha1_hash32 of each shingle seen, emptied past SHINGLE_HASH_CACHE
SHINGLE_HASH_CACHE = 1 << 20  # about 150 bytes an entry; the full-size night held 266,000 distinct shingles
SIGNATURE_BLOCK = 100_000  # shingles permuted at a time (25 MB of uint32)


def _shingle_hashes(shingles: list[bytes]) -> np.ndarray:
    """sha1_hash32 of each shingle (uint32), from the cache where it was computed before."""
    if len(_SHINGLE_HASHES) > SHINGLE_HASH_CACHE:
        _SHINGLE_HASHES.clear()
    values = list(map(_SHINGLE_HASHES.get, shingles))
    for n, value in enumerate(values):
        if value is None:
            values[n] = _SHINGLE_HASHES[shingles[n]] = sha1_hash32(shingles[n])
    return np.array(values, dtype=np.uint32)


def signature_blobs(shingle_sets: list[set[bytes]]) -> list[bytes | None]:
    """`to_blob(signature(s))` of each shingle set (None where `signature` gives None), computed for all
    the sets at once in numpy: the same values as datasketch's MinHash, seed 15, NUM_PERM permutations,
    scheme affine32 (SHA-1's first 4 bytes of each shingle, little-endian; MurmurHash3's finalizer; then
    `a * h + b` wrapping at 32 bits, the minimum per permutation), without a MinHash object per advert.
    A shingle's hash is cached: adverts share word pairs."""
    out: list[bytes | None] = [None] * len(shingle_sets)
    which = [i for i, s in enumerate(shingle_sets) if len(s) >= MIN_SHINGLES]
    a, b = (p[:, None] for p in _PERMUTATIONS)
    s1, m1, s2, m2, s3 = _FMIX32
    start = 0
    while start < len(which):
        block, total = [], 0
        while start < len(which) and (not block or total + len(shingle_sets[which[start]]) <= SIGNATURE_BLOCK):
            block.append(which[start])
            total += len(shingle_sets[which[start]])
            start += 1
        hashes = _shingle_hashes([g for i in block for g in shingle_sets[i]])
        hashes ^= hashes >> s1
        hashes *= m1
        hashes ^= hashes >> s2
        hashes *= m2
        hashes ^= hashes >> s3
        permuted = a * hashes[None, :] + b  # (NUM_PERM, shingles); uint32 wraps: the scheme's modulo 2^32
        starts = np.cumsum([0] + [len(shingle_sets[i]) for i in block[:-1]])
        minima = np.ascontiguousarray(np.minimum.reduceat(permuted, starts, axis=1).T).astype("<u4")
        for row, i in enumerate(block):
            out[i] = minima[row].tobytes()
    return out


def to_blob(sig: LeanMinHash) -> bytes:
    """A signature as stored: its hash values, little-endian uint32."""
    return sig.hashvalues.astype("<u4").tobytes()


def from_blob(blob: bytes) -> LeanMinHash:
    """A stored signature back as a datasketch LeanMinHash."""
    values = np.frombuffer(blob, dtype="<u4").astype(np.uint64)
    return LeanMinHash(seed=15, hashvalues=values, scheme=SCHEME)


def overlap(a: set[bytes], b: set[bytes]) -> tuple[float, int]:
    """(containment, shared): the share of the smaller shingle set found in the other, and how many
    shingles the two share."""
    if not a or not b:
        return 0.0, 0
    shared = len(a & b)
    return shared / min(len(a), len(b)), shared


def _may_share_with_query(block: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Ascending row numbers of a band (`block`: one row of ROWS uint32 per signature) whose value may
    equal a query row's: all that do, and the few whose 64-bit digest of the value merely collides with a
    query's. A bucket holding a query is thus whole in them, and sorting only them yields its members
    in the order a sort of every row would (a stable sort keeps row order within a bucket)."""
    digest = np.zeros(len(block), dtype=np.uint64)
    for column in block.T.astype(np.uint64):  # multiply-xor, wrapping at 64 bits
        digest = (digest * np.uint64(0x9E3779B97F4A7C15)) ^ column
    return np.flatnonzero(np.isin(digest, digest[queries]))


def similar_pairs(ids: list[str], owners: np.ndarray, matrix: np.ndarray,
                  queries: np.ndarray) -> list[tuple[str, str, float]]:
    """(listing, other listing, estimated Jaccard) for up to PAIRS_PER_SELLERS candidate pairs of each
    two sellers (best estimates first), among pairs with at least one listing in `queries` (a boolean
    mask). `matrix` holds one MinHash signature per row (NUM_PERM values), `owners` each row's seller.

    Locality-sensitive hashing by banding: BANDS bands of ROWS values; two signatures that agree on a
    whole band are candidates (at Jaccard 0.5 a pair is a candidate with probability 0.94, at 0.2 with
    0.15); a band value shared by more than MAX_BUCKET signatures is a template, not a candidate list.
    Candidates are taken band by band, bucket by bucket, each pair once (its first band), and estimated
    in numpy: the order, and so the pairs kept per two sellers, is that of a walk over every bucket."""
    if not len(ids) or not queries.any():
        return []
    owners = np.asarray(owners)
    firsts, seconds = [], []
    for band in range(BANDS):
        block = np.ascontiguousarray(matrix[:, band * ROWS:(band + 1) * ROWS])
        rows = _may_share_with_query(block, queries)  # ascending; every member of a bucket holding a query
        part = np.ascontiguousarray(block[rows])
        keys = part.view(np.dtype((np.void, part.dtype.itemsize * ROWS))).ravel()
        local = np.argsort(keys, kind="stable")
        order = rows[local]
        sorted_keys = keys[local]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        sizes = np.diff(np.r_[starts, len(order)])
        # buckets holding a query, found for all buckets at once (numpy) rather than one by one
        holds_query = np.logical_or.reduceat(queries[order], starts)
        kept = (sizes > 1) & (sizes <= MAX_BUCKET) & holds_query
        first, second = _bucket_pairs(order, starts[kept], sizes[kept])
        wanted = (owners[first] != owners[second]) & (queries[first] | queries[second])
        firsts.append(first[wanted])
        seconds.append(second[wanted])
    first, second = np.concatenate(firsts), np.concatenate(seconds)
    _, at = np.unique(first * len(ids) + second, return_index=True)  # each pair once, at its first band
    at.sort()
    first, second = first[at], second[at]
    similarity = np.empty(len(first))
    for start in range(0, len(first), 100_000):  # about 50 MB of signatures at a time
        a, b = first[start:start + 100_000], second[start:start + 100_000]
        similarity[start:start + 100_000] = (matrix[a] == matrix[b]).sum(axis=1) / matrix.shape[1]
    close = similarity >= MIN_SIMILARITY
    best: dict[tuple[int, int], list[tuple[str, str, float]]] = {}
    for i, j, estimate in zip(first[close].tolist(), second[close].tolist(), similarity[close].tolist(), strict=True):
        pair = (min(owners[i], owners[j]), max(owners[i], owners[j]))
        best.setdefault(pair, []).append((ids[i], ids[j], estimate))
    return [p for found in best.values() for p in sorted(found, key=lambda t: -t[2])[:PAIRS_PER_SELLERS]]


def _bucket_pairs(order: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (i, j), i < j, of rows sharing a bucket (`order[start:start + size]`, ascending rows), as two
    int64 arrays in the order of a walk bucket by bucket, i then j ascending."""
    if not len(starts):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    firsts, seconds, ranks = [], [], []
    for size in np.unique(sizes).tolist():
        which = np.flatnonzero(sizes == size)  # buckets of this size, by their place in the walk
        a, b = np.triu_indices(size, 1)
        base = starts[which][:, None]
        firsts.append(order[base + a].ravel())
        seconds.append(order[base + b].ravel())
        ranks.append((which[:, None] * MAX_BUCKET * MAX_BUCKET + a * size + b).ravel())
    walk = np.argsort(np.concatenate(ranks), kind="stable")
    return np.concatenate(firsts)[walk].astype(np.int64), np.concatenate(seconds)[walk].astype(np.int64)
