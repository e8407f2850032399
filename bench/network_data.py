"""A labelled marketplace for measuring seller networks: operations, honest dealers and private sellers.

`write_marketplace(folder, seed)` writes `listings.jsonl` (the `farmwatch listings import` format, photos
as files beside it), `truth.json` (listing URL -> account, organisation and its kind) and `links.json`
(every link planted between two accounts of one operation: the accounts, the kind and how it was
disguised). Operations of two to six accounts on two to four sites (one of them Irish, `.ie`) give
themselves away, one planted link per account to an earlier account of the operation (so many pairs are
joined only through a third account), by every kind analysts see:

| kind | variants |
| --- | --- |
| `phone` | a UK mobile spaced, +44, 0044, dotted, disguised in words or letters; an Irish mobile `087 …`, |
| | `+353 87 …`, `00353 …`; a Northern Ireland number `028 …` on a UK site, `048 …` on an Irish one |
| `email` | exact, case changed, a `+tag` at any provider, dots moved at Gmail, written `(at) (dot)` in the text |
| `handle` | the same distinctive handle on another marketplace, case or separators changed |
| `identifier` | the same stolen serial listed by both (structured or labelled in the text) |
| `text` | the operation's own advert wording with a sentence moved, dropped or reworded |
| `photo` | the same picture re-posted: resized, recompressed, lightly cropped, brightened |

Around them, the opposites of each kind: honest dealers (many listings, their own template, stock photos,
the same handle on two sites: one org), private sellers called John or Dave or using handles many people
choose (`farmparts`, `tractorman`) on several sites, each marketplace's own number and boilerplate in every
advert, shared everyday phrases, stock photos, Irish and Northern Irish private sellers with numbers of
their own, and model codes that look like serials.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageEnhance

from synthetic.photos import encode, scene

SOURCES = ("farmtrader-demo", "agriads-demo", "ruralmart-demo", "donedeal-demo")
HOSTS = {"farmtrader-demo": "farmtrader.example", "agriads-demo": "agriads.example",
         "ruralmart-demo": "ruralmart.example", "donedeal-demo": "donedeal.example.ie"}
IRISH = {"donedeal-demo"}
BOILERPLATE = {
    "farmtrader-demo": "Listed on FarmTrader. Questions about this advert? Call FarmTrader on 01632 960100. "
                       "Buyer protection applies to card payments.",
    "agriads-demo": "AgriAds: the farmer's marketplace. Report suspicious adverts on 01632 960200. Never pay by bank "
                    "transfer before viewing.",
    "ruralmart-demo": "RuralMart safe trading: meet in a public place. Helpline 01632 960300.",
    "donedeal-demo": "Buy safely on DoneDeal: never send money in advance. Customer care 01 555 0100.",
}
MARKET_PHONES = {"farmtrader-demo": "01632 960100", "agriads-demo": "01632 960200", "ruralmart-demo": "01632 960300",
                 "donedeal-demo": "01 555 0100"}
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
FIRST_NAMES = ["John", "Dave", "Mike", "Steve", "Paul", "Chris", "Mark", "James", "Rob", "Tom", "Andy", "Gary",
               "Sean", "Padraig", "Declan", "Ciaran"]
COMMON_HANDLES = ["tractorman", "farmsales", "quadman", "plantdirect", "farmparts", "dave", "agriparts",
                  "tractorparts"]
SURNAMES = ["Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Murphy", "Kelly"]
WORDS = ("bramble hollow ridge copse meadow barn yard lane moor fen brook combe tor vale heath down croft mill "
         "orchard paddock quarry spinney thicket warren weir wold beacon causeway dyke fold garth holt ings "
         "knoll lynch marsh nook pightle riddings shaw slade staithe tye wick").split()
REWORD = {"bramble": "briar", "hollow": "dip", "ridge": "crest", "meadow": "field", "barn": "shed", "yard": "farmyard",
          "lane": "track", "brook": "stream", "mill": "works", "orchard": "grove", "quarry": "pit", "weir": "dam"}
TOWNS = ["Andover", "Devizes", "Tiverton", "Brecon", "Hexham", "Louth", "Ludlow", "Thirsk", "Bude", "Malton"]
IRISH_TOWNS = ["Mullingar", "Ballinasloe", "Cavan", "Monaghan", "Dundalk", "Tullamore", "Athlone", "Co. Clare",
               "Castlebar", "Thurles"]
NI_TOWNS = ["Newry", "Enniskillen", "Omagh", "Armagh", "Dungannon", "Ballymena"]
DOMAINS = ["gmail.com", "outlook.com", "yahoo.co.uk", "btinternet.com", "eircom.net", "hotmail.co.uk", "icloud.com"]
LINK_KINDS = ("phone", "email", "handle", "identifier", "text", "photo")


@dataclass
class Account:
    source: str
    name: str
    org: str  # truth: the operation, dealer or person behind the account
    kind: str  # operation, dealer or private
    profile: str | None = None
    phone: str | None = None  # as written in the seller's details
    email: str | None = None
    text_contacts: list[str] = field(default_factory=list)  # contact lines written into adverts
    template: str | None = None
    identifiers: list[tuple[str, str]] = field(default_factory=list)  # (serial as written, structured/labelled)
    has_phone: bool = False
    photos: list[str] = field(default_factory=list)  # this account's own photos (before re-posts)
    reposts: list[str] = field(default_factory=list)  # re-posted copies of another account's photos
    places: list[str] = field(default_factory=lambda: TOWNS)
    listings: list[dict] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.source}|{self.name}|{self.org}"


def phone_number(n: int) -> str:
    """An Ofcom drama-range mobile number, 07700 900000-900999."""
    return f"07700 900{n:03d}"


def uk_forms(number: str, rng: random.Random) -> str:
    """One of the ways sellers write a UK mobile number (plain or disguised)."""
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


def irish_mobile(n: int) -> str:
    """An Irish mobile in its national form, `08x xxx xxxx`."""
    return f"08{(3, 5, 6, 7)[n % 4]} {100 + n % 900:03d} {1000 + (n * 37) % 9000:04d}"


def irish_forms(number: str, irish_site: bool, rng: random.Random) -> str:
    """An Irish mobile as written on an Irish site (national or international) or a UK one (international)."""
    digits = number.replace(" ", "")
    rest = digits[1:]
    international = [f"+353 {rest[:2]} {rest[2:5]} {rest[5:]}", f"00353 {rest}", f"+353{rest}",
                     f"(00353) {rest[:2]} {rest[2:]}"]
    national = [number, digits, f"({digits[:3]}) {digits[3:]}", f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"]
    return rng.choice(national + international[:2] if irish_site else international)


def ni_number(n: int) -> str:
    """A Northern Ireland landline, `028 9xxx xxxx` (Belfast)."""
    return f"028 90{n % 100:02d} {1000 + (n * 53) % 9000:04d}"


def ni_forms(number: str, irish_site: bool, rng: random.Random) -> str:
    """A Northern Ireland number as written in the Republic (`048`) or in the UK (`028`, `+44 28`)."""
    digits = number.replace(" ", "")
    if irish_site:
        return rng.choice([f"048 {digits[3:7]} {digits[7:]}", f"048{digits[3:]}", f"+44 28 {digits[3:7]} {digits[7:]}"])
    return rng.choice([number, digits, f"+44 28 {digits[3:7]} {digits[7:]}", f"0044 28 {digits[3:]}"])


def email_forms(local: str, domain: str, rng: random.Random, variant: str) -> str:
    """One mailbox written as another seller account of the same person would: `exact`, `case`,
    `tag` (RFC 5233 sub-address, any provider), `dots` (Gmail only) or `words` (`(at)`, `(dot)`)."""
    if variant == "case":
        return f"{local.title()}@{domain.upper() if rng.random() < 0.5 else domain}"
    if variant == "tag":
        return f"{local}+{rng.choice(['ads', 'kit', 'sales', 'farm', 'ie'])}@{domain}"
    if variant == "dots" and domain == "gmail.com":
        return f"{local.replace('.', '')[:3]}.{local.replace('.', '')[3:]}@{domain}"
    if variant == "words":
        name, _, tld = domain.partition(".")
        return f"{local} (at) {name} (dot) {tld.replace('.', ' (dot) ')}"
    return f"{local}@{domain}"


def _save(folder: Path, name: str, img: Image.Image, quality: int = 85) -> str:
    (folder / name).write_bytes(encode(img, "JPEG", quality))
    return name


def repost(folder: Path, source: str, name: str, variant: str, rng: random.Random) -> str:
    """A re-posted copy of a photo: `resized`, `recompressed`, `cropped` (5-10% off two edges) or `brightened`."""
    img = Image.open(folder / source).convert("RGB")
    w, h = img.size
    if variant == "resized":
        img = img.resize((int(w * rng.uniform(0.6, 0.9)), int(h * rng.uniform(0.6, 0.9))), Image.BILINEAR)
    elif variant == "cropped":
        dx, dy = int(w * rng.uniform(0.05, 0.10)), int(h * rng.uniform(0.05, 0.10))
        box = (dx, 0, w, h - dy) if rng.random() < 0.5 else (0, dy, w - dx, h)
        img = img.crop(box)
    elif variant == "brightened":
        img = ImageEnhance.Brightness(img).enhance(rng.uniform(1.15, 1.35))
    return _save(folder, name, img, rng.randint(55, 75) if variant == "recompressed" else 85)


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def edit_text(template: str, rng: random.Random, variant: str) -> str:
    """An operation's advert wording as another account re-types it: a sentence `moved`, `dropped` or `reworded`."""
    sentences = [s.strip() + "." for s in template.split(".") if s.strip()]
    if variant == "moved":
        first = sentences.pop(rng.randrange(len(sentences)))
        sentences.insert(len(sentences), first) if sentences[-1:] != [first] else sentences.insert(0, first)
    elif variant == "dropped" and len(sentences) > 2:  # a template keeps at least two sentences
        sentences.pop(rng.randrange(len(sentences)))
    elif variant == "reworded":
        i = rng.randrange(len(sentences))
        words = sentences[i].split()
        for j, w in enumerate(words):
            if w.lower().strip(".") in REWORD and rng.random() < 0.7:
                words[j] = REWORD[w.lower().strip(".")]
        words.insert(rng.randrange(1, len(words)), rng.choice(["really", "very", "all", "just"]))
        sentences[i] = " ".join(words)
    return " ".join(sentences)


class Generator:
    def __init__(self, folder: Path, seed: int):
        self.folder, self.rng, self.seed = folder, random.Random(seed), seed
        self.accounts: list[Account] = []
        self.planted: list[dict] = []
        self.photo_seed = seed * 1_000_000
        self.stock = [_save(folder, f"stock-{seed}-{i}.jpg", scene(seed * 7919 + i, (320, 240))) for i in range(6)]
        self.count = 0
        self.serial = seed * 10_000
        self.stolen: list[str] = []  # serials of registered stolen items the operations re-list

    def new_photo(self) -> str:
        self.photo_seed += 1
        return _save(self.folder, f"p{self.photo_seed}.jpg", scene(self.photo_seed, (320, 240)))

    def new_serial(self) -> str:
        self.serial += 1
        return f"1L0{self.rng.choice(['6120M', '5713S', 'T6180'])}{self.rng.choice('CDEHK')}{self.serial:06d}"

    def machine_line(self) -> tuple[str, dict]:
        category, make, model = self.rng.choice(MACHINES)
        year = self.rng.randint(2008, 2024)
        return f"{year} {make} {model}", {"category": category, "make": make, "model": model, "year": year}

    def listing(self, account: Account, own_text: str, photos: list[str], extra: list[str] = (),
                identifiers: list[dict] = ()) -> dict:
        rng = self.rng
        title, fields = self.machine_line()
        phrases = rng.sample(COMMON_PHRASES, rng.randint(2, 4))
        parts = [f"{title} for sale, {rng.randint(200, 9000)} hours."] + [p + "." for p in phrases]
        parts.insert(rng.randint(1, len(parts)), own_text)
        parts += list(extra)
        parts.append(BOILERPLATE[account.source])
        self.count += 1
        seller = {"name": account.name}
        for key, value in (("profile_url", account.profile), ("phone", account.phone), ("email", account.email)):
            if value:
                seller[key] = value
        record = {
            "source": account.source, "url": f"https://{HOSTS[account.source]}/ad/{self.seed}-{self.count}",
            "title": title, "description": " ".join(parts), "price": rng.randint(5, 400) * 100,
            "location": rng.choice(account.places),
            "posted_at": f"2026-{rng.randint(8, 11):02d}-{rng.randint(1, 28):02d}T10:00:00Z",
            "seller": seller, "photos": photos, **fields,
            **({"identifiers": list(identifiers)} if identifiers else {}),
        }
        account.listings.append(record)
        return record

    def add(self, account: Account) -> Account:
        if account.source in IRISH:
            account.places = IRISH_TOWNS
        self.accounts.append(account)
        return account

    def distinctive_handle(self) -> str:
        rng = self.rng
        return f"{rng.choice(WORDS)}{rng.choice(WORDS)}{rng.choice(['_plant', 'kit', 'agri', '-sales', '4x4'])}" \
               f"{rng.randint(10, 99)}"

    def operation(self, index: int) -> None:
        """Two to six accounts on two to four sites, each tied to an earlier one by one planted link."""
        rng = self.rng
        sites = rng.sample(SOURCES, rng.randint(2, 4))
        count = rng.randint(max(2, len(sites)), 6)
        border = rng.choice(["uk", "uk", "ie", "ni"])
        number = {"uk": phone_number(500 + index), "ie": irish_mobile(self.seed * 31 + index),
                  "ni": ni_number(self.seed * 17 + index)}[border]
        local = f"{rng.choice(WORDS)}.{rng.choice(WORDS)}{rng.randint(1, 99)}"
        domain = rng.choice(DOMAINS)
        template = (f"{_words(rng, 4).capitalize()} {rng.choice(TOWNS)} {_words(rng, 6)}. "
                    f"{_words(rng, 5).capitalize()} {_words(rng, 5)} {_words(rng, 3)}. "
                    f"{_words(rng, 4).capitalize()} {_words(rng, 5)}.")
        accounts: list[Account] = []
        for h in range(count):
            source = sites[h % len(sites)]
            account = self.add(Account(source, self.distinctive_handle(), f"operation-{self.seed}-{index}", "operation",
                                       profile=f"https://{HOSTS[source]}/u/op{self.seed}-{index}-{h}"))
            if h:
                parent = accounts[rng.randrange(h)]
                kind = rng.choice(LINK_KINDS)
                taken = {a.source for a in accounts if a.name.lower() == parent.name.lower()}
                if kind == "handle" and len(taken) == len(SOURCES):
                    kind = "photo"
                if kind == "handle" and source in taken:
                    account.source = source = rng.choice([s for s in SOURCES if s not in taken])
                    account.places = IRISH_TOWNS if source in IRISH else TOWNS
                    account.profile = f"https://{HOSTS[source]}/u/op{self.seed}-{index}-{h}"
                variant = self.plant(kind, account, parent, number, border, local, domain, template)
                self.planted.append({"a": parent.key, "b": account.key, "kind": kind, "variant": variant})
            accounts.append(account)
        for account in accounts:
            for n in range(rng.randint(2, 4)):
                photos = [account.photos[n] if n < len(account.photos) else self.new_photo()]
                if n < len(account.reposts):
                    photos.append(account.reposts[n])
                text = edit_text(account.template, rng, "none") if account.template and rng.random() < 0.8 \
                    else f"{_words(rng, 3).capitalize()}."
                extra = account.text_contacts if (n == 0 or rng.random() < 0.5) else []
                ids = [{"kind": "serial", "value": v} for v, how in account.identifiers if how == "structured"] if n == 0 else []
                labelled = [f"Serial no: {v}." for v, how in account.identifiers if how == "labelled"] if n == 0 else []
                self.listing(account, text, photos, list(extra) + labelled, ids)

    def plant(self, kind: str, account: Account, parent: Account, number: str, border: str, local: str,
              domain: str, template: str) -> str:
        """Tie `account` to `parent` by one kind of link; returns how it was disguised."""
        rng = self.rng
        if kind == "phone":
            for who in (parent, account):
                if who is parent and who.has_phone:
                    continue
                who.has_phone = True
                irish = who.source in IRISH
                written = (uk_forms(number, rng) if border == "uk" else irish_forms(number, irish, rng)
                           if border == "ie" else ni_forms(number, irish, rng))
                if border == "ie" and not irish and written.startswith("0") and not written.startswith("00"):
                    written = "+353 " + written[1:]
                if who is parent or rng.random() < 0.5:
                    who.phone = written
                else:
                    who.text_contacts.append(f"Call or text {written}.")
            return border
        if kind == "email":
            variant = rng.choice(["exact", "case", "tag", "tag", "dots", "words"])
            parent.email = parent.email or f"{local}@{domain}"
            written = email_forms(local, domain, rng, variant)
            if variant == "words" or rng.random() < 0.3:
                account.text_contacts.append(f"Email {written}.")
            else:
                account.email = written
            return variant
        if kind == "handle":
            variant = rng.choice(["same", "case", "separators"])
            name = parent.name
            account.name = {"same": name, "case": name.upper() if rng.random() < 0.5 else name.title(),
                            "separators": name.replace("_", "-") if "_" in name else name.replace("-", "_")}[variant]
            return variant
        if kind == "identifier":
            if not parent.identifiers:
                parent.identifiers.append((self.new_serial(), rng.choice(["structured", "labelled"])))
                self.stolen.append(parent.identifiers[0][0])
            serial = parent.identifiers[0][0].replace(" ", "").upper()
            written = serial if rng.random() < 0.5 else f"{serial[:5]} {serial[5:]}".lower()
            how = rng.choice(["structured", "labelled"])
            account.identifiers.append((written, how))
            return how
        if kind == "text":
            variant = rng.choice(["moved", "dropped", "reworded"])
            parent.template = parent.template or template
            account.template = edit_text(parent.template, rng, variant)
            return variant
        variant = rng.choice(["resized", "recompressed", "cropped", "brightened"])
        if not parent.photos:
            parent.photos.append(self.new_photo())
        self.photo_seed += 1
        account.reposts.append(repost(self.folder, parent.photos[0], f"r{self.photo_seed}-{variant}.jpg", variant, rng))
        return variant

    def dealer(self, index: int) -> None:
        rng = self.rng
        name = f"{rng.choice(SURNAMES).lower()}{rng.choice(['agri', 'tractors', 'machinery'])}{index}"
        template = (f"{name.capitalize()} Ltd, family dealer since {1950 + index * 7}. Finance available on "
                    f"{_words(rng, 3)} machines. Delivery nationwide from our {_words(rng, 2)} depot.")
        sources = rng.sample(SOURCES, 2 if index % 2 == 0 else 1)
        phone = phone_number(700 + index)
        for source in sources:
            account = self.add(Account(source, name, f"dealer-{self.seed}-{index}", "dealer",
                                       profile=f"https://{HOSTS[source]}/shop/{name}", phone=phone,
                                       email=f"sales@{name}.co.uk"))
            for _ in range(rng.randint(12, 30)):
                photos = [self.new_photo()] + ([rng.choice(self.stock)] if rng.random() < 0.5 else [])
                ids = [{"kind": "serial", "value": self.new_serial()}] if rng.random() < 0.3 else []
                self.listing(account, template, photos, [f"Call {phone}."] if rng.random() < 0.3 else [], ids)

    def private(self, index: int) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.08:  # a handle many people think of: the same on several sites, different sellers
            name = rng.choice(COMMON_HANDLES)
        elif roll < 0.35:
            name = rng.choice(FIRST_NAMES)
        elif roll < 0.55:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        else:
            name = f"{rng.choice(WORDS)}{rng.choice(WORDS)}{rng.randint(1, 999)}"
        source = rng.choice(SOURCES)
        has_profile = rng.random() < 0.6 or name in COMMON_HANDLES  # on one site a handle is one account
        account = self.add(Account(source, name, f"private-{self.seed}-{index}", "private",
                                   profile=f"https://{HOSTS[source]}/u/p{self.seed}-{index}" if has_profile else None))
        roll = rng.random()
        if source in IRISH and roll < 0.5:
            account.phone = irish_mobile(self.seed * 31 + 500 + index)
        elif roll < 0.1:
            account.places = NI_TOWNS
            account.phone = ni_number(self.seed * 17 + 300 + index)
        elif roll < 0.4:
            account.phone = phone_number(index % 400)
        elif roll < 0.55:
            account.phone = MARKET_PHONES[source]  # sellers who hide their number show the site's
        if rng.random() < 0.2:
            account.email = f"{name.split()[0].lower()}{rng.randint(1, 9999)}@{rng.choice(DOMAINS)}"
        for _ in range(rng.randint(1, 3)):
            photos = [self.new_photo()] + ([rng.choice(self.stock)] if rng.random() < 0.15 else [])
            model = rng.choice(MACHINES)[2]
            extra = [f"Model no: {model}."] if rng.random() < 0.1 else []
            self.listing(account, f"{_words(rng, 4).capitalize()}.", photos, extra)


def write_marketplace(folder: Path, seed: int = 1, operations: int = 6, dealers: int = 4, private: int = 120) -> Path:
    """Write the labelled marketplace into `folder`; returns the listings file. Beside it: `truth.json`
    (listing URL -> {account, org, kind}), `links.json` (the planted links: accounts `a`, `b`, `kind`,
    `variant`) and `items.jsonl` (the registered stolen items whose serials the operations re-list, in
    the `farmwatch items import` format)."""
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
    truth = {r["url"]: {"account": a.key, "org": a.org, "kind": a.kind} for a in gen.accounts for r in a.listings}
    (folder / "truth.json").write_text(json.dumps(truth))
    (folder / "links.json").write_text(json.dumps(gen.planted))
    items = [{"owner": {"name": f"Farmer {n}", "email": f"farmer{seed}-{n}@example.org"}, "category": "tractor",
              "make": "John Deere", "model": "6120M", "identifiers": [{"kind": "serial", "value": serial}],
              "theft": {"stolen_at": "2026-07-01", "crime_ref": f"4426{seed:03d}{n:04d}", "place": "Andover"}}
             for n, serial in enumerate(gen.stolen)]
    (folder / "items.jsonl").write_text("".join(json.dumps(i) + "\n" for i in items))
    return path
