"""The one place that names states and codes (registry.words.labels, registry.words.evidence)."""

from __future__ import annotations

import re

import pytest

from registry.identifiers.vocab import CATEGORIES, IDENTIFIER_KINDS
from registry.words.evidence import reason_words
from registry.words.labels import (
    CATEGORY_WORDS,
    KIND_WORDS,
    actor_words,
    category_words,
    decision_words,
    item_state,
    kind_words,
    match_context,
    match_state,
    owner_progress,
)

CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")


@pytest.mark.parametrize(("status", "sold", "not_theirs", "state"), [
    ("stolen", False, False, "stolen"),
    ("stolen", True, True, "stolen"),          # an open theft wins over everything
    ("registered", True, False, "sold"),
    ("recovered", True, False, "sold"),        # recovered, then sold: sold
    ("recovered", False, False, "recovered"),
    ("registered", False, True, "not_theirs"),
    ("registered", False, False, "registered"),
])
def test_item_state(status, sold, not_theirs, state):
    assert item_state(status, sold=sold, not_theirs=not_theirs).state == state


@pytest.mark.parametrize(("queue", "item", "force", "text"), [
    ("stolen", "stolen", "Hampshire", "stolen in Hampshire"),
    ("stolen", "not_theirs", "Hampshire", "owner says the sale is not theirs; not reported stolen (Hampshire)"),
    ("stolen", "recovered", "Northumbria", "recovered (stolen in Northumbria)"),
    ("owner_check", "registered", "Hampshire", "registered in Hampshire: ask the owner"),
    ("owner_check", "sold", None, "sold by its owner"),
])
def test_the_line_under_a_match_says_stolen_only_for_a_stolen_item(queue, item, force, text):
    state = item_state({"stolen": "stolen", "recovered": "recovered"}.get(item, "registered"),
                       sold=item == "sold", not_theirs=item == "not_theirs")
    assert match_context(queue, state, force) == text
    if item != "stolen":
        assert "stolen in" not in text or item == "recovered"


@pytest.mark.parametrize(("status", "decision", "item", "text"), [
    ("new", None, "stolen", "new"),
    ("new", None, "recovered", "closed: item recovered"),
    ("dismissed", "item_recovered", "recovered", "closed: item recovered"),
    ("dismissed", "item_recovered", "stolen", "closed: item recovered"),  # stolen again later
    ("confirmed", "confirmed", "recovered", "confirmed; item recovered"),
    ("dismissed", "owner_selling", "registered", "closed: the owner is selling it"),
    ("dismissed", "dismissed", "stolen", "dismissed"),
])
def test_match_state(status, decision, item, text):
    assert match_state(status, decision, item_state(item)).text == text


def test_every_category_and_kind_has_words_without_codes():
    for code in CATEGORIES:
        assert code in CATEGORY_WORDS and not CODE.search(category_words(code))
    for code in IDENTIFIER_KINDS:
        assert code in KIND_WORDS and not CODE.search(kind_words(code))
    assert category_words("power_tool") == "power tool" and kind_words("ear_tag") == "ear tag"
    assert category_words("new_thing") == "new thing"  # an unknown code never shows its underscore


@pytest.mark.parametrize("decision", ["confirmed", "dismissed", "reopened", "owner_selling", "owner_not_me",
                                      "item_recovered", "shared_with_owner"])
def test_decisions_read_as_words(decision):
    words = decision_words(decision)
    assert words and not CODE.search(words) and "_" not in words


def test_the_command_line_is_not_a_person():
    assert actor_words("cli") == "an administrator (command line)" and actor_words("olivia") == "olivia"


@pytest.mark.parametrize(("reason", "plain", "numbers"), [
    ({"kind": "photo", "detail": "listing photo 1 is a copy of registered photo 2, 0 bits apart (second hash: 0 bits)",
      "weight": 0.97, "distance": 0, "hash": "phash", "dhash_distance": 0, "grade": "near_identical"},
     "listing photo 1 is a near-identical copy of registered photo 2", ["pHash): 0 of 64 bits differ"]),
    ({"kind": "photo", "detail": "listing photo 2 is a copy of registered photo 1 with changes such as a watermark "
      "or a crop: difference hash 5 bits apart, perceptual hash 14 bits apart", "weight": 0.8, "distance": 5,
      "hash": "dhash", "phash_distance": 14, "grade": "close"},
     "listing photo 2 is a copy of registered photo 1 with changes such as a watermark or a crop",
     ["pHash): 14 of 64", "dHash): 5 of 64"]),
    ({"kind": "photo", "detail": "listing photo 1 looks like registered photo 1 (11 bits apart), not close enough "
      "to count alone", "weight": 0.2, "distance": 11, "hash": "phash", "dhash_distance": 13},
     "listing photo 1 looks like registered photo 1, not close enough to count alone", ["11 of 64"]),
    ({"kind": "check_digit", "detail": "the listed VIN X has a valid check digit of its own", "weight": -0.4},
     "the listed VIN X has a valid check digit of its own", ["against the match by 40%"]),
])
def test_evidence_reads_as_a_sentence_with_the_numbers_apart(reason, plain, numbers):
    words = reason_words(reason)
    assert words["text"] == plain
    assert not re.search(r"bits apart|weight \d|distance \d|\(phash\)", words["text"])
    joined = " ".join(words["numbers"])
    assert all(n in joined for n in numbers)


def test_owner_progress_in_words():
    stolen = item_state("stolen")
    assert "looking at a lead" in owner_progress(stolen, 1).text
    assert "check the marketplaces" in owner_progress(stolen, 0).text
    assert "shared it with you" in owner_progress(stolen, 1, [{"match_id": "m"}]).text
    assert owner_progress(item_state("recovered"), 0).text.startswith("Recovered")
    assert owner_progress(item_state("registered"), 3).text == ""
