"""The officer's item page: the registered item with its history, owner contact logged."""

from __future__ import annotations

from datasette_config.access_log import log_access, owner_contact
from datasette_config.officer.queries.match import load_item
from datasette_config.toolkit import not_found, read, render, require_officer, write


async def item_page(request, datasette):
    actor = require_officer(request)
    try:
        item_id = int(request.url_vars["item_id"])
    except ValueError:
        return not_found("No such item")
    item = await read(datasette, lambda conn: load_item(conn, item_id))
    if item is None:
        return not_found(f"No item {item_id}")

    def contact_and_log(conn):
        contact = owner_contact(conn, item["owner_id"])
        if contact:
            log_access(conn, actor, "view_contact", f"item:{item_id}", owner_id=item["owner_id"],
                       reason=request.args.get("reason"), path=request.path)
        return contact

    owner = await write(datasette, contact_and_log)
    return await render(datasette, request, "officer/item.html", {"item": item, "owner": owner})
