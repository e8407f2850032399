"""Identifier candidates: what a seller typed, found; prices, phones and postcodes, not."""

import pytest

from matching.identifiers.candidates import listing_candidates, structured_candidates, text_candidates


def keys(text):
    return {c.key for c in text_candidates(text, "description")}


@pytest.mark.parametrize("text, expected", [
    ("PIN 1L0 6120M CKK 123456 good tractor", "1106120MCKK123456"),
    ("pin: 1l06120mckk123456.", "1106120MCKK123456"),
    ("engine no PE-4045-R123456, runs well", "PE4045R123456"),
    ("tag UK 123456 7 12345", "UK123456712345"),
    ("serial ends 654321", "654321"),
    ("chip 826 0000 1234 5678", "826000012345678"),
    ("S/N: ABC\u200b12345678", "A8C12345678"),
    ("Serial No.1L06120MCKK123456", "1106120MCKK123456"),
    ("PIN#1L06120MCKK123456", "1106120MCKK123456"),
    ("SN1L06120MCKK123456", "1106120MCKK123456"),
    ("vin1HFTRXAB0RC100001", "1HFTRXA80RC100001"),
])
def test_seller_spellings_give_the_key(text, expected):
    assert expected in keys(text)


@pytest.mark.parametrize("text", [
    "call 07700 900123 after 6",
    "ring +44 7700 900123",
    "£12,500 ono",
    "12,500 + VAT",
    "price 12500 pounds",
    "located SP11 0AA",
    "posted 12/10/2026",
    "4500 hours on the clock",
    "see https://example.org/ad/1234567890",
    "email seller12345678@example.org",
])
def test_advert_numbers_are_not_candidates(text):
    assert keys(text) == set()


def test_words_break_runs_and_short_tokens_join_them():
    found = text_candidates("John Deere 6120M CKK 123456 for sale", "title")
    assert {c.key for c in found} >= {"6120MCKK123456", "CKK123456"}
    assert not any("J0HN" in c.key or "DEERE" in c.key for c in found)


def test_listed_text_is_kept_as_written():
    cand = next(c for c in text_candidates("pin 1L0 6120M CKK 123456.", "description") if c.tokens == 4)
    assert cand.listed == "1L0 6120M CKK 123456"


def test_structured_identifiers_keep_their_kind_and_short_values():
    found = structured_candidates('[{"kind": "serial", "value": "ab-12"}, {"kind": "vin", "value": "n/a"}, {"x": 1}]')
    assert [(c.key, c.kind, c.source) for c in found] == [("A812", "serial", "structured")]
    assert structured_candidates("not json") == []


def test_each_key_once_per_listing():
    found = listing_candidates("PE4045R123456", "engine PE4045R123456", '[{"kind": "engine", "value": "PE4045R123456"}]')
    assert [c.source for c in found if c.key == "PE4045R123456"] == ["structured"]
