"""Each kind of link between sellers, and each kind of shared value that must not link them."""

from __future__ import annotations

import io

from PIL import Image

from matching.networks.update import update_networks
from synthetic.photos import photo_bytes
from tests.matching.networks.conftest import link_kinds, network_of

OWN_TEXT = ("Ex farm machine kept in the dry barn at Holt Lane, hydraulics rebuilt by us in the spring, new seat "
            "and lights, front weights included, tyres at seventy percent, collection from the yard after dark only")


def recompress(data: bytes, size=(700, 525), quality=70) -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(data)).resize(size).save(out, "JPEG", quality=quality)
    return out.getvalue()


def test_one_phone_written_three_ways_links_three_handles(db, add_listing):
    a = add_listing("site-a", {"name": "quadsales_uk", "phone": "07700 900123"})
    b = add_listing("site-b", {"name": "farmkit_1980", "phone": "+44 7700 900 123"})
    c = add_listing("site-b", {"name": "yard_clearance"}, description="text me on 07seven00 9OO 123")
    other = add_listing("site-a", {"name": "honest_harry", "phone": "07700 900999"})
    update_networks(db)
    assert network_of(db, a) == network_of(db, b) == network_of(db, c) != network_of(db, other)
    detail = db.execute("select detail from seller_links where kind = 'phone' limit 1").fetchone()[0]
    assert "+44 7700 900123" in detail


def test_a_marketplace_number_in_many_adverts_links_no_one(db, add_listing):
    ids = [add_listing("site-a", {"name": f"seller_{i:03d}", "phone": "01632 960100" if i % 2 else None},
                       description="Questions? Call SiteA on 01632 960100.") for i in range(12)]
    report = update_networks(db)
    assert link_kinds(db) == []
    assert len({network_of(db, i) for i in ids}) == 12
    assert report.common_values == 1  # the site's number, in the text of all and the phone field of half


def test_same_email_in_another_spelling_links(db, add_listing):
    a = add_listing("site-a", {"name": "plant_direct", "email": "J.Smith+ads@googlemail.com"})
    b = add_listing("site-b", {"name": "diggers4u"}, description="email jsmith (at) gmail (dot) com")
    update_networks(db)
    assert network_of(db, a) == network_of(db, b)
    assert link_kinds(db) == ["email"]


def test_same_profile_address_links(db, add_listing):
    a = add_listing("site-a", {"name": "one_handle", "profile_url": "https://social.example/jdparts"})
    b = add_listing("site-b", {"name": "another_one", "profile_url": "http://www.social.example/jdparts/"})
    update_networks(db)
    assert network_of(db, a) == network_of(db, b)
    assert link_kinds(db) == ["profile"]


def test_same_handle_on_two_marketplaces_is_evidence_but_a_first_name_is_none(db, add_listing):
    a = add_listing("site-a", {"name": "JD_Parts_UK"})
    b = add_listing("site-b", {"name": "jdparts-uk"})
    john_a = add_listing("site-a", {"name": "John"})
    john_b = add_listing("site-b", {"name": "John"})
    smith_a = add_listing("site-a", {"name": "Dave Smith"})
    smith_b = add_listing("site-b", {"name": "Dave Smith"})
    update_networks(db)
    assert network_of(db, a) != network_of(db, b)  # many people pick one handle: it needs corroboration
    assert network_of(db, john_a) != network_of(db, john_b)
    assert network_of(db, smith_a) != network_of(db, smith_b)
    assert link_kinds(db) == ["handle"]
    c = add_listing("site-a", {"name": "JD_Parts_UK"}, description=OWN_TEXT)
    d = add_listing("site-b", {"name": "jdparts-uk"}, description=OWN_TEXT)
    update_networks(db)
    assert network_of(db, a) == network_of(db, b) == network_of(db, c) == network_of(db, d)


def test_a_dealers_many_listings_are_one_seller_and_link_no_one(db, add_listing):
    ids = [add_listing("site-a", {"name": "smiths_agri", "phone": "01632 960555"},
                       description=f"Smiths Agri, family dealer since 1975. Unit {i}.") for i in range(15)]
    update_networks(db)
    assert db.execute("select count(*) from sellers").fetchone()[0] == 1
    assert link_kinds(db) == []
    assert len({network_of(db, i) for i in ids}) == 1


def test_same_photo_reposted_links_but_a_stock_photo_does_not(db, add_listing):
    original = photo_bytes(501)
    a = add_listing("site-a", {"name": "tractor_dan"}, photos=[original])
    b = add_listing("site-b", {"name": "kit_for_cash"}, photos=[recompress(original)])
    brochure = photo_bytes(777)
    stock = [add_listing("site-c", {"name": f"dealer_{i}"}, photos=[recompress(brochure, quality=80 - i)])
             for i in range(7)]
    update_networks(db)
    assert network_of(db, a) == network_of(db, b)
    assert len({network_of(db, s) for s in stock}) == 7
    assert link_kinds(db) == ["photo"]


def test_near_identical_own_text_links_but_template_phrases_do_not(db, add_listing):
    boilerplate = "Viewing welcome. No time wasters. All items sold as seen. Cash on collection only please."
    a = add_listing("site-a", {"name": "west_yard_sales"}, description=f"{OWN_TEXT}. {boilerplate}")
    b = add_listing("site-b", {"name": "kit4farms"}, description=f"{OWN_TEXT.replace('seventy', 'sixty')}.")
    honest = [add_listing("site-c", {"name": f"private_{i:02d}"}, description=f"{boilerplate} Lot {i}.")
              for i in range(12)]
    update_networks(db)
    assert network_of(db, a) == network_of(db, b)
    assert len({network_of(db, h) for h in honest}) == 12
    assert link_kinds(db) == ["text"]


def test_same_identifier_listed_by_two_sellers_links_but_a_model_code_does_not(db, add_listing):
    a = add_listing("site-a", {"name": "quad_bargains"}, description="Serial no: JH2TE0700GK123456")
    b = add_listing("site-b", {"name": "atv_spares_x"},
                    identifiers=[{"kind": "vin", "value": "JH2 TE07 00GK 123456"}])
    common = [add_listing("site-c", {"name": f"mower_man_{i}"}, description="Serial no: KX0555ES100") for i in range(4)]
    update_networks(db)
    assert network_of(db, a) == network_of(db, b)
    assert len({network_of(db, c) for c in common}) == 4
    assert link_kinds(db) == ["identifier"]


def test_people_called_dave_smith_behind_the_sites_number_are_not_one_seller(db, add_listing):
    ids = [add_listing("site-a", {"name": "Dave Smith" if i < 2 else f"Person {i}", "phone": "01632 960100"})
           for i in range(12)]
    own = [add_listing("site-a", {"name": "Dave Smith", "phone": "07700 900321"}) for _ in range(2)]
    update_networks(db)
    assert len({network_of(db, i) for i in ids}) == 12
    assert db.execute("select count(distinct seller_id) from listings where id in (?, ?)", own).fetchone()[0] == 1
