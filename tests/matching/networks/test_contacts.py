"""Phone numbers and e-mail addresses as sellers write them, and as we compare them."""

from __future__ import annotations

import pytest

from matching.networks.contacts.emails import find_emails, normalise_email
from matching.networks.contacts.phones import find_phones, normalise_phone
from matching.networks.contacts.regions import listing_region

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


@pytest.mark.parametrize(("text", "region", "expected"), [
    ("087 123 4567", "IE", ["+353871234567"]),  # an Irish mobile on an Irish site
    ("(087) 1234567", "IE", ["+353871234567"]),
    ("+353 87 123 4567", "GB", ["+353871234567"]),  # written internationally, wherever published
    ("00353 87 1234567", "GB", ["+353871234567"]),
    ("00353871234567", "IE", ["+353871234567"]),
    ("048 9012 3456", "IE", ["+442890123456"]),  # Northern Ireland, dialled from the Republic
    ("048 9012 3456", "GB", ["+442890123456"]),
    ("028 9012 3456", "GB", ["+442890123456"]),  # the same number written in the UK
    ("+44 28 9012 3456", "IE", ["+442890123456"]),
    ("07700 900123", "IE", [OFCOM_MOBILE]),  # no Irish reading: the UK one
    ("087 123 4567", "GB", ["0871234567"]),  # no valid UK reading: kept as written, never an invented +44
    ("01 555 0100", "IE", ["+35315550100"]),  # a Dublin landline (a marketplace's own number)
])
def test_numbers_are_read_where_they_were_published(text, region, expected):
    assert find_phones(text, region) == expected


@pytest.mark.parametrize(("url", "source", "location", "details", "expected"), [
    ("https://www.donedeal.ie/ad/1", "donedeal", None, "", "IE"),
    ("https://farmads.example/ad/1", "farmads-ie", None, "", "IE"),
    ("https://farmads.example/ad/1", "farmads", "Co. Cavan", "", "IE"),
    ("https://farmads.example/ad/1", "farmads", "Athlone", "", "IE"),
    ("https://farmads.example/ad/1", "farmads", "Ballinasloe, Galway", "", "IE"),
    ("https://farmads.example/ad/1", "farmads", "A65 F4E2", "", "IE"),
    ("https://farmads.example/ad/1", "farmads", "Newry, Northern Ireland", "", "GB"),
    ("https://farmads.example/ad/1", "farmads", "Enniskillen", "", "GB"),
    ("https://farmads.example/ad/1", "farmads", "Andover", "", "GB"),
    ("https://farmads.example/ad/1", "farmads", None, "+353 87 123 4567", "IE"),
    ("https://farmads.example/ad/1", "farmads", None, "07700 900123", "GB"),
])
def test_where_a_listing_was_published(url, source, location, details, expected):
    assert listing_region(url, source, location, details) == expected


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
    ("j.smith+farm@example.org", "j.smith@example.org"),  # RFC 5233 sub-address: every domain
    ("sam.yard+kit@btinternet.com", "sam.yard@btinternet.com"),
    ("Sam.Yard+IE@Eircom.net", "sam.yard@eircom.net"),
    ("s.a.m.yard@btinternet.com", "s.a.m.yard@btinternet.com"),  # dots matter outside Gmail
    ("s.amyard@googlemail.com", "samyard@gmail.com"),
    ("J.Smith@Example.ORG", "j.smith@example.org"),
    ("jd.parts (at) gmail (dot) com", "jdparts@gmail.com"),
    ("joe at hotmail dot co dot uk", "joe@hotmail.co.uk"),
    ("not an address", None),
])
def test_email_addresses_are_normalised_by_provider_rules(raw, expected):
    assert normalise_email(raw) == expected


def test_every_address_in_a_text_once():
    assert find_emails("mail a.b@gmail.com or AB@gmail.com, or c@example.org") == ["ab@gmail.com", "c@example.org"]
