"""`farmwatch nightly` fails by name when a source is silently empty: the exit status, the printed
report and the stored run report all name the source and the likely cause."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from tests.spiders.fixture_sites import SETTINGS, ad_page, index_page, serve

ROOT = Path(__file__).resolve().parents[2]


def test_nightly_names_a_source_whose_robots_txt_forbids_everything(tmp_path):
    open_site = serve({"/": (200, "text/html", index_page(["/ad/1"])), "/ad/1": (200, "text/html", ad_page("Trailer"))})
    closed = serve({"/robots.txt": (200, "text/plain", "User-agent: *\nDisallow: /\n"),
                    "/": (200, "text/html", index_page(["/ad/1"]))})
    sources = tmp_path / "sources.yaml"
    sources.write_text(yaml.safe_dump({"sources": [
        {"name": "open-market", "kind": "structured", "start_urls": [f"http://127.0.0.1:{open_site.port}/"],
         "settings": SETTINGS},
        {"name": "closed-market", "kind": "structured", "start_urls": [f"http://127.0.0.1:{closed.port}/"],
         "settings": SETTINGS}]}))
    db_path = tmp_path / "fw.db"
    run = [sys.executable, "-m", "farmwatch.cli", "--db", str(db_path), "nightly", "--sources", str(sources), "--fast",
           "--no-alerts"]
    proc = subprocess.run(run, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "source=closed-market cause=no listing: robots.txt forbids everything" in proc.stdout
    assert "error source closed-market failed: no listing: robots.txt forbids everything" in proc.stdout
    report = json.loads(subprocess.run([sys.executable, "-c", (
        "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("
        "'select report from nightly_runs').fetchone()[0])"), str(db_path)], capture_output=True, text=True).stdout)
    by_source = {s["source"]: s for s in report["sources"]}
    assert by_source["open-market"]["status"] == "ok" and by_source["open-market"]["listings_new"] == 1
    assert by_source["closed-market"]["status"] == "failed"
    assert "robots.txt forbids everything" in by_source["closed-market"]["cause"]
