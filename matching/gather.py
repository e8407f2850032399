"""Gathering evidence for a batch of listings, per (listing, item) pair, from the registry indexes.

`MatchContext` is the registry as one match run sees it (built once, shared by worker
processes); `PairEvidence` collects `Evidence` per (listing position, item id); the
functions here add identifier and photo-hash evidence to it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlite_utils import Database

from matching.evidence import Evidence
from matching.identifiers.candidates import listing_candidates
from matching.identifiers.evidence import identifier_evidence
from matching.identifiers.index import IdentifierIndex
from matching.photos.evidence import (
    ListingPhoto,
    ListingPhotoIndex,
    RegisteredPhotos,
    grade_hit,
    load_listing_photos,
    photo_evidence,
)
from matching.registry_view import StolenItems, fetch_identifiers
from registry.items.sales import sales_by_item

_MATCH_RANK = {"exact": 3, "one_edit": 2, "partial": 1}
_GRADE_RANK = {"near_identical": 3, "close": 2, "similar": 1}


@dataclass
class MatchContext:
    """The registry as the matcher sees it during one run."""

    identifiers: IdentifierIndex
    photos: RegisteredPhotos
    stolen: StolenItems
    listing_photos: ListingPhotoIndex
    item_cache: dict[int, dict] = field(default_factory=dict)
    sales: dict[int, dict] = field(default_factory=dict)  # item id -> its latest sale (registry.sales)

    @classmethod
    def load(cls, db: Database) -> MatchContext:
        return cls(IdentifierIndex.load(db), RegisteredPhotos.load(db), StolenItems(db), ListingPhotoIndex(db),
                   sales=sales_by_item(db))


class PairEvidence:
    """Evidence gathered per (listing position, item id) within one batch."""

    def __init__(self):
        self.by_pair: dict[tuple[int, int], list[Evidence]] = defaultdict(list)
        self._items: dict[int, set[int]] = defaultdict(set)  # listing position -> items with evidence

    def add(self, n: int, item_id: int, evidence: list[Evidence] | Evidence) -> None:
        self.by_pair[(n, item_id)].extend(evidence if isinstance(evidence, list) else [evidence])
        self._items[n].add(item_id)

    def items_of(self, n: int) -> set[int]:
        return set(self._items.get(n, ()))

    def of_listing(self, n: int) -> dict[int, list[Evidence]]:
        """Item id -> evidence, for listing n."""
        return {item: self.by_pair[(n, item)] for item in self._items.get(n, ())}

    def stock_photo_ids(self) -> dict[int, set[int]]:
        """Per listing, its photos that the hashes showed to be stock or brochure pictures."""
        out: dict[int, set[int]] = defaultdict(set)
        for (m, _), evidence in self.by_pair.items():
            out[m].update(e.extras["listing_photo_id"] for e in evidence if e.kind == "photo" and e.extras.get("stock"))
        return out

    def hashed_photo_ids(self, n: int) -> set[int]:
        """Listing photos of listing n that the hashes settled: near-identical copies (already strong) and
        stock pictures (in many adverts: proof of nothing). A `close` copy (a watermark, a slight crop)
        is checked again by its features, whose geometry can make it strong."""
        return {e.extras["listing_photo_id"] for evidence in self.of_listing(n).values() for e in evidence
                if e.kind == "photo" and (e.extras.get("grade") == "near_identical" or e.extras.get("stock"))}


def add_identifier_evidence(db: Database, ctx: MatchContext, listings: list[dict], pairs: PairEvidence) -> set[int]:
    """Identifier evidence for the batch; returns the listings that name a registered item exactly."""
    cands = [listing_candidates(r["title"], r["description"], r["structured_identifiers"]) for r in listings]
    hits = ctx.identifiers.search(cands)
    idents = fetch_identifiers(db, [int(ctx.identifiers.identifier_ids[h.index]) for hs in hits for h in hs])
    identified = set()
    for n, listing_hits in enumerate(hits):
        best: dict[int, object] = {}  # identifier id -> best hit
        for hit in listing_hits:
            ident_id = int(ctx.identifiers.identifier_ids[hit.index])
            old = best.get(ident_id)
            rank = (_MATCH_RANK[hit.match], len(hit.candidate.tail), hit.candidate.source == "structured")
            if old is None or rank > old[0]:
                best[ident_id] = (rank, hit)
        for ident_id, (_, hit) in best.items():
            ident = idents.get(ident_id)
            if ident:
                evidence = identifier_evidence(hit.candidate, hit.match, hit.shared, ident)
                pairs.add(n, ident["item_id"], evidence)
                identified.update(n for e in evidence if e.strong)
    return identified


def add_photo_evidence(db: Database, ctx: MatchContext, listings: list[dict],
                       pairs: PairEvidence) -> dict[int, list[ListingPhoto]]:
    """Hash matches of the batch's photos; returns the listing photos by listing position."""
    stored = load_listing_photos(db, [r["id"] for r in listings])
    by_listing: dict[int, list[ListingPhoto]] = {}
    flat: list[ListingPhoto] = []
    for n, row in enumerate(listings):
        photos = [ListingPhoto(n, pid, pos, int(ph, 16), int(dh, 16), int(phm, 16), int(dhm, 16))
                  for pid, pos, ph, dh, phm, dhm in stored.get(row["id"], ())]
        if photos:
            by_listing[n] = photos
            flat += photos
    graded = [(hit, grade) for hit in ctx.photos.search(flat) if (grade := grade_hit(hit))]
    copies: dict[int, set[int]] = defaultdict(set)  # listing photo id -> items it copies closely
    for hit, grade in graded:
        if grade != "similar":
            copies[hit.photo.id].add(int(ctx.photos.item_ids[hit.index]))
    best: dict[tuple[int, int], tuple] = {}  # (listing photo id, item) -> best hit
    for hit, grade in graded:
        item_id = int(ctx.photos.item_ids[hit.index])
        rank = (_GRADE_RANK[grade], -hit.phash_distance - hit.dhash_distance)
        key = (hit.photo.id, item_id)
        if key not in best or rank > best[key][0]:
            best[key] = (rank, hit, grade)
    copying = [p for p in flat if p.id in copies]
    seller_keys = [listings[p.listing].get("seller") or listings[p.listing]["id"] for p in copying]
    elsewhere = dict(zip([p.id for p in copying], ctx.listing_photos.other_sellers(copying, seller_keys), strict=True))
    for (photo_id, item_id), (_, hit, grade) in best.items():
        if grade == "similar":
            continue  # supporting only: added later if other evidence points at the item
        pairs.add(hit.photo.listing, item_id, photo_evidence(
            hit, grade, int(ctx.photos.positions[hit.index]), int(ctx.photos.photo_ids[hit.index]),
            stock_items=len(copies[photo_id]), other_listings=elsewhere.get(photo_id, 0)))
    return by_listing


def similar_photo_evidence(ctx: MatchContext, photos: list[ListingPhoto], item_id: int) -> list[Evidence]:
    """The best direct photo comparison with an item other evidence found, if it grades at all."""
    graded = [(hit, grade) for hit in ctx.photos.compare_item(photos, item_id) if (grade := grade_hit(hit))]
    if not graded:
        return []
    hit, grade = max(graded, key=lambda hg: (_GRADE_RANK[hg[1]], -hg[0].phash_distance - hg[0].dhash_distance))
    return [photo_evidence(hit, grade, int(ctx.photos.positions[hit.index]), int(ctx.photos.photo_ids[hit.index]))]
