"""The case file of a match as one zip: the record, every listing version's snapshot and photos, the
registered photos, a manifest giving the chain of custody of each file, and SHA256SUMS.

The chain of custody of a file says what it is, who or what fetched it (the crawl run and source,
or a listings import), from which address, when, and its SHA-256 as recorded at the time; each
file's bytes are hashed again as they go into the zip and the manifest says whether they still
agree (`verified`). A file missing from disk is listed under `missing`, never silently left out.
The pinned version (what the match saw) comes first. `sha256sum -c SHA256SUMS` checks the zip's
files after unpacking.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

from registry.clock import utcnow

CRAWL_RUN_COLUMNS = ("id", "source", "started_at", "finished_at", "status")


def fetched_by(version: dict, runs: dict[int, dict]) -> dict:
    """Who or what saw a version: the crawl run (with its source and times) or the import route."""
    run = runs.get(version.get("crawl_run_id"))
    if version.get("via") == "crawl" and run:
        return {"by": f"farmwatch crawler, crawl run {run['id']} of source {run['source']}", "crawl_run": run}
    if version.get("via") == "import":
        return {"by": "farmwatch listings import (an operator loaded the record)", "crawl_run": None}
    return {"by": f"farmwatch ({version.get('via') or 'unknown route'})", "crawl_run": run}


def crawl_runs(conn, versions: list[dict]) -> dict[int, dict]:
    """The crawl_runs rows the versions name, by id."""
    ids = sorted({v["crawl_run_id"] for v in versions if v.get("crawl_run_id") is not None})
    if not ids:
        return {}
    rows = conn.execute(f"select {', '.join(CRAWL_RUN_COLUMNS)} from crawl_runs where id in ({','.join('?' * len(ids))})",
                        ids).fetchall()
    return {r[0]: dict(zip(CRAWL_RUN_COLUMNS, r, strict=True)) for r in rows}


def build_case_file(match: dict, record: dict, runs: dict[int, dict], resolve: Callable[[str | None], Path | None],
                    *, exported_by: str) -> bytes:
    """The zip's bytes. `match` is a loaded match (queries.match.load_match), `record` its case record
    (export.case_record), `resolve` maps a stored relative path to a file inside the data folder (or None)."""
    files, missing, blobs = [], [], {}

    def add(path: str, data: bytes, recorded: str | None, **custody) -> None:
        digest = hashlib.sha256(data).hexdigest()
        blobs[path] = data
        files.append({"path": path, "sha256": digest, "bytes": len(data), "recorded_sha256": recorded,
                      "verified": recorded is None or recorded == digest, **custody})

    record_bytes = json.dumps(record, indent=2, ensure_ascii=False).encode()
    add("record.json", record_bytes, None, what="the case record: match, decisions, item, listing as seen, versions")
    pinned = match.get("pinned")
    versions = sorted(match.get("versions") or [], key=lambda v: (pinned is None or v["id"] != pinned["id"], v["number"]))
    for version in versions:
        label = f"version-{version['number']}"
        role = "the version the match rests on" if pinned and version["id"] == pinned["id"] else "a later or earlier version"
        who = fetched_by(version, runs)
        common = {"listing_id": version["listing_id"], "listing_version": version["number"], "version_role": role,
                  "source": version["source"], "fetched_by": who["by"], "crawl_run": who["crawl_run"]}
        if version.get("snapshot_sha256"):
            path = resolve(version.get("snapshot_path"))
            if path is None or not path.is_file():
                missing.append({"what": f"snapshot of {label}", "sha256": version["snapshot_sha256"], **common})
            else:
                raw = path.read_bytes()
                html = gzip.decompress(raw) if path.name.endswith(".gz") else raw
                add(f"snapshots/{label}.html", html, version["snapshot_sha256"],
                    what=f"the listing page as fetched ({label}), saved as evidence", url=version["url"],
                    fetched_at=version.get("snapshot_fetched_at"), **common)
        for photo in version.get("photos") or []:
            if not photo.get("sha256"):
                missing.append({"what": f"photo {photo['position']} of {label}: never stored ({photo.get('error')})",
                                "url": photo.get("url"), **common})
                continue
            path = resolve(photo.get("path"))
            if path is None or not path.is_file():
                missing.append({"what": f"photo {photo['position']} of {label}", "sha256": photo["sha256"], **common})
                continue
            add(f"photos/{label}/photo-{photo['position']}.jpg", path.read_bytes(), photo["sha256"],
                what=f"listing photo {photo['position']} of {label} (stored copy, metadata stripped)",
                url=photo.get("url"), fetched_at=photo.get("fetched_at"), listing_photo_id=photo.get("listing_photo_id"),
                **common)
    for photo in (match.get("item") or {}).get("photos") or []:
        path = resolve(photo.get("path"))
        if path is None or not path.is_file():
            missing.append({"what": f"registered photo {photo['position']}", "sha256": photo.get("sha256")})
            continue
        add(f"registered/photo-{photo['position']}.jpg", path.read_bytes(), photo.get("sha256"),
            what=f"registered photo {photo['position']} of item {match.get('item_id')}",
            fetched_by="the owner's registration (stored copy, metadata stripped)")
    manifest = {"case_file_for": f"match {match['id']}", "exported_at": utcnow(), "exported_by": exported_by,
                "pinned_version": pinned["number"] if pinned else None,
                "current_version": match.get("current_version"), "files": files, "missing": missing,
                "all_verified": all(f["verified"] for f in files)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in blobs.items():
            archive.writestr(path, data)
        manifest_bytes = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
        archive.writestr("manifest.json", manifest_bytes)
        sums = [f"{f['sha256']}  {f['path']}" for f in files]
        sums.append(f"{hashlib.sha256(manifest_bytes).hexdigest()}  manifest.json")
        archive.writestr("SHA256SUMS", "\n".join(sums) + "\n")
    return buffer.getvalue()
