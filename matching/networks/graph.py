"""Networks of sellers from their links, with networkx.

Two sellers' links of different kinds add up as independent evidence: 1 - (1 - w1)(1 - w2)...
A pair whose evidence reaches `STRONG` (a shared phone, e-mail, profile or identifier; a reused
photo; near-identical own text; a distinctive handle; or two weaker kinds together) is joined
outright: these pairs' connected components are the cores of networks. Weak evidence (a common
handle, text only alike) never joins alone: two groups are joined only when the weak evidence
between them, added up over all their seller pairs, reaches `STRONG` too (agreement). A seller with
`DEALER_LISTINGS` or more listings is joined by strong evidence only: dealers share template wording
and brochure pictures with each other and with private sellers. So one reused phrase or one common
handle never glues two operations, or an operation and a dealer, together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from networkx.utils import UnionFind

STRONG = 0.8
DEALER_LISTINGS = 10  # a seller this busy (a dealer's size) is joined by strong evidence only
MAX_PASSES = 10


def combine(weights: Iterable[float]) -> float:
    """Independent pieces of evidence combined: 1 - product of (1 - weight)."""
    missing = 1.0
    for w in weights:
        missing *= 1.0 - w
    return 1.0 - missing


def pair_evidence(links: Iterable) -> dict[tuple[int, int], float]:
    """Per seller pair, its links combined (the strongest link of each kind counts once)."""
    best: dict[tuple[int, int], dict[str, float]] = defaultdict(dict)
    for link in links:
        kinds = best[(link.seller_a, link.seller_b)]
        kinds[link.kind] = max(kinds.get(link.kind, 0.0), link.weight)
    return {pair: combine(kinds.values()) for pair, kinds in best.items()}


def group_sellers(seller_ids: Iterable[int], links: Iterable,
                  listings: dict[int, int] | None = None) -> list[set[int]]:
    """Sellers grouped into networks (every seller in exactly one; a seller with no link is alone).
    `listings` gives sellers' listing counts (those not given count as one)."""
    evidence = pair_evidence(links)
    listings = listings or {}
    groups = UnionFind()  # only linked sellers enter it: a seller with no link is a network of one, added last
    for (a, b), w in evidence.items():
        if w >= STRONG:
            groups.union(a, b)
    weak = {(a, b): w for (a, b), w in evidence.items()
            if w < STRONG and listings.get(a, 1) < DEALER_LISTINGS and listings.get(b, 1) < DEALER_LISTINGS}
    for _ in range(MAX_PASSES):
        between: dict[tuple, list[float]] = defaultdict(list)
        for (a, b), w in weak.items():
            ra, rb = groups[a], groups[b]
            if ra != rb:
                between[(ra, rb) if ra < rb else (rb, ra)].append(w)
        if not between:
            break
        merged = False
        for (ra, rb), weights in sorted(between.items(), key=lambda kv: -combine(kv[1])):
            ra, rb = groups[ra], groups[rb]
            if ra == rb:
                continue
            evidence = combine(weights)
            if evidence >= STRONG:
                groups.union(ra, rb)
                merged = True
        if not merged:
            break
    linked = [set(g) for g in groups.to_sets()]
    seen = set(groups.parents)
    return linked + [{sid} for sid in dict.fromkeys(seller_ids) if sid not in seen]
