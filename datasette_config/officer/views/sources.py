"""/sources: every marketplace source's crawl health, for officers and admins (JSON with `.json`)."""

from __future__ import annotations

from datasette.utils.asgi import Response

from datasette_config.officer.queries.sources import source_health
from datasette_config.toolkit import read, render, require_officer


async def sources_page(request, datasette):
    require_officer(request)
    sources = await read(datasette, source_health)
    if request.path.endswith(".json"):
        return Response.json({"sources": [{k: v for k, v in s.items() if k != "chart"} for s in sources]})
    return await render(datasette, request, "officer/sources.html", {"sources": sources})
