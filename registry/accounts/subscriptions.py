"""Subscriptions to the daily hot sheet of new thefts, confirmed by e-mail.

A subscription asked for on the web is pending until the link e-mailed to the address is
followed, so nobody can sign a stranger up. Each subscription has one random token: it is the
confirmation link and, in every hot sheet, the link to leave. Subscriptions an administrator
adds from the command line are confirmed at once. A confirmation e-mail is sent at most once per
RESEND_AFTER_MINUTES for an address and area, so the form cannot be used to flood a mailbox.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from registry.accounts.emails import EmailError, check_email
from registry.cleaning import clip
from registry.db import utcnow

RESEND_AFTER_MINUTES = 60


class SubscriptionError(ValueError):
    """A subscription request refused; the message names the problem."""


@dataclass
class SubscriptionRequest:
    """The outcome of asking for a subscription: `status` is `pending` (a confirmation e-mail is
    due: send it with `token`), `already` (confirmed before) or `wait` (a confirmation was sent
    recently: nothing is sent)."""

    status: str
    email: str
    force_area: str | None
    token: str | None = None


def clean_email(raw: str | None) -> str:
    """The address lower-cased and trimmed; raises SubscriptionError when it is not one."""
    try:
        return check_email(raw)
    except EmailError as error:
        raise SubscriptionError(str(error)) from None


def _find(db, email: str, force_area: str | None):
    return db.execute("select id, token, confirmed_at, confirmation_sent_at from alert_subscriptions "
                      "where email = ? and kind = 'hot_sheet' and coalesce(force_area, '') = ?",
                      [email, force_area or ""]).fetchone()


def request_subscription(db: Database, email: str, force_area: str | None = None,
                         organisation: str | None = None, *, now: datetime | None = None) -> SubscriptionRequest:
    """Record a pending subscription (or find the existing one) and say whether to e-mail a
    confirmation link. Raises SubscriptionError for an address that is not one."""
    email, force_area = clean_email(email), clip(force_area, 100) or None
    moment = now or datetime.now(UTC)
    stamp = moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")
    with db.atomic():
        row = _find(db, email, force_area)
        if row and row[2]:
            return SubscriptionRequest("already", email, force_area)
        if row:
            sent = row[3]
            recent = sent and sent > (moment - timedelta(minutes=RESEND_AFTER_MINUTES)).strftime("%Y-%m-%dT%H:%M:%SZ")
            if recent:
                return SubscriptionRequest("wait", email, force_area)
            db.execute("update alert_subscriptions set confirmation_sent_at = ? where id = ?", [stamp, row[0]])
            return SubscriptionRequest("pending", email, force_area, row[1])
        token = secrets.token_urlsafe(24)
        db["alert_subscriptions"].insert({"email": email, "kind": "hot_sheet", "force_area": force_area,
                                          "organisation": clip(organisation, 200), "created_at": stamp,
                                          "token": token, "confirmation_sent_at": stamp})
        return SubscriptionRequest("pending", email, force_area, token)


def subscribe_confirmed(db: Database, email: str, force_area: str | None = None,
                        organisation: str | None = None) -> str:
    """Add (or confirm) a subscription at once, as an administrator does from the command line;
    returns its token (the leave link's)."""
    email = clean_email(email)
    with db.atomic():
        row = _find(db, email, force_area)
        if row:
            token = row[1] or secrets.token_urlsafe(24)
            db.execute("update alert_subscriptions set token = ?, confirmed_at = coalesce(confirmed_at, ?) "
                       "where id = ?", [token, utcnow(), row[0]])
            return token
        token = secrets.token_urlsafe(24)
        db["alert_subscriptions"].insert({"email": email, "kind": "hot_sheet", "force_area": force_area,
                                          "organisation": clip(organisation, 200), "created_at": utcnow(),
                                          "token": token, "confirmed_at": utcnow()})
        return token


def _by_token(db, token: str | None):
    if not token or len(token) > 100:
        return None
    return db.execute("select id, email, force_area, confirmed_at from alert_subscriptions where token = ?",
                      [token]).fetchone()


def confirm_subscription(db: Database, token: str | None) -> dict | None:
    """Confirm the subscription with this token; returns `{email, force_area}` or None when no
    subscription has it (already left, or a mistyped link)."""
    row = _by_token(db, token)
    if row is None:
        return None
    if not row[3]:
        db.execute("update alert_subscriptions set confirmed_at = ? where id = ?", [utcnow(), row[0]])
    return {"email": row[1], "force_area": row[2]}


def leave_subscription(db: Database, token: str | None) -> dict | None:
    """Delete the subscription with this token; returns what it was, or None when none has it."""
    row = _by_token(db, token)
    if row is None:
        return None
    db.execute("delete from alert_subscriptions where id = ?", [row[0]])
    return {"email": row[1], "force_area": row[2]}


def ensure_tokens(db: Database) -> int:
    """Give a token (for the leave link) to subscriptions made before tokens existed; returns how many."""
    rows = db.execute("select id from alert_subscriptions where token is null").fetchall()
    for (row_id,) in rows:
        db.execute("update alert_subscriptions set token = ? where id = ?", [secrets.token_urlsafe(24), row_id])
    return len(rows)


def confirmed_subscriptions(db) -> list[dict]:
    """Confirmed hot-sheet subscribers: `{email, force_area, token}`, oldest first."""
    rows = db.execute("select email, force_area, token from alert_subscriptions where kind = 'hot_sheet' "
                      "and confirmed_at is not null order by id").fetchall()
    return [{"email": e, "force_area": a, "token": t} for e, a, t in rows]
