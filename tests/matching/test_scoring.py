"""Band rules: what may be strong, what stays possible, and how reasons are ordered."""

import pytest

from matching.evidence import Evidence
from matching.scoring import score_evidence

EXACT = Evidence("identifier", "exact", 0.97, strong=True, decisive=True)
OTHER_YEAR = Evidence("description", "listed as 2012, registered as 2019", -0.25)
ONE_EDIT = Evidence("identifier", "one edit", 0.55)
PARTIAL = Evidence("identifier", "partial, 6 characters", 0.38, needs_support=True)
LONG_PARTIAL = Evidence("identifier", "partial, 10 characters", 0.5, needs_support=True)
CATEGORY = Evidence("description", "same category", 0.05)
PHOTO = Evidence("photo", "near-identical", 0.97, strong=True, decisive=True)
FEATURES = Evidence("photo_features", "local features agree", 0.95, strong=True)
NEIGHBOUR = Evidence("identifier", "the next serial number", 0.3, casts_doubt=True)
CLOSE_PHOTO = Evidence("photo", "close", 0.8)
MAKE_MODEL = Evidence("description", "make and model", 0.3)
YEAR = Evidence("description", "year", 0.06)
AFTER = Evidence("listed_after_theft", "after", 0.05)
NEAR = Evidence("distance", "12 km", 0.05)
BEFORE = Evidence("listed_after_theft", "before", -0.3, blocks_strong=True)
VALID_CHECK = Evidence("check_digit", "valid check digit of its own", -0.4, blocks_strong=True)


@pytest.mark.parametrize("evidence, stolen, band", [
    ([EXACT], True, "strong"),
    ([PHOTO], True, "strong"),
    ([EXACT], False, "likely"),  # owner checks are never strong
    ([ONE_EDIT, ONE_EDIT, MAKE_MODEL, CLOSE_PHOTO], True, "likely"),  # fuzzy evidence is never strong
    ([ONE_EDIT, MAKE_MODEL], True, "likely"),
    ([ONE_EDIT, VALID_CHECK], True, "possible"),
    ([PARTIAL, MAKE_MODEL, AFTER], True, "possible"),
    ([PARTIAL, MAKE_MODEL, YEAR, CATEGORY, AFTER], True, "likely"),
    ([MAKE_MODEL, YEAR, AFTER, NEAR], True, "possible"),  # description alone: possible at most
    ([EXACT, BEFORE], True, "likely"),
    ([EXACT, VALID_CHECK], True, "possible"),
    ([LONG_PARTIAL, MAKE_MODEL, AFTER], True, "likely"),
    ([CLOSE_PHOTO], True, "likely"),
    ([EXACT, MAKE_MODEL, OTHER_YEAR], True, "strong"),  # a seller may misstate the year, not the serial
    ([PHOTO, MAKE_MODEL, OTHER_YEAR], True, "strong"),
    ([FEATURES, MAKE_MODEL], True, "strong"),
    ([FEATURES, MAKE_MODEL, OTHER_YEAR], True, "likely"),  # strong but not decisive: disagreement weighs
    ([FEATURES, NEIGHBOUR, MAKE_MODEL], True, "likely"),
    ([PHOTO, NEIGHBOUR], True, "strong"),
])
def test_bands(evidence, stolen, band):
    assert score_evidence(evidence, stolen=stolen).band == band


def test_description_alone_never_passes_possible():
    many = [Evidence("description", f"agreement {i}", 0.3) for i in range(10)]
    scored = score_evidence(many, stolen=True)
    assert scored.band == "possible" and scored.score <= 0.55


def test_a_trailing_part_needs_other_agreement():
    assert score_evidence([LONG_PARTIAL], stolen=True) is None
    assert score_evidence([LONG_PARTIAL, AFTER, NEAR], stolen=True) is None
    assert score_evidence([LONG_PARTIAL, CATEGORY], stolen=True).band == "possible"


def test_weak_or_no_support_is_not_a_match():
    assert score_evidence([], stolen=True) is None
    assert score_evidence([Evidence("description", "make", 0.08)], stolen=True) is None
    assert score_evidence([BEFORE, VALID_CHECK], stolen=True) is None


def test_reasons_strongest_first_counter_evidence_last():
    reasons = score_evidence([MAKE_MODEL, BEFORE, EXACT, AFTER], stolen=True).reasons
    assert [r["detail"] for r in reasons] == ["exact", "make and model", "after", "before"]
    assert all({"kind", "detail", "weight"} <= r.keys() for r in reasons)


def test_scores_stay_in_range():
    for evidence in ([EXACT, PHOTO, MAKE_MODEL], [ONE_EDIT, VALID_CHECK, BEFORE], [CLOSE_PHOTO] * 5):
        scored = score_evidence(evidence, stolen=True)
        assert scored is None or 0 <= scored.score <= 1
