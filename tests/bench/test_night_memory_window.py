"""The night benchmark's peak memory per step: each step is given the samples taken while it ran, not
the last reading of the step before it."""

from bench.night_measure import TreeMemory


def _memory(tmp_path, samples):
    memory = object.__new__(TreeMemory)  # the log only: no sampler process
    memory.path = tmp_path / "memory.log"
    memory.path.write_text("".join(f"{t} {mb * 1024} 3\n" for t, mb in samples))
    return memory


def test_a_step_is_not_given_the_peak_of_the_step_before(tmp_path):
    memory = _memory(tmp_path, [(100.0, 500), (101.0, 2000), (102.0, 1200), (103.0, 1300), (104.0, 900)])
    assert memory.peak_mb(100.0, 101.5) == 2000   # the match step
    assert memory.peak_mb(101.6, 104.0) == 1300   # the networks step that follows it


def test_a_step_shorter_than_the_interval_takes_the_next_sample(tmp_path):
    memory = _memory(tmp_path, [(100.0, 500), (102.0, 800), (104.0, 900)])
    assert memory.peak_mb(100.5, 100.9) == 800
    assert memory.peak_mb(105.0, 106.0) == 0      # nothing sampled after it
