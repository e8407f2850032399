"""Phone numbers and e-mail addresses as sellers write them, and as we compare them."""

from __future__ import annotations

import pytest

from matching.networks.emails import find_emails, normalise_email
from matching.networks.phones import find_phones, normalise_phone

OFCOM_MOBILE = "+447700900123"
OFCOM_LANDLINE = "+441632960001"


@pytest.mark.parametrize(("text", "expected"), [
    ("07700 900123", [OFCOM_MOBILE]),
    ("07700900123", [OFCOM_MOBILE]),
    ("+44 7700 900123", [OFCOM_MOBILE]),
    ("+44 (0)7700 900123", [OFCOM_MOBILE]),
    ("0044 7700 900 123", [OFCOM_MOBILE]),
    ("07700.900.123", [OFCOM_MOBILE]),
    ("07700-900-123", [OFCOM_MOBILE]),
    ("07seven00 9OO 123", [OFCOM_MOBILE]),
    ("O77OO 9OO I23", [OFCOM_MOBILE]),
    ("zero seven seven zero zero nine zero zero one two three", [OFCOM_MOBILE]),
    ("oh seven seven double oh nine oh oh one two three", [OFCOM_MOBILE]),
    ("Mob 077OO 9OO 1two3 ta", [OFCOM_MOBILE]),
    ("call 07700 900123 now", [OFCOM_MOBILE]),
    ("ring 01632 960001 evenings", [OFCOM_LANDLINE]),
    ("(01632) 960 001", [OFCOM_LANDLINE]),
    ("tel 07700 900123 or 07700 900124", [OFCOM_MOBILE, "+447700900124"]),
])
def test_phone_numbers_in_any_form_are_one_e164_number(text, expected):
    assert find_phones(text) == expected


@pytest.mark.parametrize("text", [
    "£12,500 ono 2019 model 4500 hours",
    "UK 123456 7 00001",
    "serial 1L06120MCKK123456",
    "microchip 826012345678901",
    "the oil filter one owner 2 keys 12 months mot 1200 hours",
    "local number 900123",
    "",
    None,
])
def test_prices_years_tags_and_serials_are_not_phone_numbers(text):
    assert find_phones(text) == []


def test_drama_numbers_are_possible_though_not_valid():
    import phonenumbers
    number = phonenumbers.parse("07700 900123", "GB")
    assert not phonenumbers.is_valid_number(number)
    assert normalise_phone("07700 900123") == OFCOM_MOBILE


@pytest.mark.parametrize(("raw", "expected"), [
    ("John.Smith+ads@GoogleMail.com", "johnsmith@gmail.com"),
    ("johnsmith@gmail.com", "johnsmith@gmail.com"),
    ("j.smith+farm@outlook.com", "j.smith@outlook.com"),
    ("Bob-sales@yahoo.co.uk", "bob@yahoo.co.uk"),
    ("j.smith+farm@example.org", "j.smith+farm@example.org"),
    ("J.Smith@Example.ORG", "j.smith@example.org"),
    ("jd.parts (at) gmail (dot) com", "jdparts@gmail.com"),
    ("joe at hotmail dot co dot uk", "joe@hotmail.co.uk"),
    ("not an address", None),
])
def test_email_addresses_are_normalised_by_provider_rules(raw, expected):
    assert normalise_email(raw) == expected


def test_every_address_in_a_text_once():
    assert find_emails("mail a.b@gmail.com or AB@gmail.com, or c@example.org") == ["ab@gmail.com", "c@example.org"]
