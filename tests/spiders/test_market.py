"""The demonstration marketplace: deterministic scenario, labels, served sites, registry loading."""

import io
import urllib.error
import urllib.request
from collections import Counter

import pytest
from PIL import Image

from farmwatch.demo.alter import ALTERATIONS, alter_photo
from farmwatch.demo.catalogue import next_serial
from farmwatch.demo.market.sources import write_sources
from farmwatch.demo.scenario import LABELS, load_registry, retype
from registry.accounts.users import authenticate
from registry.identifiers.rules import matching_key
from registry.photos.store import hamming, hash_photo
from spiders.config import load_sources


def fetch(url):
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read()


def test_scenario_size_labels_and_sites(scenario):
    counts = Counter(s.label for s in scenario.listings_in(0))
    assert set(counts) == set(LABELS)
    assert counts["stolen_relisted"] == 10 and counts["honest_lookalike"] == 7 and counts["sequential_decoy"] == 3
    assert 40 <= len(scenario.listings_in(0)) <= 80
    assert {s.site for s in scenario.listings} == {"classifieds", "dealer", "auction"}
    assert len(scenario.labels) == len(scenario.listings)
    assert all(Image.open(io.BytesIO(p)).format == "JPEG" for s in scenario.listings for p in s.photos)
    assert Image.open(io.BytesIO(scenario.listings_in(0, "dealer")[-1].photos[0])).size == (800, 600)


def test_scenario_is_dated_from_today_with_livestock_and_places_that_resolve():
    from datetime import date, timedelta

    from farmwatch.demo.scenario import build_scenario
    from registry.places.lookup import resolve_place

    today = date(2027, 3, 1)
    scenario = build_scenario(7, today)
    thefts = [i["theft"] for i in scenario.items if i.get("theft")]
    assert all(today - timedelta(days=50) <= date.fromisoformat(t["stolen_at"]) < today for t in thefts)
    assert all(s.posted_at[:10] <= today.isoformat() for s in scenario.listings)
    stolen_at = {i["ref"]: i["theft"]["stolen_at"] for i in scenario.items if i.get("theft")}
    relisted = [s for s in scenario.listings if s.label == "stolen_relisted"]
    assert all(s.posted_at[:10] >= stolen_at[s.item_ref] for s in relisted)
    assert {"cattle", "sheep", "horse"} <= {i["category"] for i in scenario.items}
    assert {"cattle", "horse"} <= {s.category for s in relisted}
    forces = {s.item_ref: (resolve_place(next(t["place"] for i in scenario.items if i["ref"] == s.item_ref
                                              for t in [i["theft"]])).force_area, resolve_place(s.location).force_area)
              for s in relisted}
    assert all(None not in pair for pair in forces.values())
    assert forces["S1"] == ("North Yorkshire", "Cumbria")  # a Hampshire farm's tractor, over the border
    assert sum(a != b for a, b in forces.values()) >= 4


def test_scenario_is_deterministic(scenario):
    from farmwatch.demo.scenario import build_scenario

    again = build_scenario.__wrapped__(7)
    assert [(s.path, s.label, s.title, s.price) for s in again.listings] == [
        (s.path, s.label, s.title, s.price) for s in scenario.listings]
    # synthetic.photos adds Pillow noise that is not seeded: photos agree perceptually, not byte for byte
    assert hamming(hash_photo(again.listings[0].photos[0]).phash, hash_photo(scenario.listings[0].photos[0]).phash) <= 4


def test_stolen_relistings_use_every_disguise(scenario):
    stolen = [s for s in scenario.listings_in(0) if s.label == "stolen_relisted"]
    notes = " ".join(s.note for s in stolen)
    for alteration in ALTERATIONS:
        assert alteration in notes
    for retyping in ("spaces", "lower", "lookalike", "description only", "trailing digits"):
        assert retyping in notes
    serial_of = {i["ref"]: i["identifiers"][0]["value"] for i in scenario.items}
    for spec in stolen:
        if spec.identifier_shown:
            assert matching_key(spec.identifier_shown) == matching_key(serial_of[spec.item_ref])
            if "exact" not in spec.note:
                assert spec.identifier_shown != serial_of[spec.item_ref]
    decoys = [s for s in scenario.listings if s.label == "sequential_decoy"]
    for spec in decoys:
        assert spec.identifier_shown == retype(next_serial(serial_of[spec.item_ref]), "exact")


@pytest.mark.parametrize("how, plain, mirrored", [
    ("reencoded", "near", "far"), ("resized", "near", "far"), ("brightness", "near", "far"), ("watermark", "near", "far"),
    ("screenshot", "near", "far"), ("mirrored", "far", "near"), ("cropped", "mid", "far"), ("rotated", "far", "far")])
def test_alterations_keep_or_break_the_photo_hash_as_the_matcher_expects(photo_factory, how, plain, mirrored):
    """Re-posted copies stay within a few bits (mirrors on the mirrored hash); the crop and the rotation
    are beyond a safe pHash threshold, so the matcher needs its local-feature stage for them."""
    original = hash_photo(photo_factory(3)).phash
    altered = hash_photo(alter_photo(photo_factory(3), how))
    bands = {"near": range(0, 9), "mid": range(9, 17), "far": range(9, 65)}
    assert hamming(original, altered.phash) in bands[plain]
    assert hamming(original, altered.phash_mirror) in bands[mirrored]


def test_server_serves_three_sites_robots_and_variants(market, scenario):
    server, base = market
    status, ctype, body = fetch(base + "/robots.txt")
    assert status == 200 and b"Disallow: /classifieds/admin/" in body
    assert fetch(base + "/classifieds/")[0] == 200 and b'class="next"' in fetch(base + "/classifieds/")[2]
    assert b"application/ld+json" in fetch(base + scenario.listings_in(0, "dealer")[0].path)[2]
    assert b"itemscope" in fetch(base + scenario.listings_in(0, "auction")[0].path)[2]
    assert b"<rss" in fetch(base + "/feeds/saved-search.rss")[2]
    photo = scenario.listings[0]
    assert fetch(base + f"/img/{photo.key}-1.jpg")[2] == photo.photos[0]
    gone = [s for s in scenario.listings if s.variants == (0,)]
    new = [s for s in scenario.listings if s.variants == (1,)]
    try:
        assert fetch(base + new[0].path)[0] == 404
        server.variant = 1
        assert {fetch(base + s.path)[0] for s in gone} == {404, 410}
        assert fetch(base + new[0].path)[0] == 200
    finally:
        server.variant = 0


def test_write_sources_points_at_the_market(tmp_path):
    path = write_sources("http://127.0.0.1:9999", tmp_path / "s.yaml")
    sources = load_sources(path)
    assert [s.kind for s in sources] == ["selectors", "structured", "feed"]
    assert all(u.startswith("http://127.0.0.1:9999/") for s in sources for u in s.start_urls)


def test_load_registry_registers_items_thefts_and_accounts_and_is_rerunnable(db, scenario):
    first = load_registry(db, scenario)
    assert first["thefts"] == 10
    assert db.execute("select count(*) from items").fetchone()[0] == len(scenario.items)
    assert db.execute("select count(*) from thefts where current = 1").fetchone()[0] == 10
    assert db.execute("select count(*) from thefts where place_precision in ('town', 'district')").fetchone()[0] == 10
    assert authenticate(db, "sw-analyst", "demo-officer-pw")["force_area"] == "South West rural crime collaboration"
    assert db.execute("select count(*) from photos").fetchone()[0] == sum(len(i["photos"]) for i in scenario.items)
    assert authenticate(db, "officer", "demo-officer-pw")["role"] == "officer"
    farmer = authenticate(db, "hollins", "demo-farmer-pw")
    assert farmer["role"] == "farmer" and farmer["owner_id"]
    owned = db.execute("select count(*) from items where owner_id = ?", [farmer["owner_id"]]).fetchone()[0]
    assert owned >= 3
    second = load_registry(db, scenario)
    assert second["thefts"] == 0 and second["items"] == first["items"]
    assert db.execute("select count(*) from items").fetchone()[0] == len(scenario.items)
