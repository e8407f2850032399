"""The analyst's pages: seller networks ranked by risk, one network, and its exports.

Officers only (anonymous visitors and farmers are refused); a network page shows sellers' phone
numbers and e-mail addresses, so every view and export is written to the access log.
"""

from __future__ import annotations

from datasette.utils.asgi import Response

from datasette_config.access_log import log_access
from datasette_config.officer.network_decisions import (
    NetworkDecisionError,
    near_misses_of,
    network_history,
    record_network_decision,
)
from datasette_config.officer.network_drawing import network_svg
from datasette_config.officer.network_graph import edges_csv, graphml, nodes_csv
from datasette_config.officer.queries.networks import (
    NetworkFilters,
    load_network,
    load_seller,
    network_choices,
    network_rows,
)
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
            ids = [s["id"] for s in data["sellers"]]
            data["near_misses"] = near_misses_of(conn, ids)
            data["history"] = network_history(conn, ids)
        return data

    return network_id, await write(datasette, load_and_log)


async def network_page(request, datasette):
    actor = require_officer(request)
    network_id, data = await _load_logged(request, datasette, actor, "view_seller_contacts")
    if data is None:
        return not_found(f"No network {request.url_vars.get('network_id')}")
    svg, why_not = network_svg(data)
    return await render(datasette, request, "officer/network.html",
                        {**data, "svg": svg, "drawing_error": why_not, "network_id": network_id})


async def seller_page(request, datasette):
    """One seller: contacts, listings, linked to (with the evidence), almost linked to (with what was
    missing), the officers' decisions, and the forms to decide."""
    actor = require_officer(request)
    try:
        seller_id = int(request.url_vars["seller_id"])
    except (KeyError, ValueError):
        return not_found("No such seller")

    def load_and_log(conn):
        data = load_seller(conn, seller_id)
        if data is not None:
            log_access(conn, actor, "view_seller_contacts", f"seller:{seller_id}", path=request.path)
            data["near_misses"] = near_misses_of(conn, [seller_id])
            data["history"] = network_history(conn, [seller_id])
        return data

    data = await write(datasette, load_and_log)
    if data is None:
        return not_found(f"No seller {request.url_vars.get('seller_id')}")
    return await render(datasette, request, "officer/seller.html", data)


async def decide_link(request, datasette):
    """POST from a network or seller page: confirm or reject a link, or join two sellers by hand."""
    actor = require_officer(request)
    if request.method != "POST":
        return Response.text("POST a decision from a network or seller page", status=405)
    form = await request.post_vars()
    back = form.get("back") or ""
    if not back.startswith(("/network/", "/seller/")) or "//" in back or "\\" in back:
        back = "/networks"
    try:
        message = await write(datasette, lambda conn: record_network_decision(
            conn, form.get("seller_a"), form.get("seller_b"), form.get("decision") or "", form.get("note"),
            actor["id"]))
    except NetworkDecisionError as exc:
        datasette.add_message(request, str(exc), datasette.ERROR)
    else:
        datasette.add_message(request, message, datasette.INFO)
    return Response.redirect(back)


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
