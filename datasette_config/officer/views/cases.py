"""Officers closing cases in the workspace: a theft report or a recovery recorded from the item
or match page, attributed to the officer and kept in the item's history (registry.items.history).

Both are POSTs (Datasette's cross-site check applies) and go through `registry.items`, the same
rules as the farmer's form and the command line. The page they came from is shown again with a
message; only the item's own page or a match page of that item is ever returned to.
"""

from __future__ import annotations

import re

from datasette.utils.asgi import Response

from datasette_config.toolkit import not_found, read, require_officer, write
from registry.db import FarmDatabase
from registry.items.registration import mark_recovered, report_stolen
from registry.items.validation import RegistryError

_MATCH_PAGE = re.compile(r"^/match/[A-Za-z0-9_-]+$")


def back_to(value: str | None, item_id: int) -> str:
    """The item page, or the match page the form was on (no other address is followed)."""
    return value if value and _MATCH_PAGE.match(value) else f"/item/{item_id}"


async def _item_exists(datasette, item_id: int) -> bool:
    return bool(await read(datasette, lambda conn: conn.execute("select 1 from items where id = ?",
                                                                 [item_id]).fetchone()))


async def _act(request, datasette, action) -> Response:
    actor = require_officer(request)
    if request.method != "POST":
        return Response.text("POST this from the item or match page", status=405)
    item_id = int(request.url_vars["item_id"])
    if not await _item_exists(datasette, item_id):
        return not_found(f"No item {item_id}")
    form = await request.post_vars()
    try:
        message = await write(datasette, lambda conn: action(FarmDatabase(conn), item_id, form, actor["id"]))
    except RegistryError as exc:
        datasette.add_message(request, f"Not recorded: {exc}", datasette.ERROR)
    else:
        datasette.add_message(request, message, datasette.INFO)
    return Response.redirect(back_to(form.get("back"), item_id))


def _report(db, item_id: int, form: dict, actor_id: str) -> str:
    theft_id = report_stolen(db, item_id, stolen_at=form.get("stolen_at") or None,
                             crime_ref=form.get("crime_ref") or "", place=form.get("place") or None, actor=actor_id)
    return f"Theft report {theft_id} opened for item {item_id} by {actor_id}."


def _recover(db, item_id: int, form: dict, actor_id: str) -> str:
    theft_id = mark_recovered(db, item_id, form.get("recovered_at") or None, actor=actor_id)
    return f"Item {item_id} recorded as recovered by {actor_id}; theft report {theft_id} closed."


async def record_theft(request, datasette):
    """POST /item/ID/theft: stolen_at, crime_ref, place (and back: the match page to return to)."""
    return await _act(request, datasette, _report)


async def record_recovery(request, datasette):
    """POST /item/ID/recovered: recovered_at (today when empty)."""
    return await _act(request, datasette, _recover)
