"""Exact, one-edit and partial identifier search, and its guards against neighbours."""

import numpy as np
import pytest

from matching.identifiers.candidates import listing_candidates
from matching.identifiers.evidence import explain_normalisation, identifier_evidence
from matching.identifiers.index import IdentifierIndex
from registry.identifiers.rules import cattle_check_digit, vin_check_character, vin_is_valid

KEYS = ["1106120MCKK123456", "PE4045R123456", "1106120MCKK123457", "A8C12345", "UK123456712345",
        "PE4045R012345", "XX99123456", "YY88123456", "ZZ77123456", "WW66123456"]


@pytest.fixture(scope="module")
def index():
    return IdentifierIndex(np.arange(100, 100 + len(KEYS)), np.arange(len(KEYS)) * 10, KEYS)


def hits(index, description, structured="[]"):
    found = index.search([listing_candidates("", description, structured)])[0]
    return {(h.match, KEYS[h.index]) for h in found}


@pytest.mark.parametrize("description, expected", [
    ("PIN 1L0 6120M CKK 123456", ("exact", "1106120MCKK123456")),
    ("serial ABCI2345", ("exact", "A8C12345")),
    ("engine PE4045R12345G", ("one_edit", "PE4045R123456")),
    ("engine PE4045R1234566", ("one_edit", "PE4045R123456")),
    ("engine PE4045R12356", ("one_edit", "PE4045R123456")),
    ("engine PE4045R124356", ("one_edit", "PE4045R123456")),  # neighbours swapped
    ("tag UK 123456 7 12346", ("one_edit", "UK123456712345")),
    ("engine ending R123456", ("partial", "PE4045R123456")),
    ("tag 123456 7 12345", ("exact", "UK123456712345")),
    ("number ends 012345", ("partial", "PE4045R012345")),
])
def test_finds_each_kind_of_match(index, description, expected):
    assert expected in hits(index, description)


def test_an_exact_hit_hides_near_misses_to_neighbouring_numbers(index):
    found = hits(index, "PIN 1L06120MCKK123457 for sale")
    assert found == {("exact", "1106120MCKK123457")}


def test_a_trailing_part_shared_by_many_items_is_ignored(index):
    assert not any(kind == "partial" for kind, _ in hits(index, "last digits 123456"))


def test_two_edits_are_not_a_match(index):
    assert hits(index, "engine PE4045R120056X") == set()


def test_search_keeps_listings_apart(index):
    batches = [listing_candidates("", text, "[]") for text in ("PE4045R123456", "nothing here", "ABC12345")]
    found = index.search(batches)
    assert [[KEYS[h.index] for h in listing] for listing in found] == [["PE4045R123456"], [], ["A8C12345"]]


@pytest.mark.parametrize("listed, registered, words", [
    ("1L0 6120M CKK 123456", "1L06120MCKK123456", "spaces and punctuation"),
    ("pe4045r123456", "PE4045R123456", "upper and lower case"),
    ("PE4O45R123456", "PE4045R123456", "O read as 0"),
    ("P\u04154045R123456", "PE4045R123456", "other scripts"),
    ("0012345678", "12345678", "leading zeros"),
    ("123456 7 12345", "UK123456712345", "missing UK country code"),
    ("PE4045R123456", "PE4045R123456", "exactly as registered"),
])
def test_explains_what_was_ignored(listed, registered, words):
    assert words in explain_normalisation(listed, registered)


def _ident(kind, raw, key):
    return {"id": 1, "item_id": 1, "kind": kind, "raw_value": raw, "normalised_value": key, "check_valid": None,
            "possible_clone": 0}


def _cand(text):
    return next(c for c in listing_candidates("", text, "[]") if c.tokens == max(x.tokens for x in
                                                                                 listing_candidates("", text, "[]")))


def _vin(check: str) -> str:
    return "1M8GDM9A" + check + "KP042788"


def test_a_valid_vin_one_letter_off_outside_the_serial_is_chance_not_a_neighbour():
    registered = _vin(vin_check_character(_vin("0")))
    assert registered[5] == "M"
    listed = registered[:5] + "U" + registered[6:]  # M and U weigh the same in the check
    assert vin_is_valid(listed) and vin_is_valid(registered)
    evidence = identifier_evidence(_cand(listed), "one_edit", 1, _ident("vin", registered, registered))
    assert not any(e.kind == "check_digit" for e in evidence)


def test_a_listed_vin_failing_its_check_digit_looks_like_a_typo():
    registered = _vin(vin_check_character(_vin("0")))
    listed = registered[:12] + "9" + registered[13:]
    assert not vin_is_valid(listed)
    evidence = identifier_evidence(_cand(listed), "one_edit", 1, _ident("vin", registered, registered))
    assert any(e.kind == "check_digit" and e.weight > 0 for e in evidence)


def test_a_herd_mate_tag_with_a_valid_check_digit_counts_against():
    herd, animal = 123456, 12340
    registered = f"UK{herd}{cattle_check_digit(herd, animal)}{animal}"
    mate = animal + 7  # same check digit, one digit different: the next calf but six in the herd
    listed = f"UK {herd} {cattle_check_digit(herd, mate)} {mate}"
    assert cattle_check_digit(herd, mate) == cattle_check_digit(herd, animal)
    evidence = identifier_evidence(_cand(listed), "one_edit", 1, _ident("ear_tag", registered, registered))
    counter = [e for e in evidence if e.kind == "check_digit"]
    assert counter and counter[0].weight < 0 and counter[0].blocks_strong


def test_fuzzy_identifier_evidence_is_never_strong():
    ident = _ident("engine", "PE4045R123456", "PE4045R123456")
    for match in ("one_edit", "partial"):
        assert not any(e.strong for e in identifier_evidence(_cand("PE4045R123457"), match, 1, ident))
    assert any(e.strong for e in identifier_evidence(_cand("PE4045R123456"), "exact", 1, ident))
