"""Theft attribution, item history, sales, the trade role and confirmed hot-sheet subscriptions."""

from __future__ import annotations

from sqlite_utils import Database

# The name databases made by earlier versions recorded this migration under.
RECORDED_AS = "0017_history_sales_trade"


def migrate(db: Database) -> None:
    """Who reported and closed each theft, an append-only item history, sales and transfers, the
    `trade` role with its bulk checks logged beside the public ones, and hot-sheet subscriptions
    confirmed by e-mail (those made before this, from the command line, count as confirmed)."""
    _allow_trade_role(db)
    db.executescript(
        """
        ALTER TABLE thefts ADD COLUMN reported_by TEXT;
        ALTER TABLE thefts ADD COLUMN recovered_by TEXT;

        CREATE TABLE item_events (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items (id),
            event TEXT NOT NULL,
            detail TEXT,
            actor TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX item_events_item ON item_events (item_id, id);
        CREATE TRIGGER item_events_no_update BEFORE UPDATE ON item_events
            BEGIN SELECT RAISE(ABORT, 'item_events is append-only'); END;
        CREATE TRIGGER item_events_no_delete BEFORE DELETE ON item_events
            BEGIN SELECT RAISE(ABORT, 'item_events is append-only'); END;

        CREATE TABLE item_sales (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items (id),
            sold_at TEXT NOT NULL,
            from_owner_id INTEGER NOT NULL REFERENCES owners (id),
            to_owner_id INTEGER REFERENCES owners (id),
            recorded_by TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        );
        CREATE INDEX item_sales_item ON item_sales (item_id, sold_at);

        ALTER TABLE public_checks ADD COLUMN account TEXT;
        ALTER TABLE public_checks ADD COLUMN batch TEXT;
        CREATE INDEX public_checks_account ON public_checks (account, checked_at) WHERE account IS NOT NULL;

        ALTER TABLE alert_subscriptions ADD COLUMN token TEXT;
        ALTER TABLE alert_subscriptions ADD COLUMN confirmed_at TEXT;
        ALTER TABLE alert_subscriptions ADD COLUMN confirmation_sent_at TEXT;
        UPDATE alert_subscriptions SET confirmed_at = created_at;
        CREATE UNIQUE INDEX alert_subscriptions_token ON alert_subscriptions (token) WHERE token IS NOT NULL;
        """
    )


_OLD_ROLES = "CHECK (role IN ('officer', 'farmer', 'admin'))"
_NEW_ROLES = "CHECK (role IN ('officer', 'farmer', 'admin', 'trade'))"


def _allow_trade_role(db: Database) -> None:
    """Widen users.role to take 'trade'. SQLite cannot alter a CHECK, so the table is rebuilt from
    its own current definition (whatever columns and indexes it has by now), keeping every row and
    id. Foreign keys from web_sessions are deferred to the commit, by which the rows are back."""
    table_sql = db.execute("select sql from sqlite_master where type = 'table' and name = 'users'").fetchone()[0]
    if _NEW_ROLES in table_sql:
        return
    if _OLD_ROLES not in table_sql:
        raise RuntimeError("users.role has an unexpected CHECK constraint; widen it by hand")
    others = [r[0] for r in db.execute("select sql from sqlite_master where tbl_name = 'users' "
                                       "and type in ('index', 'trigger') and sql is not null").fetchall()]
    db.execute("PRAGMA defer_foreign_keys = ON")
    db.execute("CREATE TEMP TABLE users_copy AS SELECT * FROM users")
    db.execute("DROP TABLE users")
    db.execute(table_sql.replace(_OLD_ROLES, _NEW_ROLES))
    db.execute("INSERT INTO users SELECT * FROM temp.users_copy")
    db.execute("DROP TABLE temp.users_copy")
    for sql in others:
        db.execute(sql)
