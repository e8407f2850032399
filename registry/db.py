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


