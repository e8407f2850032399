"""One piece of evidence that a listing shows a registered item.

Every evidence source (identifiers, photo hashes, descriptions, and later local photo
features) produces `Evidence` objects for an (item, listing) pair; `matching.scoring`
turns the list into one score and band. A new source plugs in by producing these
objects: nothing else in the pipeline needs to know what kind of evidence it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Evidence kinds that on their own may reach `possible` at most.
DESCRIPTION_KINDS = frozenset({"description", "listed_after_theft", "distance"})


@dataclass
class Evidence:
    """`weight` > 0 supports the match (0..1, like a probability that it is the item);
    `weight` < 0 counts against it (-1..0, the share of the score it removes).

    `strong`: this evidence alone may make a stolen item's match `strong` (an exact
    identifier, a near-identical photo). `blocks_strong`: the match may not be `strong`
    whatever else agrees (for example, listed before the theft). `needs_support`: shown
    only when some other evidence agrees (a trailing part of a serial: at a million
    registered identifiers, most six-digit numbers end some serial). `decisive`: strong
    evidence that stays strong when the description disagrees (an exact identifier: a seller
    may misstate the year, not the serial; a near-identical copy of the owner's photo); other
    strong evidence then falls to likely. `casts_doubt`: a reason to doubt that is not
    counted against the score (a serial next to the stolen one: maybe the next machine made),
    but keeps strong evidence that is not decisive from making the match strong.
    `agrees`: what description evidence says agrees ("make", "model", "year", "category",
    "listed_after_theft"). `likely_with`: evidence worth `likely` when the description agrees
    on all of these and nothing counts against the match (a one-character slip away from the
    sequence digits with make, model and year agreeing; another view of the photographed
    machine with its make and category agreeing); see `matching.scoring`.
    `extras` are structured fields the workspace renders (identifier_id, photo_id, ...).
    """

    kind: str
    detail: str
    weight: float
    strong: bool = False
    blocks_strong: bool = False
    needs_support: bool = False
    decisive: bool = False
    casts_doubt: bool = False
    extras: dict = field(default_factory=dict)
    agrees: frozenset[str] = frozenset()
    likely_with: frozenset[str] = frozenset()

    def as_reason(self) -> dict:
        return {"kind": self.kind, "detail": self.detail, "weight": round(self.weight, 3), **self.extras}
