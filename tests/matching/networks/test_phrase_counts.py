"""Counting a night's phrases in: the counts `add_keys` returns are what a lookup after every batch reads, and
the tables end as the count-then-look-up path left them."""

from __future__ import annotations

import random

from matching.networks.text import phrases
from matching.networks.text.texts import BOILERPLATE_SELLERS
from registry.db import connect


def _reference_add(db, pairs: set[tuple[bytes, int]]) -> None:
    """The path before: look up, insert, look up again, promote."""
    known = phrases.lookup(db, {k for k, _ in pairs})
    pairs = {(k, s) for k, s in pairs if known.get(k, 0) < BOILERPLATE_SELLERS}
    with db.atomic():
        db.conn.executemany("insert or ignore into text_phrases (phrase, seller_id) values (?, ?)", pairs)
        counts = phrases.lookup(db, {k for k, _ in pairs})
        full = [(k,) for k, n in counts.items() if n >= BOILERPLATE_SELLERS]
        db.conn.executemany("insert or ignore into boilerplate_phrases (phrase) values (?)", full)
        db.conn.executemany("delete from text_phrases where phrase = ?", full)


def _tables(db) -> tuple[list, list]:
    return (db.execute("select phrase, seller_id from text_phrases order by 1, 2").fetchall(),
            db.execute("select phrase from boilerplate_phrases order by 1").fetchall())


def _batches(seed: int) -> tuple[list[tuple[int, str]], list[set[tuple[bytes, int]]]]:
    rng = random.Random(seed)
    keys = [bytes([n]) * 8 for n in range(60)]  # few phrases: many reach the boilerplate count, some across batches
    history = [(rng.randrange(40), " ".join(rng.sample([f"phrase {n}." for n in range(60)], 4))) for _ in range(80)]
    nights = [{(rng.choice(keys), rng.randrange(200)) for _ in range(rng.randrange(1, 120))} for _ in range(5)]
    return history, nights


def test_counts_returned_equal_a_lookup_after_every_batch(db, tmp_path):
    for seed in range(8):
        other = connect(tmp_path / f"reference-{seed}.db")
        history, nights = _batches(seed)
        for database in (db, other):
            phrases.rebuild(database, history)
            # as the counts leave them: under BOILERPLATE_SELLERS sellers a phrase, boilerplate apart
            database.conn.executemany("insert or ignore into text_phrases (phrase, seller_id) values (?, ?)",
                                      [(bytes([n]) * 8, s) for n in range(0, 60, 7) for s in range(n % 10)])
            database.conn.executemany("insert or ignore into boilerplate_phrases (phrase) values (?)",
                                      [(bytes([n]) * 8,) for n in range(3, 60, 11)])
            database.execute("delete from text_phrases where phrase in (select phrase from "
                             "boilerplate_phrases)")
        counted: dict[bytes, int] = {}
        for pairs in nights:
            counted.update(phrases.add_keys(db, pairs))
            _reference_add(other, pairs)
        every = {k for pairs in nights for k, _ in pairs}
        assert counted == phrases.lookup(other, every)
        assert _tables(db) == _tables(other)
        assert any(n == BOILERPLATE_SELLERS for n in counted.values()) and any(n < BOILERPLATE_SELLERS
                                                                                for n in counted.values())
        other.close()
        for table in ("text_phrases", "boilerplate_phrases"):
            db.execute(f"delete from {table}")
