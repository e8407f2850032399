"""The matcher's quality on a generated, labelled set, loaded through the import commands.

A regression in candidates, indexes, thresholds or scoring shows here as lost recall,
a false strong match, or a decoy promoted. The large runs are in bench/bench_match_quality.py.
"""

import pytest

from matching.evaluation.evalset import TRUE_KINDS, EvalConfig, write_eval_set
from matching.evaluation.evaluate import TARGETS, run_evaluation


@pytest.fixture(scope="module", params=[1, 2])
def result(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"evalset{request.param}")
    write_eval_set(folder, EvalConfig(stolen=26, registered=10, decoys=16, seed=request.param))
    return run_evaluation(folder)


def test_meets_the_targets(result):
    assert result.recall >= TARGETS["recall"], "\n".join(result.lines())
    assert result.precision("strong") >= TARGETS["strong_precision"], "\n".join(result.lines())
    assert result.decoy_strong == 0, "\n".join(result.lines())


def test_every_kind_of_evidence_is_exercised(result):
    assert set(result.recall_by_kind) == set(TRUE_KINDS)


def test_altered_photos_and_retyped_identifiers_are_found(result):
    for kind in ("photo_reencode", "photo_resize", "photo_brightness", "photo_mirror", "photo_watermark",
                 "id_spaced", "id_split_tokens", "id_case_lookalike", "id_other_script", "id_structured"):
        found, total = result.recall_by_kind[kind]
        assert found == total, (kind, "\n".join(result.lines()))


def test_decoys_stay_out_of_the_top_bands(result):
    for kind in ("decoy_sequential", "decoy_sequential_registered", "lookalike", "unrelated"):
        assert not {"strong", "likely"} & set(result.decoy_bands[kind]), (kind, "\n".join(result.lines()))


def test_owners_sales_are_owner_checks(result):
    found, total = result.owner_checks
    assert total and found == total
