"""`farmwatch match`: match new and changed listings against the registry.

One run loads the registry into indexes once (identifier keys, photo hashes, stolen
items), then takes the listings in batches: each listing's evidence is gathered per
registered item as a list of `Evidence` (identifiers, photo hashes, description),
scored in one place (`matching.scoring`), and written as `matches` rows.

Adding an evidence source: produce `Evidence` objects for (listing, item) pairs inside
`match_batch`, at the marked "further evidence sources" step, with `pairs.add(n, item_id,
evidence)`; `matching.gather` holds the registry indexes and the first sources. Stage two
(local photo features, `matching.photos.features.stage`) runs there for listings that could show
a stolen item: `ctx.stolen.stage_two_candidates(profile, exclude=...)` gives stolen items of
the listing's category that it was not listed before the theft of, and listing photos
already matched by hash (`pairs.hashed_photo_ids(n)`) are skipped.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import multiprocessing as mp
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlite_utils import Database

from matching.description import description_evidence, profile_listing
from matching.gather import (
    MatchContext,
    PairEvidence,
    add_identifier_evidence,
    add_photo_evidence,
    similar_photo_evidence,
)
from matching.photos.evidence import discount_stock_photos
from matching.photos.features.index import refresh_feature_index, release_feature_indexes
from matching.photos.features.stage import add_feature_evidence
from matching.registry_view import fetch_items
from matching.scoring import score_evidence
from matching.store import WriteCounts, write_matches
from registry.db import connect
from registry.items.sales import sale_covers_listing
from registry.places.locating import locate_pending

BATCH = 1000
MAX_WORKERS = 2
LISTING_COLUMNS = ("id", "title", "description", "structured_identifiers", "category", "make", "model", "year",
                   "colour", "posted_at", "first_seen_at", "latitude", "longitude", "version_id", "seller")


@dataclass
class MatchReport:
    listings: int = 0
    matches_new: dict = field(default_factory=dict)  # by band
    matches_updated: dict = field(default_factory=dict)
    queues_new: dict = field(default_factory=dict)  # by queue
    queues_updated: dict = field(default_factory=dict)
    unchanged: int = 0
    edited: int = 0  # matches flagged: an edit removed evidence they rested on
    placed: dict = field(default_factory=dict)  # listings and thefts placed before matching
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"listings": self.listings, "matches_new": self.matches_new, "matches_updated": self.matches_updated,
                "queues_new": self.queues_new, "queues_updated": self.queues_updated, "unchanged": self.unchanged,
                "edited": self.edited,
                "placed": self.placed, "seconds": round(self.seconds, 1)}


def matched_now() -> str:
    """Now with microseconds: `matched_at < changed_at` then errs towards matching again.

    `changed_at` has whole seconds; a listing changed in the same second as it was matched
    compares as changed ("...:05.250Z" < "...:05Z"), so it is matched once more rather than missed.
    """
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def pending_listing_ids(db: Database, rematch_all: bool) -> list[str]:
    """Listings to match: new or changed since matched; those whose matched item was since
    reported stolen or recovered (the match moves queue); and, when thefts were reported since
    the last run, the listings still up that appeared after those thefts (a thief lists fast,
    an owner may register and report days later)."""
    if rematch_all:
        return [r[0] for r in db.execute("select id from listings order by rowid").fetchall()]
    last_run = db.execute("select max(matched_at) from listings").fetchone()[0]
    since = None
    if last_run:
        since = db.execute("select min(stolen_at) from thefts where current = 1 and reported_at > ?",
                           [last_run[:19] + "Z"]).fetchone()[0]  # whole seconds, as reported_at has
    return [r[0] for r in db.execute(
        """select id from listings where matched_at is null or matched_at < changed_at
           or (:since is not null and removed_at is null and coalesce(posted_at, first_seen_at) >= :since)
           or id in (select m.listing_id from matches m
                     left join thefts t on t.item_id = m.item_id and t.current = 1
                     where (m.queue = 'owner_check' and t.id is not null)
                        or (m.queue = 'stolen' and (t.id is null or t.id is not m.theft_id)
                            and not exists (select 1 from reviews r where r.match_id = m.id
                                            and r.decision = 'owner_not_me')))
           order by rowid""", {"since": since}).fetchall()]


_WORKER: dict = {}


def _worker_start(path: str) -> None:
    _WORKER["db"] = connect(path, migrate=False)


def _worker_batch(part: list[str]) -> tuple[list[str], str, list[dict]]:
    db = _WORKER["db"]
    read_at = matched_now()
    matches = match_batch(db, _WORKER["ctx"], fetch_listings(db, part))
    give_back_heap()  # the batch's temporaries: otherwise each worker keeps its largest batch's heap
    return part, read_at, matches


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
    report.placed = locate_pending(db)  # positions and forces first: distance evidence, border marks
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
            # the indexes' millions of objects set aside from the collector: a worker's collections
            # would otherwise write to every object's header and copy the whole heap page by page (the
            # use Python's gc.freeze documentation gives)
            gc.freeze()
            try:
                with mp.get_context("fork").Pool(workers, initializer=_worker_start, initargs=(path,)) as pool:
                    results = pool.imap(_worker_batch, batches)
                    _write_all(db, results, counts, report, progress, len(ids))
            finally:
                gc.unfreeze()
            _WORKER.clear()
        else:
            results = ((part, matched_now(), match_batch(db, ctx, fetch_listings(db, part))) for part in batches)
            _write_all(db, results, counts, report, progress, len(ids))
    report.matches_new = _by(counts.new, 1)
    report.matches_updated = _by(counts.updated, 1)
    report.queues_new = _by(counts.new, 0)
    report.queues_updated = _by(counts.updated, 0)
    report.unchanged = counts.unchanged
    report.edited = counts.edited
    report.seconds = time.perf_counter() - started
    return report


def release_match_memory() -> None:
    """Give back what a match run loaded for itself: the stage-two indexes this process keeps between runs
    (`release_feature_indexes`) and, where the C library has it, the freed heap (glibc's `malloc_trim`:
    Python's allocator keeps freed memory otherwise). For a process with other work after matching, as the
    nightly run's seller networks step; a process that matches again soon should keep the indexes."""
    release_feature_indexes()
    gc.collect()
    give_back_heap()


def give_back_heap() -> None:
    """Return the C heap's free memory to the system (glibc's `malloc_trim(0)`). glibc keeps what a
    large temporary (a batch's numpy arrays) freed on its heap, so a long-lived process holds its highest
    batch ever; on another C library this does nothing and the memory is reused by the process instead."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    try:
        return ctypes.CDLL(None).malloc_trim  # the process's own C library: no search for it by name
    except (OSError, AttributeError):
        return None


def _write_all(db, results, counts, report, progress, total) -> None:
    for part, read_at, matches in results:
        with db.atomic():
            write_matches(db, matches, read_at, counts, listing_ids=part)
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
            pairs.add(n, item_id, [])  # a pair to score, with no evidence yet
    # Further evidence sources plug in here, adding Evidence with pairs.add(n, item_id, evidence).
    add_feature_evidence(db, ctx.stolen, listings, profiles, pairs, skip=identified)
    items = fetch_items(db, {item for _, item in pairs.by_pair}, ctx.item_cache)
    stock = pairs.stock_photo_ids()
    out = []
    for (n, item_id), evidence in pairs.by_pair.items():
        item = items.get(item_id)
        if item is None:
            continue
        theft = ctx.stolen.theft_of(item_id)
        if theft is None and item.get("register"):
            continue  # a peer register's item it no longer holds stolen: there is no owner here to ask
        if theft is None and sale_covers_listing(ctx.sales.get(item_id), listings[n]["posted_at"]
                                                 or listings[n]["first_seen_at"]):
            continue  # the owner marked it sold: this listing is that sale, not a question for them
        evidence = discount_stock_photos(evidence, stock[n])
        if not any(e.kind == "photo" for e in evidence) and photos.get(n):
            evidence += similar_photo_evidence(ctx, photos[n], item_id)
        evidence += description_evidence(item, theft, profiles[n])
        scored = score_evidence(evidence, stolen=theft is not None)
        if scored is None:
            continue
        out.append({"item_id": item_id, "listing_id": listings[n]["id"], "theft_id": theft["id"] if theft else None,
                    "queue": "stolen" if theft else "owner_check", "score": scored.score, "band": scored.band,
                    "reasons": scored.reasons, "listing_version_id": listings[n]["version_id"]})
    return out
