"""`farmwatch federation key|sync|status` and `farmwatch peers add|list|remove`."""

from __future__ import annotations

import argparse
import json
import sys

from registry.db import connect, data_dir
from registry.errors import CommandError
from registry.federation.keys import load_or_create_key, public_key_text
from registry.federation.peers import PeerError, add_peer, list_peers, remove_peer
from registry.federation.sync import DEFAULT_TIMEOUT, federation_status, sync_all


def cmd_key(args) -> int:
    db = connect(args.db)
    print(public_key_text(load_or_create_key(data_dir(db))))
    return 0


def format_sync(report: dict) -> str:
    """One line per peer: what came in, what went out, or why it failed."""
    lines = []
    for entry in report["peers"]:
        if entry["status"] != "ok":
            lines.append(f"{entry['peer']}: FAILED ({entry['error']}); caught up at the next sync")
            continue
        pulled, pushed = entry["pulled"], entry["pushed"]
        line = (f"{entry['peer']}: {pulled['stolen']} new stolen, {pulled['updated']} updated, "
                f"{pulled['withdrawn']} withdrawn; {pushed['sent']} hit notice(s) sent")
        if pushed["refused"]:
            line += f", {pushed['refused']} refused (kept)"
        if pulled["rejected"]:
            line += f"; {len(pulled['rejected'])} entries rejected: {pulled['rejected'][0]}"
        lines.append(line)
    return "\n".join(lines) or "no peers: add one with 'farmwatch peers add NAME URL --key KEY'"


def cmd_sync(args) -> int:
    db = connect(args.db)
    report = sync_all(db, timeout=args.timeout)
    print(json.dumps(report, indent=2) if args.json else format_sync(report))
    for error in report["errors"]:
        print(f"farmwatch federation sync: peer not synced, caught up next time: {error}", file=sys.stderr)
    return 1 if report["errors"] and args.strict else 0


def cmd_status(args) -> int:
    db = connect(args.db)
    rows = federation_status(db)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for r in rows:
        print(f"{r['peer']} ({r['url']}): last good sync {r['last_good_sync_at'] or 'never'}; "
              f"{r['stolen_items_held']} stolen item(s) held; hits {r['hits_sent']} sent, {r['hits_pending']} pending, "
              f"{r['hits_received']} received" + (f"; last error {r['last_error_at']}: {r['last_error']}"
                                                   if r["last_error"] else ""))
    if not rows:
        print("no peers")
    return 0


def cmd_peers_add(args) -> int:
    db = connect(args.db)
    try:
        peer = add_peer(db, args.name, args.url, args.key)
    except PeerError as exc:
        raise CommandError(str(exc)) from None
    print(f"added peer {peer['name']} at {peer['url']}; give it this register's key: "
          f"{public_key_text(load_or_create_key(data_dir(db)))}")
    return 0


def cmd_peers_list(args) -> int:
    db = connect(args.db)
    peers = [{k: p[k] for k in ("name", "url", "public_key", "added_at")} for p in list_peers(db)]
    if args.json:
        print(json.dumps(peers, indent=2))
    for p in [] if args.json else peers:
        print(f"{p['name']}\t{p['url']}\t{p['public_key']}")
    return 0


def cmd_peers_remove(args) -> int:
    db = connect(args.db)
    try:
        withdrawn = remove_peer(db, args.name)
    except PeerError as exc:
        raise CommandError(str(exc)) from None
    print(f"removed peer {args.name}; {withdrawn} stolen item(s) held from it withdrawn")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    fed = sub.add_parser("federation", help="share stolen items with peer registers (key, sync, status)",
                         description="Registers that share their stolen items: see docs/federation.md.")
    fsub = fed.add_subparsers(dest="federation_command", metavar="ACTION", required=True)
    p = fsub.add_parser("key", help="print this register's public key (made on first use)",
                        description="Print this register's Ed25519 public key; give it to a peer's "
                                    "'farmwatch peers add'. The private key stays in the data folder.")
    p.set_defaults(handler=cmd_key)
    p = fsub.add_parser("sync", help="pull the peers' stolen items and push pending hit notices",
                        description="Pull each peer's changes and push pending hit notices. A peer that is "
                                    "down, slow or answers nonsense is reported (and on standard error) and caught "
                                    "up next time; the sync still succeeds (exit 0) unless --strict.")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--strict", action="store_true", help="exit 1 when any peer could not be synced")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds to wait for a peer")
    p.set_defaults(handler=cmd_sync)
    p = fsub.add_parser("status", help="per peer: last good sync, items held, hits, last error",
                        description="Per peer: the last good sync, the stolen items held from it, hit notices "
                                    "sent, pending and received, and the last error.")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(handler=cmd_status)

    peers = sub.add_parser("peers", help="the peer registers this one trusts",
                           description="Add, list and remove peer registers.")
    psub = peers.add_subparsers(dest="peers_command", metavar="ACTION", required=True)
    p = psub.add_parser("add", help="trust a peer register", description="Add a peer: its name, the address its "
                        "'farmwatch serve' answers on, and its public key ('farmwatch federation key' there).")
    p.add_argument("name")
    p.add_argument("url")
    p.add_argument("--key", required=True, metavar="PUBLIC_KEY", help="the peer's public key")
    p.set_defaults(handler=cmd_peers_add)
    p = psub.add_parser("list", help="list the peers", description="List the peer registers.")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(handler=cmd_peers_list)
    p = psub.add_parser("remove", help="stop trusting a peer", description="Remove a peer; the stolen items held "
                        "from it are withdrawn (kept for the record, no longer stolen here).")
    p.add_argument("name")
    p.set_defaults(handler=cmd_peers_remove)
