"""Each kind of link at full strength, and its opposite that must not link (table-driven)."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageEnhance

from matching.networks.handles import handle_bits, handle_weight
from matching.networks.update import update_networks
from synthetic.photos import photo_bytes
from tests.matching.networks.conftest import network_of

TEMPLATE = ("Bramble copse machine kept in the dry barn at Holt Lane, hydraulics rebuilt by us in the spring. "
            "New seat and lights fitted last winter by our own fitter from the yard. "
            "Front weights included with the sale, tyres at seventy percent all round. "
            "Collection from the yard after dark only, bring a trailer and two strong lads.")


def edited(text: str, how: str) -> str:
    sentences = [s.strip() + "." for s in text.split(".") if s.strip()]
    if how == "moved":
        sentences = sentences[1:] + sentences[:1]
    elif how == "dropped":
        sentences = sentences[:2] + sentences[3:]
    elif how == "reworded":
        sentences[1] = "Brand new seat and lamps put on last winter by our very own fitter from the farmyard."
    return " ".join(sentences)


def reposted(data: bytes, how: str) -> bytes:
    img = Image.open(io.BytesIO(data)).convert("RGB")
    w, h = img.size
    if how == "cropped":
        img = img.crop((int(w * 0.08), 0, w, int(h * 0.93)))
    elif how == "brightened":
        img = ImageEnhance.Brightness(img).enhance(1.3)
    elif how == "resized":
        img = img.resize((w * 2 // 3, h * 2 // 3))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=60 if how == "recompressed" else 85)
    return out.getvalue()


@pytest.mark.parametrize(("seller_a", "seller_b", "source_b", "joined"), [
    # the same phone written where it was published
    ({"name": "bramble_kit42", "phone": "087 123 4567"}, {"name": "moor_fen_99", "phone": "+353 87 123 4567"},
     "site-uk", True),
    ({"name": "bramble_kit42", "phone": "048 9012 3456"}, {"name": "moor_fen_99", "phone": "028 9012 3456"},
     "site-uk", True),
    ({"name": "bramble_kit42", "phone": "00353 87 1234567"}, {"name": "moor_fen_99", "phone": "087 123 4567"},
     "site-ie", True),
    ({"name": "bramble_kit42", "phone": "087 123 4567"}, {"name": "moor_fen_99", "phone": "087 123 4568"},
     "site-ie", False),
    # the same mailbox, sub-addressed or re-cased
    ({"name": "bramble_kit42", "email": "sam.yard@btinternet.com"},
     {"name": "moor_fen_99", "email": "Sam.Yard+kit@BTinternet.com"}, "site-uk", True),
    ({"name": "bramble_kit42", "email": "sam.yard@btinternet.com"},
     {"name": "moor_fen_99", "email": "samyard@btinternet.com"}, "site-uk", False),  # dots count outside Gmail
    ({"name": "bramble_kit42", "email": "s.am.yard@gmail.com"},
     {"name": "moor_fen_99", "email": "samyard+ads@googlemail.com"}, "site-uk", True),
    # a distinctive handle on two sites, case or separators changed; a common one is not enough
    ({"name": "brambleCroft_kit42"}, {"name": "BRAMBLECROFT-KIT42"}, "site-uk", True),
    ({"name": "pightleshaw4x4"}, {"name": "PightleShaw4x4"}, "site-uk", True),
    ({"name": "farmparts"}, {"name": "farmparts"}, "site-uk", False),
    ({"name": "tractorman"}, {"name": "TractorMan"}, "site-uk", False),
    ({"name": "dave"}, {"name": "dave"}, "site-uk", False),
])
def test_contacts_and_handles(db, add_listing, seller_a, seller_b, source_b, joined):
    a = add_listing("site-ie" if source_b == "site-uk" else "site-uk", seller_a)
    b = add_listing(source_b, seller_b)
    update_networks(db)
    assert (network_of(db, a) == network_of(db, b)) is joined


@pytest.mark.parametrize(("how", "joined"), [("moved", True), ("dropped", True), ("reworded", True), (None, False)])
def test_templated_text_beyond_each_sites_boilerplate(db, add_listing, how, joined):
    site_text = {"site-a": "Listed on SiteA. Buyer protection applies to card payments. Call SiteA on 01632 960100.",
                 "site-b": "Buy safely on SiteB: never send money in advance."}
    a = add_listing("site-a", {"name": "seller_one_x"}, description=f"{TEMPLATE} {site_text['site-a']}")
    own = edited(TEMPLATE, how) if how else "A tidy machine, one careful owner, always garaged and serviced."
    b = add_listing("site-b", {"name": "seller_two_y"}, description=f"{own} {site_text['site-b']}")
    others = [add_listing(site, {"name": f"private_{site}_{i:02d}"}, description=f"Lot {i} of ours. {text}")
              for site, text in site_text.items() for i in range(11)]
    update_networks(db)
    assert (network_of(db, a) == network_of(db, b)) is joined
    assert len({network_of(db, o) for o in others}) == len(others)


@pytest.mark.parametrize("how", ["resized", "recompressed", "cropped", "brightened"])
def test_a_reposted_photo_links(db, add_listing, how):
    original = photo_bytes(4242, (640, 480))
    a = add_listing("site-a", {"name": "seller_one_x"}, photos=[original])
    b = add_listing("site-b", {"name": "seller_two_y"}, photos=[reposted(original, how)])
    c = add_listing("site-b", {"name": "seller_three_z"}, photos=[photo_bytes(4343, (640, 480))])
    update_networks(db)
    assert network_of(db, a) == network_of(db, b) != network_of(db, c)


def test_the_same_registered_identifier_is_a_strong_link(db, add_listing):
    a = add_listing("site-a", {"name": "seller_one_x"}, identifiers=[{"kind": "pin", "value": "1L06120MCKK123456"}])
    b = add_listing("site-b", {"name": "seller_two_y"}, description="Serial no: 1L0 6120M CKK 123456.")
    update_networks(db)
    assert network_of(db, a) == network_of(db, b)
    assert db.execute("select weight from seller_links where kind = 'identifier'").fetchone()[0] >= 0.8


def test_transitive_join_through_a_third_account(db, add_listing):
    a = add_listing("site-a", {"name": "seller_one_x", "phone": "07700 900321"})
    b = add_listing("site-b", {"name": "seller_two_y", "phone": "+44 7700 900321", "email": "yard.kit@eircom.net"})
    c = add_listing("site-c", {"name": "seller_three_z"}, description="email yard.kit+c (at) eircom (dot) net")
    update_networks(db)
    assert network_of(db, a) == network_of(db, b) == network_of(db, c)
    assert db.execute("select count(*) from seller_links where seller_a in (select seller_id from listings where id = ?)"
                      " and seller_b in (select seller_id from listings where id = ?)", [a, c]).fetchone()[0] == 0


@pytest.mark.parametrize(("handle", "alone"), [
    ("bramblecroftkit42", True), ("moorfenplant77", True), ("pightleshaw4x4", True),
    ("farmparts", False), ("tractorman", False), ("quadsales", False), ("dave", False), ("johnsmith1987", False),
    ("farmer1", False),
])
def test_a_handles_weight_follows_its_make_up(handle, alone):
    assert (handle_weight(handle_bits(handle), 0) >= 0.8) is alone


def test_a_handle_others_use_in_close_forms_weighs_less(db, add_listing):
    a = add_listing("site-a", {"name": "moorfenplant77"})
    b = add_listing("site-b", {"name": "MoorFenPlant77"})
    update_networks(db)
    assert network_of(db, a) == network_of(db, b)
    crowd = [add_listing("site-c", {"name": f"moorfenplant{n}"}) for n in (12, 31)]
    update_networks(db, rebuild=True)
    assert network_of(db, a) != network_of(db, b)
    assert len({network_of(db, c) for c in crowd}) == 2
