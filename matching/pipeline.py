"""`farmwatch match`: match new and changed listings against the registry.

One run loads the registry into indexes once (identifier keys, photo hashes, stolen
items), then takes the listings in batches: each listing's evidence is gathered per
registered item as a list of `Evidence` (identifiers, photo hashes, description),
scored in one place (`matching.scoring`), and written as `matches` rows.

Adding an evidence source: produce `Evidence` objects for (listing, item) pairs inside
`match_batch`, at the marked "further evidence sources" step, with `pairs.add(n, item_id,
evidence)`. Stage two (local photo features, `matching/features.py`) belongs there: its
candidates for a listing are `ctx.stolen.stage_two_candidates(profile, exclude=...)` (stolen
items of the listing's category, not listed before the theft), and it should skip listing
photos already matched by hash (`pairs.hashed_photo_ids(n)`).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlite_utils import Database

from matching.candidates import listing_candidates
from matching.description import ListingProfile, description_evidence, profile_listing
from matching.evidence import Evidence
from matching.feature_index import refresh_feature_index
from matching.feature_stage import add_feature_evidence
from matching.identifier_evidence import identifier_evidence
from matching.identifier_index import IdentifierIndex
from matching.photo_evidence import (
    ListingPhoto,
    ListingPhotoIndex,
    RegisteredPhotos,
    grade_hit,
    load_listing_photos,
    photo_evidence,
)
from matching.registry_view import StolenItems, fetch_identifiers, fetch_items
from matching.scoring import score_evidence
from matching.store import WriteCounts, write_matches
from registry.db import connect

BATCH = 1000
MAX_WORKERS = 2
LISTING_COLUMNS = ("id", "title", "description", "structured_identifiers", "category", "make", "model", "year",
                   "colour", "posted_at", "first_seen_at", "latitude", "longitude", "seller")
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

    @classmethod
    def load(cls, db: Database) -> MatchContext:
        return cls(IdentifierIndex.load(db), RegisteredPhotos.load(db), StolenItems(db), ListingPhotoIndex(db))


@dataclass
class MatchReport:
    listings: int = 0
    matches_new: dict = field(default_factory=dict)  # by band
    matches_updated: dict = field(default_factory=dict)
    queues_new: dict = field(default_factory=dict)  # by queue
    queues_updated: dict = field(default_factory=dict)
    unchanged: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"listings": self.listings, "matches_new": self.matches_new, "matches_updated": self.matches_updated,
                "queues_new": self.queues_new, "queues_updated": self.queues_updated, "unchanged": self.unchanged,
                "seconds": round(self.seconds, 1)}


class PairEvidence:
    """Evidence gathered per (listing position, item id) within one batch."""

    def __init__(self):
        self.by_pair: dict[tuple[int, int], list[Evidence]] = defaultdict(list)

    def add(self, n: int, item_id: int, evidence: list[Evidence] | Evidence) -> None:
        self.by_pair[(n, item_id)].extend(evidence if isinstance(evidence, list) else [evidence])

    def items_of(self, n: int) -> set[int]:
        return {item for (m, item) in self.by_pair if m == n}

    def hashed_photo_ids(self, n: int) -> set[int]:
        """Listing photos of listing n already matched by hash (close or near-identical)."""
        return {e.extras["listing_photo_id"] for (m, _), evidence in self.by_pair.items() if m == n
                for e in evidence if e.kind == "photo" and e.weight >= 0.8}


def matched_now() -> str:
    """Now with microseconds: `matched_at < changed_at` then errs towards matching again.

    `changed_at` has whole seconds; a listing changed in the same second as it was matched
    compares as changed ("...:05.250Z" < "...:05Z"), so it is matched once more rather than missed.
    """
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def pending_listing_ids(db: Database, rematch_all: bool) -> list[str]:
    """Listings new or changed since matched, plus those whose matched item was since reported
    stolen or recovered (so the match moves queue and is scored again)."""
    if rematch_all:
        return [r[0] for r in db.execute("select id from listings order by rowid").fetchall()]
    return [r[0] for r in db.execute(
        """select id from listings where matched_at is null or matched_at < changed_at
           or id in (select m.listing_id from matches m
                     left join thefts t on t.item_id = m.item_id and t.current = 1
                     where (m.queue = 'owner_check' and t.id is not null)
                        or (m.queue = 'stolen' and (t.id is null or t.id is not m.theft_id)
                            and not exists (select 1 from reviews r where r.match_id = m.id
                                            and r.decision = 'owner_not_me')))
           order by rowid""").fetchall()]


_WORKER: dict = {}


def _worker_start(path: str) -> None:
    _WORKER["db"] = connect(path, migrate=False)


def _worker_batch(part: list[str]) -> tuple[list[str], str, list[dict]]:
    db = _WORKER["db"]
    read_at = matched_now()
    return part, read_at, match_batch(db, _WORKER["ctx"], fetch_listings(db, part))


def _database_path(db: Database) -> str | None:
    path = db.execute("PRAGMA database_list").fetchone()[2]
    return path or None


def match_listings(db: Database, *, rematch_all: bool = False,
                   progress: Callable[[int, int], None] | None = None, batch_size: int = BATCH,
                   workers: int | None = None) -> MatchReport:
    """Match every listing not matched since it last changed (all with rematch_all); see the module doc.

    With several batches and cores, worker processes forked after the indexes are built
    (so they share them) match batches in parallel; this process writes every result.
    """
    started = time.perf_counter()
    report = MatchReport()
    ids = pending_listing_ids(db, rematch_all)
    counts = WriteCounts()
    batches = [ids[s:s + batch_size] for s in range(0, len(ids), batch_size)]
    if workers is None:
        workers = min(MAX_WORKERS, os.cpu_count() or 1)
    if batches:
        ctx = MatchContext.load(db)
        refresh_feature_index(db)  # stage two: stolen items' photo features, once per run
        path = _database_path(db)
        parallel = (workers > 1 and len(batches) > 1 and path and "fork" in mp.get_all_start_methods()
                    and threading.active_count() == 1)  # forking a threaded process can deadlock
        if parallel:
            _WORKER["ctx"] = ctx
            with mp.get_context("fork").Pool(workers, initializer=_worker_start, initargs=(path,)) as pool:
                results = pool.imap(_worker_batch, batches)
                _write_all(db, results, counts, report, progress, len(ids))
            _WORKER.clear()
        else:
            results = ((part, matched_now(), match_batch(db, ctx, fetch_listings(db, part))) for part in batches)
            _write_all(db, results, counts, report, progress, len(ids))
    report.matches_new = _by(counts.new, 1)
    report.matches_updated = _by(counts.updated, 1)
    report.queues_new = _by(counts.new, 0)
    report.queues_updated = _by(counts.updated, 0)
    report.unchanged = counts.unchanged
    report.seconds = time.perf_counter() - started
    return report


def _write_all(db, results, counts, report, progress, total) -> None:
    for part, read_at, matches in results:
        with db.atomic():
            write_matches(db, matches, read_at, counts)
            db.conn.executemany("update listings set matched_at = ? where id = ?", [(read_at, i) for i in part])
        report.listings += len(part)
        if progress:
            progress(report.listings, total)


def _by(counter: Counter, position: int) -> dict:
    out: Counter = Counter()
    for key, value in counter.items():
        out[key[position]] += value
    return dict(out)


def fetch_listings(db: Database, ids: list[str]) -> list[dict]:
    rows = []
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        rows += db.execute(f"select {', '.join(LISTING_COLUMNS[:-1])}, "
                           "coalesce(seller_profile_url, seller_name, seller_phone, id) from listings where id in "
                           f"({','.join('?' * len(part))})", part).fetchall()
    return [dict(zip(LISTING_COLUMNS, r, strict=True)) for r in rows]


def match_batch(db: Database, ctx: MatchContext, listings: list[dict]) -> list[dict]:
    """Match rows (not yet written) for a batch of listings."""
    pairs = PairEvidence()
    profiles = [profile_listing(row) for row in listings]
    identified = add_identifier_evidence(db, ctx, listings, pairs)
    photos = add_photo_evidence(db, ctx, listings, pairs)
    for n, profile in enumerate(profiles):
        if n in identified:
            continue  # the listing names a registered item exactly: look-alikes by description are not it
        for item_id in ctx.stolen.description_candidates(profile):
            pairs.by_pair.setdefault((n, item_id), [])
    # Further evidence sources plug in here, adding Evidence with pairs.add(n, item_id, evidence).
    add_feature_evidence(db, ctx.stolen, listings, profiles, pairs, skip=identified)
    items = fetch_items(db, {item for _, item in pairs.by_pair}, ctx.item_cache)
    out = []
    for (n, item_id), evidence in pairs.by_pair.items():
        item = items.get(item_id)
        if item is None:
            continue
        theft = ctx.stolen.theft_of(item_id)
        evidence = list(evidence)
        if not any(e.kind == "photo" for e in evidence) and photos.get(n):
            evidence += similar_photo_evidence(ctx, photos[n], item_id)
        evidence += description_evidence(item, theft, profiles[n])
        scored = score_evidence(evidence, stolen=theft is not None)
        if scored is None:
            continue
        out.append({"item_id": item_id, "listing_id": listings[n]["id"], "theft_id": theft["id"] if theft else None,
                    "queue": "stolen" if theft else "owner_check", "score": scored.score, "band": scored.band,
                    "reasons": scored.reasons})
    return out


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


def stage_two_candidates(ctx: MatchContext, profile: ListingProfile, pairs: PairEvidence, n: int) -> list[int]:
    """Stolen items worth a local-feature photo comparison for listing n (not already matched)."""
    return ctx.stolen.stage_two_candidates(profile, exclude=pairs.items_of(n))
