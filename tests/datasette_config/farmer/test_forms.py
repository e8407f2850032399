"""The item and theft forms: every error lands on the field that caused it."""

from __future__ import annotations

import pytest

from datasette_config.farmer.forms import (
    ItemForm,
    TheftForm,
    check_photos,
    validate_item_form,
    validate_theft_form,
)
from synthetic.photos import photo_bytes
from tests.datasette_config.farmer.conftest import GOOD_CATTLE_TAG, bomb_png


class Data(dict):
    """Stands in for Datasette's FormData: get() and getlist() over repeated keys."""

    def __init__(self, pairs):
        super().__init__()
        self.pairs = pairs

    def get(self, key, default=None):
        return next((v for k, v in self.pairs if k == key), default)

    def getlist(self, key):
        return [v for k, v in self.pairs if k == key]


def form(**fields) -> ItemForm:
    rows = fields.pop("identifiers", [])
    return ItemForm(**{"category": "tractor", **fields}, identifiers=rows)


def test_form_data_keeps_identifier_rows_in_order_and_pairs_them():
    data = Data([("category", "cattle"), ("identifier_kind", "ear_tag"), ("identifier_value", " UK 1 "),
                 ("identifier_kind", "microchip"), ("identifier_value", ""), ("identifier_kind", "serial"),
                 ("make", "x\x00y")])
    parsed = ItemForm.from_data(data)
    assert parsed.identifiers == [("ear_tag", "UK 1"), ("microchip", ""), ("serial", "")]
    assert parsed.make == "xy" and parsed.category == "cattle"


def test_good_form_gives_a_valid_item_with_every_identifier():
    item, errors = validate_item_form(form(
        category="cattle", make="", year="2021", colour="red",
        identifiers=[("ear_tag", GOOD_CATTLE_TAG), ("microchip", "826 0000 1234 5678"), ("other", "")]))
    assert errors == {}
    assert [i.kind for i in item.identifiers] == ["ear_tag", "microchip"]
    assert item.year == 2021 and item.colour == "red"


@pytest.mark.parametrize("fields, key, fragment", [
    ({"category": ""}, "category", "choose a category"),
    ({"category": "spaceship"}, "category", "unknown category"),
    ({"year": "20019"}, "year", '"20019" is not a year'),
    ({"year": "1" * 50_000}, "year", "at most 10"),
    ({"make": "J" * 100_000}, "make", "100,000 characters long"),
    ({"description": "<script>" * 1000}, "description", "at most 5,000"),
    ({"identifiers": [("serial", ""), ("ear_tag", "UK 284205 5 00016")], "category": "cattle"},
     "identifiers.1.value", "needs 7"),
    ({"identifiers": [("pin", "1L06120M")]}, "identifiers.0.value", "ISO 10261 PIN has 17"),
    ({"identifiers": [("blood_group", "AB12345")]}, "identifiers.0.kind", "unknown identifier kind"),
    ({"identifiers": [("serial", "X" * 65)]}, "identifiers.0.value", "at most 64"),
    ({"identifiers": [("serial", "S1")] * 31}, "identifiers", "at most 30"),
])
def test_bad_fields_are_refused_with_the_message_on_that_field(fields, key, fragment):
    item, errors = validate_item_form(form(**fields))
    assert item is None
    assert key in errors and fragment in errors[key], errors


def test_cattle_tag_error_names_the_expected_digit_on_the_right_row():
    rows = [("serial", ""), ("microchip", "826000012345678"), ("ear_tag", "UK 284205 3 00016")]
    _, errors = validate_item_form(form(category="cattle", identifiers=rows))
    assert list(errors) == ["identifiers.2.value"]
    assert "check digit is 3" in errors["identifiers.2.value"] and "needs 7" in errors["identifiers.2.value"]


def test_script_text_is_kept_as_text_not_refused():
    item, errors = validate_item_form(form(make='<script>alert("x")</script>', description='" onmouseover="x'))
    assert not errors and item.make == '<script>alert("x")</script>'


def test_photo_check_refuses_non_images_and_bombs_and_accepts_photos():
    problems = check_photos([("cow.jpg", photo_bytes(3)), ("evil.jpg", b"<html><script>x</script>"),
                             ("bomb.png", bomb_png())])
    assert "evil.jpg: not an image" in problems["photos"]
    assert "bomb.png" in problems["photos"] and "cow.jpg" not in problems["photos"]
    assert check_photos([("cow.jpg", photo_bytes(3))]) == {}
    assert "at most 10" in check_photos([("a.jpg", b"x")] * 11)["photos"]


@pytest.mark.parametrize("fields, key, fragment", [
    ({"stolen_at": "", "crime_ref": "44/1"}, "stolen_at", "date it was stolen"),
    ({"stolen_at": "last tuesday", "crime_ref": "44/1"}, "stolen_at", "is not a date"),
    ({"stolen_at": "2999-01-01", "crime_ref": "44/1"}, "stolen_at", "in the future"),
    ({"stolen_at": "2026-11-01", "crime_ref": ""}, "crime_ref", "call 101"),
    ({"stolen_at": "2026-11-01", "crime_ref": "9" * 100}, "crime_ref", "at most 64"),
    ({"stolen_at": "2026-11-01", "crime_ref": "1", "place": "p" * 10_000}, "place", "at most 300"),
])
def test_theft_form_errors_are_keyed_by_field(fields, key, fragment):
    theft, errors = validate_theft_form(TheftForm(**fields))
    assert theft is None and fragment in errors[key], errors


def test_theft_form_accepts_a_full_report():
    theft, errors = validate_theft_form(TheftForm("01/11/2026", "44260123456", "Top yard"))
    assert errors == {} and theft["stolen_at"] == "2026-11-01" and theft["crime_ref"] == "44260123456"
