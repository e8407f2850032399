"""`farmwatch networks`: update seller identities, links and networks from new and changed listings."""

from __future__ import annotations

import argparse
import json

from matching.networks.update import NetworkReport, update_networks
from registry.db import connect
from registry.progress import line_progress


def _progress():
    """Redraw one progress line on a terminal; nothing in cron."""
    return line_progress(lambda stage, done, total: f"networks: {stage} {done:,}/{total:,}")


def format_report(report: NetworkReport) -> str:
    """The run in three lines, for a terminal or a cron mail."""
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(report.links.items())) or "none"
    return (f"{report.listings} listings read in {report.seconds:.1f} s; {report.sellers_new} new sellers\n"
            f"links written: {sum(report.links.values())} ({kinds}); {report.common_values} shared values and "
            f"{report.stock_photos} stock photos too common to link anyone\n"
            f"networks of two or more sellers: {report.networks} ({report.networks_new} new); "
            f"{report.listings_joining_flagged} new listings joined a network with a confirmed or strong match")


def cmd_networks(args) -> int:
    db = connect(args.db)
    report = update_networks(db, rebuild=args.all, progress=_progress())
    print(json.dumps(report.as_dict(), indent=2) if args.json else format_report(report))
    return 0


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "networks", help="update seller identities, links and networks from new and changed listings",
        description="Give every new or changed listing its seller (one per handle or profile address on a "
                    "source), link sellers that share a phone number, an e-mail or profile address, a handle on "
                    "two marketplaces, a photo, near-identical advert text or an identifier, and group linked "
                    "sellers into networks ranked by risk. Values shared by many sellers (a marketplace's own "
                    "number, stock photos, template phrases) link no one. See docs/networks.md.")
    parser.add_argument("--all", action="store_true", help="rebuild every seller, link and network from scratch")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    parser.set_defaults(handler=cmd_networks)
