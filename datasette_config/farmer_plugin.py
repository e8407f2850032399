"""Farmer self-service and the public buyer check (Datasette hooks; logic in plain modules)."""

from __future__ import annotations

import sqlite3
import threading

from datasette import hookimpl

_ID = r"(?P<item_id>[0-9]{1,12})"


@hookimpl
def register_routes(datasette):
    from datasette_config.check.views import alerts_page, check_page
    from datasette_config.farmer.views.items import (
        farmer_home,
        item_page,
        item_photos,
        item_recovered,
        item_stolen,
        new_item,
        photo_file,
    )
    from datasette_config.farmer.views.owner_checks import answer_check, check_photo, checks_page
    from datasette_config.farmer.views.sale import item_sold
    from datasette_config.farmer.views.upload import import_example, import_page

    return [
        (r"^/check(\.json)?$", check_page),
        (r"^/check/alerts(\.json)?$", alerts_page),
        (r"^/farmer(\.json)?$", farmer_home),
        (r"^/farmer/items/new$", new_item),
        (rf"^/farmer/items/{_ID}(\.json)?$", item_page),
        (rf"^/farmer/items/{_ID}/photos$", item_photos),
        (rf"^/farmer/items/{_ID}/stolen$", item_stolen),
        (rf"^/farmer/items/{_ID}/recovered$", item_recovered),
        (rf"^/farmer/items/{_ID}/sold$", item_sold),
        (r"^/farmer/photos/(?P<photo_id>[0-9]{1,12})\.jpg$", photo_file),
        (r"^/farmer/import(\.json)?$", import_page),
        (r"^/farmer/import/example\.csv$", import_example),
        (r"^/farmer/checks(\.json)?$", checks_page),
        (r"^/farmer/checks/(?P<match_id>[^/.]{1,100})(\.json)?$", answer_check),
        (r"^/farmer/checks/(?P<match_id>[^/.]{1,100})/photo\.jpg$", check_photo),
    ]


@hookimpl
def menu_links(datasette, actor, request):
    links = []
    if isinstance(actor, dict) and actor.get("role") == "farmer":
        links += [
            {"href": "/farmer", "label": "My items"},
            {"href": "/farmer/items/new", "label": "Register an item"},
            {"href": "/farmer/import", "label": "Upload a CSV"},
            {"href": "/farmer/checks", "label": "Is this yours? (owner checks)"},
        ]
    elif isinstance(actor, dict) and actor.get("role") in ("officer", "admin"):
        links.append({"href": "/check/alerts", "label": "Public check alerts"})
    links.append({"href": "/check", "label": "Check an identifier"})
    return links


def warm_check_index(path: str) -> None:
    """Build the public check's near-hit index (seconds at a million identifiers) before the first visitor."""
    from datasette_config.check.index import index_for

    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        try:
            index_for(conn, path)
        finally:
            conn.close()
    except sqlite3.Error:
        pass  # the first check builds it instead


@hookimpl
def startup(datasette):
    from datasette_config.constants import DATABASE_NAME

    if DATABASE_NAME in datasette.databases and datasette.databases[DATABASE_NAME].path:
        path = datasette.databases[DATABASE_NAME].path
        threading.Thread(target=warm_check_index, args=(path,), daemon=True, name="check-index").start()
