"""Evidence worth `likely` when the description agrees: a one-character slip away from the sequence
digits with make, model and year agreeing after the theft; another view of the photographed machine
with its make and category agreeing. Nothing that counts against the match may stand."""

import pytest

from matching.evidence import Evidence
from matching.identifiers.evidence import SLIP_AGREEMENT
from matching.photos.features.match import (
    MAX_DISTORTION,
    MAX_VIEW_DISTORTION,
    MIN_SPREAD,
    MIN_VIEW_SPREAD,
    VIEW_INLIERS,
    FeatureMatch,
    feature_evidence,
)
from matching.scoring import score_evidence

SLIP = Evidence("identifier", "one character away, third from the end", 0.3, casts_doubt=True, likely_with=SLIP_AGREEMENT)
MAKE_MODEL = Evidence("description", "make and model agree", 0.3, agrees=frozenset({"make", "model"}))
MAKE = Evidence("description", "make agrees", 0.08, agrees=frozenset({"make"}))
YEAR = Evidence("description", "same year", 0.06, agrees=frozenset({"year"}))
CATEGORY = Evidence("description", "same category", 0.05, agrees=frozenset({"category"}))
AFTER = Evidence("listed_after_theft", "listed after the theft", 0.05, agrees=frozenset({"listed_after_theft"}))
BEFORE = Evidence("listed_after_theft", "listed before the theft", -0.3, blocks_strong=True)
OTHER_YEAR = Evidence("description", "listed as 2012, registered as 2019", -0.25)


def view(inliers=68, distortion=0.1, spread=0.3) -> Evidence:
    match = FeatureMatch(item_id=1, photo_id=2, listing_photo_id=3, inliers=inliers, mirrored=False,
                         description="listing photo 1 shows ...", judgeable=True, spread=spread, distortion=distortion)
    return feature_evidence(match, frozenset({"category", "make"}))


@pytest.mark.parametrize("evidence, stolen, band", [
    ([SLIP, MAKE_MODEL, YEAR, AFTER], True, "likely"),
    ([SLIP, MAKE_MODEL, YEAR, CATEGORY, AFTER], True, "likely"),
    ([SLIP, MAKE_MODEL, AFTER], True, "possible"),  # no year stated
    ([SLIP, MAKE, YEAR, AFTER], True, "possible"),  # no model
    ([SLIP, MAKE_MODEL, YEAR], True, "possible"),  # no listing date
    ([SLIP, MAKE_MODEL, YEAR, BEFORE], True, "possible"),
    ([SLIP, MAKE_MODEL, YEAR, AFTER], False, "possible"),  # an owner check
    ([view(), MAKE, CATEGORY], True, "likely"),
    ([view(), MAKE, CATEGORY, AFTER], True, "likely"),
    ([view(), CATEGORY], True, "possible"),
    ([view(), MAKE], True, "possible"),
    ([view(), MAKE, CATEGORY, OTHER_YEAR], True, "possible"),
    ([view(inliers=VIEW_INLIERS - 1), MAKE, CATEGORY], True, "possible"),  # too few points for another view
    ([view(spread=MIN_SPREAD / 2, distortion=0.01), MAKE, CATEGORY], True, "likely"),  # a copy's points on the subject
    ([view(spread=MIN_VIEW_SPREAD / 2), MAKE, CATEGORY], True, "possible"),  # all on one small object
    ([view(distortion=MAX_VIEW_DISTORTION + 0.1), MAKE, CATEGORY], True, "possible"),
])
def test_agreement_makes_likely(evidence, stolen, band):
    assert score_evidence(evidence, stolen=stolen).band == band


def test_another_view_is_never_strong_and_a_copy_is_not_a_view():
    assert not view().strong and view().likely_with == {"category", "make"}
    copy = view(distortion=MAX_DISTORTION / 2)
    assert copy.strong and not copy.likely_with
