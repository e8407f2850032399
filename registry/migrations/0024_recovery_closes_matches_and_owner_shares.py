"""Reviews take `item_recovered` (a recovery closes the item's open matches) and `shared_with_owner`."""

from __future__ import annotations

from sqlite_utils import Database

_OLD_DECISIONS = "CHECK (decision IN ('confirmed', 'dismissed', 'reopened', 'owner_selling', 'owner_not_me'))"
_NEW_DECISIONS = ("CHECK (decision IN ('confirmed', 'dismissed', 'reopened', 'owner_selling', 'owner_not_me', "
                  "'item_recovered', 'shared_with_owner'))")


def migrate(db: Database) -> None:
    """Reviews take two more decisions: `item_recovered` (a recovery closes the item's open matches,
    kept in their history) and `shared_with_owner` (an officer shared a listing with the item's
    owner). The append-only reviews table is rebuilt from its own definition (SQLite cannot alter a
    CHECK), keeping every row, id, index and trigger."""
    table_sql = db.execute("select sql from sqlite_master where type = 'table' and name = 'reviews'").fetchone()[0]
    if _NEW_DECISIONS in table_sql:
        return
    if _OLD_DECISIONS not in table_sql:
        raise RuntimeError("reviews.decision has an unexpected CHECK constraint; widen it by hand")
    others = [r[0] for r in db.execute("select sql from sqlite_master where tbl_name = 'reviews' "
                                       "and type in ('index', 'trigger') and sql is not null").fetchall()]
    db.execute("PRAGMA defer_foreign_keys = ON")
    db.execute("CREATE TEMP TABLE reviews_copy AS SELECT * FROM reviews")
    db.execute("DROP TABLE reviews")
    db.execute(table_sql.replace(_OLD_DECISIONS, _NEW_DECISIONS))
    db.execute("INSERT INTO reviews SELECT * FROM temp.reviews_copy")
    db.execute("DROP TABLE temp.reviews_copy")
    for sql in others:
        db.execute(sql)
