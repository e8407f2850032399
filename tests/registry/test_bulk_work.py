"""Bulk steps run with a larger SQLite page cache and rarer checkpoints, and give the connection back as it was."""

from __future__ import annotations

import pytest

import matching.networks.update as update
from registry.db import BULK_CACHE_MB, BULK_CHECKPOINT_PAGES, bulk_work, connect


def _settings(db) -> tuple[int, int]:
    return (db.conn.execute("PRAGMA cache_size").fetchone()[0],
            db.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])


def test_bulk_work_sets_the_cache_and_checkpoint_and_puts_them_back(tmp_path):
    db = connect(tmp_path / "farmwatch.db")
    before = _settings(db)
    assert before == (-2000, 1000)  # SQLite's defaults: what every other command runs with
    with bulk_work(db, cache_mb=64, checkpoint_pages=5000):
        assert _settings(db) == (-64 * 1024, 5000)
        db["things"].insert_all({"n": n} for n in range(100))
    assert _settings(db) == before
    assert db.execute("select count(*) from things").fetchone()[0] == 100
    with pytest.raises(RuntimeError), bulk_work(db):
        assert _settings(db) == (-BULK_CACHE_MB * 1024, BULK_CHECKPOINT_PAGES)
        raise RuntimeError("a step failed")
    assert _settings(db) == before
    db.close()


def test_the_networks_step_runs_in_bulk_and_restores_the_connection_when_it_fails(db, monkeypatch):
    seen = []

    def failing(*args, **kwargs):
        seen.append(_settings(db))
        raise RuntimeError("seller step failed")

    db["listings"].insert({"id": "l1", "source": "s", "url": "https://example.org/1", "first_seen_at": "2026-01-01",
                           "last_seen_at": "2026-01-01", "changed_at": "2026-01-01"})
    before = _settings(db)
    monkeypatch.setattr(update, "assign_sellers", failing)
    with pytest.raises(RuntimeError):
        update.update_networks(db)
    assert seen == [(-BULK_CACHE_MB * 1024, BULK_CHECKPOINT_PAGES)]
    assert _settings(db) == before
