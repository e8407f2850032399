"""Consistent online copies of the database (SQLite backup API), safe while others read and write."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from registry.db import data_dir


def backup_database(db: Database, target: Path | str, *, with_files: bool = False) -> dict:
    """Copy the live database to target (a file, or a folder (no suffix) to put farmwatch.db in).

    With with_files, photos and snapshots missing from the target's folder are copied too
    (they are content-addressed, so existing files never need copying again).
    """
    target = Path(target)
    if target.is_dir() or not target.suffix:
        target = target / "farmwatch.db"
    target.parent.mkdir(parents=True, exist_ok=True)
    source_file = Path(db.execute("PRAGMA database_list").fetchone()[2]).resolve()
    if target.resolve() == source_file:
        raise ValueError(f"{target} is the live database itself; choose another path")
    tmp = target.with_name(target.name + ".partial")
    tmp.unlink(missing_ok=True)
    dest = sqlite3.connect(str(tmp))
    try:
        db.conn.backup(dest, pages=4096)
        check = dest.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        dest.close()
    if check != "ok":
        tmp.unlink(missing_ok=True)
        raise RuntimeError(f"the copy failed its integrity check: {check}")
    tmp.replace(target)
    copied = 0
    if with_files:
        source_root = data_dir(db)
        for folder in ("photos", "snapshots"):
            for path in (source_root / folder).rglob("*") if (source_root / folder).exists() else []:
                if path.is_file() and not path.name.endswith(".tmp"):
                    dest_path = target.parent / path.relative_to(source_root)
                    if not dest_path.exists():
                        dest_path.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(path, dest_path)
                        copied += 1
    return {"path": str(target), "bytes": target.stat().st_size, "files_copied": copied}
