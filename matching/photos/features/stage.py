"""Stage two inside a match run: local-feature evidence for a batch of listings.

Only listings that could show a stolen item reach it: the candidates are stolen items
of the listing's category that it was not listed before the theft of
(`StolenItems.stage_two_candidates`), plus stolen items stage one found without strict
evidence; items stage one matched strictly are left out, and so are listing photos it already
judged by hash (copies, and stock pictures seen in many sellers' adverts). The best verified photo per item becomes one
`photo_features` piece of evidence; another view of the scene asks the description to agree on the item's
category and make (when it has one) before the match is `likely`.
"""

from __future__ import annotations

from sqlite_utils import Database

from matching.photos.features.match import feature_evidence, find_feature_matches


def listings_with_photos(db: Database, listing_ids: list[str]) -> set[str]:
    """Listings with at least one stored photo: the others need no candidates worked out."""
    found: set[str] = set()
    for start in range(0, len(listing_ids), 500):
        part = listing_ids[start:start + 500]
        found.update(r[0] for r in db.execute(
            f"select distinct listing_id from listing_photos where path is not null and error is null "
            f"and listing_id in ({','.join('?' * len(part))})", part).fetchall())
    return found


def add_feature_evidence(db: Database, stolen, listings: list[dict], profiles: list, pairs,
                         skip: set[int] = frozenset()) -> int:
    """Add photo_features evidence to `pairs` (the pipeline's PairEvidence); returns listings searched.

    `skip`: listings (batch positions) that name a registered item exactly; not searched.
    """
    searched = 0
    with_photos = listings_with_photos(db, [row["id"] for row in listings])
    for n, (row, profile) in enumerate(zip(listings, profiles, strict=True)):
        if n in skip or row["id"] not in with_photos:
            continue
        found = pairs.of_listing(n)
        strict = {item for item, evidence in found.items() if any(e.strong for e in evidence)}
        candidates = set(stolen.stage_two_candidates(profile, exclude=strict))
        # items stage one found less than strictly (make and model named, a close photo, a fuzzy
        # serial) are checked too: a listing without a category word still names its machine
        candidates |= {item for item in found if item not in strict and stolen.theft_of(item)}
        if not candidates:
            continue
        searched += 1
        best = {}
        # photos stage one already judged by hash (a copy, or a stock picture in many adverts) are not re-judged
        categories = stolen.stage_two_categories(profile) | {stolen.category_of(item) for item in found}
        for match in find_feature_matches(db, row["id"], exclude_listing_photo_ids=pairs.hashed_photo_ids(n),
                                          candidate_item_ids=candidates, candidate_categories=categories - {None}):
            item = stolen.items.get(match.item_id) or {}
            evidence = feature_evidence(match, frozenset({"category", "make"} if item.get("make") else {"category"}))
            if evidence and (match.item_id not in best or evidence.weight > best[match.item_id].weight):
                best[match.item_id] = evidence
        for item_id, evidence in best.items():
            pairs.add(n, item_id, evidence)
    return searched
