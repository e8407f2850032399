"""A labelled evaluation set for the matcher, written as ordinary import files.

`write_eval_set(folder)` writes items.jsonl (with generated photos), listings.jsonl
(with altered photos) and labels.json, so the set is loaded exactly as a user loads
data (`farmwatch items import`, `listings import`). The listings are:

- true re-listings of stolen items, one kind of evidence each: identifiers re-typed
  (spaces and dashes, case and look-alike characters, other scripts, split tokens, only
  in the structured fields, one typo, only the trailing digits) and photos altered
  (re-encoded, resized, brighter, mirrored, watermarked), plus a typo with a photo.
  Typos are placed before the last four characters: a slip in the sequence digits
  cannot be told from the next serial number, and is scored as such;
- legitimate sales of registered items that are not stolen (owner checks);
- hard decoys: the next serial number off the line (registered or not), honest
  look-alikes of the same make and model, and unrelated adverts.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps

from registry.identifiers.rules import cattle_check_digit, vin_check_character
from synthetic.photos import encode, scene

PHOTO_SIZE = (480, 360)
SOURCE = "eval-market"
MODELS = [
    ("tractor", "John Deere", "6120M", "green"), ("tractor", "Massey Ferguson", "5713S", "red"),
    ("tractor", "New Holland", "T6.180", "blue"), ("tractor", "Kubota", "M5-111", "orange"),
    ("quad", "Honda", "TRX420FA", "red"), ("quad", "Polaris", "Sportsman 570", "green"),
    ("utv", "Kawasaki", "Mule Pro-FX", "green"), ("trailer", "Ifor Williams", "TA510G", "silver"),
    ("gps", "Trimble", "GFX-750", "black"), ("power_tool", "Stihl", "MS 462", "orange"),
    ("plant", "JCB", "8026 CTS", "yellow"), ("cattle", None, "Limousin cross", None),
]
TRUE_KINDS = ["id_spaced", "id_case_lookalike", "id_other_script", "id_split_tokens", "id_structured",
              "id_typo", "id_trailing", "photo_reencode", "photo_resize", "photo_brightness", "photo_mirror",
              "photo_watermark", "typo_and_photo"]
DECOY_KINDS = ["decoy_sequential", "decoy_sequential_registered", "lookalike", "unrelated"]
_CYRILLIC = {"A": "\u0410", "E": "\u0415", "K": "\u041a", "M": "\u041c", "O": "\u041e", "P": "\u0420",
             "C": "\u0421", "T": "\u0422", "X": "\u0425", "H": "\u041d"}


@dataclass
class EvalConfig:
    stolen: int = 26  # stolen items; each gets one true re-listing, kinds in turn
    registered: int = 14  # items not stolen; each gets an owner's sale
    decoys: int = 16
    seed: int = 1


def _serial(rng: random.Random, category: str, model: str, number: int) -> list[dict]:
    code = "".join(ch for ch in model.upper() if ch.isalnum())[:5].ljust(5, "X")
    if category == "cattle":
        herd = rng.randrange(100000, 999999)
        return [{"kind": "ear_tag", "value": f"UK{herd:06d}{cattle_check_digit(herd, number % 100000)}{number % 100000:05d}"}]
    if category in ("quad", "utv"):
        letters = "".join(rng.choice("ABCDEFGH") for _ in range(3))
        model_code = code[:3].replace("O", "0").replace("I", "1").replace("Q", "9")
        body = f"1HF{model_code}{letters[:2]}0R{letters[2]}{number:06d}"
        body = body[:17]
        return [{"kind": "vin", "value": body[:8] + vin_check_character(body) + body[9:]}]
    if category in ("gps", "power_tool"):
        return [{"kind": "serial", "value": f"{rng.randrange(1, 9)}{rng.randrange(100, 999)}{number:06d}"}]
    return [{"kind": "pin", "value": f"1{rng.choice('LMNP')}0{code}{rng.choice('CDEFGH')}{rng.choice('KLMN')}"
             f"{rng.choice('KLMNP')}{number:06d}"[:17]},
            {"kind": "engine", "value": f"PE{rng.randrange(1000, 9999)}{rng.choice('RST')}{number:06d}"}]


def _item(rng, ref, model, number, photo_seed, stolen):
    category, make, name, colour = model
    item = {"owner": {"name": f"Owner {ref}", "email": f"{ref.lower()}@example.org"}, "category": category,
            "make": make, "model": name, "year": rng.randrange(2008, 2025), "colour": colour,
            "description": f"evaluation item {ref}", "identifiers": _serial(rng, category, name, number),
            "photos": [f"photos/{ref}.jpg"]}
    if stolen:
        day = rng.randrange(1, 28)
        item["theft"] = {"stolen_at": f"2026-10-{day:02d}", "crime_ref": f"CR{ref}", "place": "Somewhere, Hampshire"}
    return item, photo_seed


def _alter(img, kind: str, rng: random.Random) -> bytes:
    if kind == "photo_reencode":
        return encode(img, "JPEG", 55)
    if kind == "photo_resize":
        return encode(img.resize((img.width * 2 // 3, img.height * 2 // 3)), "JPEG", 80)
    if kind == "photo_brightness":
        return encode(ImageEnhance.Brightness(img).enhance(1.15), "JPEG", 85)
    if kind == "photo_mirror":
        return encode(ImageOps.mirror(img), "JPEG", 82)
    if kind == "photo_watermark":
        layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        draw.text((img.width - 230, img.height - 40), "farm-ads.example", fill=(255, 255, 255, 150),
                  font=ImageFont.load_default(size=24))
        return encode(Image.alpha_composite(img.convert("RGBA"), layer).convert("RGB"), "JPEG", 85)
    return encode(img, "JPEG", 75)


def _retype(rng: random.Random, kind: str, value: str) -> str:
    if kind in ("id_spaced",):
        cut = sorted(rng.sample(range(2, len(value) - 1), 2))
        sep = rng.choice([" ", "-", " - "])
        return sep.join([value[:cut[0]], value[cut[0]:cut[1]], value[cut[1]:]])
    if kind == "id_case_lookalike":
        swapped = value.replace("0", "O", 1).replace("1", "I", 1)
        return swapped.lower() if rng.random() < 0.5 else swapped
    if kind == "id_other_script":
        return "".join(_CYRILLIC.get(ch, ch) if rng.random() < 0.5 else ch for ch in value) + "\u200b"
    if kind == "id_split_tokens":
        return " ".join(value[i:i + 4] for i in range(0, len(value), 4))
    if kind in ("id_typo", "typo_and_photo"):
        pos = rng.randrange(2, len(value) - 4)  # a slip in the middle, not the sequence digits
        ch = value[pos]
        repl = rng.choice([c for c in "ABCDEFGHJKMNPRTUVWXY2345678" if c != ch])
        return value[:pos] + repl + value[pos + 1:]
    if kind == "id_trailing":
        return value[-rng.choice([6, 7, 8]):]
    return value


def _neighbour(value: str, step: int) -> str:
    digits = len(value) - len(value.rstrip("0123456789"))
    number = int(value[-digits:]) + step
    tail = f"{number:0{digits}d}"[-digits:]
    if value.startswith("UK") and len(value) == 14:  # a cattle tag: a valid check digit of its own
        herd, animal = int(value[2:8]), int(tail[-5:])
        return f"UK{herd:06d}{cattle_check_digit(herd, animal)}{animal:05d}"
    out = value[:-digits] + tail
    if len(out) == 17 and vin_check_character(out) and vin_check_character(value) == value[8]:
        out = out[:8] + vin_check_character(out) + out[9:]
    return out


def _title(item) -> str:
    return " ".join(str(p) for p in (item["make"] or "", item["model"], item["year"] if item["category"] != "cattle"
                                      else "", item["category"].replace("_", " ")) if p).strip()


def _filler(rng) -> str:
    return rng.choice(["Good condition, used daily until recently.", "Starts and runs, no time wasters.",
                       "Collection only, cash on collection.", "Genuine reason for sale, offers considered."]) + \
        f" Call 07700 9{rng.randrange(10000, 99999)}. £{rng.randrange(2, 60)},{rng.randrange(100, 999)} ono." + \
        f" {rng.randrange(500, 9000)} hours. Located SP{rng.randrange(1, 11)} {rng.randrange(1, 9)}AB."


def write_eval_set(folder: Path | str, config: EvalConfig | None = None) -> dict:
    """Write the files and return the labels: listing url -> {kind, item_ref, expect}."""
    config = config or EvalConfig()
    rng = random.Random(config.seed)
    folder = Path(folder)
    (folder / "photos").mkdir(parents=True, exist_ok=True)
    items, photos, labels, listings = {}, {}, {}, []
    next_seed = config.seed * 100_000

    def add_item(model, number, stolen):
        nonlocal next_seed
        ref = f"E{len(items) + 1:05d}"
        next_seed += 1
        items[ref], photos[ref] = _item(rng, ref, model, number, next_seed, stolen)
        return ref

    def add_listing(kind, ref, expect, item, description, photo=None, structured=None, title=None):
        n = len(listings) + 1
        url = f"https://{SOURCE}.example/ad/{n}"
        record = {"source": SOURCE, "url": url, "title": title or _title(item), "description": description,
                  "posted_at": "2026-11-15T09:00:00Z", "photos": []}
        if photo is not None:
            (folder / f"ad{n}.jpg").write_bytes(photo)
            record["photos"] = [f"ad{n}.jpg"]
        if structured:
            record["identifiers"] = structured
        listings.append(record)
        labels[url] = {"kind": kind, "item_ref": ref, "expect": expect}

    stolen_refs = []
    for i in range(config.stolen):
        model = MODELS[i % len(MODELS)]
        ref = add_item(model, 100000 + 7 * i, stolen=True)
        stolen_refs.append(ref)
        if i % 3 == 0:  # the next item off the line is registered too, not stolen
            twin = add_item(model, 0, stolen=False)
            items[twin]["identifiers"] = [{"kind": d["kind"], "value": _neighbour(d["value"], 1)}
                                          for d in items[ref]["identifiers"]]
    owned = [add_item(MODELS[(i * 5) % len(MODELS)], 500000 + 11 * i, stolen=False) for i in range(config.registered)]
    for ref in items:
        (folder / "photos" / f"{ref}.jpg").write_bytes(encode(scene(photos[ref], PHOTO_SIZE), "JPEG", 90))

    for i, ref in enumerate(stolen_refs):
        kind, item = TRUE_KINDS[i % len(TRUE_KINDS)], items[ref]
        value = item["identifiers"][-1]["value"]
        photo = None
        if kind.startswith("photo") or kind == "typo_and_photo":
            photo = _alter(scene(photos[ref], PHOTO_SIZE), "photo_reencode" if kind == "typo_and_photo" else kind, rng)
        if kind.startswith("photo"):
            add_listing(kind, ref, "stolen", item, _filler(rng), photo)
        elif kind == "id_structured":
            add_listing(kind, ref, "stolen", item, _filler(rng), structured=[{"kind": item["identifiers"][-1]["kind"],
                                                                                "value": value.lower()}])
        else:
            shown = _retype(rng, kind, value)
            words = "serial ends" if kind == "id_trailing" else rng.choice(["serial", "number", "s/n", "id"])
            add_listing(kind, ref, "stolen", item, f"{_filler(rng)} {words} {shown}. {_filler(rng)}", photo)
    for ref in owned:
        item = items[ref]
        add_listing("owner_sale", ref, "owner_check", item,
                    f"{_filler(rng)} serial {item['identifiers'][0]['value']}",
                    _alter(scene(photos[ref], PHOTO_SIZE), "photo_reencode", rng))
    registered_values = {i["value"] for it in items.values() for i in it["identifiers"]}
    for i in range(config.decoys):
        kind = DECOY_KINDS[i % len(DECOY_KINDS)]
        ref = stolen_refs[(i * 7) % len(stolen_refs)]
        item = items[ref]
        value = item["identifiers"][-1]["value"]
        other_photo = encode(scene(10_000_000 + config.seed * 1000 + i, PHOTO_SIZE), "JPEG", 80)
        if kind == "decoy_sequential":
            step = 2
            while _neighbour(value, step) in registered_values:
                step += 1
            add_listing(kind, ref, "not_stolen", item, f"{_filler(rng)} serial {_neighbour(value, step)}", other_photo)
        elif kind == "decoy_sequential_registered":
            twin = next((v for v in registered_values if v == _neighbour(value, 1)), None)
            shown = twin or _neighbour(value, 3)
            add_listing(kind, ref, "not_stolen", item, f"{_filler(rng)} serial {shown}", other_photo)
        elif kind == "lookalike":
            add_listing(kind, ref, "not_stolen", item, f"{_filler(rng)} Well looked after.", other_photo)
        else:
            add_listing(kind, None, "none", item, f"{_filler(rng)} Ref {rng.randrange(10**7, 10**8)}.",
                        other_photo, title=rng.choice(["Petrol lawn mower", "Horse rug 6ft", "Log splitter",
                                                       "Sheep hurdles x10", "Water bowser 1000L"]))
    (folder / "items.jsonl").write_text("\n".join(json.dumps(i) for i in items.values()) + "\n")
    (folder / "listings.jsonl").write_text("\n".join(json.dumps(r) for r in listings) + "\n")
    (folder / "labels.json").write_text(json.dumps(labels, indent=1))
    return labels
