"""Every URL the farmwatch plugin adds, in one place."""

from __future__ import annotations

from datasette_config.alerts.views import confirm_page, hot_sheet_page, leave_page, preview_page
from datasette_config.auth.views import login_page, logout_page
from datasette_config.check.trade_views import trade_page
from datasette_config.officer.views.cases import record_recovery, record_theft
from datasette_config.officer.views.clones import clones_page
from datasette_config.officer.views.files import export_match, photo, snapshot
from datasette_config.officer.views.networks import export_network, network_page, networks_page
from datasette_config.officer.views.queue import decide, item_page, match_page, queue_page, share
from datasette_config.officer.views.search import basemap_page, map_page, search_page, trends_page
from datasette_config.pages import home_page

ROUTES = [
    (r"^/$", home_page),
    (r"^/-/login$", login_page),
    (r"^/-/logout$", logout_page),
    (r"^/queue$", queue_page),
    (r"^/match/(?P<match_id>[^/.]+)\.(?P<fmt>json|csv)$", export_match),
    (r"^/match/(?P<match_id>[^/.]+)/decide$", decide),
    (r"^/match/(?P<match_id>[^/.]+)/share$", share),
    (r"^/match/(?P<match_id>[^/.]+)$", match_page),
    (r"^/item/(?P<item_id>[0-9]+)$", item_page),
    (r"^/item/(?P<item_id>[0-9]{1,12})/theft$", record_theft),
    (r"^/item/(?P<item_id>[0-9]{1,12})/recovered$", record_recovery),
    (r"^/clones(\.json)?$", clones_page),
    (r"^/alerts/preview(\.json)?$", preview_page),
    (r"^/hot-sheet$", hot_sheet_page),
    (r"^/hot-sheet/confirm$", confirm_page),
    (r"^/hot-sheet/leave$", leave_page),
    (r"^/check/trade(\.(?P<fmt>json|csv))?$", trade_page),
    (r"^/photo/(?P<kind>item|listing)/(?P<photo_id>[0-9]+)\.jpg$", photo),
    (r"^/networks$", networks_page),
    (r"^/network/(?P<network_id>[0-9]+)$", network_page),
    (r"^/network/(?P<network_id>[0-9]+)\.(?P<fmt>graphml|nodes\.csv|edges\.csv)$", export_network),
    (r"^/search$", search_page),
    (r"^/map(\.json)?$", map_page),
    (r"^/map/basemap\.json$", basemap_page),
    (r"^/trends$", trends_page),
    (r"^/listing/(?P<listing_id>[^/.]+)/snapshot$", snapshot),
]
