"""Commands that span the packages: nightly, backup, alerts and demo."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from registry.db import connect, data_dir, resolve_db_path
from registry.errors import CommandError


def cmd_nightly(args) -> int:
    from farmwatch.lock import AlreadyRunning
    from farmwatch.nightly import format_report, run_nightly, setup_logging

    db_path = resolve_db_path(args.db)
    db = connect(db_path)
    setup_logging(data_dir(db))
    progress = _progress_printer() if sys.stderr.isatty() and not args.json else None
    try:
        report = run_nightly(db, db_path, sources=args.source, sources_file=args.sources, fast=args.fast,
                             alerts=not args.no_alerts, progress=progress)
    except AlreadyRunning as exc:
        raise CommandError(f"refused: {exc}", status=75) from None
    if progress:
        sys.stderr.write("\r\033[K")
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        print(format_report(report, table=sys.stdout.isatty()))
    return 0 if report["status"] == "ok" else 1


def describe_progress(*event) -> str:
    """One line for either kind of progress event: a crawl's {source, pages, ...} or the matcher's (done, total)."""
    if len(event) == 1 and isinstance(event[0], dict):
        e = event[0]
        seen = sum(e.get(k, 0) for k in ("listings_new", "listings_changed", "listings_unchanged"))
        return (f"crawling {e.get('source', '?')}: {e.get('pages', 0)} pages, {seen} listings, "
                f"{e.get('photos_stored', 0)} photos, {e.get('errors', 0)} errors")
    if len(event) == 2:
        return f"matching: {event[0]:,}/{event[1]:,} listings"
    return " ".join(str(x) for x in event)


def _progress_printer():
    def show(*event) -> None:
        sys.stderr.write(f"\r\033[K{describe_progress(*event)[:120]}")
        sys.stderr.flush()

    return show


def cmd_backup(args) -> int:
    from registry.backup import backup_database

    db = connect(args.db)
    result = backup_database(db, Path(args.path), with_files=args.with_files)
    files = f", {result['files_copied']} photo/snapshot files copied" if args.with_files else ""
    print(f"Backed up to {result['path']} ({result['bytes'] / 2**20:.1f} MB){files}")
    return 0


def cmd_alerts_send(args) -> int:
    from alerts.compose import send_alerts
    from alerts.settings import load_settings

    db = connect(args.db)
    result = send_alerts(db, load_settings(data_dir(db)), hot_sheet=not args.no_hot_sheet, dry_run=args.dry_run)
    print(f"{result['prepared']} alert e-mails prepared, {result['sent']} sent, {result['failed']} failed")
    for error in result["errors"]:
        print(f"  error: {error}", file=sys.stderr)
    return 1 if result["failed"] else 0


def cmd_alerts_subscribe(args) -> int:
    from alerts.compose import subscribe
    from registry.places.groups import ForceGroupError, canonical_area

    try:
        area = canonical_area(args.area)
    except ForceGroupError as exc:
        raise CommandError(str(exc)) from None
    subscribe(connect(args.db), args.email, None if area == "national" else area, args.organisation)
    print(f"{args.email} will get the daily hot sheet for {area or 'every area'}")
    return 0


def cmd_checks_purge(args) -> int:
    if args.older_than < 1:
        raise CommandError("--older-than must be at least 1 day")
    db = connect(args.db)
    with db.atomic():
        removed = db.execute("delete from public_checks where checked_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?)",
                             [f"-{args.older_than} days"]).rowcount
    print(f"{removed} public check records older than {args.older_than} days removed")
    return 0


def cmd_demo(args) -> int:
    from farmwatch.demo.run import run_demo

    return run_demo(args)


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("nightly", help="crawl, match, link seller networks, alert and report (for cron or a "
                                       "systemd timer)",
                       description="Crawl every enabled source, match new and changed listings, link the sellers "
                                   "behind new listings into seller networks, send alert e-mails and print a run "
                                   "report (a table on a terminal, plain lines otherwise). Refuses "
                                   "to start while another nightly run is going (exit status 75). Exit status 1 "
                                   "when any source or step failed.")
    p.add_argument("--source", action="append", metavar="NAME", help="only this source (repeatable)")
    p.add_argument("--sources", metavar="FILE", help="sources file (default: spiders/sources.yaml)")
    p.add_argument("--fast", action="store_true", help="no politeness delays (local test sites only)")
    p.add_argument("--no-alerts", action="store_true", help="do not send alert e-mails")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(handler=cmd_nightly)

    p = sub.add_parser("backup", help="consistent online copy of the database",
                       description="Copy the database with SQLite's online backup API: safe while the workspace "
                                   "serves and the nightly run writes.")
    p.add_argument("path", help="target file, or a folder to write farmwatch.db into")
    p.add_argument("--with-files", action="store_true", help="also copy photos and evidence snapshots")
    p.set_defaults(handler=cmd_backup)

    alerts = sub.add_parser("alerts", help="alert e-mails: send now, subscribe to the hot sheet",
                            description="Alert e-mails. SMTP settings come from farmwatch.toml beside the database "
                                        "or FARMWATCH_SMTP_* variables (see README).")
    asub = alerts.add_subparsers(dest="alerts_command", metavar="ACTION", required=True)
    p = asub.add_parser("send", help="send pending officer digests, owner checks and hot sheets")
    p.add_argument("--dry-run", action="store_true", help="count what would be sent")
    p.add_argument("--no-hot-sheet", action="store_true")
    p.set_defaults(handler=cmd_alerts_send)
    p = asub.add_parser("subscribe", help="subscribe an address to the daily hot sheet of new thefts")
    p.add_argument("email")
    p.add_argument("--area", help="a police force or a force group (default: every area)")
    p.add_argument("--organisation", help="for the record, e.g. a livestock mart or dealer")
    p.set_defaults(handler=cmd_alerts_subscribe)

    checks = sub.add_parser("checks", help="the public buyer check's log",
                            description="The public buyer check logs every check with the requester's address.")
    csub = checks.add_subparsers(dest="checks_command", metavar="ACTION", required=True)
    p = csub.add_parser("purge", help="delete check records (and requester addresses) older than N days",
                        description="Delete public check records older than N days: run it from cron to keep "
                                    "requesters' addresses no longer than your retention period.")
    p.add_argument("--older-than", type=int, default=90, metavar="DAYS", help="default 90")
    p.set_defaults(handler=cmd_checks_purge)

    p = sub.add_parser("demo", help="a self-contained demonstration on generated data",
                       description="Build a demonstration registry, start the demonstration marketplace on "
                                   "127.0.0.1, run the nightly job against it (crawl with the real spiders, match, "
                                   "link seller networks, send the alert e-mails to a local mail sink), then serve "
                                   "the workspace. Uses data/demo/farmwatch.db unless --db or FARMWATCH_DB is given.")
    p.add_argument("--no-serve", action="store_true", help="stop after the nightly run (for scripts)")
    p.add_argument("--port", type=int, default=8001, help="workspace port (default 8001)")
    p.add_argument("--market-port", type=int, default=0, help="marketplace port (default: any free port)")
    p.set_defaults(handler=cmd_demo)
