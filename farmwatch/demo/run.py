"""`farmwatch demo`: the whole product on generated data, with nothing from outside.

A demonstration registry (with generated photos and some items reported stolen), the
demonstration marketplace served on 127.0.0.1, the real nightly job (real spiders over HTTP,
the matcher), then the workspace. The database defaults to data/demo/farmwatch.db so a real
registry at data/farmwatch.db is never touched; a database that is not a demonstration is
refused rather than overwritten.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from registry.db import connect
from registry.errors import CommandError

DEMO_DB = Path("data") / "demo" / "farmwatch.db"
DEMO_OFFICER = ("officer", "demo-officer-pw")
DEMO_TRADE = ("mart", "demo-trade-pw")
DEMO_OFFICER_EMAIL = "officer@police.example"
DEMO_HOT_SHEET = ("hotsheet@mart.example", "Demonstration auction mart")


def demo_db_path(args) -> Path:
    if args.db:
        return Path(args.db)
    if os.environ.get("FARMWATCH_DB"):
        return Path(os.environ["FARMWATCH_DB"])
    return DEMO_DB


def _reset(path: Path) -> None:
    """Remove a previous demonstration database; refuse anything else."""
    if not path.exists():
        return
    db = connect(path)
    is_demo = db.execute("select value from settings where key = 'demo'").fetchone()
    has_items = db["items"].count > 0
    db.close()
    if has_items and not is_demo:
        raise CommandError(f"{path} holds a registry that is not a demonstration; give the demo another --db")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _say(message: str) -> None:
    print(message, flush=True)


def run_demo(args) -> int:
    from farmwatch.demo.market.server import start_market
    from farmwatch.demo.market.sources import write_sources
    from farmwatch.demo.scenario import ACCOUNT_AREAS, build_scenario, load_registry
    from farmwatch.nightly import format_report, run_nightly, setup_logging

    started = time.monotonic()
    path = demo_db_path(args)
    _reset(path)
    db = connect(path)
    db["settings"].insert({"key": "demo", "value": "1"}, replace=True)
    data = path.resolve().parent
    setup_logging(data)

    _say(f"1/4 Building the demonstration registry in {path} ...")
    scenario = build_scenario()
    load_registry(db, scenario)
    items, stolen = db["items"].count, db.execute("select count(*) from thefts where current = 1").fetchone()[0]
    _say(f"    {items} items registered, {stolen} reported stolen")

    server, base_url = start_market(scenario, port=args.market_port)
    _say(f"2/4 Demonstration marketplace serving at {base_url}/")
    sources_file = data / "demo-sources.yaml"
    write_sources(base_url, sources_file)

    sink = _start_mail_sink(db, data, args.port)
    _say("3/4 Nightly run: crawling the marketplace with the real spiders, then matching and alerting ...")
    report = run_nightly(db, path, sources_file=str(sources_file), fast=True, alerts=True)
    _say(format_report(report, table=sys.stdout.isatty()))
    _print_queue(db)
    _print_networks(db, args.port)
    _print_mail(sink)
    _say(f"    demonstration built in {time.monotonic() - started:.0f} s")

    if args.no_serve:
        server.shutdown()
        sink.stop()
        return 0 if report["status"] == "ok" else 1
    from datasette_config.serve import serve

    farmers = ", ".join(f"{name} / {password}" for name, password, role, _ in scenario.accounts if role == "farmer")
    area_officers = ", ".join(f"{name} ({ACCOUNT_AREAS[name]})" for name, *_ in scenario.accounts if name in ACCOUNT_AREAS)
    _say(f"4/4 Workspace: http://127.0.0.1:{args.port}/  officer login: {DEMO_OFFICER[0]} / {DEMO_OFFICER[1]}"
         f" (every force; same password for {area_officers})"
         f"  farmers: {farmers}  trade: {DEMO_TRADE[0]} / {DEMO_TRADE[1]}"
         f"  public check: http://127.0.0.1:{args.port}/check  (Ctrl-C to stop)")
    sink.on_message = _say_mail
    try:
        serve(str(path), "127.0.0.1", args.port)
    finally:
        server.shutdown()
        sink.stop()
    return 0


def _start_mail_sink(db, data: Path, port: int):
    """The local mail sink, with this process's e-mail settings pointed at it, a demonstration officer
    address, hot-sheet subscriber and trade account, so the run's e-mails can be seen."""
    from farmwatch.mailsink import MailSink
    from registry.accounts.subscriptions import subscribe_confirmed
    from registry.accounts.users import add_user

    sink = MailSink(data / "mail")
    smtp_port = sink.start()
    os.environ.update({"FARMWATCH_SMTP_HOST": "127.0.0.1", "FARMWATCH_SMTP_PORT": str(smtp_port),
                       "FARMWATCH_SMTP_STARTTLS": "0", "FARMWATCH_SMTP_SSL": "0", "FARMWATCH_SMTP_USERNAME": "",
                       "FARMWATCH_BASE_URL": f"http://127.0.0.1:{port}"})
    db.execute("update users set email = ? where username = ? and email is null", [DEMO_OFFICER_EMAIL, DEMO_OFFICER[0]])
    subscribe_confirmed(db, DEMO_HOT_SHEET[0], None, DEMO_HOT_SHEET[1])
    add_user(db, DEMO_TRADE[0], DEMO_TRADE[1], "trade", email="checks@mart.example", replace=True)
    _say(f"    local mail sink on 127.0.0.1:{smtp_port}: e-mails are kept in {sink.folder}/, none leave this machine")
    return sink


def _say_mail(message: dict) -> None:
    _say(f"    mail sink: to {message['to']}: {message['subject']} ({message['file']})")
    for line in message["body"].splitlines():
        if "/hot-sheet/confirm?" in line:
            _say(f"      {line.strip()}")


def _print_mail(sink) -> None:
    if not sink.messages:
        _say("    no e-mails were sent by this run")
        return
    _say(f"    {len(sink.messages)} e-mails sent to the local mail sink (the officer's digest, owner checks, "
         "the hot sheet):")
    for message in sink.messages:
        _say(f"      to {message['to']}: {message['subject']}")
    first = sink.messages[0]
    _say(f"    the first, as sent ({first['file']}):")
    for line in first["body"].splitlines()[:12]:
        _say(f"      | {line}")


def _print_networks(db, port: int) -> None:
    from farmwatch.demo.operation import confirm_operation_match

    network = confirm_operation_match(db)
    if network is None:
        _say("    no seller network with a strong match was found")
        return
    _say(f"    seller networks: network {network['id']} ({network['sellers']} sellers, {network['listings']} listings on "
         f"{', '.join(json.loads(network['sources']))}) holds a stolen item, confirmed for the demonstration: "
         f"http://127.0.0.1:{port}/network/{network['id']}")


def _print_queue(db) -> None:
    rows = list(db.query(
        """
        select m.band, m.queue, count(*) as n from matches m group by m.queue, m.band
        order by m.queue, case m.band when 'strong' then 0 when 'likely' then 1 else 2 end
        """))
    if not rows:
        _say("    the match queue is empty")
        return
    _say("    queue: " + ", ".join(f"{r['n']} {r['band']} ({r['queue'].replace('_', ' ')})" for r in rows))
    for row in db.query(
        """
        select m.score, i.category, i.make, i.model, l.title, l.source from matches m
        join items i on i.id = m.item_id join listings l on l.id = m.listing_id
        where m.band = 'strong' and m.queue = 'stolen' order by m.score desc limit 10
        """):
        _say(f"      strong {row['score']:.2f}: {row['category']} {row['make'] or ''} {row['model'] or ''}"
             f" <- \"{(row['title'] or '')[:60]}\" on {row['source']}")
