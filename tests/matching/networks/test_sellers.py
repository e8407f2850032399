"""Seller keys: one seller per profile or handle on a source; personal names never key a seller alone."""

from __future__ import annotations

import pytest

from matching.networks.sellers import handle_key, is_personal_name, normalise_profile, seller_facts
from matching.networks.signals import identifier_values


def listing(**seller):
    return {"id": "L1", "source": "site-a", "title": "tractor", "description": "", **seller}


@pytest.mark.parametrize(("row", "key"), [
    (listing(seller_profile_url="https://www.Site-A.example/u/991/", seller_name="jd_parts_uk"),
     "profile:site-a.example/u/991"),
    (listing(seller_name="JD_Parts_UK"), "handle:jd_parts_uk"),
    (listing(seller_name="Dave Smith", seller_phone="07700 900123"), "name:dave smith|+447700900123"),
    (listing(seller_name="John"), "listing:L1"),
    (listing(), "listing:L1"),
])
def test_seller_keys(row, key):
    assert seller_facts(row).key == key


@pytest.mark.parametrize(("name", "personal"), [
    ("John", True), ("Dave Smith", True), ("graham", True), ("jd_parts_uk", False), ("tractorman77", False),
    ("smithsagri", False), ("", False),
])
def test_personal_names(name, personal):
    assert is_personal_name(name) is personal


def test_handles_and_profiles_compare_on_their_letters():
    assert handle_key("JD-Parts_UK") == handle_key("jdpartsuk") == "jdpartsuk"
    assert normalise_profile("http://WWW.example.org/u/1?ref=x#top") == normalise_profile("example.org/u/1/")


def test_phones_in_the_text_are_the_sellers_too():
    facts = seller_facts(listing(seller_name="x_agri", description="ring 07seven00 9OO 123"))
    assert facts.text_phones == ["+447700900123"]


@pytest.mark.parametrize(("structured", "text", "expected"), [
    ('[{"kind": "pin", "value": "1L06120MCKK123456"}]', "", ["1106120MCKK123456"]),
    ("[]", "Serial no: PE4045 R123456. Good tyres", ["PE4045R123456"]),
    ("[]", "2019 model, 4500 hours", []),
    ("[]", "serial: unknown", []),
])
def test_identifiers_a_listing_states(structured, text, expected):
    assert identifier_values(structured, text) == expected


def test_every_number_in_the_phone_field_is_the_sellers():
    facts = seller_facts(listing(seller_name="x_agri", seller_phone="07700 900123 / 07700 900124"))
    assert facts.phones == ["+447700900123", "+447700900124"]
