"""Every URL and every menu link of the workspace, in one place (registered by `plugin`)."""

from __future__ import annotations

from datasette_config.alerts.views import confirm_page, hot_sheet_page, leave_page, preview_page
from datasette_config.auth.views import login_page, logout_page
from datasette_config.check.trade_views import trade_page
from datasette_config.check.views import alerts_page, check_page
from datasette_config.farmer.views.items import (
    farmer_home,
    item_photos,
    item_recovered,
    item_stolen,
    new_item,
    photo_file,
)
from datasette_config.farmer.views.items import item_page as farmer_item_page
from datasette_config.farmer.views.owner_checks import answer_check, check_photo, checks_page
from datasette_config.farmer.views.sale import item_sold
from datasette_config.farmer.views.upload import import_example, import_page
from datasette_config.officer.views.cases import record_recovery, record_theft
from datasette_config.officer.views.clones import clones_page
from datasette_config.officer.views.files import export_match, photo, snapshot
from datasette_config.officer.views.item import item_page
from datasette_config.officer.views.match import decide, match_page
from datasette_config.officer.views.networks import export_network, network_page, networks_page
from datasette_config.officer.views.queue import queue_page
from datasette_config.officer.views.search import map_page, search_page, trends_page
from datasette_config.officer.views.sources import sources_page

_ID = r"(?P<item_id>[0-9]{1,12})"

ROUTES = [
    # sign in and out
    (r"^/-/login$", login_page),
    (r"^/-/logout$", logout_page),
    # officers
    (r"^/queue$", queue_page),
    (r"^/match/(?P<match_id>[^/.]+)\.(?P<fmt>json|csv)$", export_match),
    (r"^/match/(?P<match_id>[^/.]+)/decide$", decide),
    (r"^/match/(?P<match_id>[^/.]+)$", match_page),
    (r"^/item/(?P<item_id>[0-9]+)$", item_page),
    (r"^/item/(?P<item_id>[0-9]{1,12})/theft$", record_theft),
    (r"^/item/(?P<item_id>[0-9]{1,12})/recovered$", record_recovery),
    (r"^/clones(\.json)?$", clones_page),
    (r"^/alerts/preview(\.json)?$", preview_page),
    (r"^/photo/(?P<kind>item|listing)/(?P<photo_id>[0-9]+)\.jpg$", photo),
    (r"^/networks$", networks_page),
    (r"^/network/(?P<network_id>[0-9]+)$", network_page),
    (r"^/network/(?P<network_id>[0-9]+)\.(?P<fmt>graphml|nodes\.csv|edges\.csv)$", export_network),
    (r"^/search$", search_page),
    (r"^/map$", map_page),
    (r"^/trends$", trends_page),
    (r"^/sources(\.json)?$", sources_page),
    (r"^/listing/(?P<listing_id>[^/.]+)/snapshot$", snapshot),
    (r"^/check/alerts(\.json)?$", alerts_page),
    # anyone: the hot sheet and the buyer check; trade accounts: catalogues
    (r"^/hot-sheet$", hot_sheet_page),
    (r"^/hot-sheet/confirm$", confirm_page),
    (r"^/hot-sheet/leave$", leave_page),
    (r"^/check(\.json)?$", check_page),
    (r"^/check/trade(\.(?P<fmt>json|csv))?$", trade_page),
    # farmers
    (r"^/farmer(\.json)?$", farmer_home),
    (r"^/farmer/items/new$", new_item),
    (rf"^/farmer/items/{_ID}(\.json)?$", farmer_item_page),
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

OFFICERS = frozenset({"officer", "admin"})
ANYONE, ANONYMOUS, SIGNED_IN = "anyone", "anonymous", "signed in"

# The menu, in the order shown: (address, label, who sees it: a set of roles or one of the three words).
# `{id}` in a label is the account name.
MENU = [
    ("/farmer", "My items", frozenset({"farmer"})),
    ("/farmer/items/new", "Register an item", frozenset({"farmer"})),
    ("/farmer/import", "Upload a CSV", frozenset({"farmer"})),
    ("/farmer/checks", "Is this yours? (owner checks)", frozenset({"farmer"})),
    ("/check/alerts", "Public check alerts", OFFICERS),
    ("/check", "Check an identifier", ANYONE),
    ("/-/login", "Log in", ANONYMOUS),
    ("/queue", "Match queue", OFFICERS),
    ("/queue?queue=owner_check", "Owner checks", OFFICERS),
    ("/search", "Search the registry", OFFICERS),
    ("/networks", "Seller networks", OFFICERS),
    ("/map", "Map", OFFICERS),
    ("/trends", "Thefts and matches per week", OFFICERS),
    ("/sources", "Marketplace sources (crawl health)", OFFICERS),
    ("/clones", "Possible clones", OFFICERS),
    ("/alerts/preview", "Alert e-mails (preview)", OFFICERS),
    ("/check/trade", "Check a catalogue", frozenset({"trade", "admin"})),
    ("/-/logout", "Log out ({id})", SIGNED_IN),
]


def menu_for(actor) -> list[dict]:
    """The menu links an actor (None when not logged in) sees, in MENU's order."""
    role = actor.get("role") if isinstance(actor, dict) else None

    def sees(who) -> bool:
        if who == ANYONE:
            return True
        if who == ANONYMOUS:
            return not actor
        if who == SIGNED_IN:
            return bool(actor)
        return bool(actor) and role in who

    return [{"href": href, "label": label.format(id=actor.get("id")) if actor else label}
            for href, label, who in MENU if sees(who)]
