"""The full-text index follows changes of indexed columns only."""

from __future__ import annotations

from sqlite_utils import Database

# The name databases made by earlier versions recorded this migration under.
RECORDED_AS = "0010_fts_on_text_changes_only"


def migrate(db: Database) -> None:
    """Re-index a row for full-text search only when an indexed column changes, not on every
    update (the matcher stamps `matched_at` on every listing it reads)."""
    for table, columns in (("items", ("category", "make", "model", "colour", "description")),
                           ("listings", ("title", "description", "location", "make", "model", "seller_name"))):
        quoted = ", ".join(f'"{c}"' for c in columns)
        old_values = ", ".join(f'old."{c}"' for c in columns)
        new_values = ", ".join(f'new."{c}"' for c in columns)
        db.executescript(
            f"""
            DROP TRIGGER IF EXISTS "{table}_au";
            CREATE TRIGGER "{table}_au" AFTER UPDATE OF {quoted} ON "{table}" BEGIN
              INSERT INTO "{table}_fts" ("{table}_fts", rowid, {quoted}) VALUES ('delete', old.rowid, {old_values});
              INSERT INTO "{table}_fts" (rowid, {quoted}) VALUES (new.rowid, {new_values});
            END;
            """
        )
