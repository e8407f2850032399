"""A farmer marking an item sold or transferred (POST /farmer/items/ID/sold).

With the buyer's e-mail the record moves to the buyer (their owner record, made if new), so it
leaves the seller's pages; without one it stays, marked sold. See registry.sales.
"""

from __future__ import annotations

from datasette.utils.asgi import Response

from datasette_config.farmer.items import NotYours, sell_own_item
from datasette_config.farmer.views.items import _detail_page
from datasette_config.toolkit import farmer_actor, read_form, write_db
from registry.items.validation import RegistryError


async def item_sold(request, datasette):
    actor = farmer_actor(request)
    item_id, owner_id = request.url_vars["item_id"], actor["owner_id"]
    if request.method != "POST":
        return Response.redirect(f"/farmer/items/{item_id}")
    data, problem = await read_form(request, max_file_size=1, max_files=0)
    sale = {"sold_at": (data or {}).get("sold_at") or "", "new_owner_email": (data or {}).get("new_owner_email") or ""}
    sale = {k: str(v)[:200] for k, v in sale.items()}
    error = problem
    if not error:
        try:
            result = await write_db(datasette, lambda db: sell_own_item(
                db, owner_id, item_id, sale["sold_at"], sale["new_owner_email"], actor["id"]))
        except NotYours:
            return await _detail_page(datasette, request, owner_id, item_id)
        except RegistryError as exc:
            error = str(exc)
    if error:
        return await _detail_page(datasette, request, owner_id, item_id, errors={"sold": error}, sale=sale,
                                  status=400)
    if result["transferred"]:
        datasette.add_message(request, f"Item {int(item_id)} now belongs to {sale['new_owner_email'].strip().lower()}, "
                                       "with its history; it is no longer on your list.")
        return Response.redirect("/farmer")
    datasette.add_message(request, "Marked as sold: a listing of this sale will not ask you \"is this yours?\".")
    return Response.redirect(f"/farmer/items/{int(item_id)}")
