"""Login throttling: a stranger who knows a username slows guesses but never keeps its owner out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from datasette_config.auth.throttle import (
    ACCOUNT_CAP,
    FREE_PER_ACCOUNT,
    FREE_PER_ADDRESS,
    FREE_PER_CLIENT,
    MAX_DELAY,
    delay_for,
    record_attempt,
    waits,
)

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
OWNER_ADDRESS, OWNER_DEVICE = "198.51.100.10", "d" * 64
STRANGER, STRANGER_DEVICE = "203.0.113.66", "e" * 64


def fail(db, times, username="olivia", address=STRANGER, device=None, start=NOW, step=timedelta(0)):
    for n in range(times):
        record_attempt(db, username, address, device, False, now=start + n * step)


def rules(db, username="olivia", address=OWNER_ADDRESS, device=None, now=NOW) -> dict:
    return {w.rule: w.seconds for w in waits(db, username, address, device, now=now)}


@pytest.mark.parametrize("failures, free, seconds", [
    (0, 5, 0), (4, 5, 0), (5, 5, 30), (6, 5, 60), (7, 5, 120), (8, 5, 240), (9, 5, 480), (10, 5, MAX_DELAY),
    (500, 5, MAX_DELAY), (19, 20, 0), (20, 20, 30), (30, 20, MAX_DELAY),
])
def test_delays_grow_from_thirty_seconds_to_fifteen_minutes(failures, free, seconds):
    assert delay_for(failures, free) == seconds


# (who tries after the stranger's failures, address, device cookie, rules expected in force)
@pytest.mark.parametrize("case, failures, address, device, expected", [
    ("stranger, same address, under the free count", FREE_PER_CLIENT - 1, STRANGER, None, set()),
    ("stranger, same address, over it", FREE_PER_CLIENT, STRANGER, None, {"client"}),
    ("stranger rotating device cookies", FREE_PER_CLIENT, STRANGER, STRANGER_DEVICE, {"client"}),
    ("owner from their own address", 60, OWNER_ADDRESS, None, set()),
    ("owner from their known device on a new address", 60, "192.0.2.1", OWNER_DEVICE, set()),
    ("owner's device behind the stranger's own address", 60, STRANGER, OWNER_DEVICE, set()),
    ("a new address and device for the account", FREE_PER_ACCOUNT, "192.0.2.1", None, {"account"}),
    ("a new address after the cap", ACCOUNT_CAP, "192.0.2.1", None, {"account_cap"}),
    ("the owner's address after the cap", ACCOUNT_CAP, OWNER_ADDRESS, None, set()),
])
def test_who_is_slowed_after_a_strangers_failures(db, case, failures, address, device, expected):
    record_attempt(db, "olivia", OWNER_ADDRESS, OWNER_DEVICE, True, now=NOW - timedelta(days=3))
    fail(db, failures)
    assert set(rules(db, address=address, device=device)) == expected, case


def test_many_addresses_against_one_account_are_slowed_together_but_the_owner_is_not(db):
    record_attempt(db, "olivia", OWNER_ADDRESS, OWNER_DEVICE, True, now=NOW - timedelta(days=1))
    for n in range(FREE_PER_ACCOUNT + 5):
        record_attempt(db, "olivia", f"203.0.113.{n}", None, False, now=NOW)
    assert rules(db, address="203.0.113.200") == {"account": MAX_DELAY}
    assert rules(db, address=OWNER_ADDRESS) == {} and rules(db, address="192.0.2.9", device=OWNER_DEVICE) == {}
    assert rules(db, address="203.0.113.200", now=NOW + timedelta(seconds=MAX_DELAY)) == {}


def test_one_address_guessing_many_accounts_is_slowed(db):
    for n in range(FREE_PER_ADDRESS):
        record_attempt(db, f"user{n}", STRANGER, None, False, now=NOW)
    assert "address" in rules(db, username="fresh-name", address=STRANGER)
    assert rules(db, username="fresh-name", address="192.0.2.7") == {}


def test_a_success_elsewhere_resets_the_account_count_but_not_the_strangers_pair(db):
    fail(db, FREE_PER_ACCOUNT + 2)
    assert "account" in rules(db, address="192.0.2.1")
    record_attempt(db, "olivia", "192.0.2.50", None, True, now=NOW)
    assert rules(db, address="192.0.2.1") == {}
    assert "client" in rules(db, address=STRANGER)


def test_the_window_forgets_old_failures(db):
    fail(db, FREE_PER_CLIENT + 10, start=NOW - timedelta(hours=25))
    assert rules(db, address=STRANGER) == {}


def test_each_failure_that_slows_is_logged_once(db):
    fail(db, FREE_PER_CLIENT + 2)
    events = db.execute("select rule, failures, delay_seconds from login_throttle_events order by id").fetchall()
    assert events == [("client", 5, 30), ("client", 6, 60), ("client", 7, 120)]


def test_a_brute_force_gets_a_bounded_number_of_guesses_then_stops_at_the_cap(db):
    """Attempting whenever allowed: 5 free, then 30 s, 1 min, ... 15 min apart; refused after ACCOUNT_CAP
    failures from unfamiliar places, while the owner still logs in from a known address."""
    record_attempt(db, "olivia", OWNER_ADDRESS, None, True, now=NOW - timedelta(days=1))
    moment, guesses = NOW, 0
    while moment < NOW + timedelta(days=3):
        in_force = waits(db, "olivia", STRANGER, None, now=moment)
        if any(w.seconds is None for w in in_force):
            break
        if in_force:
            moment += timedelta(seconds=max(w.seconds for w in in_force))
            continue
        record_attempt(db, "olivia", STRANGER, None, False, now=moment)
        guesses += 1
    assert guesses == ACCOUNT_CAP
    slowest = ACCOUNT_CAP - FREE_PER_CLIENT - 5  # guesses made 15 minutes apart
    assert moment - NOW >= timedelta(seconds=(slowest - 1) * MAX_DELAY)  # about 22 hours for 100 guesses
    assert rules(db, address=OWNER_ADDRESS, now=moment) == {}
