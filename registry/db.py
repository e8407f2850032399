"""Opening the farmwatch database: where it lives, WAL mode, and the data folder beside it."""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from registry.clock import utcnow  # noqa: F401  (the database's clock, imported from here by most modules)
from registry.migrations import apply_migrations

DEFAULT_DB = Path("data") / "farmwatch.db"


class FarmDatabase(Database):
    """sqlite-utils' Database whose write transactions take SQLite's write lock up front.

    A deferred transaction (plain BEGIN) that reads before it writes cannot take the write lock
    once another process (the nightly crawl, the workspace) has committed in between: SQLite fails
    it at once with "database is locked" instead of waiting. BEGIN IMMEDIATE waits (busy_timeout).
    Nested blocks still use savepoints.
    """

    @contextlib.contextmanager
    def atomic(self) -> Iterator[Database]:
        if self.conn.in_transaction:
            with super().atomic():
                yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")


BULK_CACHE_MB = 256  # SQLite page cache of a bulk step (SQLite's default is 2 MB: `PRAGMA cache_size = -2000`)
BULK_CHECKPOINT_PAGES = 16_384  # WAL pages (4 KiB) between automatic checkpoints in a bulk step (default 1,000)


@contextlib.contextmanager
def bulk_work(db: Database, cache_mb: int = BULK_CACHE_MB,
              checkpoint_pages: int = BULK_CHECKPOINT_PAGES) -> Iterator[Database]:
    """Run a step that reads and rewrites much of a large database with a larger page cache and rarer
    WAL checkpoints, then put this connection's settings back.

    SQLite's default cache (`PRAGMA cache_size`, 2 MB) makes a step that touches a register's
    hundred-thousand-row indexes read the same pages from the file again and again, and the default
    checkpoint every 1,000 WAL pages (`PRAGMA wal_autocheckpoint`) copies a page that the step writes
    in many transactions back to the database once per transaction. `cache_mb` is in MiB (memory only
    used as pages are read; a full cache of 256 MiB is counted in the night's memory budget);
    `checkpoint_pages` bounds the WAL at about that many 4 KiB pages plus one transaction. Both are
    per connection and take effect at once (https://sqlite.org/pragma.html#pragma_cache_size,
    #pragma_wal_autocheckpoint); a failure inside still restores them."""
    cache = db.conn.execute("PRAGMA cache_size").fetchone()[0]
    checkpoint = db.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    db.conn.execute(f"PRAGMA cache_size = {-int(cache_mb) * 1024}")
    db.conn.execute(f"PRAGMA wal_autocheckpoint = {int(checkpoint_pages)}")
    try:
        yield db
    finally:
        db.conn.execute(f"PRAGMA cache_size = {int(cache)}")
        db.conn.execute(f"PRAGMA wal_autocheckpoint = {int(checkpoint)}")


def resolve_db_path(path: str | os.PathLike | None = None) -> Path:
    """The database path: an explicit one, else $FARMWATCH_DB, else data/farmwatch.db."""
    if path:
        return Path(path)
    env = os.environ.get("FARMWATCH_DB")
    return Path(env) if env else DEFAULT_DB


def data_dir(db: Database) -> Path:
    """The folder beside the database that holds photos and snapshots."""
    filename = db.execute("PRAGMA database_list").fetchone()[2]
    return _resolved_parent(filename) if filename else Path(filename).resolve().parent


@functools.lru_cache(maxsize=256)
def _resolved_parent(filename: str) -> Path:
    """The real folder of a database file, resolved once per process: stage two asks for it for every
    listing, and resolving walks the path's every component (about 0.1 ms). SQLite names the file
    by its absolute path, so only a folder replaced by a symlink while the process runs would differ."""
    return Path(filename).resolve().parent


def inside(folder: Path, relative: str | None) -> Path | None:
    """The file under folder, or None when the stored path is empty, missing or would leave the folder."""
    if not relative:
        return None
    target = (folder / relative).resolve()
    return target if target.is_relative_to(folder.resolve()) and target.is_file() else None


def connect(path: str | os.PathLike | None = None, *, migrate: bool = True) -> Database:
    """Open (creating if needed) the database in WAL mode, with foreign keys enforced."""
    db_path = resolve_db_path(path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(db_path), timeout=30, check_same_thread=False, isolation_level=None)
    db = FarmDatabase(conn)
    conn.execute("PRAGMA busy_timeout = 30000")
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    if migrate:
        apply_migrations(db)
    return db


