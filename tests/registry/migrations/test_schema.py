import subprocess
import sys

from registry.db import connect
from registry.migrations import apply_migrations, pending

TABLES = {"owners", "items", "identifiers", "photos", "thefts", "listings", "listing_photos", "crawl_runs",
          "crawl_pages", "crawl_photos", "matches", "reviews", "users"}


def test_migrations_create_every_table_and_rerun_safely(tmp_path):
    db = connect(tmp_path / "fw.db")
    assert TABLES <= set(db.table_names())
    assert apply_migrations(db) == []
    db.close()
    again = connect(tmp_path / "fw.db")
    assert not pending(again)
    assert again.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reviews_are_append_only(db):
    import pytest

    owner = db["owners"].insert({"name": "x", "created_at": "t"}).last_pk
    item = db["items"].insert({"owner_id": owner, "category": "tractor", "created_at": "t", "updated_at": "t"}).last_pk
    db["listings"].insert({"id": "l1", "source": "s", "url": "http://x/1", "first_seen_at": "t",
                           "last_seen_at": "t", "changed_at": "t"})
    db["matches"].insert({"id": "m1", "item_id": item, "listing_id": "l1", "score": 0.9, "band": "strong",
                          "created_at": "t", "updated_at": "t"})
    db["reviews"].insert({"match_id": "m1", "decision": "confirmed", "actor": "pc1", "created_at": "t"})
    with pytest.raises(Exception, match="append-only"):
        db.execute("update reviews set note = 'x'")
    with pytest.raises(Exception, match="append-only"):
        db.execute("delete from reviews")


def test_init_command_twice(tmp_path):
    cmd = [sys.executable, "-m", "farmwatch.cli", "--db", str(tmp_path / "fw.db"), "init"]
    first = subprocess.run(cmd, capture_output=True, text=True, check=True)
    second = subprocess.run(cmd, capture_output=True, text=True, check=True)
    assert "Created" in first.stdout and "up to date" in second.stdout


def test_a_write_transaction_that_reads_first_waits_for_another_writer_instead_of_failing(tmp_path):
    """Two processes (the nightly crawl and the workspace) writing at once: nobody's write is lost."""
    import threading
    import time

    first, second = connect(tmp_path / "fw.db"), connect(tmp_path / "fw.db")
    done = []

    def other_writer():
        second["owners"].insert({"name": "second", "created_at": "t"})
        done.append(True)

    with first.atomic():
        first.execute("select count(*) from owners").fetchone()  # read, then write later
        thread = threading.Thread(target=other_writer)
        thread.start()
        time.sleep(0.3)
        assert not done, "the other writer waits for this transaction"
        first["owners"].insert({"name": "first", "created_at": "t"})
    thread.join(timeout=30)
    assert done and sorted(r["name"] for r in first["owners"].rows) == ["first", "second"]


def test_full_text_index_follows_text_changes_only(db):
    owner = db["owners"].insert({"name": "x", "created_at": "t"}).last_pk
    db["listings"].insert({"id": "l1", "source": "s", "url": "http://x/1", "title": "Massey tractor",
                           "first_seen_at": "t", "last_seen_at": "t", "changed_at": "t"})
    search = "select count(*) from listings_fts where listings_fts match ?"
    assert db.execute(search, ["massey"]).fetchone()[0] == 1
    db.execute("update listings set matched_at = 'now' where id = 'l1'")
    assert db.execute(search, ["massey"]).fetchone()[0] == 1
    db.execute("update listings set title = 'Kubota digger' where id = 'l1'")
    assert db.execute(search, ["massey"]).fetchone()[0] == 0
    assert db.execute(search, ["kubota"]).fetchone()[0] == 1
    db["items"].insert({"owner_id": owner, "category": "tractor", "make": "Fendt", "created_at": "t", "updated_at": "t"})
    db.execute("update items set status = 'stolen'")
    assert db.execute("select count(*) from items_fts where items_fts match 'fendt'").fetchone()[0] == 1
