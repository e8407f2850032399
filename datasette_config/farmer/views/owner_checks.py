"""The farmer's owner checks: /farmer/checks (.json) and the answer form POSTed to /farmer/checks/<match id>."""

from __future__ import annotations

from datasette.utils.asgi import Response

from datasette_config.farmer.items import NotYours
from datasette_config.farmer.owner_checks import ANSWER_LABELS, answer_owner_check, check_photo_file, list_owner_checks
from datasette_config.toolkit import farmer_actor, json_error, page, read_db, read_form, wants_json, write_db
from registry.items.validation import RegistryError


async def checks_page(request, datasette):
    actor = farmer_actor(request)
    checks = await read_db(datasette, lambda db: list_owner_checks(db, actor["owner_id"]))
    if wants_json(request):
        return Response.json({"ok": True, **checks})
    return await page(datasette, request, "farmer/checks.html", {**checks, "labels": ANSWER_LABELS})


async def answer_check(request, datasette):
    actor = farmer_actor(request)
    match_id = request.url_vars["match_id"]
    if request.method != "POST":
        return Response.redirect("/farmer/checks")
    data, problem = await read_form(request, max_file_size=1, max_files=0)
    if problem:
        return json_error(problem, 400) if wants_json(request) else Response.text(problem, status=400)
    answer, note = data.get("answer") or "", data.get("note") or ""
    try:
        decision = await write_db(datasette, lambda db: answer_owner_check(
            db, actor["owner_id"], match_id, answer, actor["id"], note))
    except NotYours:
        return json_error("no such check among your items", 404) if wants_json(request) else \
            await page(datasette, request, "farmer/missing.html", {"what": "check"}, status=404)
    except RegistryError as exc:
        if wants_json(request):
            return json_error(str(exc), 400)
        datasette.add_message(request, str(exc), datasette.ERROR)
        return Response.redirect("/farmer/checks")
    if decision == "owner_not_me":
        message = "Thank you: this listing has been passed to the police as a likely theft."
    else:
        message = "Thank you: noted that you are selling it."
    datasette.add_message(request, message)
    return Response.redirect("/farmer/checks")


async def check_photo(request, datasette):
    """The listing's first photo, so the farmer can recognise (or not) their own kit."""
    actor = farmer_actor(request)
    match_id = request.url_vars["match_id"]
    try:
        path = await read_db(datasette, lambda db: check_photo_file(db, actor["owner_id"], match_id))
    except NotYours:
        return Response.text("no such photo", status=404)
    return Response(path.read_bytes(), content_type="image/jpeg", headers={"cache-control": "private, max-age=3600"})
