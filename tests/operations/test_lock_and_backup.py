import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from farmwatch.lock import AlreadyRunning, RunLock
from registry.backup import backup_database
from registry.db import connect

HOLD = """
import sys, time
sys.path.insert(0, {root!r})
from farmwatch.lock import RunLock
lock = RunLock({path!r}).acquire()
print("held", flush=True)
time.sleep(60)
"""


def test_second_holder_is_refused_and_a_killed_holder_leaves_no_stale_lock(tmp_path):
    path = tmp_path / "nightly.lock"
    import os

    root = os.getcwd()
    holder = subprocess.Popen([sys.executable, "-c", HOLD.format(root=root, path=str(path))], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(AlreadyRunning, match=f"pid {holder.pid}"):
            RunLock(path).acquire()
    finally:
        holder.kill()  # like kill -9: no clean-up code runs
        holder.wait()
    with RunLock(path):
        pass


def test_backup_while_writing_is_consistent(tmp_path):
    db = connect(tmp_path / "live" / "farmwatch.db")
    owner = db["owners"].insert({"name": "x", "created_at": "t"}).last_pk
    stop = threading.Event()

    def writer():
        writer_db = connect(tmp_path / "live" / "farmwatch.db")
        n = 0
        while not stop.is_set():
            with writer_db.atomic():
                writer_db["items"].insert({"owner_id": owner, "category": "tractor", "description": "x" * 500,
                                           "created_at": "t", "updated_at": "t"})
            n += 1
        writer_db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        time.sleep(0.3)
        result = backup_database(db, tmp_path / "backups")
    finally:
        stop.set()
        thread.join()
    copy = sqlite3.connect(result["path"])
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("select count(*) from items").fetchone()[0] > 0
    assert copy.execute("select count(*) from owners").fetchone()[0] == 1


def test_backup_refuses_to_overwrite_the_live_database(tmp_path):
    db = connect(tmp_path / "fw.db")
    with pytest.raises(ValueError, match="live database"):
        backup_database(db, tmp_path / "fw.db")


def test_backup_with_files_copies_photos(tmp_path, photo_factory):
    from registry.items.registration import register_item
    from registry.items.validation import validate_item

    db = connect(tmp_path / "live" / "farmwatch.db")
    item, _ = validate_item({"owner": {"name": "x"}, "category": "quad"})
    register_item(db, item, [("p.jpg", photo_factory(1))])
    result = backup_database(db, tmp_path / "copy", with_files=True)
    assert result["files_copied"] == 1
    assert list((tmp_path / "copy" / "photos").rglob("*.jpg"))
