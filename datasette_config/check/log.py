"""The public check's log and its per-address rate limit, both kept in the `public_checks` table.

The limit is database-backed: it counts the address's logged checks in the window,
so it holds across restarts and across processes serving the same file. Refused
requests are not logged, so hammering the form cannot flood the table.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from datasette_config.check.lookup import CheckAnswer
from registry.cleaning import clip

_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class RateLimit:
    checks: int = 20
    window_seconds: int = 600


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_FORMAT)


def retry_after(conn, requester: str, rate: RateLimit, now: datetime | None = None) -> int:
    """Seconds until this address may check again (0 when it may check now)."""
    now = now or datetime.now(UTC)
    since = _stamp(now - timedelta(seconds=rate.window_seconds))
    rows = conn.execute(
        "select checked_at from public_checks where requester = ? and checked_at > ? "
        "order by checked_at desc limit ?", [requester, since, rate.checks],
    ).fetchall()
    if len(rows) < rate.checks:
        return 0
    oldest = datetime.strptime(rows[-1][0], _FORMAT).replace(tzinfo=UTC)
    return max(1, int((oldest + timedelta(seconds=rate.window_seconds) - now).total_seconds()) + 1)


def log_check(conn, answer: CheckAnswer, requester: str, user_agent: str | None = None,
              now: datetime | None = None, *, account: str | None = None, batch: str | None = None) -> int:
    """Append the check to the log; a check that hit a stolen item is an alert for officers.
    A trade account's bulk check also records the account and the upload's batch reference."""
    for _ in range(3):
        try:
            cursor = conn.execute(
                "insert into public_checks (reference, checked_at, identifier, matching_key, requester, "
                "user_agent, result, alert, near_stolen, item_ids, theft_ids, account, batch) "
                "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [answer.reference, _stamp(now or datetime.now(UTC)), answer.identifier, answer.key,
                 clip(requester, 100) or "unknown", clip(user_agent, 300), answer.result, int(answer.alert),
                 int(answer.near_stolen), json.dumps(answer.item_ids), json.dumps(answer.theft_ids), account, batch],
            )
            break
        except sqlite3.IntegrityError:  # the random reference is taken: draw another
            answer.renew_reference()
    else:
        raise RuntimeError("could not draw a free check reference")
    return cursor.lastrowid


def record_check(conn, answer: CheckAnswer, requester: str, user_agent: str | None, rate: RateLimit,
                 now: datetime | None = None) -> int:
    """Log the check unless the address is over its limit; returns the seconds to wait (0 = logged).

    Run inside one write transaction so two requests from one address cannot both slip under the limit.
    """
    wait = retry_after(conn, requester, rate, now)
    if wait:
        return wait
    log_check(conn, answer, requester, user_agent, now)
    return 0
