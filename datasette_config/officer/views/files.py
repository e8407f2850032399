"""Files behind a role check: photos, the inert evidence snapshot, and the case export."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json

from datasette.utils.asgi import Forbidden, Response

from datasette_config.access_log import log_access, owner_contact
from datasette_config.csv_safety import csv_text
from datasette_config.officer.export import case_record, case_rows
from datasette_config.officer.queries.match import load_match
from datasette_config.officer.snapshot import render_with_photos
from datasette_config.officer.thumbs import thumbnail_path
from datasette_config.toolkit import is_officer, not_found, read, require_officer, role_of, write
from registry.db import inside

SNAPSHOT_CSP = "sandbox; default-src 'none'; frame-ancestors 'self'"
RENDERED_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"  # framed: X-Frame-Options SAMEORIGIN


async def photo(request, datasette):
    """A registered photo (officers, or the farmer who owns the item) or a listing photo (officers)."""
    kind, photo_id = request.url_vars["kind"], int(request.url_vars["photo_id"])
    actor = request.actor or {}
    if kind == "item":
        row = await read(datasette, lambda conn: conn.execute(
            "select p.path, i.owner_id from photos p join items i on i.id = p.item_id where p.id = ?",
            [photo_id]).fetchone())
        owner_ok = row is not None and role_of(request) == "farmer" and actor.get("owner_id") == row[1]
        if not (is_officer(request) or owner_ok):
            raise Forbidden("Photos are shown to officers and to the item's owner")
    else:
        require_officer(request)
        row = await read(datasette, lambda conn: conn.execute(
            "select path, null from listing_photos where id = ?", [photo_id]).fetchone())
    path = inside(datasette.farmwatch_data_dir, row[0]) if row else None
    if path is None:
        return not_found("No such photo")
    if request.args.get("size") == "thumb":
        folder = datasette.farmwatch_data_dir
        path = await asyncio.get_running_loop().run_in_executor(None, thumbnail_path, folder, path)
    return Response(path.read_bytes(), content_type="image/jpeg",
                    headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff",
                             "Content-Security-Policy": "default-src 'none'; sandbox"})


async def snapshot(request, datasette):
    """The seller's page as saved: plain text by default, or rendered with scripts and requests blocked."""
    require_officer(request)
    listing_id = request.url_vars["listing_id"]
    row = await read(datasette, lambda conn: conn.execute(
        "select snapshot_path, snapshot_sha256, url from listings where id = ?", [listing_id]).fetchone())
    path = inside(datasette.farmwatch_data_dir, row[0]) if row else None
    if path is None:
        return not_found("No saved snapshot for this listing")
    raw = path.read_bytes()
    html = gzip.decompress(raw) if path.name.endswith(".gz") else raw
    verified = hashlib.sha256(html).hexdigest() == row[1]
    headers = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
               "X-Frame-Options": "SAMEORIGIN", "X-Snapshot-SHA256": row[1] or "",
               "X-Snapshot-Verified": "yes" if verified else "no"}
    if request.args.get("view") == "rendered":
        html = await _with_saved_photos(datasette, listing_id, html, row[2])
        return Response(html, content_type="text/html; charset=utf-8",
                        headers={**headers, "Content-Security-Policy": RENDERED_CSP})
    return Response(html, content_type="text/plain; charset=utf-8",
                    headers={**headers, "Content-Security-Policy": SNAPSHOT_CSP,
                             "Content-Disposition": f'inline; filename="snapshot-{listing_id}.html.txt"'})


async def _with_saved_photos(datasette, listing_id: str, html: bytes, page_url: str) -> bytes:
    rows = await read(datasette, lambda conn: conn.execute(
        "select position, url, sha256, path from listing_photos where listing_id = ? order by position",
        [listing_id]).fetchall())
    photos = [dict(zip(("position", "url", "sha256", "path"), r, strict=True)) for r in rows]
    folder = datasette.farmwatch_data_dir

    def file_for(photo: dict):
        path = inside(folder, photo["path"])
        return thumbnail_path(folder, path) if path else None

    return await asyncio.get_running_loop().run_in_executor(None, render_with_photos, html, page_url, photos,
                                                            file_for)


async def export_match(request, datasette):
    """The match with its evidence for a case file, as JSON or CSV; logged, since it carries owner contact."""
    actor = require_officer(request)
    match_id, fmt = request.url_vars["match_id"], request.url_vars["fmt"]
    match = await read(datasette, lambda conn: load_match(conn, match_id))
    if match is None:
        return not_found(f"No match {match_id}")
    owner_id = match["item"]["owner_id"] if match["item"] else None

    def contact_and_log(conn):
        contact = owner_contact(conn, owner_id)
        log_access(conn, actor, f"export_{fmt}", f"match:{match_id}", owner_id=owner_id, path=request.path)
        return contact

    owner = await write(datasette, contact_and_log)
    record = case_record(match, owner, exported_by=actor["id"])
    disposition = f'attachment; filename="farmwatch-match-{match_id}.{fmt}"'
    headers = {"Content-Disposition": disposition, "Cache-Control": "private, no-store"}
    if fmt == "json":
        return Response(json.dumps(record, indent=2, ensure_ascii=False), content_type="application/json",
                        headers=headers)
    text = csv_text([["section", "field", "value"], *case_rows(record)])
    return Response(text, content_type="text/csv; charset=utf-8", headers=headers)
