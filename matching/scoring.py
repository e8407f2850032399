"""Turn the evidence for one (item, listing) pair into a score 0..1 and a band.

Positive evidence combines like independent chances (1 - product of (1 - weight)),
so two moderate pieces make a likely match and none can push past 1; counter-evidence
then removes its share. The band rules are explicit, not only thresholds:

- `strong` needs a piece of evidence marked `strong` (an exact identifier or a
  near-identical photo) of an item with a current theft, and nothing that blocks it
  (listed before the theft, a check digit). Any other disagreement (another year or
  category stated, a serial next to the stolen one) leaves it `likely`, for an officer to
  weigh, unless the strong evidence is decisive (an exact identifier, a near-identical copy
  of the owner's photo).
  Fuzzy identifier hits are never marked `strong`, so they never make one on their own.
- evidence from the description alone (make, model, year, colour, dates, distance)
  reaches `possible` at most.
- evidence marked `likely_with` (a one-character slip away from the sequence digits;
  another view of the photographed machine) makes a stolen item's match `likely` when
  the description agrees on everything it names and nothing counts against the match.
- owner checks (no current theft) are never `strong`.
- evidence marked `needs_support` (a trailing part of a serial) is shown only beside
  other agreement (a photo, the category, make or model).
"""

from __future__ import annotations

from dataclasses import dataclass

from matching.evidence import DESCRIPTION_KINDS, Evidence

LIKELY_SCORE = 0.6
POSSIBLE_SCORE = 0.3
STRONG_FLOOR = 0.9
DESCRIPTION_ONLY_CAP = 0.55
NOT_STRONG_CAP = 0.89


@dataclass(frozen=True)
class Scored:
    score: float
    band: str
    reasons: list[dict]


def combine_weights(evidence: list[Evidence]) -> float:
    """The combined score before band rules: noisy-OR of support, scaled down by counter-evidence."""
    miss = 1.0
    for item in evidence:
        if item.weight > 0:
            miss *= 1.0 - min(item.weight, 0.995)
    score = 1.0 - miss
    for item in evidence:
        if item.weight < 0:
            score *= 1.0 + max(item.weight, -1.0)
    return max(0.0, min(1.0, score))


def order_reasons(evidence: list[Evidence]) -> list[dict]:
    """Reasons for the workspace, strongest support first, counter-evidence last."""
    ranked = sorted(evidence, key=lambda e: (e.weight < 0, -abs(e.weight) if e.weight >= 0 else e.weight))
    return [e.as_reason() for e in ranked]


def likely_by_agreement(evidence: list[Evidence]) -> bool:
    """True when some evidence asks for agreement (`likely_with`) that the description gives in full,
    and no evidence counts against the match."""
    if any(e.weight < 0 for e in evidence):
        return False
    agreed = frozenset().union(*(e.agrees for e in evidence if e.weight > 0))
    return any(e.likely_with and e.likely_with <= agreed for e in evidence if e.weight > 0)


def score_evidence(evidence: list[Evidence], *, stolen: bool) -> Scored | None:
    """Score and band for one pair, or None when the evidence is too weak to show anyone."""
    support = [e for e in evidence if e.weight > 0]
    if not support:
        return None
    if all(e.needs_support or e.kind in ("listed_after_theft", "distance") for e in support):
        return None
    score = combine_weights(evidence)
    description_only = all(e.kind in DESCRIPTION_KINDS for e in support)
    disagreement = any(e.weight < 0 or e.casts_doubt for e in evidence)
    can_be_strong = (stolen and not description_only and not any(e.blocks_strong for e in evidence)
                     and any(e.strong and (e.decisive or not disagreement) for e in support))
    if can_be_strong and score >= 0.5:
        band, score = "strong", max(score, STRONG_FLOOR)
    elif stolen and likely_by_agreement(evidence):
        band, score = "likely", min(max(score, LIKELY_SCORE), NOT_STRONG_CAP)
    else:
        score = min(score, DESCRIPTION_ONLY_CAP if description_only else NOT_STRONG_CAP)
        if score >= LIKELY_SCORE and not description_only:
            band = "likely"
        elif score >= POSSIBLE_SCORE:
            band = "possible"
        else:
            return None
    return Scored(round(score, 4), band, order_reasons(evidence))
