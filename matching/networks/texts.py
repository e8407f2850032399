"""Near-identical advert text beyond a marketplace's boilerplate, by MinHash (the `datasketch` package).

An operation posting through several handles reuses its own wording; a marketplace, a dealer and
everyone else reuse template phrases ("Viewing welcome. All items sold as seen. No time wasters.").
So we cut each advert into phrases (sentences, clauses between commas, lines) and drop every phrase that appears in the
adverts of `BOILERPLATE_SELLERS` or more different sellers: measured document frequency, whatever
the phrase says. What is left is shingled into overlapping runs of `SHINGLE_WORDS` words; an advert
with fewer than `MIN_SHINGLES` of them says too little of its own to link anyone. Candidates come
from MinHash locality-sensitive hashing and are kept when the estimated Jaccard similarity of their
shingle sets is at least `MIN_SIMILARITY`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

BOILERPLATE_SELLERS = 10
SHINGLE_WORDS = 3
MIN_SHINGLES = 10
MIN_SIMILARITY = 0.5
NUM_PERM = 64
LSH_THRESHOLD = 0.4
_PHRASES = re.compile(r"[.!?;,:•|()]+(?:\s|$)|[\n\r]+")
_WORDS = re.compile(r"[a-z0-9£]+")
SCHEME = "affine32"
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=15, scheme=SCHEME).permutations


def phrases(text: str | None) -> list[str]:
    """A text's phrases (sentences, clauses, lines) as lower-case words joined by single spaces."""
    if not text:
        return []
    out = []
    for part in _PHRASES.split(text.lower()):
        words = _WORDS.findall(part)
        if words:
            out.append(" ".join(words))
    return out


def phrase_key(phrase: str) -> bytes:
    """A short, stable digest of a phrase, for counting in how many sellers' adverts it appears."""
    return hashlib.blake2b(phrase.encode(), digest_size=8).digest()


def count_phrase_sellers(rows: Iterable[tuple[int, str | None]]) -> dict[bytes, int]:
    """For (seller id, advert text) rows, in how many different sellers' adverts each phrase appears."""
    sellers: dict[bytes, set[int] | int] = {}
    for seller_id, text in rows:
        for phrase in set(phrases(text)):
            key = phrase_key(phrase)
            seen = sellers.get(key)
            if seen is None:
                sellers[key] = {seller_id}
            elif isinstance(seen, set):
                seen.add(seller_id)
                if len(seen) >= BOILERPLATE_SELLERS:
                    sellers[key] = BOILERPLATE_SELLERS
    return {k: (v if isinstance(v, int) else len(v)) for k, v in sellers.items()}


def own_shingles(text: str | None, phrase_sellers: dict[bytes, int]) -> set[bytes]:
    """The advert's word shingles once every boilerplate phrase is dropped."""
    kept: list[str] = []
    for phrase in phrases(text):
        if phrase_sellers.get(phrase_key(phrase), 0) < BOILERPLATE_SELLERS:
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


def to_blob(sig: LeanMinHash) -> bytes:
    """A signature as stored: its hash values, little-endian uint32."""
    return sig.hashvalues.astype("<u4").tobytes()


def from_blob(blob: bytes) -> LeanMinHash:
    """A stored signature back as a datasketch LeanMinHash."""
    values = np.frombuffer(blob, dtype="<u4").astype(np.uint64)
    return LeanMinHash(seed=15, hashvalues=values, scheme=SCHEME)


def similar_pairs(signatures: dict[str, LeanMinHash], owners: dict[str, int],
                  queries: Iterable[str]) -> list[tuple[str, str, float]]:
    """(query listing, other listing, estimated Jaccard) for listings of different sellers whose
    texts are near-identical; `signatures` by listing id, `owners` gives each listing's seller."""
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    with lsh.insertion_session() as session:
        for listing_id, sig in signatures.items():
            session.insert(listing_id, sig, check_duplication=False)
    best: dict[tuple[int, int], tuple[str, str, float]] = {}
    seen: set[tuple[str, str]] = set()
    for q in queries:
        sig = signatures.get(q)
        if sig is None:
            continue
        for other in lsh.query(sig):
            if owners[other] == owners[q]:
                continue
            pair = (min(q, other), max(q, other))
            if pair in seen:
                continue
            seen.add(pair)
            similarity = sig.jaccard(signatures[other])
            sellers = (min(owners[q], owners[other]), max(owners[q], owners[other]))
            if similarity >= MIN_SIMILARITY and similarity > best.get(sellers, ("", "", 0.0))[2]:
                best[sellers] = (q, other, similarity)
    return list(best.values())

