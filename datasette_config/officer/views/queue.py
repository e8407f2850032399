"""The officer's match queues (stolen items and owner checks), filtered by area, band and date."""

from __future__ import annotations

from datasette_config.officer.queries.queue import QueueFilters, area_views, filter_choices, queue_rows
from datasette_config.toolkit import read, render, require_officer

QUEUE_LIMIT = 200


async def queue_page(request, datasette):
    actor = require_officer(request)
    own_area = actor.get("force_area") if isinstance(actor, dict) else None
    filters = QueueFilters.from_args(request.args, default_area=own_area)

    def fetch(conn):
        return queue_rows(conn, filters, limit=QUEUE_LIMIT), filter_choices(conn)

    rows, choices = await read(datasette, fetch)
    title = "Owner checks" if filters.queue == "owner_check" else "Match queue"
    return await render(datasette, request, "officer/queue.html",
                        {"rows": rows, "filters": filters, "choices": choices, "page_title": title,
                         "limit": QUEUE_LIMIT, "views": area_views(own_area)})
