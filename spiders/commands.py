"""`farmwatch crawl`: run the marketplace spiders (`farmwatch market`, the demonstration marketplace,
is in farmwatch/demo/commands.py)."""

from __future__ import annotations

import argparse
import sys

from registry.db import resolve_db_path


def terminal_progress():
    """A one-line progress display when stderr is a terminal; None in cron."""
    if not sys.stderr.isatty():
        return None

    def show(event: dict) -> None:
        if not event.get("done"):
            seen = event.get("listings_new", 0) + event.get("listings_changed", 0) + event.get("listings_unchanged", 0)
            sys.stderr.write(f"\r{event['source']}: {event.get('pages', 0)} pages, {seen} listings, "
                             f"{event.get('photos_stored', 0)} photos, {event.get('errors', 0)} errors   ")
            sys.stderr.flush()

    return show


def cmd_crawl(args) -> int:
    from registry.errors import CommandError
    from spiders.config import SourceError
    from spiders.health.report import summary_lines
    from spiders.runner import run_crawl

    try:
        results = run_crawl(resolve_db_path(args.db), args.sources_names, sources_file=args.sources,
                            start_urls=args.start_url, fast=args.fast, jobdir=args.jobdir,
                            progress=terminal_progress(), redis_url=args.redis, accept_drop=args.accept_drop)
    except SourceError as exc:
        raise CommandError(str(exc), status=2) from None
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    if not results:
        raise CommandError("no enabled sources to crawl (see spiders/sources.yaml or --sources)")
    for summary in results:
        print("\n".join(summary_lines(summary)))
        for entry in summary["error_log"][: args.show_errors]:
            print(f"  {entry['url'] or '(crawl)'}: {entry['error']}", file=sys.stderr)
        if len(summary["error_log"]) > args.show_errors:
            print(f"  ... {len(summary['error_log']) - args.show_errors} more in crawl_runs row {summary['id']}",
                  file=sys.stderr)
    failed = [s for s in results if s["status"] != "ok"]
    if failed:
        for s in failed:
            print(f"failed: {s['source']}: {s.get('cause') or 'see its error log'}", file=sys.stderr)
        return 1
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "crawl", help="run the marketplace spiders (all enabled sources by default)",
        description="Crawl marketplace sources politely (robots.txt, an identifying user agent, AutoThrottle) and "
                    "store listings, photos and evidence snapshots. Each source runs in its own process; one "
                    "failing does not stop the others. Prints per source: pages, listings new/changed/removed, "
                    "photos kept of those seen, refusals by rule and failed pages by kind. Exit status 1 when any "
                    "source failed: no page fetched, no listing found, or listings or photos per listing fell by "
                    "more than half against its last good run (the cause is named).",
        epilog="Examples: farmwatch crawl; farmwatch crawl demo-dealer; "
               "farmwatch crawl --start-url https://dealer.example.org/used/ --fast")
    p.add_argument("sources_names", nargs="*", metavar="SOURCE", help="source names (default: every enabled source)")
    p.add_argument("--sources", metavar="FILE", help="sources file (default: $FARMWATCH_SOURCES or spiders/sources.yaml)")
    p.add_argument("--start-url", action="append", metavar="URL",
                   help="crawl any marketplace from this address, following its own links and reading each page "
                        "as a careful reader does: schema.org data, spec tables, gallery (repeatable; no sources "
                        "file needed)")
    p.add_argument("--fast", action="store_true", help="no politeness delays, for a marketplace on this machine "
                                                       "(robots.txt is still obeyed)")
    p.add_argument("--jobdir", metavar="DIR", help="keep crawl state here so an interrupted crawl resumes")
    p.add_argument("--redis", metavar="URL",
                   help="share each source's crawl with other workers started with the same Redis URL "
                        "(scrapy-redis queue and duplicate filter; removal detection is off in this mode)")
    p.add_argument("--accept-drop", action="store_true",
                   help="take a crawl with fewer listings or photos than the last good run as the new normal "
                        "(a site that really shrank)")
    p.add_argument("--show-errors", type=int, default=5, metavar="N", help="error log lines to print per source")
    p.set_defaults(handler=cmd_crawl)
