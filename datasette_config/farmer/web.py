"""Helpers for the farmer and public-check views: who is asking, database calls, uploads, responses."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from datasette.utils.asgi import BadRequest, Forbidden, Response
from datasette.utils.multipart import FormData
from sqlite_utils import Database

from datasette_config.web import client_address, read, write
from registry.db import FarmDatabase

FARMER_ONLY = "Farmer accounts only: log in with your farmer account"


def farmer_actor(request) -> dict:
    """The logged-in farmer (role farmer with an owner record), or Forbidden.

    The owner id used by every farmer page comes from here, i.e. from the server-side
    session, and never from the URL, the query string or a form field.
    """
    actor = request.actor
    if (not isinstance(actor, dict) or actor.get("role") != "farmer"
            or not isinstance(actor.get("owner_id"), int)):
        raise Forbidden(FARMER_ONLY)
    return actor


async def read_db(datasette, fn: Callable[[Database], Any]):
    """fn(Database) on a read connection."""
    return await read(datasette, lambda conn: fn(Database(conn)))


async def write_db(datasette, fn: Callable[[Database], Any]):
    """fn(Database) in the write thread, in one transaction (rolled back if fn raises)."""
    return await write(datasette, lambda conn: fn(FarmDatabase(conn)))


async def read_form(request, *, max_file_size: int, max_files: int):
    """The posted form with its files; (form, None) or (None, a message for the person uploading)."""
    if not request.headers.get("content-type"):
        return FormData(), None  # an empty POST: an empty form, not an error
    try:
        form = await request.form(files=True, max_file_size=max_file_size, max_files=max_files,
                                  max_request_size=max_file_size * max_files + 2 * 2**20)
    except BadRequest as exc:
        reason = str(exc)
        known = {
            "File too large": f"a file is over the {max_file_size // 2**20} MB limit",
            "Request body too large": "the upload is too large altogether: send fewer files at a time",
            "Too many files": f"at most {max_files} file(s) at a time",
            "Field value too large": "a field is far too long (over 100 KB)",
        }
        return None, known.get(reason, f"the form could not be read ({reason[:120]})")
    return form, None


async def uploaded_files(form, field: str) -> list[tuple[str, bytes]]:
    """(file name, bytes) for each file chosen in the field; empty file inputs are skipped."""
    files = []
    for value in form.getlist(field) if form else []:
        if isinstance(value, str) or not getattr(value, "filename", None):
            continue
        data = await value.read()
        if data:
            files.append((os.path.basename(value.filename.replace("\\", "/"))[:200] or "upload", data))
    return files


def wants_json(request) -> bool:
    return request.path.endswith(".json")


def requester_address(request) -> str:
    """The visitor's address (behind a trusted proxy, the one it forwarded: datasette_config.proxies)."""
    return client_address(request) or "unknown"


async def page(datasette, request, template: str, context: dict, status: int = 200,
               headers: dict | None = None) -> Response:
    html = await datasette.render_template(template, context, request=request)
    return Response.html(html, status=status, headers=headers)


def json_error(message: str, status: int, headers: dict | None = None) -> Response:
    return Response.json({"ok": False, "error": message}, status=status, headers=headers)
