"""The farmwatch database schema, as ordered, re-runnable migrations.

Every table of the product lives here, whichever package writes it, so that one
`farmwatch init` creates or upgrades the whole database. Append new migrations at
the end; never edit one that has shipped.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("farmwatch")


@migrations(name="0001_registry")
def m0001_registry(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE owners (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            email TEXT,
            phone TEXT,
            postcode TEXT,
            force_area TEXT,
            created_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX owners_email ON owners (email) WHERE email IS NOT NULL;

        CREATE TABLE items (
            id INTEGER PRIMARY KEY,
            owner_id INTEGER NOT NULL REFERENCES owners (id),
            category TEXT NOT NULL,
            make TEXT,
            model TEXT,
            year INTEGER,
            colour TEXT,
            description TEXT,
            status TEXT NOT NULL DEFAULT 'registered'
                CHECK (status IN ('registered', 'stolen', 'recovered')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX items_owner ON items (owner_id);
        CREATE INDEX items_status ON items (status);

        CREATE TABLE identifiers (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items (id),
            kind TEXT NOT NULL,
            raw_value TEXT NOT NULL,
            normalised_value TEXT NOT NULL,
            check_valid INTEGER,
            possible_clone INTEGER NOT NULL DEFAULT 0,
            note TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX identifiers_item ON identifiers (item_id);
        CREATE INDEX identifiers_normalised ON identifiers (normalised_value);

        CREATE TABLE photos (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items (id),
            position INTEGER NOT NULL DEFAULT 1,
            sha256 TEXT NOT NULL,
            path TEXT NOT NULL,
            bytes INTEGER NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            phash TEXT NOT NULL,
            dhash TEXT NOT NULL,
            phash_mirror TEXT NOT NULL,
            dhash_mirror TEXT NOT NULL,
            original_name TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (item_id, sha256)
        );
        CREATE INDEX photos_sha256 ON photos (sha256);

        CREATE TABLE thefts (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items (id),
            stolen_at TEXT NOT NULL,
            reported_at TEXT NOT NULL,
            crime_ref TEXT,
            place TEXT,
            latitude REAL,
            longitude REAL,
            force_area TEXT,
            current INTEGER NOT NULL DEFAULT 1,
            recovered_at TEXT
        );
        CREATE INDEX thefts_item ON thefts (item_id);
        CREATE UNIQUE INDEX thefts_one_current ON thefts (item_id) WHERE current = 1;
        """
    )


@migrations(name="0002_marketplace")
def m0002_marketplace(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE crawl_runs (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL DEFAULT 'running',
            pages INTEGER NOT NULL DEFAULT 0,
            listings_new INTEGER NOT NULL DEFAULT 0,
            listings_changed INTEGER NOT NULL DEFAULT 0,
            listings_unchanged INTEGER NOT NULL DEFAULT 0,
            listings_removed INTEGER NOT NULL DEFAULT 0,
            photos_stored INTEGER NOT NULL DEFAULT 0,
            errors INTEGER NOT NULL DEFAULT 0,
            error_log TEXT NOT NULL DEFAULT '[]'
        );

        CREATE TABLE listings (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            url TEXT NOT NULL,
            title TEXT,
            description TEXT,
            price REAL,
            currency TEXT,
            location TEXT,
            latitude REAL,
            longitude REAL,
            posted_at TEXT,
            category TEXT,
            make TEXT,
            model TEXT,
            year INTEGER,
            colour TEXT,
            structured_identifiers TEXT NOT NULL DEFAULT '[]',
            seller_name TEXT,
            seller_profile_url TEXT,
            seller_phone TEXT,
            seller_email TEXT,
            content_hash TEXT,
            first_seen_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            changed_at TEXT NOT NULL,
            removed_at TEXT,
            matched_at TEXT,
            snapshot_path TEXT,
            snapshot_sha256 TEXT,
            snapshot_fetched_at TEXT,
            crawl_run_id INTEGER REFERENCES crawl_runs (id),
            UNIQUE (source, url)
        );
        CREATE INDEX listings_unmatched ON listings (matched_at, changed_at);

        CREATE TABLE listing_photos (
            id INTEGER PRIMARY KEY,
            listing_id TEXT NOT NULL REFERENCES listings (id),
            position INTEGER NOT NULL,
            url TEXT,
            sha256 TEXT,
            path TEXT,
            bytes INTEGER,
            width INTEGER,
            height INTEGER,
            phash TEXT,
            dhash TEXT,
            phash_mirror TEXT,
            dhash_mirror TEXT,
            error TEXT,
            fetched_at TEXT,
            UNIQUE (listing_id, position)
        );
        CREATE INDEX listing_photos_sha256 ON listing_photos (sha256);
        """
    )


@migrations(name="0003_matches")
def m0003_matches(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE matches (
            id TEXT PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items (id),
            listing_id TEXT NOT NULL REFERENCES listings (id),
            theft_id INTEGER REFERENCES thefts (id),
            queue TEXT NOT NULL DEFAULT 'stolen' CHECK (queue IN ('stolen', 'owner_check')),
            score REAL NOT NULL CHECK (score >= 0 AND score <= 1),
            band TEXT NOT NULL CHECK (band IN ('strong', 'likely', 'possible')),
            reasons TEXT NOT NULL DEFAULT '[]',
            status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'confirmed', 'dismissed')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            reviewed_by TEXT,
            reviewed_at TEXT,
            note TEXT,
            UNIQUE (item_id, listing_id)
        );
        CREATE INDEX matches_queue ON matches (queue, status, band, score);
        CREATE INDEX matches_listing ON matches (listing_id);

        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            match_id TEXT NOT NULL REFERENCES matches (id),
            decision TEXT NOT NULL CHECK (decision IN ('confirmed', 'dismissed', 'reopened', 'owner_selling', 'owner_not_me')),
            note TEXT,
            actor TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX reviews_match ON reviews (match_id);
        CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
            BEGIN SELECT RAISE(ABORT, 'reviews is append-only'); END;
        CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
            BEGIN SELECT RAISE(ABORT, 'reviews is append-only'); END;
        """
    )


@migrations(name="0004_users")
def m0004_users(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('officer', 'farmer', 'admin')),
            email TEXT,
            owner_id INTEGER REFERENCES owners (id),
            force_area TEXT,
            created_at TEXT NOT NULL,
            disabled_at TEXT
        );
        """
    )


@migrations(name="0005_web_sessions")
def m0005_web_sessions(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE web_sessions (
            id INTEGER PRIMARY KEY,
            token_sha256 TEXT NOT NULL UNIQUE,
            user_id INTEGER NOT NULL REFERENCES users (id),
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            ended_at TEXT,
            address TEXT
        );
        CREATE INDEX web_sessions_user ON web_sessions (user_id);

        CREATE TABLE login_attempts (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL,
            address TEXT,
            succeeded INTEGER NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX login_attempts_username ON login_attempts (username, created_at);
        CREATE INDEX login_attempts_address ON login_attempts (address, created_at);

        CREATE TABLE access_log (
            id INTEGER PRIMARY KEY,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            subject TEXT NOT NULL,
            owner_id INTEGER,
            reason TEXT,
            path TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX access_log_actor ON access_log (actor, created_at);
        CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
            BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
        CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
            BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
        """
    )


@migrations(name="0005_web_fts")
def m0005_web_fts(db: Database) -> None:
    db["items"].enable_fts(["category", "make", "model", "colour", "description"],
                           create_triggers=True, tokenize="porter")
    db["listings"].enable_fts(["title", "description", "location", "make", "model", "seller_name"],
                              create_triggers=True, tokenize="porter")


@migrations(name="0006_public_checks")
def m0006_public_checks(db: Database) -> None:
    """The public buyer check's log: one row per check, with alerts for officers (alert = 1)."""
    db.executescript(
        """
        CREATE TABLE public_checks (
            id INTEGER PRIMARY KEY,
            reference TEXT NOT NULL UNIQUE,
            checked_at TEXT NOT NULL,
            identifier TEXT NOT NULL,
            matching_key TEXT,
            requester TEXT NOT NULL,
            user_agent TEXT,
            result TEXT NOT NULL
                CHECK (result IN ('stolen', 'registered', 'similar', 'unknown', 'invalid')),
            alert INTEGER NOT NULL DEFAULT 0,
            near_stolen INTEGER NOT NULL DEFAULT 0,
            item_ids TEXT NOT NULL DEFAULT '[]',
            theft_ids TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX public_checks_requester ON public_checks (requester, checked_at);
        CREATE INDEX public_checks_alerts ON public_checks (checked_at) WHERE alert = 1;
        CREATE TRIGGER public_checks_no_update BEFORE UPDATE ON public_checks
            BEGIN SELECT RAISE(ABORT, 'public_checks is append-only'); END;
        """
    )

@migrations(name="0007_operations")
def m0007_operations(db: Database) -> None:
    """Nightly run reports, alert subscriptions and the record of alerts sent (never sent twice)."""
    db.executescript(
        """
        CREATE TABLE nightly_runs (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL DEFAULT 'running',
            report TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE alert_subscriptions (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'hot_sheet' CHECK (kind IN ('hot_sheet')),
            force_area TEXT,
            organisation TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (email, kind, force_area)
        );
        CREATE TABLE alerts_sent (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            recipient TEXT NOT NULL,
            subject_key TEXT NOT NULL,
            sent_at TEXT NOT NULL,
            UNIQUE (kind, recipient, subject_key)
        );
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT
        );
        """
    )


@migrations(name="0008_farmer_not_me_stays_stolen")
def m0008_farmer_not_me_stays_stolen(db: Database) -> None:
    """A match whose owner answered "that's not me" stays in the stolen queue, whatever a re-match computes."""
    db.executescript(
        """
        CREATE TRIGGER matches_owner_not_me_stays_stolen AFTER UPDATE OF queue ON matches
            WHEN NEW.queue = 'owner_check' AND EXISTS (
                SELECT 1 FROM reviews WHERE reviews.match_id = NEW.id AND reviews.decision = 'owner_not_me')
            BEGIN UPDATE matches SET queue = 'stolen' WHERE id = NEW.id; END;
        """
    )


@migrations(name="0009_photo_features")
def m0009_photo_features(db: Database) -> None:
    """ORB keypoints and descriptors of registered photos, kept so a nightly run extracts only new photos."""
    db.executescript(
        """
        CREATE TABLE photo_features (
            photo_id INTEGER PRIMARY KEY REFERENCES photos (id) ON DELETE CASCADE,
            sha256 TEXT NOT NULL,
            extractor TEXT NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            keypoint_count INTEGER NOT NULL,
            keypoints BLOB NOT NULL,
            descriptors BLOB NOT NULL,
            error TEXT,
            extracted_at TEXT NOT NULL
        );
        """
    )


@migrations(name="0010_fts_on_text_changes_only")
def m0010_fts_on_text_changes_only(db: Database) -> None:
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


@migrations(name="0011_photo_features_mirror")
def m0011_photo_features_mirror(db: Database) -> None:
    """The strongest keypoints of each registered photo's mirror image, so the index holds both
    orientations and a listing photo is searched once instead of twice."""
    db.executescript(
        """
        ALTER TABLE photo_features ADD COLUMN mirror_keypoints BLOB;
        ALTER TABLE photo_features ADD COLUMN mirror_descriptors BLOB;
        """
    )


@migrations(name="0017_history_sales_trade")
def m0017_history_sales_trade(db: Database) -> None:
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


@migrations(name="0012_price_text")
def m0012_price_text(db: Database) -> None:
    """The price as the seller published it ("£12,500 + VAT") beside the number, and the words that
    qualify the number ("+ VAT", "ono", "was £9,000"), so an officer sees what was asked."""
    db.executescript(
        """
        ALTER TABLE listings ADD COLUMN price_text TEXT;
        ALTER TABLE listings ADD COLUMN price_note TEXT;
        """
    )


@migrations(name="0014_places")
def m0014_places(db: Database) -> None:
    """Where thefts happened and listings are offered: how precisely the place text was resolved
    (postcode, district, town, county, coordinates; NULL with a note when it was not), and each
    listing's police force, so matches can be routed and marked as crossing force borders."""
    db.executescript(
        """
        ALTER TABLE thefts ADD COLUMN place_precision TEXT;
        ALTER TABLE thefts ADD COLUMN place_note TEXT;
        ALTER TABLE listings ADD COLUMN force_area TEXT;
        ALTER TABLE listings ADD COLUMN place_precision TEXT;
        ALTER TABLE listings ADD COLUMN place_note TEXT;
        CREATE INDEX thefts_force_area ON thefts (force_area);
        CREATE INDEX listings_force_area ON listings (force_area);
        """
    )


@migrations(name="0013_sellers_networks")
def m0013_sellers_networks(db: Database) -> None:
    """Seller networks: one seller per handle or profile on a source, what each listing says about
    its seller (signals), links between sellers with their evidence, and the networks they form."""
    db.executescript(
        """
        CREATE TABLE sellers (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            seller_key TEXT NOT NULL,
            handle TEXT,
            name TEXT,
            profile_url TEXT,
            phones TEXT NOT NULL DEFAULT '[]',
            emails TEXT NOT NULL DEFAULT '[]',
            listings INTEGER NOT NULL DEFAULT 0,
            first_seen_at TEXT,
            last_seen_at TEXT,
            network_id INTEGER,
            updated_at TEXT NOT NULL,
            UNIQUE (source, seller_key)
        );
        CREATE INDEX sellers_network ON sellers (network_id);
        ALTER TABLE listings ADD COLUMN seller_id INTEGER REFERENCES sellers (id);
        ALTER TABLE listings ADD COLUMN networked_at TEXT;
        CREATE INDEX listings_seller ON listings (seller_id);

        CREATE TABLE listing_signals (
            listing_id TEXT NOT NULL REFERENCES listings (id),
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            seller_id INTEGER NOT NULL REFERENCES sellers (id),
            PRIMARY KEY (listing_id, kind, value)
        ) WITHOUT ROWID;
        CREATE INDEX listing_signals_value ON listing_signals (kind, value, seller_id);

        CREATE TABLE listing_texts (
            listing_id TEXT PRIMARY KEY REFERENCES listings (id),
            seller_id INTEGER NOT NULL REFERENCES sellers (id),
            shingles INTEGER NOT NULL,
            minhash BLOB
        );

        CREATE TABLE seller_links (
            id INTEGER PRIMARY KEY,
            seller_a INTEGER NOT NULL REFERENCES sellers (id),
            seller_b INTEGER NOT NULL REFERENCES sellers (id),
            kind TEXT NOT NULL CHECK (kind IN ('phone', 'email', 'profile', 'handle', 'photo', 'text', 'identifier')),
            value TEXT NOT NULL DEFAULT '',
            detail TEXT NOT NULL,
            weight REAL NOT NULL CHECK (weight > 0 AND weight <= 1),
            listing_a TEXT,
            listing_b TEXT,
            created_at TEXT NOT NULL,
            CHECK (seller_a < seller_b),
            UNIQUE (seller_a, seller_b, kind, value)
        );
        CREATE INDEX seller_links_b ON seller_links (seller_b);
        CREATE INDEX seller_links_value ON seller_links (kind, value);

        CREATE TABLE networks (
            id INTEGER PRIMARY KEY,
            sellers INTEGER NOT NULL,
            listings INTEGER NOT NULL,
            links INTEGER NOT NULL DEFAULT 0,
            sources TEXT NOT NULL DEFAULT '[]',
            areas TEXT NOT NULL DEFAULT '[]',
            first_seen_at TEXT,
            last_seen_at TEXT,
            matches_confirmed INTEGER NOT NULL DEFAULT 0,
            matches_strong INTEGER NOT NULL DEFAULT 0,
            matches_likely INTEGER NOT NULL DEFAULT 0,
            risk REAL NOT NULL DEFAULT 0,
            risk_rank INTEGER,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX networks_risk ON networks (risk_rank);
        """
    )


@migrations(name="0015_photo_features_low_texture")
def m0015_photo_features_low_texture(db: Database) -> None:
    """Whether a registered photo's keypoints came from the low-contrast second pass (a smooth, plain
    subject such as a horse on grass): its copies are `likely`, not `strong`, evidence."""
    db.execute("ALTER TABLE photo_features ADD COLUMN low_texture INTEGER NOT NULL DEFAULT 0")


@migrations(name="0018_identifiers_rekeyed")
def m0018_identifiers_rekeyed(db: Database) -> None:
    """Identifiers stored under older rules take today's keys: typed labels out of the value,
    placeholders removed (recorded in the item's history), clone flags refreshed (registry.rekey)."""
    from registry.rekey import rekey_identifiers

    rekey_identifiers(db)


@migrations(name="0019_login_throttle")
def m0019_login_throttle(db: Database) -> None:
    """Login throttling by account and client together (datasette_config.auth.throttle): the
    browser's device (a hash of the id in its signed device cookie) beside each attempt, and the
    throttle events an administrator reviews."""
    db.executescript(
        """
        ALTER TABLE login_attempts ADD COLUMN device TEXT;
        CREATE INDEX login_attempts_user_address ON login_attempts (username, address, created_at);
        CREATE INDEX login_attempts_user_device ON login_attempts (username, device, created_at);
        CREATE TABLE login_throttle_events (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            username TEXT NOT NULL,
            address TEXT,
            rule TEXT NOT NULL,
            failures INTEGER NOT NULL,
            delay_seconds INTEGER,
            until_at TEXT,
            refused INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX login_throttle_events_time ON login_throttle_events (created_at);
        CREATE INDEX login_throttle_events_user ON login_throttle_events (username, rule, created_at);
        """
    )


def apply_migrations(db: Database) -> list[str]:
    """Apply pending migrations; return the names applied (empty when up to date)."""
    pending = [m.name for m in migrations.pending(db)]
    migrations.apply(db)
    return pending
