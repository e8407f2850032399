"""The public buyer check (/check, /check.json) and its alert list for officers (/check/alerts).

The check needs no login. Each answered check is logged with the visitor's address and
counts towards that address's limit; a refused one gets 429 with Retry-After.
"""

from __future__ import annotations

import json
import os

from datasette.utils.asgi import Forbidden, Response

from datasette_config.check.log import RateLimit, record_check, retry_after
from datasette_config.check.lookup import MAX_IDENTIFIER_CHARS, CheckAnswer, check_identifier
from datasette_config.constants import DATABASE_NAME
from datasette_config.toolkit import (
    dict_rows,
    is_officer,
    json_error,
    page,
    read,
    read_db,
    read_form,
    requester_address,
    wants_json,
    write,
)


def rate_limit() -> RateLimit:
    """FARMWATCH_CHECK_LIMIT as CHECKS/SECONDS (default 20/600: twenty checks per ten minutes)."""
    raw = os.environ.get("FARMWATCH_CHECK_LIMIT", "")
    try:
        checks, seconds = (int(part) for part in raw.split("/"))
        if checks > 0 and seconds > 0:
            return RateLimit(checks, seconds)
    except ValueError:
        pass
    return RateLimit()


def _cross_site(request) -> bool:
    """True when a browser says another site started this request (Sec-Fetch-Site)."""
    return request.headers.get("sec-fetch-site", "").lower() in ("cross-site", "same-site")


def _too_many(request, wait: int):
    headers = {"retry-after": str(wait)}
    message = (f"Too many checks from your address: try again in {max(1, round(wait / 60))} minute(s). "
               "If something is for sale in front of you and you think it is stolen, call 101.")
    return message, headers


async def check_page(request, datasette):
    typed = request.args.get("identifier")
    if request.method == "POST":
        form, problem = await read_form(request, max_file_size=1, max_files=0)
        if problem:
            return json_error(problem, 400) if wants_json(request) else Response.text(problem, status=400)
        typed = form.get("identifier")
    if typed is not None and _cross_site(request):
        # A page elsewhere made this browser ask (a link, an image, a script): never log a check,
        # or an alert, in the visitor's name that they did not make. Offer the form instead.
        if wants_json(request):
            return json_error("cross-site checks are refused: open /check or call /check.json from a server", 403)
        return await page(datasette, request, "check/check.html", {"answer": None, "typed": str(typed)[:200],
                                                             "confirm": True})
    if typed is None:
        if wants_json(request):
            return json_error("give the identifier to check: /check.json?identifier=...", 400)
        return await page(datasette, request, "check/check.html", {"answer": None, "typed": ""})
    typed = str(typed)[: MAX_IDENTIFIER_CHARS * 20]
    address, rate = requester_address(request), rate_limit()
    wait = await read(datasette, lambda conn: retry_after(conn, address, rate))
    answer = None
    if not wait:
        index_name = datasette.get_database(DATABASE_NAME).path
        answer = await read(datasette, lambda conn: check_identifier(conn, typed, index_name))
        agent = request.headers.get("user-agent")
        wait = await write(datasette, lambda conn: record_check(conn, answer, address, agent, rate))
    if wait:
        message, headers = _too_many(request, wait)
        if wants_json(request):
            return json_error(message, 429, headers=headers)
        return await page(datasette, request, "check/check.html", {"answer": None, "typed": typed[:200],
                                                             "limited": message}, status=429, headers=headers)
    assert isinstance(answer, CheckAnswer)
    if wants_json(request):
        return Response.json({"ok": True, **answer.public()})
    return await page(datasette, request, "check/check.html", {"answer": answer.public(), "typed": typed[:200]})


_ALERT_KINDS = {"stolen": "alert = 1", "near": "near_stolen = 1"}


def _alerts(db, kind: str = "stolen", limit: int = 200) -> list[dict]:
    cursor = db.execute(
        "select id, reference, checked_at, identifier, requester, user_agent, account, batch, item_ids, theft_ids "
        f"from public_checks where {_ALERT_KINDS[kind]} order by id desc limit ?", [limit])
    rows = dict_rows(cursor)
    for row in rows:
        theft_ids = json.loads(row.pop("theft_ids") or "[]")
        row["item_ids"] = json.loads(row["item_ids"] or "[]")
        marks = ",".join("?" * len(theft_ids))
        row["thefts"] = [dict(zip(("item_id", "crime_ref", "force_area", "category", "make", "model"), t,
                                  strict=True))
                         for t in db.execute(
                             "select t.item_id, t.crime_ref, t.force_area, i.category, i.make, i.model "
                             f"from thefts t join items i on i.id = t.item_id where t.id in ({marks})",
                             theft_ids).fetchall()] if theft_ids else []
    return rows


async def alerts_page(request, datasette):
    """Public checks that hit a stolen item (and, as weaker leads, one slip off one): officers only."""
    if not is_officer(request):
        raise Forbidden("Officers only: log in with an officer account")
    alerts, near = await read_db(datasette, lambda db: (_alerts(db, "stolen"), _alerts(db, "near", 50)))
    if wants_json(request):
        return Response.json({"ok": True, "alerts": alerts, "near": near})
    return await page(datasette, request, "check/alerts.html", {"alerts": alerts, "near": near})
