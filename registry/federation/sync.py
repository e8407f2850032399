"""Pulling peers' changes and pushing our hit notices (`farmwatch federation sync`, and `nightly`).

Each peer is synced on its own: a peer that is down, slow (past `timeout` seconds) or answers
something that is not a signed feed is recorded (`peers.last_error`, the exchange log) and skipped;
its cursor stays where it was and its notices stay pending, so the next sync catches up. A sync
never raises for a peer's failure. Requests are signed with this register's key and answers must be
signed with the peer's (`registry.federation.keys`).
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request

from sqlite_utils import Database

from registry.db import data_dir, utcnow
from registry.federation.hits import pending_notices, queue_notices
from registry.federation.keys import SignatureError, check_answer, load_or_create_key, sign_request
from registry.federation.peers import list_peers, log_exchange
from registry.federation.receive import FeedError, apply_feed

DEFAULT_TIMEOUT = 10.0
MAX_PAGES = 200  # pages a sync: the rest follows at the next
MAX_ANSWER_BYTES = 64 * 2**20


class PeerUnreachable(OSError):
    """The peer did not answer (refused, timed out, or a network error)."""


def _exchange(db, key, peer: dict, method: str, path: str, body: bytes, timeout: float) -> tuple[int, bytes]:
    """One signed request to a peer; returns (status, body) of a correctly signed answer. Raises
    PeerUnreachable or SignatureError; logs the exchange either way."""
    headers = sign_request(key, method, path, body)
    request = urllib.request.Request(peer["url"] + path, data=body if method == "POST" else None, method=method,
                                     headers={**headers, "Content-Type": "application/json",
                                              "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (the peer's address)
            status, answer, answer_headers = response.status, response.read(MAX_ANSWER_BYTES), response.headers
    except urllib.error.HTTPError as exc:
        status, answer, answer_headers = exc.code, exc.read(MAX_ANSWER_BYTES), exc.headers
    except (OSError, http.client.HTTPException) as exc:  # refused, timed out, reset, garbled
        reason = getattr(exc, "reason", exc)
        message = f"did not answer: {reason}" if str(reason) else "did not answer"
        log_exchange(db, peer=peer["name"], direction="out", method=method, path=path, status=None, detail=message)
        raise PeerUnreachable(message) from None
    try:
        check_answer(answer_headers, status, headers["X-Farmwatch-Nonce"], answer, peer["public_key"])
    except SignatureError as exc:
        log_exchange(db, peer=peer["name"], direction="out", method=method, path=path, status=status, detail=str(exc))
        raise
    log_exchange(db, peer=peer["name"], direction="out", method=method, path=path, status=status,
                 detail=answer[:200].decode("utf-8", "replace") if status >= 400 else None)
    return status, answer


def _json(answer: bytes):
    try:
        return json.loads(answer)
    except ValueError:
        raise FeedError("the answer is not JSON") from None


def pull(db: Database, key, peer: dict, timeout: float) -> dict:
    """Fetch and store the peer's changes since its cursor, page by page; returns the counts."""
    totals = {"stolen": 0, "updated": 0, "withdrawn": 0, "unchanged": 0, "rejected": []}
    cursor = peer["cursor"]
    for _ in range(MAX_PAGES):
        status, answer = _exchange(db, key, peer, "GET", f"/federation/stolen.json?since={cursor}", b"", timeout)
        if status != 200:
            raise FeedError(f"the feed answered {status}: {answer[:120].decode('utf-8', 'replace')}")
        feed = _json(answer)
        with db.atomic():  # never hold the write lock across a request: the peer may be asking us meanwhile
            page = apply_feed(db, peer["name"], peer["owner_id"], feed)
            if page["cursor"] < cursor:
                raise FeedError(f"the feed went back from change {cursor} to {page['cursor']}")
            db.execute("update peers set cursor = ? where name = ?", [page["cursor"], peer["name"]])
        for k in ("stolen", "updated", "withdrawn", "unchanged"):
            totals[k] += page[k]
        totals["rejected"] += page["rejected"]
        cursor = page["cursor"]
        if not page["more"]:
            break
    totals["cursor"] = cursor
    return totals


def push(db: Database, key, peer: dict, timeout: float) -> dict:
    """Send the peer's pending hit notices; one it refuses stays pending with the reason recorded."""
    sent = refused = 0
    for notice_id, payload in pending_notices(db, peer["name"]):
        body = json.dumps(payload).encode()
        status, answer = _exchange(db, key, peer, "POST", "/federation/hits", body, timeout)
        if status == 200:
            db.execute("update federation_hits_out set sent_at = ?, attempts = attempts + 1, last_error = null "
                       "where id = ?", [utcnow(), notice_id])
            sent += 1
        else:
            db.execute("update federation_hits_out set attempts = attempts + 1, last_error = ? where id = ?",
                       [f"{status}: {answer[:200].decode('utf-8', 'replace')}", notice_id])
            refused += 1
    return {"sent": sent, "refused": refused}


def sync_all(db: Database, *, timeout: float = DEFAULT_TIMEOUT) -> dict:
    """Sync every peer; returns {'peers': [per-peer report], 'errors': ['NAME: why', ...]}."""
    key = load_or_create_key(data_dir(db))
    with db.atomic():
        queued = queue_notices(db)
    report: dict = {"queued": queued, "peers": [], "errors": []}
    for peer in list_peers(db):
        entry: dict = {"peer": peer["name"], "status": "ok"}
        try:
            entry["pulled"] = pull(db, key, peer, timeout)
            entry["pushed"] = push(db, key, peer, timeout)
        except (PeerUnreachable, SignatureError, FeedError) as exc:
            entry.update(status="failed", error=str(exc))
        now = utcnow()
        if entry["status"] == "ok":
            db.execute("update peers set last_sync_at = ?, last_good_sync_at = ? where name = ?", [now, now, peer["name"]])
        else:
            report["errors"].append(f"{peer['name']}: {entry['error']}")
            db.execute("update peers set last_sync_at = ?, last_error = ?, last_error_at = ? where name = ?",
                       [now, entry["error"][:500], now, peer["name"]])
        report["peers"].append(entry)
    return report


def federation_status(db: Database) -> list[dict]:
    """Per peer: address, last good sync, stolen items held from it, hits sent, pending and received,
    the last error and when."""
    out = []
    for peer in list_peers(db):
        name = peer["name"]

        def one(sql: str, name: str = name) -> int:
            return db.execute(sql, [name]).fetchone()[0]

        out.append({
            "peer": name, "url": peer["url"], "last_good_sync_at": peer["last_good_sync_at"],
            "last_sync_at": peer["last_sync_at"], "cursor": peer["cursor"],
            "stolen_items_held": one("select count(*) from federation_items where peer = ? and withdrawn_at is null"),
            "hits_sent": one("select count(*) from federation_hits_out where peer = ? and sent_at is not null"),
            "hits_pending": one("select count(*) from federation_hits_out where peer = ? and sent_at is null"),
            "hits_received": one("select count(*) from federation_hits_in where peer = ?"),
            "last_error": peer["last_error"], "last_error_at": peer["last_error_at"],
        })
    return out
