"""Full-text search over items and listings."""

from __future__ import annotations

from sqlite_utils import Database

# The name databases made by earlier versions recorded this migration under.
RECORDED_AS = "0005_web_fts"


def migrate(db: Database) -> None:
    db["items"].enable_fts(["category", "make", "model", "colour", "description"],
                           create_triggers=True, tokenize="porter")
    db["listings"].enable_fts(["title", "description", "location", "make", "model", "seller_name"],
                              create_triggers=True, tokenize="porter")
