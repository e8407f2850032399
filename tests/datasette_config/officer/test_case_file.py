"""The case file zip on its own: hashes recomputed as files go in, tampered or missing files named."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import zipfile

from datasette_config.officer.case_file import build_case_file

PAGE = b"<html>Stihl MS 261, serial ST4402S889112</html>"


def version(number: int, **extra) -> dict:
    return {"id": number, "listing_id": "l1", "number": number, "source": "farm-market", "via": "crawl",
            "crawl_run_id": 7, "url": "https://farm.example/ad/1", "snapshot_path": f"snapshots/v{number}.html.gz",
            "snapshot_sha256": hashlib.sha256(PAGE).hexdigest(), "snapshot_fetched_at": "2026-11-20T02:00:00Z",
            "photos": [], **extra}


def build(tmp_path, versions, files: dict[str, bytes]):
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    match = {"id": "m1", "item_id": 1, "item": {"photos": []}, "versions": versions, "pinned": versions[-1],
             "current_version": len(versions)}
    runs = {7: {"id": 7, "source": "farm-market", "started_at": "2026-11-20T02:00:00Z", "finished_at": None,
                "status": "ok"}}

    def resolve(rel):
        return tmp_path / rel if rel and (tmp_path / rel).exists() else None

    data = build_case_file(match, {"match": {"id": "m1"}}, runs, resolve, exported_by="olivia")
    archive = zipfile.ZipFile(io.BytesIO(data))
    return archive, json.loads(archive.read("manifest.json"))


def test_pinned_version_first_and_every_hash_recorded_and_verified(tmp_path):
    photo = b"\xff\xd8 a stored photo"
    v1 = version(1)
    v2 = version(2, photos=[{"position": 1, "url": "https://cdn.example/1.jpg", "sha256": hashlib.sha256(photo).hexdigest(),
                             "path": "photos/p1.jpg", "fetched_at": "2026-11-21T02:00:00Z", "listing_photo_id": 4}])
    archive, manifest = build(tmp_path, [v1, v2], {"snapshots/v1.html.gz": gzip.compress(PAGE),
                                                   "snapshots/v2.html.gz": gzip.compress(PAGE),
                                                   "photos/p1.jpg": photo})
    paths = [f["path"] for f in manifest["files"]]
    assert paths == ["record.json", "snapshots/version-2.html", "photos/version-2/photo-1.jpg",
                     "snapshots/version-1.html"]
    assert manifest["all_verified"] and not manifest["missing"] and manifest["pinned_version"] == 2
    assert archive.read("snapshots/version-1.html") == PAGE
    entry = manifest["files"][2]
    assert entry["url"] == "https://cdn.example/1.jpg" and entry["fetched_at"] == "2026-11-21T02:00:00Z"
    assert entry["fetched_by"] == "farmwatch crawler, crawl run 7 of source farm-market"
    sums = dict(reversed(line.split("  ", 1)) for line in archive.read("SHA256SUMS").decode().splitlines())
    assert sums["manifest.json"] == hashlib.sha256(archive.read("manifest.json")).hexdigest()


def test_a_tampered_snapshot_is_marked_and_a_missing_one_named(tmp_path):
    archive, manifest = build(tmp_path, [version(1), version(2)],
                              {"snapshots/v2.html.gz": gzip.compress(PAGE.replace(b"ST4402", b"XX0000"))})
    (tampered,) = [f for f in manifest["files"] if f["path"].startswith("snapshots/")]
    assert tampered["verified"] is False and tampered["recorded_sha256"] != tampered["sha256"]
    assert not manifest["all_verified"]
    assert [m["what"] for m in manifest["missing"]] == ["snapshot of version-1"]
