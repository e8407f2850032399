"""The matcher on real photographs and real typing (matching/evaluation/real_evalset.py), loaded through the imports.

Real photos have smooth, low-contrast subjects that generated scenes lack; sellers write serials in
groups, glue labels on and slip. The larger runs, with Debian's wallpaper photographs too, are in
bench/bench_match_quality.py.
"""

import pytest

from matching.evaluation.evaluate import TARGETS, run_evaluation
from matching.evaluation.real_evalset import HARD_PHOTO_KINDS, ID_KINDS, RealEvalConfig, hard_photo_recall, write_real_eval_set
from matching.evaluation.real_photos import real_photos, texture_photos

HARD_TARGET = 0.85
REAL_RECALL_TARGET = 0.97


def test_real_photographs_ship_with_the_test_extra():
    photos = real_photos(include_debian=False)
    assert len(photos) >= 12 and len(texture_photos()) == 3
    assert any(p.pair for p in photos) and any(p.category == "horse" for p in photos)
    assert all(p.path.is_file() for p in photos)


@pytest.fixture(scope="module", params=[3])
def result(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"realset{request.param}")
    write_real_eval_set(folder, RealEvalConfig(seed=request.param, include_debian=False))
    return run_evaluation(folder)


def test_meets_the_real_photo_targets(result):
    found, total = hard_photo_recall(result.recall_by_kind)
    assert total >= 20 and found / total >= HARD_TARGET, "\n".join(result.lines())
    assert result.recall >= REAL_RECALL_TARGET, "\n".join(result.lines())
    assert result.precision("strong") >= TARGETS["strong_precision"], "\n".join(result.lines())
    assert result.decoy_strong == 0, "\n".join(result.lines())


def test_every_kind_is_exercised(result):
    assert set(ID_KINDS) <= set(result.recall_by_kind)
    assert len(set(HARD_PHOTO_KINDS) & set(result.recall_by_kind)) >= 14


def test_serials_typed_as_sellers_type_them_are_found(result):
    for kind in ("id_groups", "id_groups_noise", "id_glued_label", "id_slip"):
        found, total = result.recall_by_kind[kind]
        assert found == total, (kind, "\n".join(result.lines()))


def test_next_serials_and_other_photos_stay_out_of_strong(result):
    for kind in ("decoy_sequential", "decoy_sequential_registered", "lookalike_photo", "texture"):
        assert "strong" not in result.decoy_bands.get(kind, {}), (kind, "\n".join(result.lines()))
