"""A `kill -9` in the middle of `farmwatch match`, then a rerun: nothing lost, nothing duplicated."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bench.bench_match_stage import build_database
from registry.backup import backup_database
from registry.db import connect

ROOT = Path(__file__).resolve().parents[2]


def _match(db_path, **popen):
    return subprocess.Popen([sys.executable, "-m", "farmwatch.cli", "--db", str(db_path), "match"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **popen)


def _matches(db_path) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    rows = conn.execute("select id, item_id, listing_id, band, queue from matches order by id").fetchall()
    conn.close()
    return rows


def test_kill_9_mid_match_then_rerun_gives_the_same_matches_once(tmp_path):
    db_path = tmp_path / "fw.db"
    build_database(db_path, 40_000, 8_000)
    db = connect(db_path)
    reference = backup_database(db, tmp_path / "reference.db")["path"]
    total = db.execute("select count(*) from listings").fetchone()[0]
    db.close()

    assert _match(reference).wait(timeout=600) == 0
    expected = _matches(reference)
    assert expected

    proc = _match(db_path, start_new_session=True)
    deadline = time.monotonic() + 300
    done = 0
    while time.monotonic() < deadline and proc.poll() is None:
        done = sqlite3.connect(db_path).execute("select count(*) from listings where matched_at is not null").fetchone()[0]
        if done > 0:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the match run finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 0 < done < total

    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    rerun = _match(db_path)
    assert rerun.wait(timeout=600) == 0, rerun.stderr.read()
    assert _matches(db_path) == expected
    unmatched = sqlite3.connect(db_path).execute("select count(*) from listings where matched_at is null").fetchone()[0]
    assert unmatched == 0
