"""E-mail alerts after each run: officer digests, owner checks for farmers, and the daily hot sheet.

Each alert is recorded in `alerts_sent` only after the SMTP server accepted it, so a failed
send is retried by the next run and nothing is ever sent twice. Officer digests go per police
force area where the item was stolen, and to the force where it is listed when that is another
one, to officers whose area covers it: a force, a group of forces (`registry/places/force_groups.yaml`),
or every area for officers with none or `national`. Hot sheets carry
no owner's personal data: they go to confirmed subscribers (marts and dealers as well as
officers), each with a link to leave. `preview_alerts` composes the same e-mails without
sending them, for the workspace.
"""

from __future__ import annotations

import json
from collections import defaultdict

from sqlite_utils import Database

from alerts.crawls import crawl_lines, failed_crawls
from alerts.mail import Outgoing, send_messages
from alerts.settings import Settings
from matching.networks.events import event_lines, flagged_network_listings
from registry.accounts.subscriptions import (
    SubscriptionRequest,
    confirmed_subscriptions,
    ensure_tokens,
    subscribe_confirmed,
)
from registry.db import utcnow
from registry.places.groups import ForceGroupError, forces_in_scope

UNKNOWN_AREA = "Area not known"
KINDS = ("officer_digest", "owner_check", "hot_sheet")


def _top_reason(reasons_json: str) -> str:
    try:
        reasons = json.loads(reasons_json or "[]")
        return reasons[0]["detail"] if reasons else ""
    except (ValueError, KeyError, TypeError, IndexError):
        return ""


def _new_stolen_matches(db: Database) -> list[dict]:
    return [dict(r) for r in db.query(
        """
        select m.id, m.band, m.score, m.reasons, i.category, i.make, i.model, i.colour,
               t.crime_ref, t.stolen_at, coalesce(t.force_area, o.force_area, :unknown) as area,
               l.force_area as listed_area, l.title, l.price, l.currency, l.url, l.location
        from matches m join items i on i.id = m.item_id join owners o on o.id = i.owner_id
        join listings l on l.id = m.listing_id left join thefts t on t.id = m.theft_id
        where m.queue = 'stolen' and m.status = 'new' and m.band in ('strong', 'likely')
        order by m.band = 'strong' desc, m.score desc
        """, {"unknown": UNKNOWN_AREA})]


def officer_scope(force_area: str | None) -> tuple[str, ...] | None:
    """The forces an officer's area covers (None: every force); an area that is neither a force nor
    a configured group covers just itself, so a mistyped area gets nothing rather than everything."""
    try:
        return forces_in_scope(force_area)
    except ForceGroupError:
        return (force_area,)


def officer_digests(db: Database, settings: Settings) -> list[Outgoing]:
    matches = _new_stolen_matches(db)
    events = flagged_network_listings(db)
    crawls = failed_crawls(db)
    officers = list(db.query(
        "select username, email, force_area from users where role in ('officer', 'admin') "
        "and email is not null and disabled_at is null"))
    out = []
    for officer in officers:
        scope = officer_scope(officer["force_area"])
        mine = [m for m in matches if scope is None or m["area"] in scope or m["listed_area"] in scope]
        pending = [m for m in mine if not _already_sent(db, "officer_digest", officer["email"], m["id"])]
        joined = [e for e in events if (scope is None or not e["areas"] or set(e["areas"]) & set(scope))
                  and not _already_sent(db, "officer_digest", officer["email"], f"network-listing:{e['listing_id']}")]
        broken = [c for c in crawls if not _already_sent(db, "officer_digest", officer["email"], f"crawl-run:{c['id']}")]
        if not pending and not joined and not broken:
            continue
        areas = sorted({m["area"] for m in pending})
        lines = [f"{len(pending)} new match(es) for {', '.join(areas)}, strongest first.", ""] if pending else []
        for m in pending:
            price = f"{m['currency'] or ''} {m['price']:,.0f}".strip() if m["price"] is not None else "no price"
            lines += [
                f"[{m['band'].upper()} {m['score']:.2f}] {m['category']} {m['make'] or ''} {m['model'] or ''}".rstrip(),
                f"  stolen {m['stolen_at'] or '?'}, crime reference {m['crime_ref'] or 'none'} ({m['area']})"
                + (f"; listed in {m['listed_area']}: crosses force borders"
                   if m["listed_area"] and m["listed_area"] != m["area"] else ""),
                f"  listed: {m['title'] or '(no title)'}, {price}, {m['location'] or 'location not given'}",
                f"  why: {_top_reason(m['reasons'])}",
                f"  open: {settings.base_url}/match/{m['id']}",
                "",
            ]
        if joined:
            lines += [f"{len(joined)} new listing(s) from seller networks that have offered stolen items.", ""]
            for e in joined:
                lines += event_lines(e, settings.base_url)
        if broken:
            lines += crawl_lines(broken, settings.base_url)
        strong = sum(m["band"] == "strong" for m in pending)
        subject = f"farmwatch: {strong} strong, {len(pending) - strong} likely new matches"
        if joined:
            subject += f", {len(joined)} new network listings"
        if broken:
            subject += f", {len(broken)} failed crawl(s): {', '.join(c['source'] for c in broken)}"
        out.append(Outgoing("officer_digest", officer["email"], subject, "\n".join(lines),
                            [m["id"] for m in pending] + [f"network-listing:{e['listing_id']}" for e in joined]
                            + [f"crawl-run:{c['id']}" for c in broken]))
    return out


def owner_check_notices(db: Database, settings: Settings) -> list[Outgoing]:
    rows = db.query(
        """
        select m.id, m.item_id, o.email, i.category, i.make, i.model, l.title, l.url
        from matches m join items i on i.id = m.item_id join owners o on o.id = i.owner_id
        join listings l on l.id = m.listing_id
        where m.queue = 'owner_check' and m.status = 'new' and o.email is not null
        """)
    per_owner: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        if not _already_sent(db, "owner_check", row["email"], row["id"]):
            per_owner[row["email"]].append(row)
    out = []
    for email, matches in per_owner.items():
        lines = ["We found listings that look like equipment or animals you registered.",
                 "If you are selling them, answer \"that's mine\". If not, answer \"that's not me\" and the",
                 "police will see it as a likely theft.", ""]
        for m in matches:
            lines += [f"- your {m['category']} {m['make'] or ''} {m['model'] or ''}".rstrip(),
                      f"  listed as: {m['title'] or '(no title)'} {m['url']}",
                      f"  answer at: {settings.base_url}/farmer/checks", ""]
        message = Outgoing("owner_check", email, "farmwatch: is this yours for sale?", "\n".join(lines),
                           [m["id"] for m in matches])
        message.items = sorted({m["item_id"] for m in matches})
        out.append(message)
    return out


def _new_thefts(db: Database, day: str) -> list[dict]:
    return [dict(r) for r in db.query(
        """
        select t.id, t.stolen_at, t.crime_ref, t.place, coalesce(t.force_area, o.force_area, :unknown) as area,
               i.category, i.make, i.model, i.colour, i.year,
               (select group_concat(d.kind || ' ' || d.raw_value, '; ') from identifiers d where d.item_id = i.id) as ids
        from thefts t join items i on i.id = t.item_id join owners o on o.id = i.owner_id
        where t.current = 1 and t.reported_at >= datetime(:day, '-1 day')
        order by area, t.stolen_at desc
        """, {"day": day + "T23:59:59", "unknown": UNKNOWN_AREA})]


def hot_sheet_for(thefts: list[dict], day: str, recipient: str, force_area: str | None,
                  leave_link: str) -> Outgoing | None:
    """The hot sheet of `day` for one subscriber of `force_area` (a force or a group of forces; None:
    every area), or None when no theft concerns them. Carries no owner's personal data."""
    scope = officer_scope(force_area)
    mine = [t for t in thefts if scope is None or t["area"] in scope]
    if not mine:
        return None
    lines = [f"Thefts reported to farmwatch in the 24 hours to {day}. If you are offered any of these,",
             "do not buy: call 101 quoting the crime reference.", ""]
    area = None
    for t in mine:
        if t["area"] != area:
            area = t["area"]
            lines += [f"== {area} =="]
        described = " ".join(str(x) for x in (t["year"], t["colour"], t["make"], t["model"]) if x)
        lines += [f"- {t['category']}: {described}",
                  f"  stolen {t['stolen_at']} from {t['place'] or 'place not given'}; "
                  f"crime reference {t['crime_ref'] or 'pending'}",
                  f"  identifiers: {t['ids'] or 'none registered'}"]
    lines += ["", f"You get this because you subscribed to the farmwatch hot sheet. To stop: {leave_link}"]
    return Outgoing("hot_sheet", recipient, f"farmwatch hot sheet {day}: {len(mine)} new thefts",
                    "\n".join(lines), [day])


def hot_sheets(db: Database, settings: Settings, day: str | None = None) -> list[Outgoing]:
    """One e-mail per confirmed subscriber per day: thefts reported in the last 24 hours, by area."""
    day = day or utcnow()[:10]
    thefts = _new_thefts(db, day)
    out = []
    for sub in confirmed_subscriptions(db):
        if _already_sent(db, "hot_sheet", sub["email"], day):
            continue
        sheet = hot_sheet_for(thefts, day, sub["email"], sub["force_area"], leave_link(settings, sub["token"]))
        if sheet:
            out.append(sheet)
    return out


def leave_link(settings: Settings, token: str | None) -> str:
    return f"{settings.base_url}/hot-sheet/leave?token={token or ''}"


def confirmation_message(settings: Settings, request: SubscriptionRequest) -> Outgoing:
    """The e-mail that confirms a hot-sheet subscription asked for on the web."""
    area = request.force_area or "every police force area"
    body = "\n".join([
        f"Someone (we hope you) asked for the farmwatch hot sheet of new thefts for {area} to be sent to",
        f"{request.email}. Confirm with this link:", "",
        f"{settings.base_url}/hot-sheet/confirm?token={request.token}", "",
        "If it was not you, ignore this e-mail: nothing will be sent.",
        f"To cancel at any time: {leave_link(settings, request.token)}"])
    return Outgoing("confirm_subscription", request.email, "farmwatch: confirm your hot sheet subscription", body)


def preview_alerts(db: Database, settings: Settings, day: str | None = None) -> dict[str, list[Outgoing]]:
    """What `send_alerts` would send now, by kind, without sending or recording anything.

    Owner-check recipients are replaced by "owner of item N" (the address is the owner's
    personal data), hot-sheet recipients by "subscriber N (area)" and their leave links by a
    placeholder (the link would let the reader unsubscribe them). With no subscriber due, the hot
    sheet is shown as a subscriber to every area would get it, so it can be read before anyone
    subscribes.
    """
    day = day or utcnow()[:10]
    owner_checks = owner_check_notices(db, settings)
    for message in owner_checks:
        message.recipient = "owner of item " + ", ".join(str(i) for i in message.items)
    thefts, sheets = _new_thefts(db, day), []
    for n, sub in enumerate(confirmed_subscriptions(db), start=1):
        if _already_sent(db, "hot_sheet", sub["email"], day):
            continue
        label = f"subscriber {n} ({sub['force_area'] or 'every area'})"
        sheet = hot_sheet_for(thefts, day, label, sub["force_area"], leave_link(settings, "TOKEN"))
        sheets += [sheet] if sheet else []
    if not sheets:
        sample = hot_sheet_for(thefts, day, "(every subscriber to all areas)", None, leave_link(settings, "TOKEN"))
        sheets = [sample] if sample else []
    return {"officer_digest": officer_digests(db, settings), "owner_check": owner_checks, "hot_sheet": sheets}


def _already_sent(db: Database, kind: str, recipient: str, key: str) -> bool:
    return bool(db.execute("select 1 from alerts_sent where kind = ? and recipient = ? and subject_key = ?",
                           [kind, recipient, key]).fetchone())


def send_alerts(db: Database, settings: Settings, *, hot_sheet: bool = True, dry_run: bool = False) -> dict:
    """Build and send every pending alert; returns counts and any failure as text."""
    if hot_sheet and not dry_run:
        ensure_tokens(db)
    outgoing = officer_digests(db, settings) + owner_check_notices(db, settings)
    if hot_sheet:
        outgoing += hot_sheets(db, settings)
    result = {"prepared": len(outgoing), "sent": 0, "failed": 0, "errors": [], "by_kind": {}}
    if dry_run or not outgoing:
        return result

    def record(message: Outgoing) -> None:
        now = utcnow()
        with db.atomic():
            for key in message.keys:
                db.execute("insert or ignore into alerts_sent (kind, recipient, subject_key, sent_at) "
                           "values (?, ?, ?, ?)", [message.kind, message.recipient, key, now])

    return {"prepared": len(outgoing), **send_messages(settings, outgoing, on_sent=record)}


def subscribe(db: Database, email: str, force_area: str | None = None, organisation: str | None = None) -> None:
    """Subscribe an address to the hot sheet at once (the command line: an administrator's act)."""
    subscribe_confirmed(db, email, force_area, organisation)
