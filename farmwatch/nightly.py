"""The nightly run: crawl every enabled source, match, update seller networks, alert, and report.

Unattended by design: a run lock refuses overlap (and cannot be left stuck by a crash), a
failing source does not stop the others, every step's outcome lands in `nightly_runs` and in
a rotating log file, and the exit status says whether anything failed.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import time
from pathlib import Path

from sqlite_utils import Database

from farmwatch.lock import RunLock
from registry.db import data_dir, utcnow
from spiders.health.report import summary_lines

log = logging.getLogger("farmwatch.nightly")


def setup_logging(data_folder: Path) -> Path:
    """Log to data/logs/farmwatch.log, rotated at 5 MB with 7 old files kept."""
    folder = Path(data_folder) / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "farmwatch.log"
    root = logging.getLogger("farmwatch")
    if not any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=5 * 2**20, backupCount=7, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    return path


def lock_path(db: Database) -> Path:
    return data_dir(db) / "nightly.lock"


def run_nightly(db: Database, db_path: Path, *, sources: list[str] | None = None, sources_file: str | None = None,
                fast: bool = False, alerts: bool = True, progress=None) -> dict:
    """One whole nightly run under the run lock; returns the report (also stored in nightly_runs)."""
    from alerts.settings import load_settings

    with RunLock(lock_path(db)):
        started = time.monotonic()
        run_id = db["nightly_runs"].insert({"started_at": utcnow(), "status": "running"}).last_pk
        report: dict = {"run_id": run_id, "started_at": db["nightly_runs"].get(run_id)["started_at"],
                        "sources": [], "matching": {}, "networks": {}, "federation": {}, "alerts": {}, "errors": []}
        log.info("nightly run %s started", run_id)
        _federation(db, report)  # peers' new stolen items, matched tonight with our own
        report["sources"] = _crawl(db_path, sources, sources_file, fast, report["errors"], progress)
        report["matching"] = _match(db, report["errors"], progress)
        report["networks"] = _networks(db, report["errors"])
        _federation(db, report)  # tonight's hits on peers' items reach them
        if alerts:
            try:
                from alerts.compose import send_alerts

                report["alerts"] = send_alerts(db, load_settings(data_dir(db)))
                report["errors"].extend(f"alerts: {e}" for e in report["alerts"].get("errors", []))
            except Exception as exc:  # alerts never undo a finished crawl and match
                report["errors"].append(f"alerts: {exc}")
        failed_sources = [s["source"] for s in report["sources"] if s.get("status") != "ok"]
        report["status"] = "failed" if (failed_sources or report["errors"]) else "ok"
        report["finished_at"] = utcnow()
        report["seconds"] = round(time.monotonic() - started, 1)
        db["nightly_runs"].update(run_id, {"finished_at": report["finished_at"], "status": report["status"],
                                           "report": json.dumps(report)})
        log.info("nightly run %s finished: %s in %.1f s", run_id, report["status"], report["seconds"])
        for error in report["errors"]:
            log.warning("nightly run %s: %s", run_id, error)
        return report


def _crawl(db_path, sources, sources_file, fast, errors: list, progress) -> list[dict]:
    try:
        from spiders.runner import run_crawl

        summaries = run_crawl(str(db_path), sources or None, sources_file=sources_file, fast=fast, progress=progress)
    except Exception as exc:
        errors.append(f"crawl: {exc}")
        return []
    for summary in summaries:
        if summary.get("status") != "ok":
            errors.append(f"source {summary.get('source')} failed: {summary.get('cause') or 'see its error log'} "
                          f"({summary.get('errors', 0)} errors, crawl run {summary.get('id')})")
    return summaries


def _match(db: Database, errors: list, progress) -> dict:
    try:
        from matching.pipeline import match_listings, release_match_memory

        try:
            result = match_listings(db, progress=progress)
        finally:
            release_match_memory()  # the networks step after it starts without matching's indexes
        return result.as_dict() if hasattr(result, "as_dict") else dict(result)
    except Exception as exc:
        errors.append(f"match: {exc.__class__.__name__}: {exc}")
        return {}


def _federation(db: Database, report: dict) -> None:
    """Sync with the peer registers. A peer that is down or answers nonsense is reported in
    report['federation']['peer_errors'] (and the log), never fails the night: its items and notices
    wait for the next sync."""
    try:
        from registry.federation.sync import sync_all

        if not db.execute("select 1 from peers limit 1").fetchone():
            return
        result = sync_all(db)
    except Exception as exc:
        report["federation"] = {"peer_errors": [f"federation: {exc.__class__.__name__}: {exc}"]}
        return
    previous = report.get("federation") or {}
    pulled = [p.get("pulled", {}) for p in result["peers"]]
    pushed = [p.get("pushed", {}) for p in result["peers"]]
    report["federation"] = {
        "peers": len(result["peers"]),
        "stolen_received": previous.get("stolen_received", 0) + sum(p.get("stolen", 0) for p in pulled),
        "withdrawn": previous.get("withdrawn", 0) + sum(p.get("withdrawn", 0) for p in pulled),
        "hits_sent": previous.get("hits_sent", 0) + sum(p.get("sent", 0) for p in pushed),
        "peer_errors": result["errors"],
    }
    for error in result["errors"]:
        log.warning("federation: %s", error)


def _networks(db: Database, errors: list) -> dict:
    try:
        from matching.networks.update import update_networks

        result = update_networks(db).as_dict()
        return {key: result[key] for key in ("listings", "networks", "networks_new", "listings_joining_flagged")}
    except Exception as exc:
        errors.append(f"networks: {exc.__class__.__name__}: {exc}")
        return {}


SOURCE_COLUMNS = (("source", "source"), ("status", "status"), ("pages", "pages"), ("listings_new", "new"),
                  ("listings_changed", "changed"), ("listings_removed", "removed"), ("photos_stored", "photos"),
                  ("photos_seen", "seen"), ("errors", "errors"))


def format_report(report: dict, *, table: bool) -> str:
    """A table for a terminal, or plain `key=value` lines that read well in cron mail and logs."""
    lines = []
    matching = report.get("matching") or {}
    if table:
        widths = [max(len(title), *(len(str(s.get(key, ""))) for s in report["sources"])) if report["sources"]
                  else len(title) for key, title in SOURCE_COLUMNS]
        lines.append(f"Nightly run {report['run_id']}: {report['status'].upper()} in {report.get('seconds', 0)} s")
        lines.append("  ".join(t.ljust(w) for (_, t), w in zip(SOURCE_COLUMNS, widths, strict=True)))
        lines.append("  ".join("-" * w for w in widths))
        for s in report["sources"]:
            lines.append("  ".join(str(s.get(k, "")).ljust(w) for (k, _), w in zip(SOURCE_COLUMNS, widths, strict=True)))
        for s in report["sources"]:
            lines.extend(f"{s.get('source')}:{line}" for line in summary_lines(s)[1:])
        if matching:
            lines.append("")
            lines.append("Matching: " + ", ".join(f"{k} {v}" for k, v in _flat(matching)))
        networks = report.get("networks") or {}
        if networks:
            lines.append(f"Networks: {networks.get('networks', 0)} of two or more sellers "
                         f"({networks.get('networks_new', 0)} new); {networks.get('listings_joining_flagged', 0)} "
                         "new listings joined a network with a confirmed or strong match")
        federation = report.get("federation") or {}
        if federation:
            lines.append(f"Federation: {federation.get('peers', 0)} peer(s), {federation.get('stolen_received', 0)} "
                         f"stolen items received, {federation.get('withdrawn', 0)} withdrawn, "
                         f"{federation.get('hits_sent', 0)} hit notices sent")
            lines.extend(f"  peer not synced (caught up next time): {e}" for e in federation.get("peer_errors", []))
        alerts = report.get("alerts") or {}
        if alerts:
            lines.append(f"Alerts: {alerts.get('sent', 0)} sent, {alerts.get('failed', 0)} failed")
        for error in report["errors"]:
            lines.append(f"! {error}")
    else:
        lines.append(f"nightly run={report['run_id']} status={report['status']} seconds={report.get('seconds', 0)}")
        for s in report["sources"]:
            lines.append("source " + " ".join(f"{k}={s.get(k, '')}" for k, _ in SOURCE_COLUMNS))
            for key in ("refusals", "failures"):
                if s.get(key):
                    lines.append(f"source={s.get('source')} {key} "
                                 + " ".join(f"{k.replace(' ', '_')}={v}" for k, v in s[key].items()))
            if s.get("status") != "ok" and s.get("cause"):
                lines.append(f"source={s.get('source')} cause={s['cause']}")
        if matching:
            lines.append("matching " + " ".join(f"{k}={v}" for k, v in _flat(matching)))
        networks = report.get("networks") or {}
        if networks:
            lines.append("networks " + " ".join(f"{k}={v}" for k, v in networks.items()))
        federation = report.get("federation") or {}
        if federation:
            lines.append("federation " + " ".join(f"{k}={v}" for k, v in federation.items() if k != "peer_errors"))
            lines.extend(f"warning federation {e}" for e in federation.get("peer_errors", []))
        alerts = report.get("alerts") or {}
        if alerts:
            lines.append(f"alerts sent={alerts.get('sent', 0)} failed={alerts.get('failed', 0)}")
        lines.extend(f"error {e}" for e in report["errors"])
    return "\n".join(lines)


def _flat(data: dict, prefix: str = "") -> list[tuple[str, object]]:
    out = []
    for key, value in data.items():
        if isinstance(value, dict):
            out.extend(_flat(value, f"{prefix}{key}."))
        elif not isinstance(value, list):
            out.append((f"{prefix}{key}", value))
    return out
