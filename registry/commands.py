"""Registry commands: init, items …, listings import, users add."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from registry.accounts.users import ROLES, add_user
from registry.db import connect, resolve_db_path
from registry.identifiers.rules import IDENTIFIER_KINDS
from registry.identifiers.vocab import category_help
from registry.imports.files import ImportReport, import_items, import_listings, terminal_progress
from registry.items.registration import mark_recovered, register_item, report_stolen
from registry.items.validation import RegistryError, validate_item


def open_db(args):
    return connect(getattr(args, "db", None))


def cmd_init(args) -> int:
    path = resolve_db_path(args.db)
    existed = path.exists()
    from registry.migrations import apply_migrations

    db = connect(path, migrate=False)
    applied = apply_migrations(db)
    if applied:
        print(f"{'Migrated' if existed else 'Created'} {path}: applied {', '.join(applied)}")
    else:
        print(f"{path} is up to date")
    from registry.places.locating import locate_pending

    placed = locate_pending(db)
    if placed["listings"] or placed["thefts"]:
        print(f"Placed {placed['thefts']} theft(s) and {placed['listings']} listing(s); "
              f"{placed['unresolved']} place(s) not found")
    return 0


def _print_report(report: ImportReport, args, noun: str) -> int:
    if getattr(args, "json", False):
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(f"{report.path}: {report.rows} rows read, {report.loaded} {noun} loaded "
              f"({report.created} new, {report.updated} updated), {report.photos} photos stored, "
              f"{report.rejected} rows rejected")
        for line in report.errors:
            print(f"  error: {line}", file=sys.stderr)
        for line in report.warnings:
            print(f"  warning: {line}", file=sys.stderr)
    return 1 if (args.strict and report.errors) else 0


def cmd_items_import(args) -> int:
    db = open_db(args)
    report = import_items(db, Path(args.file), progress=terminal_progress("importing items"), sheet=args.sheet)
    return _print_report(report, args, "items")


def cmd_listings_import(args) -> int:
    from registry.fetch import fetch_url

    db = open_db(args)
    report = import_listings(db, Path(args.file), progress=terminal_progress("importing listings"),
                             fetch=fetch_url if args.fetch_photos else None)
    return _print_report(report, args, "listings")


def cmd_items_add(args) -> int:
    identifiers = []
    for entry in args.identifier or []:
        kind, sep, value = entry.partition(":")
        if not sep:
            raise RegistryError(f'--identifier "{entry}" should be KIND:VALUE, for example pin:1L06120MCKK123456')
        identifiers.append({"kind": kind, "value": value})
    record = {
        "owner": {"name": args.owner_name, "email": args.owner_email, "phone": args.owner_phone,
                  "postcode": args.owner_postcode},
        "category": args.category, "make": args.make, "model": args.model, "year": args.year,
        "colour": args.colour, "description": args.description, "identifiers": identifiers,
    }
    item, errors = validate_item(record)
    if errors:
        raise RegistryError("; ".join(errors.values()))
    photos = []
    for name in args.photo or []:
        try:
            photos.append((name, Path(name).read_bytes()))
        except OSError as exc:
            raise RegistryError(f"photo {name}: cannot be read ({exc.strerror})") from None
    db = open_db(args)
    result = register_item(db, item, photos)
    verb = "Registered" if result.created else "Updated"
    print(f"{verb} item {result.item_id} ({item.category}{', ' + item.make if item.make else ''}"
          f"{' ' + item.model if item.model else ''}) with {len(item.identifiers)} identifiers and "
          f"{result.photos_stored} photos")
    for warning in result.warnings:
        print(f"  warning: {warning}", file=sys.stderr)
    return 0


def cmd_report_stolen(args) -> int:
    db = open_db(args)
    theft_id = report_stolen(db, args.item, stolen_at=args.stolen_at, crime_ref=args.crime_ref, place=args.place,
                             latitude=args.latitude, longitude=args.longitude)
    print(f"Theft report {theft_id} opened for item {args.item} (crime reference {args.crime_ref})")
    return 0


def cmd_recovered(args) -> int:
    db = open_db(args)
    theft_id = mark_recovered(db, args.item, args.recovered_at)
    print(f"Item {args.item} marked recovered; theft report {theft_id} closed")
    return 0


def cmd_sold(args) -> int:
    from registry.items.registration import get_item
    from registry.items.sales import mark_sold

    db = open_db(args)
    owner_id = get_item(db, args.item)["owner_id"]
    result = mark_sold(db, int(args.item), owner_id, sold_at=args.sold_at, new_owner_email=args.to)
    moved = f"; moved to the owner record of {args.to.strip().lower()}" if result["transferred"] else ""
    print(f"Item {args.item} marked sold on {args.sold_at}{moved}")
    return 0


def _read_password(username: str) -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(f"Password for {username}: ")
        if getpass.getpass("Again: ") != first:
            raise RegistryError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_users_add(args) -> int:
    from registry.places.groups import ForceGroupError, canonical_area

    try:
        area = canonical_area(args.force_area)
    except ForceGroupError as exc:
        raise RegistryError(str(exc)) from None
    password = _read_password(args.name)
    db = open_db(args)
    user_id = add_user(db, args.name, password, args.role, email=args.email, force_area=area,
                       replace=args.replace)
    print(f"User {args.name} ({args.role}) {'updated' if args.replace else 'created'} with id {user_id}")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="create or migrate the database (safe to re-run)",
                       description="Create the database, or apply any pending migrations to it.")
    p.set_defaults(handler=cmd_init)

    items = sub.add_parser("items", help="register items, report thefts and recoveries",
                           description="Register items and manage their theft reports.")
    isub = items.add_subparsers(dest="items_command", metavar="ACTION", required=True)

    p = isub.add_parser("import", help="bulk registration from .csv, .jsonl or .xlsx",
                        description="Register items in bulk. Bad rows are reported by line number and skipped; "
                                    "good rows are loaded. Re-importing a file updates items instead of "
                                    "duplicating them. Photo paths are relative to the file.")
    p.add_argument("file", help="a .csv, .jsonl or .xlsx file in the import format (see docs/imports.md)")
    p.add_argument("--sheet", metavar="NAME", help="the workbook sheet to read (default: the first visible one)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--strict", action="store_true", help="exit with status 1 when any row was rejected")
    p.set_defaults(handler=cmd_items_import)

    p = isub.add_parser("add", help="register one item from flags",
                        description="Register one item. Categories: " + category_help())
    p.add_argument("--owner-name", required=True)
    p.add_argument("--owner-email")
    p.add_argument("--owner-phone")
    p.add_argument("--owner-postcode")
    p.add_argument("--category", required=True, help="tractor, quad, utv, trailer, implement, gps, power tool, "
                                                      "plant, cattle, sheep, goat, horse, other …")
    p.add_argument("--make")
    p.add_argument("--model")
    p.add_argument("--year")
    p.add_argument("--colour")
    p.add_argument("--description")
    p.add_argument("--identifier", action="append", metavar="KIND:VALUE",
                   help=f"repeatable; kinds: {', '.join(IDENTIFIER_KINDS)}")
    p.add_argument("--photo", action="append", metavar="PATH", help="repeatable")
    p.set_defaults(handler=cmd_items_add)

    p = isub.add_parser("report-stolen", help="open a theft report for an item",
                        description="Open a theft report: the matcher then treats the item as stolen.")
    p.add_argument("item", help="item id")
    p.add_argument("--stolen-at", required=True, metavar="DATE", help="date of the theft, YYYY-MM-DD")
    p.add_argument("--crime-ref", required=True, metavar="REF", help="police crime reference")
    p.add_argument("--place", required=True, metavar="TEXT", help="where it was stolen from")
    p.add_argument("--latitude", type=float)
    p.add_argument("--longitude", type=float)
    p.set_defaults(handler=cmd_report_stolen)

    p = isub.add_parser("recovered", help="close an item's theft report",
                        description="Mark an item recovered and close its current theft report.")
    p.add_argument("item", help="item id")
    p.add_argument("--recovered-at", metavar="DATE", help="default: now")
    p.set_defaults(handler=cmd_recovered)
    p = isub.add_parser("sold", help="mark an item sold, or transfer it to the buyer's record",
                        description="Record the owner's sale of an item. With --to the record moves, with its "
                                    "history, to the owner record with that e-mail (made if new). A listing of "
                                    "the sale raises no owner check (see docs/farmer.md).")
    p.add_argument("item", help="item id")
    p.add_argument("--sold-at", metavar="DATE", required=True, help="the date of the sale (YYYY-MM-DD)")
    p.add_argument("--to", metavar="EMAIL", help="the buyer's e-mail: move the record to them")
    p.set_defaults(handler=cmd_sold)

    listings = sub.add_parser("listings", help="load listings from other sources",
                              description="Load listings gathered outside the spiders.")
    lsub = listings.add_subparsers(dest="listings_command", metavar="ACTION", required=True)
    p = lsub.add_parser("import", help="load listings from a .jsonl file",
                        description="Load listings (see README for the format). A listing with the same source "
                                    "and URL updates the stored one. Photo paths are relative to the file.")
    p.add_argument("file")
    p.add_argument("--fetch-photos", action="store_true", help="download photos given as http(s) addresses")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--strict", action="store_true", help="exit with status 1 when any row was rejected")
    p.set_defaults(handler=cmd_listings_import)

    users = sub.add_parser("users", help="web interface accounts", description="Manage web interface accounts.")
    usub = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    p = usub.add_parser("add", help="create an account",
                        description="Create an account: officer or admin (the workspace), farmer (their own "
                                    "records), trade (bulk identifier checks for marts, dealers and insurers, "
                                    "no personal data). The password is asked for at a terminal, or read from "
                                    "the first line of standard input otherwise.")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--email", help="required for farmers: links the account to their owner record; "
                   "for a trade account, where its organisation can be reached")
    p.add_argument("--force-area", help="an officer's area: a police force (their queue by default and their "
                   "alerts), a force group from registry/places/force_groups.yaml (a regional view), or 'national'")
    p.add_argument("--replace", action="store_true", help="reset an existing account's password and role")
    p.set_defaults(handler=cmd_users_add)
