"""A labelled marketplace for measuring seller networks: operations, honest dealers and private sellers.

`write_marketplace(folder, seed)` writes `listings.jsonl` (the `farmwatch listings import` format, photos
as files beside it) and `truth.json` (listing URL -> account and organisation). Operations post through
several handles on several sites and give themselves away in the ways the issue lists: one phone number
written many ways (spaced, +44, 0044, dotted, disguised in the text), reused photos (re-encoded and
resized), their own template text, a re-listed identifier. Around them: honest dealers with many listings
(own template, stock photos, the same handle on two sites), private sellers with common first names, a
shared pool of everyday phrases, stock photos in many adverts, and each marketplace's own contact number
and boilerplate in all of its adverts.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from synthetic.photos import encode, scene

SOURCES = ("farmtrader-demo", "agriads-demo", "ruralmart-demo")
BOILERPLATE = {
    "farmtrader-demo": "Listed on FarmTrader. Questions about this advert? Call FarmTrader on 01632 960100. "
                       "Buyer protection applies to card payments.",
    "agriads-demo": "AgriAds: the farmer's marketplace. Report suspicious adverts on 01632 960200. Never pay by bank "
                    "transfer before viewing.",
    "ruralmart-demo": "RuralMart safe trading: meet in a public place. Helpline 01632 960300.",
}
MARKET_PHONES = {"farmtrader-demo": "01632 960100", "agriads-demo": "01632 960200", "ruralmart-demo": "01632 960300"}
COMMON_PHRASES = [
    "Good condition for age", "Viewing welcome", "No time wasters", "Cash on collection", "Sold as seen",
    "Can deliver for fuel", "Starts and drives", "Used regularly until last week", "Any questions please ask",
    "Price is firm", "Open to sensible offers", "Collection only", "Genuine reason for sale", "Runs well",
    "Tyres good", "New battery fitted", "Serviced last spring", "Some marks as expected", "PX considered",
    "Will not split", "Comes with manuals", "First to see will buy", "Located near the village",
]
MACHINES = [
    ("tractor", "John Deere", "6120M"), ("tractor", "Massey Ferguson", "5713S"), ("tractor", "New Holland", "T6.180"),
    ("quad", "Honda", "TRX420"), ("quad", "Yamaha", "Grizzly 700"), ("utv", "Kubota", "RTV-X900"),
    ("trailer", "Ifor Williams", "TA510G"), ("trailer", "Ifor Williams", "LM146"), ("gps", "Trimble", "CFX-750"),
    ("power_tool", "Stihl", "MS 462"), ("plant", "JCB", "531-70"), ("implement", "Kverneland", "ES 100"),
]
FIRST_NAMES = ["John", "Dave", "Mike", "Steve", "Paul", "Chris", "Mark", "James", "Rob", "Tom", "Andy", "Gary"]
COMMON_HANDLES = ["tractorman", "farmsales", "quadman", "plantdirect"]
SURNAMES = ["Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson"]
WORDS = ("bramble hollow ridge copse meadow barn yard lane moor fen brook combe tor vale heath down croft mill "
         "orchard paddock quarry spinney thicket warren weir wold beacon causeway dyke fold garth holt ings "
         "knoll lynch marsh nook pightle riddings shaw slade staithe tye wick").split()
TOWNS = ["Andover", "Devizes", "Tiverton", "Brecon", "Hexham", "Louth", "Ludlow", "Thirsk", "Bude", "Malton"]


@dataclass
class Account:
    source: str
    name: str
    org: str  # truth: the operation, dealer or person behind the account
    kind: str  # operation, dealer or private
    profile: str | None = None
    phone: str | None = None
    listings: list[dict] = field(default_factory=list)


def phone_number(n: int) -> str:
    """An Ofcom drama-range mobile number, 07700 900000-900999."""
    return f"07700 900{n:03d}"


def phone_forms(number: str, rng: random.Random) -> str:
    """One of the ways sellers write a UK mobile number."""
    digits = number.replace(" ", "")
    national = digits[1:]
    words = "zero one two three four five six seven eight nine".split()
    forms = [
        number, digits, f"+44 {national[:4]} {national[4:]}", f"0044 {national[:4]} {national[4:7]} {national[7:]}",
        f"{digits[:5]}.{digits[5:8]}.{digits[8:]}", f"+44 (0){national[:4]} {national[4:]}",
        f"{digits[:2]}{words[int(digits[2])]}{digits[3:5]} {digits[5]}OO {digits[8:]}",
        " ".join(words[int(d)] for d in digits), digits.replace("0", "O"),
    ]
    return rng.choice(forms)


def _photo(folder: Path, name: str, seed: int, variant: int = 0) -> str:
    img = scene(seed, (320, 240))
    if variant:  # a re-posted copy: resized and re-encoded
        img = img.resize((300 - 10 * variant, 225 - 7 * variant), Image.BILINEAR)
    (folder / name).write_bytes(encode(img, "JPEG", 85 - 7 * variant))
    return name


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


class Generator:
    def __init__(self, folder: Path, seed: int):
        self.folder, self.rng, self.seed = folder, random.Random(seed), seed
        self.accounts: list[Account] = []
        self.photo_seed = seed * 1_000_000
        self.stock = [_photo(folder, f"stock-{i}.jpg", seed * 7919 + i) for i in range(6)]
        self.count = 0

    def new_photo(self) -> str:
        self.photo_seed += 1
        return _photo(self.folder, f"p{self.photo_seed}.jpg", self.photo_seed)

    def machine_line(self) -> tuple[str, dict]:
        category, make, model = self.rng.choice(MACHINES)
        year = self.rng.randint(2008, 2024)
        return f"{year} {make} {model}", {"category": category, "make": make, "model": model, "year": year}

    def listing(self, account: Account, own_text: str, photos: list[str], phone_text: str | None = None,
                identifier: str | None = None) -> dict:
        title, fields = self.machine_line()
        phrases = self.rng.sample(COMMON_PHRASES, self.rng.randint(2, 4))
        parts = [f"{title} for sale, {self.rng.randint(200, 9000)} hours."] + [p + "." for p in phrases]
        parts.insert(self.rng.randint(1, len(parts)), own_text)
        if phone_text:
            parts.append(f"Call or text {phone_text}.")
        if identifier:
            parts.append(f"Serial no: {identifier}.")
        parts.append(BOILERPLATE[account.source])
        self.count += 1
        n = self.count
        record = {
            "source": account.source, "url": f"https://{account.source}.example/ad/{self.seed}-{n}",
            "title": title, "description": " ".join(parts), "price": self.rng.randint(5, 400) * 100,
            "location": self.rng.choice(TOWNS), "posted_at": f"2026-{self.rng.randint(8, 11):02d}-"
                                                            f"{self.rng.randint(1, 28):02d}T10:00:00Z",
            "seller": {"name": account.name, **({"profile_url": account.profile} if account.profile else {}),
                       **({"phone": account.phone} if account.phone else {})},
            "photos": photos, **fields,
        }
        account.listings.append(record)
        return record

    def add(self, account: Account) -> Account:
        self.accounts.append(account)
        return account

    def operation(self, index: int) -> None:
        rng = self.rng
        phone = phone_number(500 + index)
        template = (f"{_words(rng, 4).capitalize()} {rng.choice(TOWNS)} {_words(rng, 6)}. "
                    f"{_words(rng, 5).capitalize()} {_words(rng, 5)} {_words(rng, 3)}.")
        count = rng.randint(3, 6)
        handles = []
        for h in range(count):
            source = SOURCES[h % 2] if h < 2 else rng.choice(SOURCES)
            name = f"{rng.choice(WORDS)}{rng.choice(['_plant', 'kit', 'agri', '-sales', '4x4'])}{rng.randint(10, 99)}"
            handles.append(self.add(Account(source, name, f"operation-{index}", "operation",
                                            profile=f"https://{source}.example/u/op{index}-{h}")))
        shared_photos: list[str] = []  # photos of the handles before this one
        for h, account in enumerate(handles):
            own_photos: list[str] = []
            ways = {"phone", "text", "photo"} if h == 0 else set(rng.sample(["phone", "text", "photo"], rng.randint(1, 2)))
            if "phone" in ways and rng.random() < 0.5:
                account.phone = phone_forms(phone, rng)
            for n in range(rng.randint(2, 5)):
                photos = [self.new_photo()]
                if "photo" in ways and shared_photos and (n == 0 or rng.random() < 0.4):
                    source_photo, variant = rng.choice(shared_photos), rng.randint(1, 2)
                    copy = f"{Path(source_photo).stem}-copy{self.photo_seed}-{variant}.jpg"
                    self.photo_seed += 1
                    img = Image.open(self.folder / source_photo)
                    img.resize((300 - 10 * variant, 225 - 7 * variant), Image.BILINEAR).save(
                        self.folder / copy, "JPEG", quality=85 - 7 * variant)
                    photos.append(copy)
                own_photos.extend(photos[:1])
                text = template if "text" in ways else f"{_words(rng, 3).capitalize()}."
                in_text = phone_forms(phone, rng) if "phone" in ways and not account.phone else None
                self.listing(account, text, photos, in_text)
            shared_photos.extend(own_photos)

    def dealer(self, index: int) -> None:
        rng = self.rng
        name = f"{rng.choice(SURNAMES).lower()}{rng.choice(['agri', 'tractors', 'machinery'])}{index}"
        template = (f"{name.capitalize()} Ltd, family dealer since {1950 + index * 7}. Finance available on "
                    f"{_words(rng, 3)} machines. Delivery nationwide from our {_words(rng, 2)} depot.")
        sources = rng.sample(SOURCES, 2 if index % 2 == 0 else 1)
        phone = phone_number(700 + index)
        for source in sources:
            account = self.add(Account(source, name, f"dealer-{index}", "dealer",
                                       profile=f"https://{source}.example/shop/{name}", phone=phone))
            for _ in range(rng.randint(12, 30)):
                photos = [self.new_photo()] + ([rng.choice(self.stock)] if rng.random() < 0.5 else [])
                self.listing(account, template, photos, phone if rng.random() < 0.3 else None)

    def private(self, index: int) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.05:  # a handle many people think of: the same on several sites, different sellers
            name = rng.choice(COMMON_HANDLES)
        elif roll < 0.35:
            name = rng.choice(FIRST_NAMES)
        elif roll < 0.55:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        else:
            name = f"{rng.choice(WORDS)}{rng.choice(WORDS)}{rng.randint(1, 999)}"
        source = rng.choice(SOURCES)
        has_profile = rng.random() < 0.6 or name in COMMON_HANDLES  # on one site a handle is one account
        account = self.add(Account(source, name, f"private-{index}", "private",
                                   profile=f"https://{source}.example/u/p{self.seed}-{index}" if has_profile else None))
        if rng.random() < 0.4:
            account.phone = phone_number(index % 400)
        elif rng.random() < 0.3:
            account.phone = MARKET_PHONES[source]  # sellers who hide their number show the site's
        for _ in range(rng.randint(1, 3)):
            photos = [self.new_photo()] + ([rng.choice(self.stock)] if rng.random() < 0.15 else [])
            self.listing(account, f"{_words(rng, 4).capitalize()}.", photos)


def write_marketplace(folder: Path, seed: int = 1, operations: int = 5, dealers: int = 4, private: int = 120) -> Path:
    """Write the labelled marketplace into `folder`; returns the listings file."""
    folder.mkdir(parents=True, exist_ok=True)
    gen = Generator(folder, seed)
    for i in range(operations):
        gen.operation(i)
    for i in range(dealers):
        gen.dealer(i)
    for i in range(private):
        gen.private(i)
    records = [r for a in gen.accounts for r in a.listings]
    gen.rng.shuffle(records)
    path = folder / "listings.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    truth = {r["url"]: {"account": f"{a.source}|{a.name}|{a.org}", "org": a.org, "kind": a.kind}
             for a in gen.accounts for r in a.listings}
    (folder / "truth.json").write_text(json.dumps(truth))
    return path
