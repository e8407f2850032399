"""`farmwatch match`: match new and changed listings against the registry."""

from __future__ import annotations

import argparse
import json

from matching.pipeline import MatchReport, match_listings
from registry.db import connect
from registry.progress import line_progress

BANDS = ("strong", "likely", "possible")


def _progress():
    """Redraw one progress line on a terminal; nothing in cron."""
    return line_progress(lambda done, total: f"matching: {done:,}/{total:,} listings")


def format_report(report: MatchReport) -> str:
    def bands(counts: dict) -> str:
        return ", ".join(f"{counts.get(b, 0)} {b}" for b in BANDS)

    def queues(counts: dict) -> str:
        return f"{counts.get('stolen', 0)} stolen queue, {counts.get('owner_check', 0)} owner checks"

    new, updated = report.matches_new, report.matches_updated
    return (f"{report.listings} listings matched in {report.seconds:.1f} s\n"
            f"new matches: {sum(new.values())} ({bands(new)}; {queues(report.queues_new)})\n"
            f"updated matches: {sum(updated.values())} ({bands(updated)}; {queues(report.queues_updated)})"
            + (f"\nmatches whose listing was edited to remove their evidence: {report.edited} (raised for review)"
               if report.edited else ""))


def cmd_match(args) -> int:
    db = connect(args.db)
    report = match_listings(db, rematch_all=args.all, progress=_progress())
    print(json.dumps(report.as_dict(), indent=2) if args.json else format_report(report))
    return 0


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "match", help="match listings not yet matched against the registry",
        description="Match every listing that is new or changed since it was last matched against the "
                    "registered items, by identifiers (exact, one character off, or the trailing part), photo "
                    "hashes (also mirrored) and description, and write ranked, explained matches: strong, likely "
                    "or possible, in the stolen queue or, for items without a current theft report, as owner "
                    "checks. Matches already reviewed keep their review.")
    parser.add_argument("--all", action="store_true", help="re-match every listing, not only new and changed ones")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    parser.set_defaults(handler=cmd_match)
