"""`GET /federation/stolen.json?since=N` and `POST /federation/hits`: answered only to peers.

Every request must be signed by a peer's key (`registry.federation.keys`): unsigned, wrongly signed,
stale and replayed requests get 401 with the reason. Every request, refused ones too, is logged in
`federation_log`; every answer is signed with this register's key so the peer knows it came from us.
The check, the nonce, the work and the log entry run in one write transaction.
"""

from __future__ import annotations

import json

from datasette.utils.asgi import Response
from sqlite_utils import Database

from datasette_config.toolkit import write
from registry.federation.hits import HitError, receive_hit
from registry.federation.keys import SignatureError, check_request, load_or_create_key, sign_answer
from registry.federation.peers import log_exchange, peer_by_key, peer_keys, remember_nonce
from registry.federation.publish import refresh_published, stolen_feed

MAX_BODY_BYTES = 1 * 2**20


class _Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


async def _answer(datasette, request, body: bytes, work) -> Response:
    path = request.path + (f"?{request.query_string}" if request.query_string else "")
    headers = {k.lower(): v for k, v in request.headers.items()}

    def run(conn):
        db = Database(conn)
        peer = None
        try:
            signed = check_request(headers, request.method, path, body, peer_keys(db))
            peer = peer_by_key(db, signed.key)
            if not remember_nonce(db, signed.nonce, peer):
                raise SignatureError("this request was seen before (replayed nonce)")
            status, payload = 200, work(db, peer)
            log_exchange(db, peer=peer, direction="in", method=request.method, path=path, status=200)
        except SignatureError as exc:
            status, payload = 401, {"error": str(exc)}
        except _Refused as exc:
            status, payload = exc.status, {"error": str(exc)}
        if status != 200:
            log_exchange(db, peer=peer, direction="in", method=request.method, path=path, status=status,
                         detail=payload["error"])
        return status, payload

    if len(body) > MAX_BODY_BYTES:
        status, payload = 413, {"error": f"a request body is at most {MAX_BODY_BYTES} bytes"}
    else:
        status, payload = await write(datasette, run)
    data = json.dumps(payload, ensure_ascii=False).encode()
    key = load_or_create_key(datasette.farmwatch_data_dir)
    signature = sign_answer(key, status, headers.get("x-farmwatch-nonce", ""), data)
    return Response(data, status=status, headers=signature, content_type="application/json; charset=utf-8")


async def stolen_feed_page(request, datasette):
    """The items this register holds stolen: changes after `since`, withdrawals included."""
    if request.method != "GET":
        return Response.text("GET only", status=405)
    since_text = request.args.get("since") or "0"

    def work(db, peer):
        if not since_text.isdigit() or len(since_text) > 15:
            raise _Refused(400, f'since "{since_text[:30]}" is not a change number (0 or a cursor from this feed)')
        refresh_published(db)
        return stolen_feed(db, int(since_text))

    return await _answer(datasette, request, b"", work)


async def hits_page(request, datasette):
    """A peer reporting that one of our stolen items was matched or checked there."""
    if request.method != "POST":
        return Response.text("POST only", status=405)
    body = await request.post_body()

    def work(db, peer):
        try:
            payload = json.loads(body)
        except ValueError:
            raise _Refused(400, "the body is not JSON") from None
        try:
            return receive_hit(db, peer, payload)
        except HitError as exc:
            raise _Refused(422, str(exc)) from None

    return await _answer(datasette, request, body, work)
