"""Files behind a role check: photos, the inert evidence snapshot, and the case export."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json

from datasette.utils.asgi import Forbidden, Response

from datasette_config.csv_safety import csv_text
from datasette_config.officer.case_file import build_case_file, crawl_runs
from datasette_config.officer.export import case_record, case_rows
from datasette_config.officer.snapshot import render_with_photos
from datasette_config.officer.thumbs import thumbnail_path
from datasette_config.officer.views.match import officer_match
from datasette_config.toolkit import is_officer, not_found, read, require_officer, role_of
from registry.db import inside
from registry.listings.versions import kept_photo_path

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
            "select path, null from listing_photos where id = ?", [photo_id]).fetchone()
            or (kept_photo_path(conn, photo_id), None))  # a photo the listing no longer shows, kept in a version
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
    """The seller's page as saved: plain text by default, or rendered with scripts and requests blocked.
    `?version=N` serves the snapshot of the listing's version N (what a match saw), else the latest."""
    require_officer(request)
    listing_id = request.url_vars["listing_id"]
    version = request.args.get("version") or ""
    if version and not (version.isdigit() and len(version) < 10):
        return not_found(f'No version "{version[:20]}" of this listing: give a version number')
    row = await read(datasette, lambda conn: _snapshot_row(conn, listing_id, int(version) if version else None))
    path = inside(datasette.farmwatch_data_dir, row[0]) if row else None
    if path is None:
        return not_found("No saved snapshot for this listing" + (f" at version {version}" if version else ""))
    raw = path.read_bytes()
    html = gzip.decompress(raw) if path.name.endswith(".gz") else raw
    verified = hashlib.sha256(html).hexdigest() == row[1]
    headers = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
               "X-Frame-Options": "SAMEORIGIN", "X-Snapshot-SHA256": row[1] or "",
               "X-Snapshot-Verified": "yes" if verified else "no"}
    if version:
        headers["X-Listing-Version"] = version
    if request.args.get("view") == "rendered":
        html = await _with_saved_photos(datasette, listing_id, html, row[2], row[3])
        return Response(html, content_type="text/html; charset=utf-8",
                        headers={**headers, "Content-Security-Policy": RENDERED_CSP})
    return Response(html, content_type="text/plain; charset=utf-8",
                    headers={**headers, "Content-Security-Policy": SNAPSHOT_CSP,
                             "Content-Disposition": f'inline; filename="snapshot-{listing_id}.html.txt"'})


async def match_snapshot(request, datasette):
    """The snapshot a match rests on: a redirect to its listing's pinned version (`?view=rendered` kept)."""
    require_officer(request)
    match_id = request.url_vars["match_id"]
    row = await read(datasette, lambda conn: conn.execute(
        "select m.listing_id, coalesce(v.number, (select min(number) from listing_versions f "
        "where f.listing_id = m.listing_id)) from matches m left join listing_versions v on v.id = m.listing_version_id "
        "where m.id = ?", [match_id]).fetchone())  # a match never pinned rests on the first version (queries.versions)
    if row is None:
        return not_found(f"No match {match_id}")
    query = "&".join(q for q in (f"version={row[1]}" if row[1] else "",
                                 "view=rendered" if request.args.get("view") == "rendered" else "") if q)
    return Response.redirect(f"/listing/{row[0]}/snapshot" + (f"?{query}" if query else ""))


def _snapshot_row(conn, listing_id: str, version: int | None):
    if version is None:
        return conn.execute("select snapshot_path, snapshot_sha256, url, null from listings where id = ?",
                            [listing_id]).fetchone()
    return conn.execute("select snapshot_path, snapshot_sha256, url, id from listing_versions "
                        "where listing_id = ? and number = ?", [listing_id, version]).fetchone()


async def _with_saved_photos(datasette, listing_id: str, html: bytes, page_url: str, version_id: int | None) -> bytes:
    if version_id is None:
        sql, params = "select position, url, sha256, path from listing_photos where listing_id = ?", [listing_id]
    else:
        sql, params = "select position, url, sha256, path from listing_version_photos where version_id = ?", [version_id]
    rows = await read(datasette, lambda conn: conn.execute(sql + " order by position", params).fetchall())
    photos = [dict(zip(("position", "url", "sha256", "path"), r, strict=True)) for r in rows]
    folder = datasette.farmwatch_data_dir

    def file_for(photo: dict):
        path = inside(folder, photo["path"])
        return thumbnail_path(folder, path) if path else None

    return await asyncio.get_running_loop().run_in_executor(None, render_with_photos, html, page_url, photos,
                                                            file_for)


async def export_match(request, datasette):
    """The match with its evidence for a case file, as JSON or CSV; logged, since it carries owner contact."""
    fmt = request.url_vars["fmt"]
    opened = await officer_match(request, datasette, f"export_{fmt}")
    if isinstance(opened, Response):
        return opened
    match_id, actor = opened.match_id, opened.actor
    record = case_record(opened.match, opened.owner, exported_by=actor["id"])
    disposition = f'attachment; filename="farmwatch-match-{match_id}.{fmt}"'
    headers = {"Content-Disposition": disposition, "Cache-Control": "private, no-store"}
    if fmt == "json":
        return Response(json.dumps(record, indent=2, ensure_ascii=False), content_type="application/json",
                        headers=headers)
    text = csv_text([["section", "field", "value"], *case_rows(record)])
    return Response(text, content_type="text/csv; charset=utf-8", headers=headers)


async def case_file(request, datasette):
    """The case file zip of a match (officer_case_file): record, snapshots, photos, manifest, SHA256SUMS; logged."""
    opened = await officer_match(request, datasette, "export_case_file",
                                 also=lambda conn, match: crawl_runs(conn, match["versions"]))
    if isinstance(opened, Response):
        return opened
    match, match_id, actor, runs = opened.match, opened.match_id, opened.actor, opened.also
    record = case_record(match, opened.owner, exported_by=actor["id"])
    folder = datasette.farmwatch_data_dir
    data = await asyncio.get_running_loop().run_in_executor(
        None, lambda: build_case_file(match, record, runs, lambda rel: inside(folder, rel), exported_by=actor["id"]))
    return Response(data, content_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="farmwatch-case-{match_id}.zip"',
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})
