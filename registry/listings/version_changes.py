"""What changed between two versions of a listing, in words an officer reads in a case file.

"serial PE4045R123456 removed", "price cut from £9,500 to £6,000", "photos replaced: 2 removed,
1 added", "title changed from "…" to "…"". Pure functions over the `fields` and `photos` of
registry.listings.versions; amounts are written by Babel (CLDR currency signs and grouping, en_GB).
"""

from __future__ import annotations

import json
import re

from babel.numbers import UnknownCurrencyError, format_currency

from registry.identifiers.rules import matching_key

_LABELS = {"title": "title", "description": "description", "location": "location", "posted_at": "posting date",
           "category": "category", "make": "make", "model": "model", "year": "year", "colour": "colour",
           "seller_name": "seller name", "seller_profile_url": "seller profile", "seller_phone": "seller phone",
           "seller_email": "seller e-mail"}
_QUOTED = ("title", "location", "make", "model", "year", "colour", "seller_name", "seller_phone", "seller_email",
           "category")
QUOTE_LIMIT = 80


def money(amount: float | None, currency: str | None) -> str:
    """An amount as a reader writes it: `£9,500`, `€1,250.50`; an unknown code is written before it."""
    if amount is None:
        return "no price"
    digits = "#,##0" if float(amount).is_integer() else "#,##0.00"
    try:
        return format_currency(amount, currency or "GBP", format="¤" + digits, locale="en_GB", currency_digits=False)
    except (UnknownCurrencyError, ValueError):
        return f"{currency} {amount:,.2f}".strip()


def identifiers_of(fields: dict) -> list[dict]:
    """The structured identifiers of a version's fields (a JSON list in the listing row)."""
    value = fields.get("structured_identifiers")
    if isinstance(value, str):
        try:
            value = json.loads(value or "[]")
        except ValueError:
            value = []
    return [i for i in value or [] if isinstance(i, dict) and i.get("value")]


def _compact_text(fields: dict) -> str:
    text = " ".join(str(fields.get(k) or "") for k in ("title", "description"))
    return matching_key(re.sub(r"\s+", "", text)) or ""


def identifier_present(value: str, fields: dict) -> bool:
    """Whether an identifier (raw value) is still published: among the version's identifiers, or in its
    title or description with separators and look-alikes folded (registry.identifiers.matching_key)."""
    key = matching_key(value)
    if not key:
        return False
    if key in {matching_key(i["value"]) for i in identifiers_of(fields)}:
        return True
    return key in _compact_text(fields)


def _quote(value) -> str:
    text = str(value)
    return f'"{text[:QUOTE_LIMIT]}…"' if len(text) > QUOTE_LIMIT else f'"{text}"'


def _price_change(before: dict, after: dict) -> str | None:
    old, new = before.get("price"), after.get("price")
    old_currency, new_currency = before.get("currency"), after.get("currency")
    if old == new and old_currency == new_currency:
        if old is None and before.get("price_text") != after.get("price_text"):
            return f"price text changed from {_quote(before.get('price_text') or '')} to {_quote(after.get('price_text') or '')}"
        return None
    if old is None:
        return f"price {money(new, new_currency)} added"
    if new is None:
        return f"price {money(old, old_currency)} removed" + (
            f" (now {_quote(after['price_text'])})" if after.get("price_text") else "")
    if old_currency == new_currency:
        verb = "cut" if new < old else "raised"
        return f"price {verb} from {money(old, old_currency)} to {money(new, new_currency)}"
    return f"price changed from {money(old, old_currency)} to {money(new, new_currency)}"


def _photo_change(before: list[dict], after: list[dict]) -> str | None:
    def keys(photos):
        return [p.get("sha256") or f"url:{p.get('url')}" for p in photos]

    old, new = keys(before), keys(after)
    if old == new:
        return None
    removed = sum(1 for k in old if k not in new)
    added = sum(1 for k in new if k not in old)
    if removed and added:
        return f"photos replaced: {removed} removed, {added} added"
    if removed:
        return f"{removed} photo{'s' if removed != 1 else ''} removed"
    if added:
        return f"{added} photo{'s' if added != 1 else ''} added"
    return "photos reordered"


def describe_changes(before: dict, after: dict, before_photos: list[dict] = (), after_photos: list[dict] = (),
                     watch: list[dict] = ()) -> list[str]:
    """Sentences saying what changed from one version's `fields` (and photos) to the next; [] when nothing did.

    Identifiers first (an identifier removed is what an officer must see), then the price, photos
    and the other fields. Photos compare by SHA-256 (by address when a photo was not stored).
    `watch` adds identifiers to follow through the text ({"kind", "value"}, such as those a match
    cited from a description), reported when they leave or return.
    """
    changes = []
    after_keys = {matching_key(i["value"]) for i in identifiers_of(after)}
    before_keys = {matching_key(i["value"]) for i in identifiers_of(before)}
    said = set()
    for ident in identifiers_of(before):
        if matching_key(ident["value"]) not in after_keys and not identifier_present(ident["value"], after):
            changes.append(f"{ident.get('kind') or 'identifier'} {ident['value']} removed")
            said.add(matching_key(ident["value"]))
    for ident in identifiers_of(after):
        if matching_key(ident["value"]) not in before_keys and not identifier_present(ident["value"], before):
            changes.append(f"{ident.get('kind') or 'identifier'} {ident['value']} added")
            said.add(matching_key(ident["value"]))
    for ident in watch:
        key = matching_key(ident.get("value"))
        if not key or key in said:
            continue
        was, now = identifier_present(ident["value"], before), identifier_present(ident["value"], after)
        if was != now:
            changes.append(f"{ident.get('kind') or 'identifier'} {ident['value']} {'removed' if was else 'back'}")
            said.add(key)
    price = _price_change(before, after)
    if price:
        changes.append(price)
    photos = _photo_change(list(before_photos), list(after_photos))
    if photos:
        changes.append(photos)
    for field, label in _LABELS.items():
        old, new = before.get(field), after.get(field)
        if old == new or (not old and not new):
            continue
        if not new:
            changes.append(f"{label} removed")
        elif not old:
            changes.append(f"{label} added" + (f": {_quote(new)}" if field in _QUOTED else ""))
        elif field in _QUOTED:
            changes.append(f"{label} changed from {_quote(old)} to {_quote(new)}")
        else:
            changes.append(f"{label} changed")
    return changes


def version_history(versions: list[dict], watch: list[dict] = ()) -> list[dict]:
    """The versions (registry.listings.versions.listing_versions) each with `changes`: what changed from the one
    before (`watch` as in describe_changes)."""
    out = []
    previous = None
    for version in versions:
        changes = [] if previous is None else describe_changes(previous["fields"], version["fields"],
                                                                previous["photos"], version["photos"], watch)
        out.append({**version, "changes": changes})
        previous = version
    return out
