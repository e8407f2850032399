"""A labelled evaluation set built from real photographs and identifiers typed the ways sellers type them.

`write_real_eval_set(folder, RealEvalConfig(seed=...))` writes the same files as
`matching.evaluation.evalset.write_eval_set` (items.jsonl, listings.jsonl, labels.json), so
`matching.evaluation.evaluate.run_evaluation` loads, matches and measures it. Each seed draws other
windows of the photographs, other alterations and other serials. The listings are:

- real photos of stolen items re-listed altered: issue 8's alterations (crops, borders,
  letterbox, watermark, mirror, rotations, half size), an 8% crop, another shot of the scene
  (the camera turned, nearer or further, other light) and, where a package ships one, a true
  second viewpoint (scikit-image's stereo motorcycle); animals and small kit as well as machines.
  `HARD_PHOTO_KINDS` are all of them but a plain re-encode;
- stolen items' identifiers written in groups (some groups look like volts, prices or phone
  numbers), with labels glued on in any case, with look-alike characters, and with a
  one-character slip at least three places from the end (make, model and year stated);
- owners' own sales, and decoys: the next serial numbers in sequence, look-alikes of stolen items
  with other real photos, a part of a registered photo's scene that the registered photo does
  not show, and textures (brick, grass, gravel) titled as stolen items' categories.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageEnhance, ImageOps

from matching.evaluation.evalset import MODELS, SOURCE, _filler, _neighbour
from matching.evaluation.feature_evalset import ALTERATIONS, crop
from matching.evaluation.real_photos import RealPhoto, load_photo, real_photos, texture_photos
from registry.identifiers.rules import cattle_check_digit, vin_check_character
from synthetic.photos import encode

REGISTERED_SIDE = 1024
PHOTO_KINDS = ["photo reencode", *(f"photo {name}" for name in ALTERATIONS), "photo crop 8%", "photo other view",
               "photo stereo view"]
HARD_PHOTO_KINDS = [k for k in PHOTO_KINDS if k != "photo reencode"]
ID_KINDS = ["id_groups", "id_groups_noise", "id_glued_label", "id_lookalike_groups", "id_slip"]
TRUE_KINDS = PHOTO_KINDS + ID_KINDS
DECOY_KINDS = ["decoy_sequential", "decoy_sequential_registered", "lookalike_photo", "other_part", "texture"]
_LABELS = ["serial", "sn", "s/n:", "S/N:", "vin:", "PIN#", "pin", "Serial\u2116", "chassisno", "SERIAL", "Serial No.",
           "ser.no.", "frameNo", "snr"]
_UNITS = ["V", "T", "L", "KG", "HP", "CC"]
_ANIMAL_MODELS = {"horse": "Welsh cob", "sheep": "Texel ewe", "goat": "Boer goat", "cattle": "Limousin cross"}


@dataclass
class RealEvalConfig:
    seed: int = 1
    listings_per_photo: int = 2  # re-listings of each registered real photo, each altered another way
    id_items: int = 20  # stolen items re-listed by their identifiers, kinds in turn
    owners: int = 6  # registered items not stolen, sold by their owners
    decoys: int = 20
    include_debian: bool = True  # Debian's wallpaper photographs when installed


def _model(category: str, rng: random.Random) -> tuple[str | None, str]:
    if category in _ANIMAL_MODELS:
        return None, _ANIMAL_MODELS[category]
    same = [m for m in MODELS if m[0] == category]
    _, make, model, _ = rng.choice(same) if same else rng.choice(MODELS[:4])
    return make, model


def _identifier(rng: random.Random, category: str, number: int, noisy: bool = False) -> dict:
    """A registered identifier of the category's usual kind; `noisy` ones hold a group that looks like a unit."""
    if noisy:
        body = "".join(rng.choice("ABCDEFGHJKMNPRTUVWXY0123456789") for _ in range(4))
        unit = rng.choice(_UNITS)
        tail = "".join(rng.choice("ABCDEFGHJKMNPRTUVWXY") for _ in range(3))
        return {"kind": "engine", "value": f"{body}{rng.randrange(100, 999)}{unit}{tail}{number % 10**5:05d}"}
    if category == "cattle":
        herd, animal = rng.randrange(100000, 999999), number % 100000
        return {"kind": "ear_tag", "value": f"UK{herd:06d}{cattle_check_digit(herd, animal)}{animal:05d}"}
    if category in ("sheep", "goat"):
        return {"kind": "ear_tag", "value": f"UK0{rng.randrange(100000, 999999)}{number % 100000:05d}"}
    if category == "horse":
        return {"kind": "microchip", "value": f"826{rng.randrange(10**5, 10**6)}{number % 10**6:06d}"}
    if category in ("quad", "utv", "vehicle"):
        body = f"1HF{rng.choice('ABCDEFGH')}{rng.choice('JKLMN')}{rng.choice('PRSTU')}0{rng.choice('ABC')}R{number:08d}"[:17]
        return {"kind": "vin", "value": body[:8] + (vin_check_character(body) or "0") + body[9:]}
    if category in ("gps", "power_tool", "other"):
        return {"kind": "serial", "value": f"{rng.choice('TKRM')}{rng.choice('PQWX')}AG{number:07d}"}
    letters = "".join(rng.choice("ABCDEFGHJKMNPRTUVWXY") for _ in range(5))
    return {"kind": "pin", "value": f"1{rng.choice('LMNP')}0{letters}{rng.choice('CDEFGH')}{rng.choice('KLMN')}"
            f"{rng.choice('KLMNP')}{number:06d}"[:17]}


def _groups(rng: random.Random, value: str, sizes=(2, 5)) -> str:
    parts, i = [], 0
    while i < len(value):
        step = rng.randint(*sizes)
        parts.append(value[i:i + step])
        i += step
    return rng.choice([" ", "-", " - ", "/", "  "]).join(parts)


def _noisy_groups(rng: random.Random, value: str) -> str:
    """Groups cut so that one reads as a quantity with a unit and the last digit as a price ("5 ono")."""
    unit_end = next(i for i in range(4, len(value) - 6) if value[i:i + 2] in _UNITS or value[i] in _UNITS) + 1
    if value[unit_end - 1:unit_end + 1] in _UNITS:
        unit_end += 1
    head, unit_group, rest = value[:4], value[4:unit_end], value[unit_end:]
    return f"{head} {unit_group} {rest[:4]} {rest[4:-1]} {rest[-1]} ono"


def _glued(rng: random.Random, value: str) -> str:
    label = rng.choice(_LABELS)
    return label + (value.lower() if rng.random() < 0.4 else value)


def _lookalike(rng: random.Random, value: str) -> str:
    """Some zeros typed as O and ones as I (each with even odds), in groups, perhaps in lower case."""
    swapped = "".join({"0": "O", "1": "I"}.get(ch, ch) if rng.random() < 0.5 else ch for ch in value)
    return _groups(rng, swapped.lower() if rng.random() < 0.5 else swapped, (3, 5))


def _slip(rng: random.Random, value: str) -> str:
    place = rng.randint(3, min(len(value) - 2, 8))  # places from the end, 1 = the last
    pos = len(value) - place
    repl = rng.choice([c for c in "2345678" if c != value[pos]]) if value[pos].isdigit() else \
        rng.choice([c for c in "ACDEFHJKMNPRTUVWXY" if c != value[pos]])
    return value[:pos] + repl + value[pos + 1:]


def type_identifier(rng: random.Random, kind: str, value: str) -> str:
    """The value as a seller of the `kind` (one of ID_KINDS) writes it in an advert, label included."""
    if kind == "id_groups_noise":
        has_unit = any(value[i:i + 2] in _UNITS or value[i] in _UNITS for i in range(4, len(value) - 6))
        return "engine " + (_noisy_groups(rng, value) if has_unit else _groups(rng, value) + " ono")
    if kind == "id_glued_label":
        return _glued(rng, value)
    if kind == "id_lookalike_groups":
        return "no. " + _lookalike(rng, value)
    if kind == "id_slip":
        return "serial " + _slip(rng, value)
    return "serial " + _groups(rng, value)


def other_view(img: Image.Image, rng: random.Random) -> Image.Image:
    """Another shot of the scene from about the same place: the camera turned (a perspective change of
    6-14% of the frame), nearer (70-90% of the view), in other light."""
    w, h = img.size
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    moved = corners.copy()
    tilt = rng.uniform(0.06, 0.14) * h
    near = [1, 2] if rng.random() < 0.5 else [0, 3]
    moved[near[0]] += (0, -tilt)
    moved[near[1]] += (0, tilt)
    moved += np.float32([[rng.uniform(-0.04, 0.04) * w, rng.uniform(-0.04, 0.04) * h] for _ in range(4)])
    warped = cv2.warpPerspective(np.asarray(img), cv2.getPerspectiveTransform(corners, moved), (w, h),
                                 borderMode=cv2.BORDER_REFLECT)
    zoom = rng.uniform(0.7, 0.9)
    cw, ch = int(w * zoom), int(h * zoom)
    x0, y0 = rng.randrange(0, w - cw + 1), rng.randrange(0, h - ch + 1)
    out = Image.fromarray(warped).crop((x0, y0, x0 + cw, y0 + ch))
    return ImageEnhance.Brightness(out).enhance(rng.uniform(0.8, 1.2))


def _alter(kind: str, registered: Image.Image, photo: RealPhoto, window, rng: random.Random) -> Image.Image:
    name = kind.removeprefix("photo ")
    if name == "reencode":
        return registered
    if name == "crop 8%":
        return crop(registered, 0.08, 0.08, 0.08, 0.08)
    if name == "other view":
        return other_view(registered, rng)
    if name == "stereo view":
        other = load_photo(photo.pair).crop(window)
        other.thumbnail((REGISTERED_SIDE, REGISTERED_SIDE))
        return ImageEnhance.Brightness(other).enhance(rng.uniform(0.85, 1.15))
    return ALTERATIONS[name](registered)


def _box(rng: random.Random, w: int, h: int, cw: int, ch: int) -> tuple[int, int, int, int]:
    """A cw x ch window of a w x h photo, near its left edge (a wide photo's right part is kept for decoys)."""
    x0, y0 = rng.randrange(0, max(1, int((w - cw) * 0.2)) + 1), rng.randrange(0, h - ch + 1)
    return x0, y0, x0 + cw, y0 + ch


def write_real_eval_set(folder: Path | str, config: RealEvalConfig | None = None) -> dict:
    """Write the files and return the labels: listing url -> {kind, item_ref, expect}.

    Raises RuntimeError when no real photographs are installed (the `test` extra brings them).
    """
    config = config or RealEvalConfig()
    rng = random.Random(config.seed)
    folder = Path(folder)
    (folder / "photos").mkdir(parents=True, exist_ok=True)
    photos = real_photos(config.include_debian)
    if not photos:
        raise RuntimeError("no real photographs installed: install the test extra (scikit-image, scikit-learn)")
    rng.shuffle(photos)
    held_out, registered_photos = photos[:max(2, len(photos) // 6)], photos[max(2, len(photos) // 6):]
    if any(p.pair for p in held_out):  # the stereo pair is the only true second viewpoint: always registered
        pair = next(p for p in held_out if p.pair)
        held_out.remove(pair)
        registered_photos.append(pair)
    items, labels, listings = {}, {}, []
    serial_number = 100_000 + config.seed * 1000

    def add_item(category, stolen, photo_file=None, noisy=False):
        nonlocal serial_number
        serial_number += 7
        ref = f"E{len(items) + 1:05d}"
        make, model = _model(category, rng)
        item = {"owner": {"name": f"Owner {ref}", "email": f"{ref.lower()}@example.org"}, "category": category,
                "make": make, "model": model, "year": rng.randrange(2008, 2025), "description": f"evaluation item {ref}",
                "identifiers": [_identifier(rng, category, serial_number, noisy)], "photos": []}
        if photo_file:
            item["photos"] = [f"photos/{photo_file}"]
        if stolen:
            item["theft"] = {"stolen_at": f"2026-10-{rng.randrange(1, 28):02d}", "crime_ref": f"CR{ref}",
                             "place": "Somewhere, Devon"}
        items[ref] = item
        return ref

    def add_listing(kind, ref, expect, title, description, image=None):
        n = len(listings) + 1
        url = f"https://{SOURCE}.example/real/{config.seed}/{n}"
        record = {"source": SOURCE, "url": url, "title": title, "description": description,
                  "posted_at": "2026-11-15T09:00:00Z", "photos": []}
        if image is not None:
            (folder / f"ad{n}.jpg").write_bytes(encode(image, "JPEG", rng.randrange(70, 90)))
            record["photos"] = [f"ad{n}.jpg"]
        listings.append(record)
        labels[url] = {"kind": kind, "item_ref": ref, "expect": expect}

    def title_of(ref, with_year=False):
        item = items[ref]
        parts = [item["make"], item["model"], str(item["year"]) if with_year else None,
                 item["category"].replace("_", " ")]
        return " ".join(p for p in parts if p) + " for sale"

    photo_kinds = [k for k in PHOTO_KINDS if k != "photo stereo view"]
    turn = rng.randrange(len(photo_kinds))
    other_parts = []
    for photo in registered_photos:
        source = load_photo(photo.path)
        wide = source.width >= 900 and not photo.pair
        window = _box(rng, source.width, source.height, int(source.width * (0.55 if wide else rng.uniform(0.88, 1.0))),
                      int(source.height * rng.uniform(0.88, 1.0)))
        image = source.crop(window)
        image.thumbnail((REGISTERED_SIDE, REGISTERED_SIDE))
        file = f"{photo.name}-{config.seed}.jpg"
        (folder / "photos" / file).write_bytes(encode(image, "JPEG", 90))
        ref = add_item(photo.category, True, file)
        if wide:  # the rest of the scene, right of the registered part: a different photo of the same place
            other_parts.append((ref, source.crop((window[2] + source.width // 20, window[1], source.width, window[3]))))
        kinds = [photo_kinds[(turn + k) % len(photo_kinds)] for k in range(config.listings_per_photo)]
        turn += config.listings_per_photo
        if photo.pair:
            kinds[0] = "photo stereo view"
        for kind in kinds:
            add_listing(kind, ref, "stolen", title_of(ref), _filler(rng), _alter(kind, image, photo, window, rng))

    categories = [m[0] for m in MODELS if m[0] != "cattle"] + ["cattle", "horse", "sheep"]
    id_refs = []
    for i in range(config.id_items):
        kind = ID_KINDS[i % len(ID_KINDS)]
        ref = add_item(categories[i % len(categories)], True, noisy=kind == "id_groups_noise")
        id_refs.append(ref)
        if i % 4 == 0:  # the next item off the line is registered too, not stolen
            twin = add_item(items[ref]["category"], False)
            items[twin]["identifiers"] = [{"kind": d["kind"], "value": _neighbour(d["value"], 1)}
                                          for d in items[ref]["identifiers"]]
        value = items[ref]["identifiers"][0]["value"]
        shown = type_identifier(rng, kind, value)
        add_listing(kind, ref, "stolen", title_of(ref, with_year=kind == "id_slip"),
                    f"{_filler(rng)} {shown}. Call 07700 9{rng.randrange(10000, 99999)}")
    for i in range(config.owners):
        ref = add_item(categories[(i * 3) % len(categories)], False)
        add_listing("owner_sale", ref, "owner_check", title_of(ref),
                    f"{_filler(rng)} serial {_groups(rng, items[ref]['identifiers'][0]['value'])}")

    textures = texture_photos()
    registered_values = {d["value"] for it in items.values() for d in it["identifiers"]}
    for i in range(config.decoys):
        kind = DECOY_KINDS[i % len(DECOY_KINDS)]
        ref = id_refs[(i * 7) % len(id_refs)] if id_refs else next(iter(items))
        value = items[ref]["identifiers"][0]["value"]
        unrelated = load_photo(held_out[i % len(held_out)].path) if held_out else None
        if kind == "decoy_sequential":
            step = 2
            while _neighbour(value, step) in registered_values:
                step += 1
            add_listing(kind, ref, "not_stolen", title_of(ref, True), f"{_filler(rng)} serial {_neighbour(value, step)}",
                        unrelated)
        elif kind == "decoy_sequential_registered":
            shown = _neighbour(value, 1) if _neighbour(value, 1) in registered_values else _neighbour(value, 3)
            add_listing(kind, ref, "not_stolen", title_of(ref, True), f"{_filler(rng)} serial {shown}", unrelated)
        elif kind == "lookalike_photo":
            add_listing(kind, ref, "not_stolen", title_of(ref), f"{_filler(rng)} Well looked after.", unrelated)
        elif kind == "other_part" and other_parts:
            part_ref, part = other_parts[i % len(other_parts)]
            add_listing(kind, part_ref, "not_stolen", title_of(part_ref), _filler(rng), part)
        elif textures:
            texture = load_photo(textures[i % len(textures)].path)
            photo_ref = rng.choice([r for r, it in items.items() if it["photos"]] or [ref])
            add_listing("texture", photo_ref, "not_stolen", title_of(photo_ref), _filler(rng),
                        ImageOps.mirror(texture) if rng.random() < 0.5 else texture)
    (folder / "items.jsonl").write_text("\n".join(json.dumps(i) for i in items.values()) + "\n")
    (folder / "listings.jsonl").write_text("\n".join(json.dumps(r) for r in listings) + "\n")
    (folder / "labels.json").write_text(json.dumps(labels, indent=1))
    return labels


def hard_photo_recall(recall_by_kind: dict) -> tuple[int, int]:
    """(found, total) over the hard photo alterations of an evaluation result's recall by kind."""
    pairs = [recall_by_kind[k] for k in HARD_PHOTO_KINDS if k in recall_by_kind]
    return sum(f for f, _ in pairs), sum(t for _, t in pairs)
