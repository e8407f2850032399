"""Alert e-mails on the web: officers and admins preview them (/alerts/preview); anyone may ask
for the daily hot sheet, confirmed by a link e-mailed to them, and leave it (/hot-sheet).

The e-mails are composed by `alerts.compose` exactly as `farmwatch alerts send` composes them;
the confirmation e-mail is sent at once through the SMTP settings of `farmwatch.toml` (or the
environment). Following a link only shows a button: the confirmation or the leaving happens on
the POST, so a mail scanner that opens links changes nothing.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import defaultdict, deque

from datasette.utils.asgi import Response
from sqlite_utils import Database

from alerts.compose import KINDS, confirmation_message, preview_alerts
from alerts.mail import send_messages
from alerts.settings import ConfigError, load_settings
from datasette_config.toolkit import page, read, render, requester_address, require_officer, write_db
from registry.accounts.subscriptions import (
    SubscriptionError,
    confirm_subscription,
    leave_subscription,
    request_subscription,
)
from registry.places.areas import FORCE_AREAS
from registry.places.groups import force_groups


class RequestLimit:
    """At most `requests` subscription requests per address per window, counted in this process's
    memory (a confirmation e-mail per request goes to any address typed, so one visitor must not
    make the server mail hundreds of strangers; the per-address-and-area limit of
    registry.subscriptions stops repeats to one mailbox). FARMWATCH_HOT_SHEET_LIMIT=REQUESTS/SECONDS."""

    def __init__(self, requests: int = 5, window_seconds: int = 3600):
        self.requests, self.window_seconds = requests, window_seconds
        self._seen: dict[str, deque] = defaultdict(deque)

    @classmethod
    def from_env(cls) -> RequestLimit:
        try:
            requests, seconds = (int(p) for p in os.environ.get("FARMWATCH_HOT_SHEET_LIMIT", "").split("/"))
            if requests > 0 and seconds > 0:
                return cls(requests, seconds)
        except ValueError:
            pass
        return cls()

    def allow(self, address: str, now: float | None = None) -> bool:
        """Count one request from `address`; False when it is over the limit (not counted then)."""
        now = time.monotonic() if now is None else now
        seen = self._seen[address]
        while seen and seen[0] <= now - self.window_seconds:
            seen.popleft()
        if len(seen) >= self.requests:
            return False
        seen.append(now)
        if len(self._seen) > 10000:  # forget idle addresses
            for key in [k for k, v in self._seen.items() if not v]:
                del self._seen[key]
        return True


REQUESTS = RequestLimit.from_env()
KIND_TITLES = {"officer_digest": "Officers' digest of new matches", "owner_check": "Owner checks to farmers",
               "hot_sheet": "Hot sheet of new thefts"}


def _settings(datasette):
    return load_settings(datasette.farmwatch_data_dir)


async def preview_page(request, datasette):
    """GET /alerts/preview (`.json`): every e-mail the next send would send, by kind; sends nothing."""
    require_officer(request)
    try:
        settings = _settings(datasette)
    except ConfigError as exc:
        return Response.text(f"The e-mail settings cannot be read: {exc}", status=500)
    preview = await read(datasette, lambda conn: preview_alerts(Database(conn), settings))
    if request.path.endswith(".json"):
        return Response.json({"ok": True, **{kind: [vars(m) for m in preview[kind]] for kind in KINDS}})
    sections = [{"kind": kind, "title": KIND_TITLES[kind], "messages": preview[kind]} for kind in KINDS]
    return await render(datasette, request, "alerts/preview.html",
                        {"sections": sections, "smtp_configured": settings.smtp.configured})


async def hot_sheet_page(request, datasette):
    """GET: the subscription form. POST email, force_area (optional), organisation: a pending
    subscription and a confirmation e-mail (at most one an hour per address and area)."""
    groups = list(force_groups())
    context = {"areas": FORCE_AREAS, "groups": groups, "form": {}, "error": None, "done": None}
    if request.method != "POST":
        return await page(datasette, request, "alerts/hot_sheet.html", context)
    form = await request.post_vars()
    context["form"] = {k: (form.get(k) or "")[:200] for k in ("email", "force_area", "organisation")}
    if not REQUESTS.allow(requester_address(request)):
        context["error"] = ("Too many subscription requests from your address: try again in an hour. "
                            "Each request e-mails a confirmation link, so they are limited.")
        return await page(datasette, request, "alerts/hot_sheet.html", context, status=429,
                          headers={"retry-after": str(REQUESTS.window_seconds)})
    area = form.get("force_area") or None
    if area and area not in FORCE_AREAS and area not in groups:
        context["error"] = f'"{area[:60]}" is not a police force area or group'
        return await page(datasette, request, "alerts/hot_sheet.html", context, status=400)
    try:
        outcome = await write_db(datasette, lambda db: request_subscription(db, form.get("email"), area,
                                                                             form.get("organisation")))
    except SubscriptionError as exc:
        context["error"] = str(exc)
        return await page(datasette, request, "alerts/hot_sheet.html", context, status=400)
    if outcome.status == "pending":
        try:
            settings = _settings(datasette)
        except ConfigError:
            settings = None
        result = {"sent": 0} if settings is None else await asyncio.get_running_loop().run_in_executor(
            None, send_messages, settings, [confirmation_message(settings, outcome)])
        if not result["sent"]:
            context["error"] = ("The confirmation e-mail could not be sent (e-mail is not working on this server "
                                "just now). Try again later.")
            return await page(datasette, request, "alerts/hot_sheet.html", context, status=503)
    context["done"], context["form"]["email"] = outcome.status, outcome.email
    return await page(datasette, request, "alerts/hot_sheet.html", context)


async def _token_page(request, datasette, action, template_state: str):
    token = (request.args.get("token") or "")[:100]
    if request.method != "POST":
        return await page(datasette, request, "alerts/hot_sheet_token.html", {"token": token, "state": template_state,
                                                                       "result": None})
    form = await request.post_vars()
    result = await write_db(datasette, lambda db: action(db, (form.get("token") or "")[:100]))
    status = 200 if result else 404
    return await page(datasette, request, "alerts/hot_sheet_token.html",
                      {"token": "", "state": template_state, "result": result, "done": True}, status=status)


async def confirm_page(request, datasette):
    """GET /hot-sheet/confirm?token=: a button; POST token: confirm the subscription."""
    return await _token_page(request, datasette, confirm_subscription, "confirm")


async def leave_page(request, datasette):
    """GET /hot-sheet/leave?token=: a button; POST token: end the subscription."""
    return await _token_page(request, datasette, leave_subscription, "leave")
