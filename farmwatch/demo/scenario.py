"""The demonstration's world: a registry of farm items (some stolen) and the marketplace listings
that the spiders will find, each labelled with what it really is.

`build_scenario(seed)` is deterministic and downloads nothing: photos come from
synthetic.photos, and stolen items are re-listed with the edits thieves use (re-encoding,
resizing, brightness, mirroring, a watermark, a ~15% crop, a ~10 degree rotation) and their
identifiers re-typed (spaces, lower case, O/0 and I/1 look-alikes, only in the description,
only the trailing digits). Labels: stolen_relisted, owner_selling, honest_lookalike,
sequential_decoy, unrelated.

Dates are relative to `today` (thefts over the last six weeks, each stolen item listed a few days
after its theft), so the workspace's trends and map show the story whenever the demo is run.
Thefts happen where the story needs them (a Hampshire farm's tractor stolen at a Skipton show,
re-listed over the border in Cumbria), livestock (cattle, sheep, a horse) is registered and
re-listed beside the machinery, and every place is one the offline gazetteer resolves.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from farmwatch.demo.alter import alter_photo
from farmwatch.demo.catalogue import (
    FLAWS,
    LIVESTOCK,
    LIVESTOCK_CATEGORIES,
    MACHINES,
    PLACES,
    SELLERS,
    fill_pattern,
    next_serial,
)
from farmwatch.demo.operation import honest_seller, plant_operation
from registry.accounts.users import add_user
from registry.items.registration import register_item, report_stolen
from registry.items.validation import RegistryError, validate_item
from synthetic.photos import photo_bytes

LABELS = ("stolen_relisted", "owner_selling", "honest_lookalike", "sequential_decoy", "unrelated")
SITES = ("classifieds", "dealer", "auction")
OFFICER = ("officer", "demo-officer-pw", "officer", None)
# Officers with a force area: one force's rural crime team, and the south-west regional collaboration.
AREA_OFFICERS = (("pc-devon", "demo-officer-pw", "officer", None), ("sw-analyst", "demo-officer-pw", "officer", None))
ACCOUNT_AREAS = {"pc-devon": "Devon and Cornwall", "sw-analyst": "South West rural crime collaboration"}
FARMERS = (("hollins", "demo-farmer-pw", "farmer", "hollins.farm@example.org"),
           ("pengelly", "demo-farmer-pw", "farmer", "pengelly@example.org"))
OWNERS = ({"name": "Hollins Farm", "email": "hollins.farm@example.org", "phone": "01264 555 101", "postcode": "SP11 0AA"},
          {"name": "R. Pengelly", "email": "pengelly@example.org", "phone": "01566 555 202", "postcode": "PL15 7AB"},
          {"name": "Brook Estate", "email": "office@brookestate.example.org", "phone": "01432 555 303", "postcode": "HR4 9AA"},
          {"name": "T. Williams", "email": "t.williams@example.org", "phone": "01267 555 404", "postcode": "SA31 1AA"})
# How each stolen item is re-listed: site, photo edit, how the identifier is re-typed.
RELISTINGS = (
    ("classifieds", "reencoded", "spaces"),
    ("dealer", "resized", "lower"),
    ("auction", "brightness", "lookalike"),
    ("classifieds", "mirrored", "description_only"),
    ("dealer", "watermark", "trailing_digits"),
    ("classifieds", "cropped", "spaces_lower"),
    ("auction", "rotated", "lookalike"),
    ("dealer", "screenshot", "exact"),
)
# Stolen livestock (cattle, then a horse) re-listed the same way.
LIVESTOCK_RELISTINGS = (("classifieds", "reencoded", "spaces"), ("auction", "resized", "exact"))
# Where each stolen item was taken, and where it is re-listed: several cross force borders.
THEFT_PLACES = ("Skipton, North Yorkshire", "Launceston, Cornwall", "Builth Wells, Powys", "Hexham, Northumberland",
                "Okehampton, Devon", "Ludlow", "Dorchester, Dorset", "Banbury, Oxfordshire",
                "Tregaron, Ceredigion", "Hawes DL8")
RELIST_PLACES = ("Kendal LA9", "Exeter, Devon", "Carmarthen", "Penrith, Cumbria", "Taunton, Somerset",
                 "Shrewsbury, Shropshire", "Salisbury, Wiltshire", "Hereford", "Hereford", "Skipton, North Yorkshire")
LIVESTOCK_NOTES = ("quiet to handle", "wormed and vaccinated", "home bred", "good feet", "passport available",
                   "halter trained", "from a closed herd", "scanned in lamb")

@dataclass
class ListingSpec:
    key: str
    site: str
    path: str
    label: str
    title: str
    description: str
    price: float
    location: str
    posted_at: str
    category: str
    make: str
    model: str
    year: int
    colour: str
    photos: list[bytes]
    seller: dict
    identifier_kind: str | None = None
    identifier_shown: str | None = None  # as the page's structured data or spec table gives it
    item_ref: str | None = None  # the registry item this listing is (or looks like)
    note: str = ""  # how it was disguised, for the demo's story
    layout: int = 0
    variants: tuple[int, ...] = (0, 1)
    gone_status: int | None = None  # 404 or 410 in variant 1
    price_variant1: float | None = None


@dataclass
class Scenario:
    seed: int
    items: list[dict]  # item import format, photos as (name, bytes), plus "ref"
    listings: list[ListingSpec]
    accounts: list[tuple] = field(default_factory=list)

    @property
    def labels(self) -> dict[str, str]:
        """Listing path -> label (paths are the same whatever address the market is served on)."""
        return {spec.path: spec.label for spec in self.listings}

    def listings_in(self, variant: int, site: str | None = None) -> list[ListingSpec]:
        return [s for s in self.listings if variant in s.variants and (site is None or s.site == site)]


def retype(value: str, how: str) -> str:
    if how == "spaces":
        return " ".join(value[i:i + 4] for i in range(0, len(value), 4))
    if how == "lower":
        lower = value.lower()
        return lower if lower != value else "-".join(value[i:i + 3] for i in range(0, len(value), 3))
    if how == "spaces_lower":
        return " ".join(value[i:i + 5] for i in range(0, len(value), 5)).lower()
    if how == "lookalike":
        swapped = value.replace("0", "O").replace("1", "I")
        return swapped if swapped != value else value.replace("5", "S").replace("8", "B")
    return value


class _Builder:
    def __init__(self, seed: int, today: date):
        self.rng = random.Random(seed)
        self.today = today
        self.seed = seed
        self.photo_seed = seed * 1000
        self.counters = {"classifieds": 4100, "dealer": 0, "auction": 300}
        self.items: list[dict] = []
        self.listings: list[ListingSpec] = []

    def new_photo(self) -> bytes:
        self.photo_seed += 1
        return photo_bytes(self.photo_seed)

    def path_for(self, site: str, title: str) -> str:
        self.counters[site] += 1
        n = self.counters[site]
        if site == "classifieds":
            return f"/classifieds/ad/{n}"
        if site == "dealer":
            slug = "-".join(title.lower().replace(".", "").split()[:4])
            return f"/dealer/stock/{n:03d}-{slug}"
        return f"/auction/lot/{n}"

    def item(self, ref: str, machine, owner: dict, photos: int, theft: dict | None = None) -> dict:
        category, make, model, colour, kind, pattern, _ = machine
        record = {
            "ref": ref, "owner": owner, "category": category, "make": make, "model": model,
            "year": self.rng.randrange(2012, 2024), "colour": colour,
            "description": f"{self.rng.choice(FLAWS)}; {self.rng.choice(FLAWS)}",
            "identifiers": [{"kind": kind, "value": fill_pattern(pattern, self.rng)}],
            "photos": [(f"{ref.lower()}-{n}.jpg", self.new_photo()) for n in range(1, photos + 1)],
        }
        if theft:
            record["theft"] = theft
        self.items.append(record)
        return record

    def days_ago(self, days: int, hour: int = 9, minute: int = 0) -> str:
        """An ISO timestamp `days` before today (never in the future)."""
        return f"{(self.today - timedelta(days=max(0, days))).isoformat()}T{hour:02d}:{minute:02d}:00Z"

    def listing(self, site: str, label: str, machine, *, serial: str | None, photos: list[bytes],
                year: int | None = None, item_ref: str | None = None, retyping: str = "exact", note: str = "",
                variants=(0, 1), location: str | None = None, posted_days_ago: int | None = None) -> ListingSpec:
        category, make, model, colour, kind, _, (low, high) = machine
        rng = self.rng
        livestock = category in LIVESTOCK_CATEGORIES
        year = year or rng.randrange(2016 if livestock else 2010, 2024)
        title = f"{make} {model} {category if category not in ('gps', 'power tool') and not livestock else ''}".strip()
        if rng.random() < 0.5 and not livestock:
            title = f"{year} {title}"
        flaws = rng.sample(LIVESTOCK_NOTES if livestock else FLAWS, 2)
        shown = None
        text = f"{make} {model}, {colour}, {year}. {flaws[0][0].upper() + flaws[0][1:]}, {flaws[1]}."
        if serial and retyping == "description_only":
            text += f" Serial number {serial} on the plate."
        elif serial and retyping == "trailing_digits":
            digits = serial[len(serial.rstrip('0123456789')):][-6:]
            text += f" Plate partly worn, number ends ...{digits}."
        elif serial:
            shown = retype(serial, retyping)
        text += " Collection only, cash preferred." if label == "stolen_relisted" else " Viewing welcome."
        spec = ListingSpec(
            key="", site=site, path=self.path_for(site, title), label=label, title=title, description=text,
            price=float(round(rng.randrange(low, high), -1)), location=location or rng.choice(PLACES),
            posted_at=self.days_ago(rng.randrange(1, 28) if posted_days_ago is None else posted_days_ago,
                                    rng.randrange(7, 21), rng.randrange(60)),
            category=category, make=make, model=model, year=year, colour=colour, photos=photos,
            seller=honest_seller(rng.choice(SELLERS), SELLERS),
            identifier_kind=kind if shown else None, identifier_shown=shown, item_ref=item_ref, note=note,
            layout=len(self.listings) % 3, variants=tuple(variants),
        )
        spec.key = spec.path.strip("/").replace("/", "-")
        self.listings.append(spec)
        return spec


@functools.lru_cache(maxsize=4)
def build_scenario(seed: int = 7, today: date | None = None) -> Scenario:
    """The demonstration registry and listings; the same seed and day always give the same scenario
    (`today` defaults to the current date: thefts and listings are dated relative to it)."""
    b = _Builder(seed, today or date.today())
    rng = b.rng
    stolen = []
    machines = list(MACHINES)
    rng.shuffle(machines)
    plan = [(machines[n], *how) for n, how in enumerate(RELISTINGS)]
    plan += [(LIVESTOCK[n * 2], *how) for n, how in enumerate(LIVESTOCK_RELISTINGS)]  # cattle, horse
    for n, (machine, site, edit, retyping) in enumerate(plan):
        owner = OWNERS[n % len(OWNERS)]
        stolen_days_ago = 44 - n * 4
        theft = {"stolen_at": b.days_ago(stolen_days_ago)[:10], "crime_ref": f"4425{rng.randrange(10**7):07d}",
                 "place": THEFT_PLACES[n]}
        record = b.item(f"S{n + 1}", machine, owner, photos=2, theft=theft)
        stolen.append((record, machine))
        serial = record["identifiers"][0]["value"]
        b.listing(site, "stolen_relisted", machine, serial=serial, year=record["year"], item_ref=record["ref"],
                  retyping=retyping, note=f"photo {edit}, identifier {retyping.replace('_', ' ')}",
                  photos=[alter_photo(record["photos"][0][1], edit), alter_photo(record["photos"][1][1], "reencoded")],
                  location=RELIST_PLACES[n], posted_days_ago=stolen_days_ago - 2 - n % 4)
    for n in range(2):  # owners selling their own registered (not stolen) machines
        machine = machines[8 + n]
        record = b.item(f"O{n + 1}", machine, OWNERS[n], photos=1)
        b.listing(SITES[n], "owner_selling", machine, serial=record["identifiers"][0]["value"], year=record["year"],
                  item_ref=record["ref"], photos=[alter_photo(record["photos"][0][1], "reencoded")],
                  note="the registered owner's own sale")
    for n in range(10):  # registered, not stolen, not listed
        b.item(f"R{n + 1}", machines[(n + 3) % len(machines)], OWNERS[n % len(OWNERS)], photos=1)
    sheep = b.item("L1", LIVESTOCK[1], OWNERS[3], photos=1)  # a registered flock, and honest look-alikes
    b.listing("auction", "honest_lookalike", LIVESTOCK[1], serial=fill_pattern(LIVESTOCK[1][5], rng),
              item_ref=sheep["ref"], photos=[b.new_photo()], note="same breed, another flock's tags")
    for n, (record, machine) in enumerate(stolen[:6]):  # same make, model and colour; another machine
        b.listing(SITES[n % 3], "honest_lookalike", machine, serial=fill_pattern(machine[5], rng),
                  item_ref=record["ref"], photos=[b.new_photo()], note="same make and model, different machine")
    for n, (record, machine) in enumerate(stolen[:3]):  # the next serial off the production line
        b.listing(SITES[(n + 1) % 3], "sequential_decoy", machine, item_ref=record["ref"], photos=[b.new_photo()],
                  serial=next_serial(record["identifiers"][0]["value"]), note="serial one digit away")
    for n in range(30):
        machine = rng.choice(MACHINES)
        b.listing(SITES[n % 3] if n % 5 else "classifieds", "unrelated", machine, photos=[b.new_photo()],
                  serial=fill_pattern(machine[5], rng) if n % 2 else None)
    plant_operation(b, machines)
    _plan_next_night(b, machines)
    accounts = [OFFICER, *AREA_OFFICERS, *FARMERS]
    return Scenario(seed=seed, items=b.items, listings=b.listings, accounts=accounts)


def _plan_next_night(b: _Builder, machines) -> None:
    """Variant 1: some listings gone (404 on classifieds, 410 elsewhere), some repriced, some new."""
    unrelated = {site: [s for s in b.listings if s.label == "unrelated" and s.site == site] for site in SITES}
    for site, gone, repriced in (("classifieds", 3, 2), ("dealer", 2, 1), ("auction", 1, 1)):
        for spec in unrelated[site][:gone]:
            spec.variants, spec.gone_status = (0,), 404 if site == "classifieds" else 410
        for spec in unrelated[site][gone:gone + repriced]:
            spec.price_variant1 = round(spec.price * 0.9, -1)
    stolen_record = next(r for r in b.items if r["ref"] == "S2")
    machine = next(m for m in MACHINES if (m[1], m[2]) == (stolen_record["make"], stolen_record["model"]))
    b.listing("classifieds", "stolen_relisted", machine, serial=stolen_record["identifiers"][0]["value"],
              year=stolen_record["year"], item_ref="S2", retyping="spaces", variants=(1,), posted_days_ago=0,
              photos=[alter_photo(stolen_record["photos"][1][1], "brightness")],
              note="re-listed on another site the next night, second photo brightened")
    for site in ("classifieds", "classifieds", "dealer", "auction"):
        machine = b.rng.choice(MACHINES)
        b.listing(site, "unrelated", machine, serial=None, photos=[b.new_photo()], variants=(1,), posted_days_ago=0)


def load_registry(db, scenario: Scenario) -> dict:
    """Register the scenario's items (with photos), report the thefts, create the demo accounts.

    Safe to re-run: items are matched on their identifiers, open thefts and accounts are kept.
    Returns {"items": {ref: item_id}, "thefts": n, "users": [usernames]}.
    """
    ids, thefts = {}, 0
    for record in scenario.items:
        plain = {k: v for k, v in record.items() if k not in ("photos", "theft", "ref")}
        item, errors = validate_item(plain)
        if errors:
            raise RegistryError(f"demo item {record['ref']}: " + "; ".join(errors.values()))
        ids[record["ref"]] = register_item(db, item, list(record["photos"])).item_id
        theft = record.get("theft")
        if theft:
            try:
                report_stolen(db, ids[record["ref"]], stolen_at=theft["stolen_at"], crime_ref=theft["crime_ref"],
                              place=theft["place"])
                thefts += 1
            except RegistryError:
                pass  # already reported on an earlier load
    for username, password, role, email in scenario.accounts:
        add_user(db, username, password, role, email=email, force_area=ACCOUNT_AREAS.get(username), replace=True)
    return {"items": ids, "thefts": thefts, "users": [a[0] for a in scenario.accounts]}
