"""The nightly run gives back what matching loaded before its seller networks step: the stage-two
indexes (about 640 MB at 50,000 stolen photos) are not carried through the rest of the night."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

import matching.pipeline
from farmwatch import nightly
from matching.photos.features import index as feature_index
from matching.photos.features.index import refresh_feature_index
from tests.matching.photos.features.test_features import register

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def loaded(db):
    register(db, 1)
    refresh_feature_index(db)
    assert feature_index._cache  # held by this process after the refresh, as after a match run
    return db


def test_the_match_step_releases_the_stage_two_indexes(loaded):
    errors: list = []
    report = nightly._match(loaded, errors, None)
    assert errors == [] and "listings" in report
    assert feature_index._cache == {}


def test_they_are_released_when_matching_fails_too(loaded, monkeypatch):
    def broken(db, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(matching.pipeline, "match_listings", broken)
    errors: list = []
    assert nightly._match(loaded, errors, None) == {}
    assert errors == ["match: RuntimeError: disk full"]
    assert feature_index._cache == {}


HEAP_PROBE = """
import json
import matching.pipeline

def resident_mb():
    for line in open("/proc/self/smaps_rollup"):
        if line.startswith("Rss:"):
            return int(line.split()[1]) / 1024

# 250 MB of heap freed as a batch leaves it: holes between blocks still in use, not its top
chunks, kept = [], []
for _ in range(4000):
    chunks.append(bytearray(64 * 1024))
    kept.append(bytearray(1024))
held = resident_mb()
del chunks
freed = resident_mb()
matching.pipeline.give_back_heap()
print(json.dumps({"found": matching.pipeline._malloc_trim() is not None, "held": held, "freed": freed,
                  "trimmed": resident_mb()}))
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/smaps_rollup") or platform.libc_ver()[0] != "glibc",
                    reason="glibc's malloc_trim on Linux")
def test_the_heap_a_batch_freed_goes_back_to_the_system():
    # in a fresh process: one thread, glibc's main heap, nothing allocated before, as a forked match worker
    result = subprocess.run([sys.executable, "-c", HEAP_PROBE], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["found"]
    assert figures["freed"] > figures["held"] - 50  # glibc keeps the holes
    assert figures["trimmed"] < figures["held"] - 150
