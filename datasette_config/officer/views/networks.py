"""The analyst's pages: seller networks ranked by risk, one network, and its exports.

Officers only (anonymous visitors and farmers are refused); a network page shows sellers' phone
numbers and e-mail addresses, so every view and export is written to the access log.
"""

from __future__ import annotations

from datasette.utils.asgi import Response

from datasette_config.access_log import log_access
from datasette_config.officer.network_graph import drawing, edges_csv, graphml, nodes_csv
from datasette_config.officer.queries.networks import NetworkFilters, load_network, network_choices, network_rows
from datasette_config.toolkit import not_found, read, render, require_officer, write

NETWORKS_LIMIT = 200
EXPORTS = {
    "graphml": ("application/graphml+xml; charset=utf-8", "graphml", graphml),
    "nodes.csv": ("text/csv; charset=utf-8", "nodes.csv", nodes_csv),
    "edges.csv": ("text/csv; charset=utf-8", "edges.csv", edges_csv),
}


async def networks_page(request, datasette):
    require_officer(request)
    filters = NetworkFilters.from_args(request.args)
    rows, choices = await read(datasette, lambda conn: (network_rows(conn, filters, NETWORKS_LIMIT),
                                                        network_choices(conn)))
    return await render(datasette, request, "officer/networks.html",
                        {"rows": rows, "filters": filters, "choices": choices, "limit": NETWORKS_LIMIT})


def _network_id(request) -> int | None:
    try:
        return int(request.url_vars["network_id"])
    except (KeyError, ValueError):
        return None


async def _load_logged(request, datasette, actor: dict, action: str):
    network_id = _network_id(request)
    if network_id is None:
        return None, None

    def load_and_log(conn):
        data = load_network(conn, network_id)
        if data is not None:
            log_access(conn, actor, action, f"network:{network_id}", path=request.path)
        return data

    return network_id, await write(datasette, load_and_log)


async def network_page(request, datasette):
    actor = require_officer(request)
    network_id, data = await _load_logged(request, datasette, actor, "view_seller_contacts")
    if data is None:
        return not_found(f"No network {request.url_vars.get('network_id')}")
    return await render(datasette, request, "officer/network.html",
                        {**data, "plot": drawing(data), "network_id": network_id})


async def export_network(request, datasette):
    actor = require_officer(request)
    fmt = request.url_vars["fmt"]
    network_id, data = await _load_logged(request, datasette, actor, f"export_network_{fmt}")
    if data is None:
        return not_found(f"No network {request.url_vars.get('network_id')}")
    content_type, suffix, make = EXPORTS[fmt]
    return Response(make(data), content_type=content_type,
                    headers={"Content-Disposition": f'attachment; filename="network-{network_id}.{suffix}"',
                             "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})
