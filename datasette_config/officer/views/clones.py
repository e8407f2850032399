"""Possible clones for officers: identifiers registered to more than one owner (/clones), and
every record carrying one of them (/clones?key=KEY). No owner details here: each record links
to its item page, where a view of the owner's contact is logged."""

from __future__ import annotations

from datasette.utils.asgi import Response

from datasette_config.toolkit import read, render, require_officer
from registry.identifiers.clones import clone_groups, records_with_key
from registry.identifiers.rules import matching_key
from registry.words.labels import item_state


async def clones_page(request, datasette):
    """GET /clones (`.json`): the list; `?key=` a matching key (or an identifier as typed)."""
    require_officer(request)
    typed = (request.args.get("key") or "").strip()[:100]
    key = matching_key(typed) if typed else None
    if typed and key:
        records = await read(datasette, lambda conn: records_with_key(conn, key))
        for record in records:
            record["state"] = item_state(record["status"], sold=bool(record["sold_away"]))
        shown = next((r["raw_value"] for r in records if r["raw_value"] == typed), None)
        context = {"key": key, "typed": shown or (records[0]["raw_value"] if records else typed),
                   "records": records, "groups": None}
    else:
        groups = await read(datasette, lambda conn: clone_groups(conn))
        context = {"key": None, "records": None, "groups": groups}
    if request.path.endswith(".json"):
        for record in context["records"] or []:
            record["state"] = record["state"].text
        return Response.json({"ok": True, **context})
    return await render(datasette, request, "officer/clones.html", context)
