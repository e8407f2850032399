"""Stage two on real photographs (matching/real_photos.py), for bench_features: the measurements
the thresholds were chosen on.

Every installed real photo is registered as a stolen item (a wide photo by its left 55%, so its
right part is a different photo of the same place), then listed altered each of issue 8's ways,
cropped 8%, and shot again from about the same place (`real_evalset.other_view`; scikit-image's
stereo motorcycle is a true second viewpoint). Everything `find_feature_matches` finds for another
item, and everything found for the textures and the unregistered right parts, is a different photo.
"""

from __future__ import annotations

import random
import statistics
import time
from collections import Counter, defaultdict

from matching.evaluation.feature_evalset import ALTERATIONS, crop
from matching.evaluation.real_evalset import REGISTERED_SIDE, other_view
from matching.evaluation.real_photos import load_photo, real_photos, texture_photos
from matching.photos.features.extract import decode_for_features, extract_features, mirror_features
from matching.photos.features.match import feature_band, find_feature_matches
from registry.items.registration import register_item
from registry.items.validation import validate_item
from registry.listings.store import clean_listing, save_listing_photo, upsert_listing
from synthetic.photos import encode

VIEWS_PER_PHOTO = 3


def _register(db, name: str, image) -> int:
    item, errors = validate_item({
        "owner": {"name": "Bench Farmer", "email": f"{name}@example.org"}, "category": "tractor", "make": "Makeco",
        "model": name, "theft": {"stolen_at": "2026-11-01", "crime_ref": f"R-{name}", "place": "Faccombe"}})
    assert not errors, errors
    return register_item(db, item, [(f"{name}.jpg", encode(image, "JPEG", 90))]).item_id


def _listing(db, key: str, image) -> str:
    lid = upsert_listing(db, clean_listing({"source": "bench-real", "url": f"https://example.org/{key}",
                                            "title": "tractor"})).listing_id
    save_listing_photo(db, lid, 1, f"https://example.org/{key}/1.jpg", encode(image, "JPEG", 85))
    return lid


def real_quality(db) -> dict:
    rng = random.Random(8)
    photos = real_photos()
    items, images, negatives = {}, {}, []
    for photo in photos:
        source = load_photo(photo.path)
        if source.width >= 900 and not photo.pair:
            cut = int(source.width * 0.55)
            negatives.append((f"right part of {photo.name}", source.crop((cut + source.width // 20, 0, source.width,
                                                                           source.height))))
            source = source.crop((0, 0, cut, source.height))
        source.thumbnail((REGISTERED_SIDE, REGISTERED_SIDE))
        images[photo.name] = source
        items[photo.name] = _register(db, photo.name, source)
    negatives += [(t.name, load_photo(t.path)) for t in texture_photos()]
    kinds = {**ALTERATIONS, "crop 8%": lambda im: crop(im, 0.08, 0.08, 0.08, 0.08)}
    bands: dict[str, Counter] = defaultdict(Counter)
    views, wrong, query_ms = [], [], []
    for photo in photos:
        listed = [(name, alter(images[photo.name])) for name, alter in kinds.items()]
        listed += [("other view", other_view(images[photo.name], rng)) for _ in range(VIEWS_PER_PHOTO)]
        if photo.pair:
            listed.append(("stereo view", load_photo(photo.pair).crop((0, 0, *images[photo.name].size))))
        for n, (kind, image) in enumerate(listed):
            lid = _listing(db, f"{photo.name}/{n}", image)
            started = time.perf_counter()
            found = find_feature_matches(db, lid)
            query_ms.append((time.perf_counter() - started) * 1000)
            mine = [m for m in found if m.item_id == items[photo.name]]
            wrong += [m for m in found if m.item_id != items[photo.name]]
            band = feature_band(mine[0]) if mine else None
            if mine and kind.endswith("view"):
                views.append(mine[0])
                band = "likely (with agreement)" if mine[0].other_view else band
            bands[kind][band or "none"] += 1
    for n, (_, image) in enumerate(negatives):
        wrong += find_feature_matches(db, _listing(db, f"negative/{n}", image))
    extract_ms = []
    for photo in photos:
        data = encode(images[photo.name], "JPEG", 85)
        started = time.perf_counter()
        gray = decode_for_features(data)
        extract_features(gray)
        mirror_features(gray)
        extract_ms.append((time.perf_counter() - started) * 1000)
    return {"photos": len(photos), "bands": bands, "views": views, "wrong": wrong, "negatives": len(negatives),
            "query_ms": query_ms, "extract_ms": extract_ms, "low_texture": sum(p.low_texture for p in photos)}


def print_real_quality(q: dict, generated_found: dict, per_alteration: int) -> None:
    print(f"\nreal photographs: {q['photos']} registered ({q['low_texture']} of them smooth, low-contrast subjects), "
          f"{q['negatives']} unregistered (textures, the unregistered part of wide photos)")
    print(f"{'alteration':28s} {'generated strong':>17s}   real: strong  likely  possible  none")
    for kind, counts in q["bands"].items():
        generated = f"{generated_found[kind]}/{per_alteration}" if kind in generated_found else "-"
        likely = counts["likely"] + counts["likely (with agreement)"]
        print(f"  {kind:26s} {generated:>17s}   {counts['strong']:12d} {likely:7d} {counts['possible']:9d} "
              f"{counts['none']:5d}")
    hard = [k for k in q["bands"]]
    found = sum(q["bands"][k]["strong"] + q["bands"][k]["likely"] + q["bands"][k]["likely (with agreement)"] for k in hard)
    total = sum(sum(q["bands"][k].values()) for k in hard)
    print(f"real photos, altered or shot again, found strong or likely: {found}/{total} = {found / total:.3f} "
          f"(target >= 0.85; another view counts as likely when the make and category agree)")
    views = q["views"]
    if views:
        inliers = sorted(m.inliers for m in views)
        print(f"another view of the scene: {len(views)} found, matching points min {inliers[0]} median "
              f"{statistics.median(inliers):.0f}; distortion up to {max(m.distortion for m in views):.2f}; "
              f"spread from {min(m.spread for m in views):.2f}")
    wrong = q["wrong"]
    worst = max((m.inliers for m in wrong), default=0)
    wrong_bands = Counter(feature_band(m) for m in wrong)
    print(f"different real photos: {len(wrong)} verified at 15 points or more (best {worst}); "
          f"{wrong_bands.get('strong', 0)} strong "
          f"(target 0), {wrong_bands.get('likely', 0)} likely, {sum(m.other_view for m in wrong)} another-view "
          f"(target 0), {wrong_bands.get('possible', 0)} possible")
    print(f"real photos: decode + features + mirror image median {statistics.median(q['extract_ms']):.1f} ms; "
          f"find_feature_matches per listing photo median {statistics.median(q['query_ms']):.0f} ms "
          f"({q['photos']}-photo registry, one core)")
