"""Login throttling that slows guessing without letting a stranger lock an account's owner out.

Sources: NIST SP 800-63B section 5.2.2 (rate limiting: at most 100 consecutive failed attempts on an
account; growing wait times; accepting attempts from devices the subscriber has used, so an attacker
cannot deny them service) and OWASP's Authentication Cheat Sheet ("Account lockout": lockout by
account alone lets anyone lock users out; throttle with growing delays) and its "Slow down online
guessing attacks with device cookies" scheme.

Rules (the numbers are the constants below; docs/workspace.md states them for users):

- A *client* is the browser's device (its signed `farmwatch_device` cookie) when that device has
  logged in to this account before (within KNOWN_DAYS), else its address. A device cookie that has
  never logged in to the account counts for nothing, so rotating cookies gains a stranger nothing.
- **Per account and client**: FREE_PER_CLIENT failures in WINDOW_HOURS are free; then each further
  attempt waits BASE_DELAY * 2^(failures - FREE_PER_CLIENT) seconds after the last failure (30 s,
  1 min, 2 min, 4 min, 8 min), up to MAX_DELAY (15 min).
  A success resets it. A stranger's failures from elsewhere never touch the owner's pair.
- **Per address** (one address guessing many accounts): FREE_PER_ADDRESS failures in the window, then
  the same growing delay; not applied to a known device of the account.
- **Per account, from unfamiliar clients** (many addresses guessing one account): FREE_PER_ACCOUNT
  failures since the account's last success (within the window), then the growing delay; after
  ACCOUNT_CAP consecutive failures unfamiliar clients are refused until the account logs in again
  from a familiar one. Familiar clients (a known device, or an address the account logged in from
  within KNOWN_DAYS) are exempt: the owner's correct password from there is always checked.
- A refused attempt checks no password and counts as no failure. Each failure that puts a rule into
  force is logged in `login_throttle_events` (rule, failures, delay, until); refusals while it is in
  force add to its `refused` count, so a flood of refusals adds no rows.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

FREE_PER_CLIENT = 5
FREE_PER_ADDRESS = 20
FREE_PER_ACCOUNT = 20
ACCOUNT_CAP = 100  # NIST SP 800-63B 5.2.2
BASE_DELAY = 30  # seconds
MAX_DELAY = 900  # seconds (15 minutes)
WINDOW_HOURS = 24
KNOWN_DAYS = 90
RULES = ("client", "address", "account", "account_cap")


@dataclass(frozen=True)
class Wait:
    """A rule in force: wait `seconds` more (None: refused until a familiar login) after `failures`;
    `delay` is the rule's whole delay in seconds, `until` when it ends (UTC ISO 8601)."""

    rule: str
    failures: int
    seconds: int | None
    until: str | None
    delay: int | None = None


def _iso(moment: datetime) -> str:
    """A fixed-width UTC time to the microsecond, so attempts in one second keep their order
    when compared as text (a failure just after a success is never taken as before it)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def device_hash(device_id: str | None) -> str | None:
    """The stored form of a device cookie's id (a copy of the database cannot be replayed as a cookie)."""
    return hashlib.sha256(device_id.encode("utf-8")).hexdigest() if device_id else None


def delay_for(failures: int, free: int) -> int:
    """Seconds to wait after the last failure: 0 below `free`, then 30, 60, 120, ... up to MAX_DELAY."""
    if failures < free:
        return 0
    return min(MAX_DELAY, BASE_DELAY * 2 ** min(failures - free, 20))


def _one(db: Database, sql: str, params: list):
    return db.execute(sql, params).fetchone()


def _failures(db: Database, where: str, params: list, since: str) -> tuple[int, str | None]:
    row = _one(db, f"select count(*), max(created_at) from login_attempts where succeeded = 0 and {where} "
                   "and created_at > ?", [*params, since])
    return row[0], row[1]


def _last_success(db: Database, where: str, params: list) -> str:
    row = _one(db, f"select max(created_at) from login_attempts where succeeded = 1 and {where}", params)
    return row[0] or ""


def familiar(db: Database, username: str, address: str | None, device: str | None,
             now: datetime) -> tuple[bool, bool]:
    """(known device, known address): has this account logged in from this device / address within KNOWN_DAYS?"""
    since = _iso(now - timedelta(days=KNOWN_DAYS))
    known_device = bool(device) and _last_success(db, "username = ? collate nocase and device = ?", [username, device]) > since
    known_address = bool(address) and _last_success(db, "username = ? collate nocase and address = ?",
                                                    [username, address]) > since
    return known_device, known_address


def waits(db: Database, username: str, address: str | None, device: str | None,
          *, now: datetime | None = None) -> list[Wait]:
    """The rules in force for a login attempt now (empty: check the password)."""
    moment = now or datetime.now(UTC)
    window = _iso(moment - timedelta(hours=WINDOW_HOURS))
    known_device, known_address = familiar(db, username, address, device, moment)
    found: list[Wait] = []

    def add(rule: str, count: int, last: str | None, free: int) -> None:
        seconds = delay_for(count, free)
        if seconds and last:
            until = _parse(last) + timedelta(seconds=seconds)
            if until > moment:
                found.append(Wait(rule, count, math.ceil((until - moment).total_seconds()), _iso(until), seconds))

    client_where, client_params = (("username = ? collate nocase and device = ?", [username, device]) if known_device
                                   else ("username = ? collate nocase and address is ?", [username, address]))
    since = max(window, _last_success(db, client_where, client_params))
    add("client", *_failures(db, client_where, client_params, since), FREE_PER_CLIENT)
    if address and not known_device:
        add("address", *_failures(db, "address = ?", [address], window), FREE_PER_ADDRESS)
    if not (known_device or known_address):
        account_success = _last_success(db, "username = ? collate nocase", [username])
        consecutive, _ = _failures(db, "username = ? collate nocase", [username], account_success)
        if consecutive >= ACCOUNT_CAP:
            found.append(Wait("account_cap", consecutive, None, None))
        else:
            add("account", *_failures(db, "username = ? collate nocase", [username], max(window, account_success)),
                FREE_PER_ACCOUNT)
    return found


def record_attempt(db: Database, username: str, address: str | None, device: str | None, succeeded: bool,
                   *, now: datetime | None = None) -> list[Wait]:
    """Log an attempt whose password was checked; after a failure, log each rule it put in force
    (returned)."""
    moment = now or datetime.now(UTC)
    db.execute("insert into login_attempts (username, address, device, succeeded, created_at) values (?, ?, ?, ?, ?)",
               [username[:200], address, device, int(succeeded), _iso(moment)])
    if succeeded:
        return []
    started = waits(db, username[:200], address, device, now=moment)
    for wait in started:
        db.execute("insert into login_throttle_events (created_at, username, address, rule, failures, delay_seconds, "
                   "until_at) values (?, ?, ?, ?, ?, ?, ?)",
                   [_iso(moment), username[:200], address, wait.rule, wait.failures, wait.delay, wait.until])
    return started


def record_refusal(db: Database, username: str, address: str | None, wait: Wait,
                   *, now: datetime | None = None) -> None:
    """Count a refused attempt on the event that put its rule in force (one new row only if none is found)."""
    row = _one(db, "select id from login_throttle_events where username = ? collate nocase and rule = ? order by id desc limit 1",
               [username[:200], wait.rule])
    if row:
        db.execute("update login_throttle_events set refused = refused + 1 where id = ?", [row[0]])
    else:
        db.execute("insert into login_throttle_events (created_at, username, address, rule, failures, delay_seconds, "
                   "until_at, refused) values (?, ?, ?, ?, ?, ?, ?, 1)",
                   [_iso(now or datetime.now(UTC)), username[:200], address, wait.rule, wait.failures, wait.delay,
                    wait.until])


def refusal_message(found: list[Wait]) -> str:
    """What the login page says for the longest wait in force."""
    if any(w.seconds is None for w in found):
        return ("This account has had too many failed logins from unfamiliar places. Log in from a computer "
                "you have used before, or ask an administrator.")
    seconds = max(w.seconds for w in found)
    amount = f"{seconds} second{'s' if seconds != 1 else ''}" if seconds < 120 else f"{(seconds + 59) // 60} minutes"
    return f"Too many failed logins. Try again in {amount}."
