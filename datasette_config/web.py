"""Small helpers shared by the workspace views: roles, database access, client details."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from datasette.utils.asgi import Forbidden, Response

from datasette_config.constants import DATABASE_NAME, OFFICER_ROLES


def role_of(request) -> str | None:
    actor = request.actor or {}
    return actor.get("role") if isinstance(actor, dict) else None


def is_officer(request) -> bool:
    return role_of(request) in OFFICER_ROLES


def require_officer(request) -> dict:
    """The officer's actor, or Forbidden (which the forbidden hook turns into a login redirect)."""
    if not is_officer(request):
        raise Forbidden("Officers only: log in with an officer account")
    return request.actor


async def read(datasette, fn: Callable[[Any], Any]):
    """Run fn(conn) on a read connection of the farmwatch database."""
    return await datasette.get_database(DATABASE_NAME).execute_fn(fn)


async def write(datasette, fn: Callable[[Any], Any]):
    """Run fn(conn) in the database's write thread, inside one transaction."""
    return await datasette.get_database(DATABASE_NAME).execute_write_fn(fn, transaction=True)


def client_address(request) -> str | None:
    client = request.scope.get("client")
    return client[0] if client else None


def is_https(datasette, request) -> bool:
    return request.scheme == "https" or bool(datasette.setting("force_https_urls"))


def not_found(message: str = "Not found") -> Response:
    return Response.text(message, status=404)


def safe_next(value: str | None) -> str:
    """Only same-site paths may follow a login, never another host."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"
