"""Possible clones for officers: identifiers registered to more than one owner (/clones), and
every record carrying one of them (/clones?key=KEY). No owner details here: each record links
to its item page, where a view of the owner's contact is logged."""

from __future__ import annotations

from datasette.utils.asgi import Response

from datasette_config.toolkit import read, render, require_officer
from registry.identifiers.clones import clone_groups, records_with_key
from registry.identifiers.rules import matching_key


async def clones_page(request, datasette):
    """GET /clones (`.json`): the list; `?key=` a matching key (or an identifier as typed)."""
    require_officer(request)
    typed = (request.args.get("key") or "").strip()[:100]
    key = matching_key(typed) if typed else None
    if typed and key:
        records = await read(datasette, lambda conn: records_with_key(conn, key))
        context = {"key": key, "records": records, "groups": None}
    else:
        groups = await read(datasette, lambda conn: clone_groups(conn))
        context = {"key": None, "records": None, "groups": groups}
    if request.path.endswith(".json"):
        return Response.json({"ok": True, **context})
    return await render(datasette, request, "officer/clones.html", context)
