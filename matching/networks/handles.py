"""How much the same handle on two marketplaces says: its weight from how distinctive it is.

Two strangers pick `farmparts` or `tractorman` all the time; nobody else picks `bramblecroft_kit42`.
A handle's weight is set by two measures:

1. **Make-up**: how unlikely the handle is to be chosen by chance, in bits. Its letter runs are split
   into words by `wordsegment` (English word segmentation with the unigram counts of Google's Web 1T
   corpus, shipped in the package) and each word costs -log2 of its frequency (an unknown word costs
   what wordsegment's model gives it, about 3.3 bits a letter); each digit costs log2(10) bits, except
   a year (`1987`, `2024`) which costs 6.6 bits in all. `farmparts` = farm + parts, about 28 bits;
   `bramblecroftkit42` about 64.
2. **Crowd**: how many other crawled sellers use the handle or something close: the same handle
   twice on one marketplace (so two different people) or a close one (the same letters with other
   digits, `farmparts1`; or rapidfuzz `ratio` >= `CLOSE_RATIO`). Each such seller halves the weight.

weight = clip(0.2 + 0.7 * (bits - 30) / 14, 0.2, 0.9) * 0.5 ** crowd: under 30 bits a handle is weak
evidence that needs others beside it; from 42 bits on, with no crowd, it joins two accounts alone
(the bar of `matching.networks.graph.STRONG`).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from functools import lru_cache

from rapidfuzz import fuzz

BITS_WEAK, BITS_STRONG = 30.0, 44.0
WEIGHT_MIN, WEIGHT_MAX = 0.2, 0.9
CLOSE_RATIO = 90  # rapidfuzz ratio (0-100) at which another handle counts as close
DIGIT_BITS = math.log2(10)
_RUNS = re.compile(r"[a-z]+|\d+")
_YEAR = re.compile(r"^(?:19|20)\d\d$")


@lru_cache(maxsize=1)
def _segmenter():
    from wordsegment import Segmenter

    seg = Segmenter()
    seg.load()
    return seg


@lru_cache(maxsize=100_000)
def handle_bits(key: str) -> float:
    """Bits of surprise of a handle's letters and digits (`key`: lower case letters and digits)."""
    seg = _segmenter()
    bits = 0.0
    for run in _RUNS.findall(key):
        if run.isdigit():
            bits += 2 * DIGIT_BITS if _YEAR.match(run) else DIGIT_BITS * len(run)
            continue
        for word in seg.segment(run):
            bits += -math.log2(seg.score(word))
    return round(bits, 1)


def handle_weight(bits: float, crowd: int) -> float:
    """The weight of the same handle on two marketplaces (see the module docstring)."""
    base = WEIGHT_MIN + (WEIGHT_MAX - WEIGHT_MIN) * (bits - BITS_WEAK) / (BITS_STRONG - BITS_WEAK)
    return round(min(WEIGHT_MAX, max(WEIGHT_MIN, base)) * 0.5 ** crowd, 3)


def _stem(key: str) -> str:
    return re.sub(r"\d+", "", key)


class HandleCrowd:
    """Every crawled handle with its sellers, to count for one handle the others close to it.

    `holders`: handle key -> [(seller id, source)]."""

    def __init__(self, holders: dict[str, list[tuple[int, str]]]):
        self.holders = holders
        self.by_block: dict[str, list[str]] = defaultdict(list)
        self.by_stem: dict[str, list[str]] = defaultdict(list)
        for key in holders:
            self.by_block[key[:3]].append(key)
            self.by_stem[_stem(key)].append(key)

    def crowd(self, key: str, linked: set[int]) -> tuple[int, list[str]]:
        """Sellers other than `linked` using this handle on a marketplace where a linked seller uses
        it too, or using a close handle; with up to five of the close handles, for the evidence."""
        own_sources: dict[str, int] = defaultdict(int)
        for _, source in self.holders.get(key, []):
            own_sources[source] += 1
        crowd = sum(n - 1 for n in own_sources.values())
        close = set(self.by_stem.get(_stem(key), [])) if len(_stem(key)) >= 4 else set()
        close |= {other for other in self.by_block.get(key[:3], []) if fuzz.ratio(key, other) >= CLOSE_RATIO}
        close.discard(key)
        others = {sid for other in close for sid, _ in self.holders[other]} - linked
        return crowd + len(others), sorted(close)[:5]
