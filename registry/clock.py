"""The one clock of the database: timestamps as UTC ISO 8601 text (every `*_at` column).

Kept apart from registry.db so that modules a migration uses (registry.items.history) need not import
the connection module that runs the migrations.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> str:
    """Now as UTC ISO 8601 text, seconds precision, e.g. '2026-11-30T17:58:00Z'."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
