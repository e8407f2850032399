"""The officer's match page (item and listing side by side, owner contact logged) and decisions on a match."""

from __future__ import annotations

from datasette.utils.asgi import Response

from datasette_config.access_log import log_access, owner_contact
from datasette_config.officer.decisions import DecisionError, record_decision
from datasette_config.officer.queries.match import load_match
from datasette_config.officer.queries.networks import network_of_listing
from datasette_config.toolkit import not_found, read, render, require_officer, write


async def match_page(request, datasette):
    actor = require_officer(request)
    match_id = request.url_vars["match_id"]
    match = await read(datasette, lambda conn: load_match(conn, match_id))
    if match is None:
        return not_found(f"No match {match_id}")
    owner_id = match["item"]["owner_id"] if match["item"] else None

    def contact_and_log(conn):
        contact = owner_contact(conn, owner_id)
        if contact:
            log_access(conn, actor, "view_contact", f"match:{match_id}", owner_id=owner_id, path=request.path)
        return contact

    owner = await write(datasette, contact_and_log)
    listing_id = match["listing"]["id"] if match.get("listing") else None
    network = await read(datasette, lambda conn: network_of_listing(conn, listing_id)) if listing_id else None
    return await render(datasette, request, "officer/match.html", {"match": match, "owner": owner, "network": network})


async def decide(request, datasette):
    actor = require_officer(request)
    if request.method != "POST":
        return Response.text("POST a decision from the match page", status=405)
    match_id = request.url_vars["match_id"]
    form = await request.post_vars()
    decision, note = form.get("decision") or "", form.get("note") or ""
    try:
        status = await write(datasette, lambda conn: record_decision(conn, match_id, decision, note, actor["id"]))
    except DecisionError as exc:
        datasette.add_message(request, str(exc), datasette.ERROR)
    else:
        datasette.add_message(request, f"Match {match_id} is now {status}.", datasette.INFO)
    return Response.redirect(f"/match/{match_id}")
