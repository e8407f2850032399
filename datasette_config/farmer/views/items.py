"""Farmer pages for items: home, register, item page (edit, photos, theft, recovery) and photo files.

Each view starts with `farmer_actor(request)`; the owner id it returns is the only
one the database calls ever see.
"""

from __future__ import annotations

from datasette.utils.asgi import Response

from datasette_config.farmer.forms import (
    MAX_PHOTOS_PER_UPLOAD,
    ItemForm,
    TheftForm,
    check_photos,
    validate_item_form,
    validate_theft_form,
)
from datasette_config.farmer.items import (
    NotYours,
    add_own_photos,
    item_detail,
    list_own_items,
    mark_own_recovered,
    own_photo_file,
    register_own_item,
    report_own_theft,
    update_own_item,
)
from datasette_config.farmer.owner_checks import list_owner_checks
from datasette_config.toolkit import (
    farmer_actor,
    json_error,
    page,
    read_db,
    read_form,
    uploaded_files,
    wants_json,
    write_db,
)
from registry.identifiers.rules import IDENTIFIER_KINDS
from registry.identifiers.vocab import CATEGORIES
from registry.items.validation import RegistryError
from registry.photos.store import MAX_PHOTO_BYTES

KIND_LABELS = {kind: kind.replace("_", " ") for kind in IDENTIFIER_KINDS}
CATEGORY_LABELS = {c: c.replace("_", " ") for c in CATEGORIES}


def _form_context(form: ItemForm, errors: dict, extra_rows: int = 0) -> dict:
    return {"form": form, "errors": errors, "rows": form.rows_for_display(extra=extra_rows),
            "categories": CATEGORY_LABELS, "kinds": KIND_LABELS, "max_photos": MAX_PHOTOS_PER_UPLOAD,
            "max_photo_mb": MAX_PHOTO_BYTES // 2**20}


async def farmer_home(request, datasette):
    actor = farmer_actor(request)
    owner_id = actor["owner_id"]

    def load(db):
        return list_own_items(db, owner_id), list_owner_checks(db, owner_id)["pending"]

    items, pending = await read_db(datasette, load)
    if wants_json(request):
        return Response.json({"ok": True, "items": items, "pending_checks": len(pending)})
    return await page(datasette, request, "farmer/home.html",
                      {"items": items, "pending": pending, "actor": actor})


async def new_item(request, datasette):
    actor = farmer_actor(request)
    if request.method != "POST":
        return await page(datasette, request, "farmer/item_new.html", _form_context(ItemForm(), {}))
    data, problem = await read_form(request, max_file_size=MAX_PHOTO_BYTES, max_files=MAX_PHOTOS_PER_UPLOAD)
    form = ItemForm.from_data(data) if data else ItemForm()
    if problem:
        key = "photos" if "file" in problem else "form"
        return await page(datasette, request, "farmer/item_new.html",
                          _form_context(form, {key: problem}), status=400)
    if data.get("add_row"):
        return await page(datasette, request, "farmer/item_new.html", _form_context(form, {}, extra_rows=1))
    photos = await uploaded_files(data, "photos")
    item, errors = validate_item_form(form)
    errors.update(check_photos(photos))
    if errors:
        if photos and "photos" not in errors:
            errors["photos_again"] = "choose the photos again after fixing the other fields"
        return await page(datasette, request, "farmer/item_new.html", _form_context(form, errors), status=400)
    result = await write_db(datasette, lambda db: register_own_item(db, actor["owner_id"], item, photos))
    verb = "Registered" if result.created else "Updated your existing"
    datasette.add_message(request, f"{verb} item {result.item_id}.")
    for warning in result.warnings:
        datasette.add_message(request, warning, datasette.WARNING)
    return Response.redirect(f"/farmer/items/{result.item_id}")


async def _detail_page(datasette, request, owner_id: int, item_id: str, *, form: ItemForm | None = None,
                       errors: dict | None = None, theft: TheftForm | None = None, status: int = 200,
                       sale: dict | None = None):
    def load(db):
        item = item_detail(db, owner_id, item_id)
        checks = list_owner_checks(db, owner_id)
        item["checks"] = [c for c in checks["pending"] + checks["answered"] if c["item_id"] == item["id"]]
        return item

    try:
        item = await read_db(datasette, load)
    except NotYours:
        if wants_json(request):
            return json_error("no such item among yours", 404)
        return await page(datasette, request, "farmer/missing.html", {"what": "item"}, status=404)
    if wants_json(request):
        return Response.json({"ok": True, "item": item})
    context = _form_context(form or ItemForm.from_item(item, item["identifiers"]), errors or {})
    context.update({"item": item, "theft": theft or TheftForm(), "sale_form": sale or {}})
    return await page(datasette, request, "farmer/item.html", context, status=status)


async def item_page(request, datasette):
    actor = farmer_actor(request)
    item_id = request.url_vars["item_id"]
    owner_id = actor["owner_id"]
    if request.method != "POST":
        return await _detail_page(datasette, request, owner_id, item_id)
    data, problem = await read_form(request, max_file_size=1, max_files=0)
    form = ItemForm.from_data(data) if data else ItemForm()
    if problem:
        return await _detail_page(datasette, request, owner_id, item_id, form=form,
                                  errors={"form": problem}, status=400)
    if data.get("add_row"):
        context_form = ItemForm(**{**vars(form), "identifiers": form.identifiers + [("serial", "")]})
        return await _detail_page(datasette, request, owner_id, item_id, form=context_form)
    item, errors = validate_item_form(form)
    if not errors:
        try:
            warnings = await write_db(datasette, lambda db: update_own_item(db, owner_id, item_id, item))
        except NotYours:
            return await _detail_page(datasette, request, owner_id, item_id)
        except RegistryError as exc:
            errors = {"identifiers": str(exc)}
    if errors:
        return await _detail_page(datasette, request, owner_id, item_id, form=form, errors=errors, status=400)
    datasette.add_message(request, "Changes saved.")
    for warning in warnings:
        datasette.add_message(request, warning, datasette.WARNING)
    return Response.redirect(f"/farmer/items/{int(item_id)}")


async def item_photos(request, datasette):
    actor = farmer_actor(request)
    item_id = request.url_vars["item_id"]
    owner_id = actor["owner_id"]
    if request.method != "POST":
        return Response.redirect(f"/farmer/items/{item_id}")
    data, problem = await read_form(request, max_file_size=MAX_PHOTO_BYTES, max_files=MAX_PHOTOS_PER_UPLOAD)
    photos = await uploaded_files(data, "photos")
    errors = {"photos": problem} if problem else check_photos(photos)
    if not photos and not errors:
        errors = {"photos": "choose one or more photos to add"}
    if errors:
        return await _detail_page(datasette, request, owner_id, item_id, errors=errors, status=400)
    try:
        stored, problems = await write_db(datasette, lambda db: add_own_photos(db, owner_id, item_id, photos))
    except NotYours:
        return await _detail_page(datasette, request, owner_id, item_id)
    datasette.add_message(request, f"{stored} photo(s) added.")
    for message in problems:
        datasette.add_message(request, message, datasette.WARNING)
    return Response.redirect(f"/farmer/items/{int(item_id)}")


async def item_stolen(request, datasette):
    actor = farmer_actor(request)
    item_id = request.url_vars["item_id"]
    owner_id = actor["owner_id"]
    if request.method != "POST":
        return Response.redirect(f"/farmer/items/{item_id}")
    data, problem = await read_form(request, max_file_size=1, max_files=0)
    theft_form = TheftForm.from_data(data) if data else TheftForm()
    theft, errors = validate_theft_form(theft_form)
    if problem:
        errors = {"theft": problem}
    if not errors:
        try:
            await write_db(datasette, lambda db: report_own_theft(db, owner_id, item_id, theft, actor["id"]))
        except NotYours:
            return await _detail_page(datasette, request, owner_id, item_id)
        except RegistryError as exc:
            errors = {"theft": str(exc)}
    if errors:
        return await _detail_page(datasette, request, owner_id, item_id, errors=errors, theft=theft_form,
                                  status=400)
    datasette.add_message(request, "Theft reported: officers will see matches for this item first.")
    return Response.redirect(f"/farmer/items/{int(item_id)}")


async def item_recovered(request, datasette):
    actor = farmer_actor(request)
    item_id = request.url_vars["item_id"]
    owner_id = actor["owner_id"]
    if request.method != "POST":
        return Response.redirect(f"/farmer/items/{item_id}")
    try:
        await write_db(datasette, lambda db: mark_own_recovered(db, owner_id, item_id, actor["id"]))
    except NotYours:
        return await _detail_page(datasette, request, owner_id, item_id)
    except RegistryError as exc:
        return await _detail_page(datasette, request, owner_id, item_id, errors={"recovered": str(exc)},
                                  status=400)
    datasette.add_message(request, "Marked as recovered.")
    return Response.redirect(f"/farmer/items/{int(item_id)}")


async def photo_file(request, datasette):
    actor = farmer_actor(request)
    photo_id = request.url_vars["photo_id"]
    try:
        path = await read_db(datasette, lambda db: own_photo_file(db, actor["owner_id"], photo_id))
    except NotYours:
        return Response.text("no such photo", status=404)
    return Response(path.read_bytes(), content_type="image/jpeg",
                    headers={"cache-control": "private, max-age=3600",
                             "content-disposition": f'inline; filename="photo-{int(photo_id)}.jpg"'})
