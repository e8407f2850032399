"""Description evidence: agreement, disagreement, dates and distance."""

import pytest

from matching.description import description_evidence, make_agrees, model_agrees, profile_listing

ITEM = {"id": 1, "category": "tractor", "make": "John Deere", "model": "6120M", "year": 2019, "colour": "green"}
THEFT = {"id": 9, "stolen_at": "2026-11-01", "place": "Faccombe", "latitude": 51.30, "longitude": -1.45}


def listing(title, description="", **extra):
    return profile_listing({"id": "x", "title": title, "description": description,
                            "posted_at": "2026-11-20T10:00:00Z", **extra})


def kinds(evidence):
    return {(e.kind, e.detail.split(":")[0]) for e in evidence}


@pytest.mark.parametrize("title, agrees", [
    ("John Deere 6120M", True), ("JOHN DEERE tractor", True), ("JD 6120M loader", True),
    ("Jhon Deere 6120 M", True), ("johndeere", True), ("Massey Ferguson 5713S", False),
])
def test_make_agreement(title, agrees):
    assert make_agrees("John Deere", listing(title)) is agrees


@pytest.mark.parametrize("title, agrees", [
    ("John Deere 6120M", True), ("JD 6120 M", True), ("6120-M tractor", True), ("JD 6155R", False),
])
def test_model_agreement(title, agrees):
    assert model_agrees("6120M", listing(title)) is agrees


def test_full_agreement_after_the_theft_near_the_place():
    evidence = description_evidence(ITEM, THEFT, listing("John Deere 6120M tractor 2019, green", "",
                                                         latitude=51.35, longitude=-1.40))
    details = " | ".join(e.detail for e in evidence)
    assert "make and model agree" in details and "same year: 2019" in details and "same colour" in details
    assert "same category: tractor" in details and "days after the theft" in details
    assert any(e.kind == "distance" and e.weight > 0 and e.extras["km"] < 10 for e in evidence)


def test_a_stated_other_year_or_category_counts_against():
    evidence = description_evidence(ITEM, None, listing("John Deere 6120M 2012", category="Trailer"))
    assert {e.detail for e in evidence if e.weight < 0} == {"listed as 2012, registered as 2019",
                                                            "listed as trailer, registered as tractor"}


def test_a_category_named_in_passing_never_counts_against():
    evidence = description_evidence(ITEM, None, listing("John Deere 6120M with front loader"))
    assert not any(e.weight < 0 for e in evidence)


def test_listed_before_the_theft_blocks_strong():
    profile = profile_listing({"id": "x", "title": "John Deere 6120M", "posted_at": "2026-09-01T10:00:00Z"})
    before = [e for e in description_evidence(ITEM, THEFT, profile) if e.kind == "listed_after_theft"]
    assert before and before[0].weight < 0 and before[0].blocks_strong


def test_far_from_the_theft_is_said_but_weighs_nothing():
    evidence = description_evidence(ITEM, THEFT, listing("John Deere 6120M", latitude=55.9, longitude=-3.2))
    far = [e for e in evidence if e.kind == "distance"]
    assert far and far[0].weight == 0 and far[0].extras["km"] > 400


@pytest.mark.parametrize("title, description, in_title, mentioned", [
    ("Honda quad bike", "", {"quad"}, {"quad"}),
    ("For sale", "Tidy four wheeler, starts first time", set(), {"quad"}),
    ("Yamaha Grizzly four wheeler", "", {"quad"}, {"quad"}),  # two words at the very end
    ("Ifor Williams livestock trailer", "comes with a mini digger", {"trailer"}, {"trailer", "plant"}),
    ("FOUR-WHEELER", "", {"quad"}, {"quad"}),  # punctuation and spacing fold away
    ("quad", "bike", {"quad"}, {"quad"}),  # a name never spans the title and the description
])
def test_categories_named_by_one_to_three_words(title, description, in_title, mentioned):
    profile = listing(title, description)
    assert profile.in_title == in_title
    assert profile.mentioned == mentioned


def test_grams_join_adjacent_words_of_the_title_fields_and_description_in_order():
    profile = listing("Massey Ferguson", "5713 S dyna", make="MF", model="5713S")
    assert profile.word_list == ["MASSEY", "FERGUSON", "MF", "5713S", "5713", "S", "DYNA"]
    assert {"MASSEYFERGUSON", "FERGUSONMF", "5713S", "5713SDYNA", "MASSEYFERGUSONMF"} <= profile.grams
    assert "MASSEYMF" not in profile.grams  # only adjacent words
