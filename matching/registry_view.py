"""What the matcher holds in memory about the registry for one run.

Identifiers and photo hashes get their own indexes; this module holds the items with a
current theft (few, and needed for every listing: description matching, the stolen
queue, stage-two candidates) and fetches other items' details only when a listing
points at them.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict

from sqlite_utils import Database

from matching.description import ListingProfile, compact_words, listed_after, make_agrees

ITEM_COLUMNS = ("id", "category", "make", "model", "year", "colour")
MAX_DESCRIPTION_ONLY = 5


class StolenItems:
    def __init__(self, db: Database):
        self.items: dict[int, dict] = {}
        self.thefts: dict[int, dict] = {}
        self.by_model: dict[str, list[int]] = defaultdict(list)
        self.by_category: dict[str, list[int]] = defaultdict(list)
        rows = db.execute(
            "select i.id, i.category, i.make, i.model, i.year, i.colour, t.id, t.stolen_at, t.place, "
            "t.latitude, t.longitude, t.crime_ref from items i join thefts t on t.item_id = i.id "
            "where t.current = 1").fetchall()
        for row in rows:
            item = dict(zip(ITEM_COLUMNS, row[:6], strict=True))
            self.items[item["id"]] = item
            self.thefts[item["id"]] = {"id": row[6], "stolen_at": row[7], "place": row[8], "latitude": row[9],
                                       "longitude": row[10], "crime_ref": row[11]}
            model = compact_words(item["model"])
            if len(model) >= 2:
                self.by_model[model].append(item["id"])
            self.by_category[item["category"]].append(item["id"])
        # per category, items by theft date (undated first), so "listed after the theft" is a bisection
        self._by_theft_date: dict[str, tuple[list[str], list[int]]] = {}
        for category, ids in self.by_category.items():
            dated = sorted(((self.thefts[i]["stolen_at"] or "")[:10], i) for i in ids)
            self._by_theft_date[category] = ([d for d, _ in dated], [i for _, i in dated])

    def __len__(self) -> int:
        return len(self.items)

    def theft_of(self, item_id: int) -> dict | None:
        return self.thefts.get(item_id)

    def description_candidates(self, profile: ListingProfile) -> list[int]:
        """Stolen items whose make and model the listing names, listed after the theft."""
        found = []
        for gram in profile.grams & self.by_model.keys():
            for item_id in self.by_model[gram]:
                item = self.items[item_id]
                if not make_agrees(item["make"], profile) or not listed_after(self.thefts[item_id], profile):
                    continue
                if profile.category and item["category"] != profile.category:
                    continue
                found.append(item_id)
        return sorted(found)[:MAX_DESCRIPTION_ONLY] if len(found) > MAX_DESCRIPTION_ONLY else found

    def stage_two_candidates(self, profile: ListingProfile, exclude: set[int] = frozenset()) -> list[int]:
        """Stolen items a listing could show: of a category it states or names in its title, and not
        listed before the theft; when it names none, those whose make and model it names."""
        categories = {profile.category} if profile.category else profile.in_title
        if not categories:
            return [i for i in self.description_candidates(profile) if i not in exclude]
        found = []
        for category in sorted(categories):
            dates, ids = self._by_theft_date.get(category, ((), ()))
            stolen_by_then = ids[:bisect_right(dates, profile.listed_on)] if profile.listed_on else ids
            # a whole category's stolen items (thousands at national scale): filtered only when something is excluded
            found.extend((i for i in stolen_by_then if i not in exclude) if exclude else stolen_by_then)
        return found

    def stage_two_categories(self, profile: ListingProfile) -> set[str]:
        """The categories whose stolen photos stage_two_candidates draws on for this listing."""
        categories = {profile.category} if profile.category else set(profile.in_title)
        return categories or {self.items[i]["category"] for i in self.description_candidates(profile)}

    def category_of(self, item_id: int) -> str | None:
        item = self.items.get(item_id)
        return item["category"] if item else None


def fetch_items(db: Database, item_ids, cache: dict[int, dict]) -> dict[int, dict]:
    """Item details by id (category, make, model, year, colour, and `register`: the peer register a
    federated item came from, None for our own), reading only those not cached."""
    missing = [i for i in set(item_ids) if i not in cache]
    columns = (*ITEM_COLUMNS, "register")
    for start in range(0, len(missing), 500):
        part = missing[start:start + 500]
        for row in db.execute(f"select {', '.join(columns)} from items where id in ({','.join('?' * len(part))})",
                              part).fetchall():
            cache[row[0]] = dict(zip(columns, row, strict=True))
    return {i: cache[i] for i in item_ids if i in cache}


def fetch_identifiers(db: Database, identifier_ids) -> dict[int, dict]:
    columns = ("id", "item_id", "kind", "raw_value", "normalised_value", "check_valid", "possible_clone")
    ids = sorted(set(identifier_ids))
    out = {}
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        for row in db.execute(f"select {', '.join(columns)} from identifiers where id in ({','.join('?' * len(part))})",
                              part).fetchall():
            out[row[0]] = dict(zip(columns, row, strict=True))
    return out


def fetch_photo_positions(db: Database, photo_ids) -> dict[int, int]:
    ids = sorted(set(photo_ids))
    out = {}
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        out.update(db.execute(f"select id, position from photos where id in ({','.join('?' * len(part))})",
                              part).fetchall())
    return out
