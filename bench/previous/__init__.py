"""Frozen copies of routines that were replaced for speed, kept callable so a benchmark can time the old
path beside the new one in the same run and a test can show the new one gives the same results."""
