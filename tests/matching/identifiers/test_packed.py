"""The identifier index's packed keys: a tuple's answers, and no copied pages in a forked worker."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

from matching.identifiers.index import IdentifierIndex
from matching.identifiers.packed import PackedStrings

CASES = {
    "ascii keys": ["JH2TE4321ZK000777", "SN123", "A", "1106120MCKK123456"],
    "empty strings among them": ["", "AB", "", "C", ""],
    "non-ASCII keys (UTF-8 of 1 to 4 bytes)": ["ÉLAN2", "Ω7", "ŻUK-01", "\U0001F69C9", "plain"],
    "nothing": [],
}


@pytest.mark.parametrize("keys", CASES.values(), ids=CASES.keys())
def test_reads_as_the_tuple_it_was_made_from(keys):
    packed = PackedStrings(keys)
    assert len(packed) == len(keys)
    assert list(packed) == keys
    assert [packed[i] for i in range(len(keys))] == keys
    assert [packed[-i] for i in range(1, len(keys) + 1)] == [keys[-i] for i in range(1, len(keys) + 1)]
    assert packed[1:3] == keys[1:3]
    assert all(k in packed for k in keys) and "NOT-A-KEY" not in packed
    assert packed[np.int64(0)] == keys[0] if keys else True


@pytest.mark.parametrize("i", [4, -5, 100])
def test_a_position_outside_is_an_index_error(i):
    with pytest.raises(IndexError, match="of 4"):
        PackedStrings(["A", "B", "C", "D"])[i]


def test_the_index_finds_keys_as_before_through_the_packed_keys():
    from matching.identifiers.candidates import Candidate

    keys = ["JH2TE4321ZK000777", "SN1234567", "ÉLAN20001"]
    index = IdentifierIndex(np.arange(3), np.arange(3) * 10, keys)
    assert isinstance(index.keys, PackedStrings) and list(index.keys) == keys
    hits = index.search([[Candidate("JH2TE4321ZK000777", "JH2TE4321ZK000777", "JH2TE4321ZK000777", "title")],
                         [Candidate("SN1234568", "SN1234568", "SN1234568", "title")],
                         [Candidate("ÉLAN20001", "ÉLAN20001", "ÉLAN20001", "title")]])
    assert [[(h.index, h.match) for h in found] for found in hits] == [[(0, "exact")], [(1, "one_edit")], [(2, "exact")]]


def _private_dirty_mb() -> float:
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
        if line.startswith("Private_Dirty:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no Private_Dirty line")


def _copied_by_reading(keys) -> float:
    """MB of private memory a forked child gains by reading every key once, by position, as the index's
    search does."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        before = _private_dirty_mb()
        for i in range(len(keys)):
            len(keys[i])
        os.write(write_fd, f"{_private_dirty_mb() - before:.3f}".encode())
        os._exit(0)
    os.close(write_fd)
    answer = os.read(read_fd, 64).decode()
    os.waitpid(pid, 0)
    return float(answer)


@pytest.mark.skipif(not sys.platform.startswith("linux") or not Path("/proc/self/smaps_rollup").exists(),
                    reason="reads Linux's per-process memory accounting")
def test_a_forked_worker_reading_every_key_copies_no_pages_of_them():
    keys = [f"SN{i:09d}X" for i in range(300_000)]
    as_tuple, packed = tuple(keys), PackedStrings(keys)
    del keys
    copied_tuple, copied_packed = _copied_by_reading(as_tuple), _copied_by_reading(packed)
    assert copied_tuple > 10  # every string's reference count written: its page copied
    assert copied_packed < 3
