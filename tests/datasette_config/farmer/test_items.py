"""A farmer's own items: register, list, edit, photos, theft, recovery; never another farmer's."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from datasette_config.farmer.forms import ItemForm, validate_item_form
from datasette_config.farmer.items import (
    NotYours,
    add_own_photos,
    item_detail,
    list_own_items,
    mark_own_recovered,
    own_item,
    own_photo_file,
    register_own_item,
    report_own_theft,
    update_own_item,
)
from registry.items.validation import RegistryError
from synthetic.photos import photo_bytes, scene
from tests.datasette_config.farmer.conftest import bomb_png


def valid(**fields):
    rows = fields.pop("identifiers", [])
    item, errors = validate_item_form(ItemForm(**{"category": "tractor", **fields}, identifiers=rows))
    assert not errors, errors
    return item


def jpeg_with_gps() -> bytes:
    img = scene(7, (640, 480))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 17.0, 3.0), 3: "W", 4: (1.0, 25.0, 9.0)}
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_register_list_and_read_back_own_item(db, farms):
    result = register_own_item(db, farms["bob"], valid(make="Kubota", identifiers=[("serial", "KB-77123")]),
                               [("yard.jpg", photo_bytes(11))])
    assert result.created and result.photos_stored == 1
    listed = list_own_items(db, farms["bob"])
    assert [i["id"] for i in listed] == [result.item_id, farms["trailer"]]
    assert listed[0]["identifiers"] == [{"kind": "serial", "raw_value": "KB-77123"}] and listed[0]["photos"] == 1
    assert listed[1]["pending_checks"] == 2
    detail = item_detail(db, farms["bob"], result.item_id)
    assert detail["make"] == "Kubota" and detail["identifiers"][0]["normalised_value"] == "K877123"


def test_stored_photo_has_no_exif_location(db, farms):
    stored, problems = add_own_photos(db, farms["alice"], farms["tractor"], [("gps.jpg", jpeg_with_gps())])
    assert stored == 1 and problems == []
    photo_id = item_detail(db, farms["alice"], farms["tractor"])["photos"][0]["id"]
    path = own_photo_file(db, farms["alice"], photo_id)
    with Image.open(path) as img:
        assert img.format == "JPEG" and 0x8825 not in img.getexif()


def test_bad_photos_are_refused_one_by_one_and_good_ones_kept(db, farms):
    stored, problems = add_own_photos(db, farms["alice"], farms["tractor"],
                                      [("bomb.png", bomb_png()), ("notes.pdf", b"%PDF-1.4 nothing"),
                                       ("cab.jpg", photo_bytes(12))])
    assert stored == 1 and len(problems) == 2
    assert "bomb.png" in problems[0] and "notes.pdf: not an image" in problems[1]


def test_edit_replaces_details_and_identifiers(db, farms):
    warnings = update_own_item(db, farms["alice"], farms["tractor"],
                               valid(make="JD", year="2018", identifiers=[("engine", "PE4045R654321")]))
    assert warnings == []
    detail = item_detail(db, farms["alice"], farms["tractor"])
    assert detail["make"] == "JD" and detail["year"] == 2018
    assert [i["kind"] for i in detail["identifiers"]] == ["engine"]


def test_identifiers_of_a_stolen_item_cannot_be_removed(db, farms):
    with pytest.raises(RegistryError, match="cannot be removed while the theft is open"):
        update_own_item(db, farms["alice"], farms["quad"], valid(category="quad", identifiers=[]))
    assert len(item_detail(db, farms["alice"], farms["quad"])["identifiers"]) == 1


def test_shared_identifier_warns_of_a_possible_clone_without_naming_the_other_owner(db, farms):
    warnings = update_own_item(db, farms["bob"], farms["trailer"], valid(
        category="trailer", identifiers=[("serial", "SCK600000B0654321"), ("pin", "1L06120MCKK123456")]))
    assert len(warnings) == 1 and "possible clone" in warnings[0] and "alice" not in warnings[0].lower()


def test_theft_report_and_recovery(db, farms):
    report_own_theft(db, farms["alice"], farms["tractor"], {"stolen_at": "2026-11-02", "crime_ref": "4426/1"})
    assert own_item(db, farms["alice"], farms["tractor"])["status"] == "stolen"
    with pytest.raises(RegistryError, match="already has an open theft report"):
        report_own_theft(db, farms["alice"], farms["tractor"], {"stolen_at": "2026-11-02", "crime_ref": "x"})
    mark_own_recovered(db, farms["alice"], farms["tractor"])
    detail = item_detail(db, farms["alice"], farms["tractor"])
    assert detail["status"] == "recovered" and detail["thefts"][0]["recovered_at"]
    with pytest.raises(RegistryError, match="no open theft report"):
        mark_own_recovered(db, farms["alice"], farms["tractor"])


@pytest.mark.parametrize("action", [
    lambda db, f: own_item(db, f["bob"], f["tractor"]),
    lambda db, f: item_detail(db, f["bob"], f["quad"]),
    lambda db, f: update_own_item(db, f["bob"], f["tractor"], valid(make="mine now")),
    lambda db, f: add_own_photos(db, f["bob"], f["tractor"], [("x.jpg", photo_bytes(1))]),
    lambda db, f: report_own_theft(db, f["bob"], f["tractor"], {"stolen_at": "2026-11-01", "crime_ref": "1"}),
    lambda db, f: mark_own_recovered(db, f["bob"], f["quad"]),
    lambda db, f: own_item(db, f["bob"], "1 or 1=1"),
    lambda db, f: own_item(db, f["bob"], 999_999),
])
def test_another_farmers_item_behaves_as_if_it_did_not_exist(db, farms, action):
    before = db.execute("select group_concat(updated_at || status || coalesce(make, '')) from items").fetchone()
    with pytest.raises(NotYours):
        action(db, farms)
    after = db.execute("select group_concat(updated_at || status || coalesce(make, '')) from items").fetchone()
    assert before == after and db["photos"].count == 0


def test_another_farmers_photo_is_not_served(db, farms):
    add_own_photos(db, farms["alice"], farms["tractor"], [("x.jpg", photo_bytes(2))])
    photo_id = db.execute("select id from photos").fetchone()[0]
    assert own_photo_file(db, farms["alice"], photo_id).is_file()
    for bad in (photo_id, "../../etc/passwd", None):
        with pytest.raises(NotYours):
            own_photo_file(db, farms["bob"], bad)


def test_list_never_shows_another_owners_items(db, farms):
    assert {i["id"] for i in list_own_items(db, farms["alice"])} == {farms["tractor"], farms["quad"]}
    assert {i["id"] for i in list_own_items(db, farms["bob"])} == {farms["trailer"]}
