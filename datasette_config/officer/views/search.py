"""Registry search (by identifier, logged with the officer's reason), text search, map and trends."""

from __future__ import annotations

from datasette_config.access_log import log_access, owner_contact
from datasette_config.officer.plots import map_points, project, stacked_bars, weekly_counts
from datasette_config.officer.queries.queue import QueueFilters, area_views
from datasette_config.officer.queries.search import search_identifier, search_text
from datasette_config.toolkit import read, render, require_officer, write
from registry.places.gazetteer import towns


async def search_page(request, datasette):
    actor = require_officer(request)
    typed = (request.args.get("identifier") or "").strip()[:100]
    reason = (request.args.get("reason") or "").strip()[:500]
    text = (request.args.get("q") or "").strip()[:200]
    context = {"identifier": typed, "reason": reason, "q": text, "result": None, "text_result": None,
               "error": None}
    if typed and not reason:
        context["error"] = "Give a reason for the search (for example a crime reference or where the item was found)."
    elif typed:
        result = await read(datasette, lambda conn: search_identifier(conn, typed))

        def log_and_contacts(conn):
            log_access(conn, actor, "search", f"identifier:{typed}", reason=reason, path=request.path)
            for hit in result["hits"]:
                hit["owner"] = owner_contact(conn, hit["owner_id"])
                if hit["owner"]:
                    log_access(conn, actor, "view_contact", f"item:{hit['item_id']}", owner_id=hit["owner_id"],
                               reason=reason, path=request.path)

        await write(datasette, log_and_contacts)
        context["result"] = result
    if text:
        context["text_result"] = await read(datasette, lambda conn: search_text(conn, text))
    return await render(datasette, request, "officer/search.html", context)


async def map_page(request, datasette):
    """The map of the officer's area by default (their force or group), any area with `force_area`
    (`national` for every force), as the queue."""
    actor = require_officer(request)
    own_area = actor.get("force_area") if isinstance(actor, dict) else None
    filters = QueueFilters.from_args(request.args, default_area=own_area)
    scope = filters.scope()
    points = await read(datasette, lambda conn: map_points(conn, scope))
    backdrop = [(t.latitude, t.longitude) for t in towns()]
    return await render(datasette, request, "officer/map.html", {"plot": project(points, backdrop=backdrop),
                                                                 "points": points, "filters": filters,
                                                                 "views": area_views(own_area)})


async def trends_page(request, datasette):
    require_officer(request)
    data = await read(datasette, weekly_counts)
    charts = {name: stacked_bars(data[name], data["weeks"], data["categories"], data["colours"])
              for name in ("thefts", "matches")}
    return await render(datasette, request, "officer/trends.html", {"data": data, "charts": charts})
