"""The migrations: numbered 1..N one per file, and an old database upgraded step by step ends with
the schema of a new one, its rows kept."""

from __future__ import annotations

import sqlite3

import pytest

from registry.db import FarmDatabase
from registry.migrations import MigrationNumberError, all_migrations, apply_migrations, numbered_files

# The names farmwatch recorded before the migrations had a file each, in the order it applied them.
EARLIER_NAMES = ["0001_registry", "0002_marketplace", "0003_matches", "0004_users", "0005_web_sessions",
                 "0005_web_fts", "0006_public_checks", "0007_operations", "0008_farmer_not_me_stays_stolen",
                 "0009_photo_features", "0010_fts_on_text_changes_only", "0011_photo_features_mirror",
                 "0017_history_sales_trade", "0012_price_text", "0014_places", "0013_sellers_networks",
                 "0015_photo_features_low_texture", "0018_identifiers_rekeyed"]
LAST = len(all_migrations())


def open_db(path) -> FarmDatabase:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return FarmDatabase(conn)


def schema(db) -> dict:
    """Tables with their columns (name, type, not null, default, key), indexes and triggers, by name."""
    def clean(sql):
        return " ".join((sql or "").split())

    out = {}
    for kind, name, table, sql in db.execute("select type, name, tbl_name, sql from sqlite_master "
                                             "where name not like 'sqlite_%' order by name").fetchall():
        if kind == "table":
            out[("table", name)] = [tuple(c[1:6]) for c in db.execute(f'PRAGMA table_xinfo("{name}")')]
        else:
            out[(kind, name)] = (table, clean(sql))
    return out


def write_rows(db) -> dict[str, int]:
    """A row in each of the main tables that exist so far; returns the row counts."""
    tables = set(db.table_names())
    if "owners" in tables:
        owner = db["owners"].insert({"name": "A Farmer", "email": "a@example.org", "created_at": "t"}).last_pk
        item = db["items"].insert({"owner_id": owner, "category": "quad", "make": "Honda", "created_at": "t",
                                   "updated_at": "t"}).last_pk
        db["identifiers"].insert({"item_id": item, "kind": "serial", "raw_value": "TRX 123456",
                                  "normalised_value": "TRX123456", "created_at": "t"})
        db["thefts"].insert({"item_id": item, "stolen_at": "2026-11-01", "reported_at": "t", "place": "Skipton"})
    if "listings" in tables:
        db["listings"].insert({"id": "l1", "source": "s", "url": "http://x/1", "title": "Honda quad",
                               "first_seen_at": "t", "last_seen_at": "t", "changed_at": "t"})
    if "users" in tables:
        db["users"].insert({"username": "pc1", "password_hash": "h", "role": "officer", "created_at": "t"})
    return {t: db[t].count for t in ("owners", "items", "identifiers", "thefts", "listings", "users") if t in tables}


def test_migration_files_are_numbered_one_to_n_each_with_a_one_line_summary():
    assert [n for n, _ in numbered_files()] == list(range(1, LAST + 1))
    assert all(m.summary and "\n" not in m.summary for m in all_migrations())
    assert len({m.name for m in all_migrations()}) == LAST


@pytest.mark.parametrize("names, problem", [
    (["0001_a", "0002_b", "0002_c"], "numbers used twice: 2"),
    (["0001_a", "0003_c"], "numbers missing: 2"),
    (["0002_b"], "numbers missing: 1"),
    (["0001_a", "2_b"], "not named NNNN_words.py: 2_b.py"),
])
def test_repeated_or_missing_numbers_are_refused(tmp_path, names, problem):
    for name in names:
        (tmp_path / f"{name}.py").write_text('"""x."""\n')
    with pytest.raises(MigrationNumberError, match=problem):
        numbered_files(tmp_path)


@pytest.fixture(scope="module")
def new_schema(tmp_path_factory):
    fresh = open_db(tmp_path_factory.mktemp("new") / "new.db")
    apply_migrations(fresh)
    return schema(fresh)


@pytest.mark.parametrize("first", range(1, LAST))
def test_a_database_upgraded_step_by_step_equals_a_new_one(tmp_path, first, new_schema):
    old = open_db(tmp_path / "old.db")
    apply_migrations(old, upto=first)
    counts = write_rows(old)
    for step in range(first + 1, LAST + 1):
        assert len(apply_migrations(old, upto=step)) == 1
    assert schema(old) == new_schema
    assert {t: old[t].count for t in counts} == counts
    assert apply_migrations(old) == []


def test_a_database_of_an_earlier_version_runs_only_what_it_lacks(tmp_path):
    """Names recorded by earlier versions are the names of today's migrations: nothing runs twice."""
    db = open_db(tmp_path / "old.db")
    earlier = len(EARLIER_NAMES)  # migrations added since the renumbering keep their file names
    apply_migrations(db, upto=earlier - 1)
    recorded = [r[0] for r in db.execute("select name from _sqlite_migrations order by id")]
    assert recorded == EARLIER_NAMES[:earlier - 1]
    assert apply_migrations(db)[0] == EARLIER_NAMES[earlier - 1]
