"""Checking an item record before it is stored: owner, category, identifiers, theft.

Validation returns errors keyed by field ("year", "identifiers.1.value") so that a CSV import can
report them by line and a web form next to the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from registry.accounts.emails import EmailError, check_email
from registry.cleaning import clip, parse_date, parse_year
from registry.identifiers.rules import Identifier, IdentifierError, parse_identifier
from registry.identifiers.spreadsheet_damage import TEXT_FIX, spreadsheet_damage
from registry.identifiers.vocab import CATEGORIES, resolve_category

# The longest text kept per field, in characters (a field longer than this is cut and reported by
# `shortened_fields`): names and addresses as a form holds them, a description of a page or two.
FIELD_LIMITS = {"owner.name": 200, "owner.email": 200, "owner.phone": 200, "owner.postcode": 200,
                "make": 100, "model": 100, "colour": 60, "description": 5000,
                "theft.crime_ref": 64, "theft.place": 300}


def _field(raw: dict, dotted: str):
    value = raw
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if dotted == "colour" and value is None:
        value = raw.get("color")
    return value


def shortened_fields(raw) -> list[str]:
    """The fields of an item record that validation will cut to FIELD_LIMITS, each as a message
    naming the field, its length and the limit ("description is 6,200 characters; the first 5,000
    were kept"). [] for a record with nothing too long or not a dict."""
    if not isinstance(raw, dict):
        return []
    notes = []
    for dotted, limit in FIELD_LIMITS.items():
        value = _field(raw, dotted)
        length = len(str(value).replace("\x00", "").strip()) if value is not None else 0
        if length > limit:
            notes.append(f"{dotted} is {length:,} characters; only the first {limit:,} were kept")
    return notes


class RegistryError(ValueError):
    """A request the registry refuses; the message is meant for the person who made it."""


@dataclass
class ValidItem:
    owner: dict
    category: str
    make: str | None = None
    model: str | None = None
    year: int | None = None
    colour: str | None = None
    description: str | None = None
    identifiers: list[Identifier] = field(default_factory=list)
    theft: dict | None = None


@dataclass
class Registered:
    item_id: int
    created: bool
    warnings: list[str] = field(default_factory=list)
    photos_stored: int = 0


def validate_owner(raw) -> tuple[dict, dict[str, str]]:
    errors: dict[str, str] = {}
    if not isinstance(raw, dict):
        return {}, {"owner": "owner must be an object with name, email, phone, postcode"}
    owner = {k: clip(raw.get(k), FIELD_LIMITS[f"owner.{k}"]) for k in ("name", "email", "phone", "postcode")}
    if not owner["name"]:
        errors["owner.name"] = "owner name is missing"
    if owner["email"]:
        try:
            owner["email"] = check_email(owner["email"])
        except EmailError as error:
            errors["owner.email"] = str(error)
    if owner["postcode"]:
        owner["postcode"] = re.sub(r"\s+", " ", owner["postcode"].upper())
    if owner["phone"] and (problem := _phone_damage(owner["phone"])):
        errors["owner.phone"] = problem
    return owner, errors


def _phone_damage(phone: str) -> str | None:
    """A spreadsheet's damage to a phone number: scientific notation, or the leading 0 of a UK number
    dropped when the column was taken for numbers (10 digits starting 1-9, as 7700900123)."""
    if damage := spreadsheet_damage(phone, "phone number"):
        return damage
    digits = phone.strip()
    if digits.isdigit() and len(digits) == 10 and digits[0] in "123789":
        return (f'phone number "{digits}" has lost its leading 0 (0{digits}?): a spreadsheet took the column '
                f"for numbers; {TEXT_FIX}")
    return None


def validate_theft(raw) -> tuple[dict | None, dict[str, str]]:
    if raw in (None, "", {}):
        return None, {}
    if not isinstance(raw, dict):
        return None, {"theft": "theft must be an object with stolen_at, crime_ref and place"}
    errors: dict[str, str] = {}
    stolen_raw = raw.get("stolen_at")
    stolen_at = parse_date(stolen_raw)
    if not stolen_raw:
        errors["theft.stolen_at"] = "theft date (stolen_at) is missing"
    elif not stolen_at and re.fullmatch(r"\s*[1-9]\d{4}(\.0+)?\s*", str(stolen_raw)):
        errors["theft.stolen_at"] = (f'theft date "{clip(stolen_raw, 40)}" is a spreadsheet\'s day number, not a date: '
                                     "format the column as a date (YYYY-MM-DD) and save as CSV again")
    elif not stolen_at:
        errors["theft.stolen_at"] = f'theft date "{clip(stolen_raw, 40)}" is not a date (use YYYY-MM-DD)'
    elif stolen_at > datetime.now(UTC).date().isoformat():
        errors["theft.stolen_at"] = f"theft date {stolen_at} is in the future"
    theft = {
        "stolen_at": stolen_at,
        "crime_ref": clip(raw.get("crime_ref"), FIELD_LIMITS["theft.crime_ref"]),
        "place": clip(raw.get("place"), FIELD_LIMITS["theft.place"]),
    }
    if damage := spreadsheet_damage(theft["crime_ref"], "crime reference"):
        errors["theft.crime_ref"] = damage
    for coord, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        value = raw.get(coord)
        if value not in (None, ""):
            try:
                number = float(value)
                if not low <= number <= high:
                    raise ValueError
                theft[coord] = number
            except (TypeError, ValueError):
                errors[f"theft.{coord}"] = f'{coord} "{clip(value, 30)}" is not a number between {low} and {high}'
    return theft, errors


def validate_item(raw: dict) -> tuple[ValidItem | None, dict[str, str]]:
    """Check one registration record (the import format); return it cleaned, or errors by field."""
    if not isinstance(raw, dict):
        return None, {"record": "each record must be a JSON object"}
    owner, errors = validate_owner(raw.get("owner"))
    category = resolve_category(raw.get("category"))
    if not raw.get("category"):
        errors["category"] = "category is missing; accepted: " + ", ".join(CATEGORIES)
    elif category is None:
        errors["category"] = f'unknown category "{clip(raw.get("category"), 40)}"; accepted: ' + ", ".join(CATEGORIES)
    try:
        year = parse_year(raw.get("year"))
    except ValueError as exc:
        errors["year"], year = str(exc), None
    identifiers: list[Identifier] = []
    raw_identifiers = raw.get("identifiers") or []
    if not isinstance(raw_identifiers, list):
        errors["identifiers"] = "identifiers must be a list of {kind, value}"
        raw_identifiers = []
    for n, entry in enumerate(raw_identifiers):
        if not isinstance(entry, dict) or not entry.get("kind"):
            errors[f"identifiers.{n}.kind"] = f"identifier {n + 1} needs a kind and a value"
            continue
        try:
            parsed = parse_identifier(str(entry["kind"]), str(entry.get("value") or ""), category)
        except IdentifierError as exc:
            errors[f"identifiers.{n}.value"] = str(exc)
            continue
        if parsed and all(p.normalised_value != parsed.normalised_value or p.kind != parsed.kind for p in identifiers):
            identifiers.append(parsed)
    theft, theft_errors = validate_theft(raw.get("theft"))
    errors.update(theft_errors)
    if errors:
        return None, errors
    return ValidItem(
        owner=owner, category=category, make=clip(raw.get("make"), FIELD_LIMITS["make"]),
        model=clip(raw.get("model"), FIELD_LIMITS["model"]), year=year,
        colour=clip(raw.get("colour") or raw.get("color"), FIELD_LIMITS["colour"]),
        description=clip(raw.get("description"), FIELD_LIMITS["description"]), identifiers=identifiers, theft=theft,
    ), {}
