"""Turning the farmer's web forms into registry records, with every error keyed by its form field.

The form posts one row per identifier (`identifier_kind` / `identifier_value`, repeated);
the registry's validation numbers identifiers by their place in the list it was given,
so blank rows are dropped here and the numbers mapped back to the rows on the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from registry.identifiers.rules import IDENTIFIER_KINDS
from registry.identifiers.vocab import CATEGORIES
from registry.items.validation import ValidItem, validate_item, validate_theft
from registry.photos.store import PhotoError, decode_for_hashing

FIELD_LIMITS = {"make": 100, "model": 100, "year": 10, "colour": 60, "description": 5000}
MAX_IDENTIFIER_ROWS = 30
MAX_IDENTIFIER_CHARS = 64
MAX_PHOTOS_PER_UPLOAD = 10
THEFT_LIMITS = {"stolen_at": 40, "crime_ref": 64, "place": 300}
_ERROR_KEY = re.compile(r"^identifiers\.(\d+)\.(kind|value)$")


@dataclass
class ItemForm:
    """What the item form holds, as typed (so a refused form is shown back unchanged)."""

    category: str = ""
    make: str = ""
    model: str = ""
    year: str = ""
    colour: str = ""
    description: str = ""
    identifiers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def from_data(cls, data) -> ItemForm:
        """From anything with get() and getlist() (Datasette's FormData, or a test double)."""
        text = {name: _text(data.get(name)) for name in ("category", "make", "model", "year", "colour",
                                                         "description")}
        kinds = [_text(k) for k in data.getlist("identifier_kind")]
        values = [_text(v) for v in data.getlist("identifier_value")]
        rows = [(kinds[n] if n < len(kinds) else "", values[n] if n < len(values) else "")
                for n in range(max(len(kinds), len(values)))]
        return cls(**text, identifiers=rows)

    @classmethod
    def from_item(cls, item: dict, identifiers: list[dict]) -> ItemForm:
        return cls(category=item["category"] or "", make=item["make"] or "", model=item["model"] or "",
                   year=str(item["year"] or ""), colour=item["colour"] or "",
                   description=item["description"] or "",
                   identifiers=[(i["kind"], i["raw_value"]) for i in identifiers])

    def rows_for_display(self, minimum: int = 2, extra: int = 0) -> list[tuple[str, str]]:
        rows = list(self.identifiers) + [("serial", "")] * extra
        return rows + [("serial", "")] * max(0, minimum - len(rows))


def _text(value) -> str:
    return value.replace("\x00", "").strip() if isinstance(value, str) else ""


def _too_long(name: str, value: str, limit: int) -> str:
    return f"{name} is {len(value):,} characters long; at most {limit:,} are accepted"


def validate_item_form(form: ItemForm) -> tuple[ValidItem | None, dict[str, str]]:
    """The registry's validation of the form, errors keyed by form field (identifiers by row)."""
    errors: dict[str, str] = {}
    for name, limit in FIELD_LIMITS.items():
        value = getattr(form, name)
        if len(value) > limit:
            errors[name] = _too_long(name, value, limit)
    if not form.category:
        errors["category"] = "choose a category"
    elif form.category not in CATEGORIES:
        errors["category"] = f'unknown category "{form.category[:40]}"; choose one from the list'
    if len(form.identifiers) > MAX_IDENTIFIER_ROWS:
        errors["identifiers"] = f"at most {MAX_IDENTIFIER_ROWS} identifiers at once"
    submitted: list[dict] = []
    row_of: list[int] = []
    for row, (kind, value) in enumerate(form.identifiers[:MAX_IDENTIFIER_ROWS]):
        if not value:
            continue
        if kind not in IDENTIFIER_KINDS:
            errors[f"identifiers.{row}.kind"] = f'unknown identifier kind "{kind[:40]}"; choose one from the list'
            continue
        if len(value) > MAX_IDENTIFIER_CHARS:
            errors[f"identifiers.{row}.value"] = _too_long(kind, value, MAX_IDENTIFIER_CHARS)
            continue
        submitted.append({"kind": kind, "value": value})
        row_of.append(row)
    if errors:
        return None, errors
    record = {"owner": {"name": "farmer account"}, "category": form.category, "make": form.make,
              "model": form.model, "year": form.year, "colour": form.colour,
              "description": form.description, "identifiers": submitted}
    item, registry_errors = validate_item(record)
    for key, message in registry_errors.items():
        if m := _ERROR_KEY.match(key):
            key = f"identifiers.{row_of[int(m[1])]}.{m[2]}"
        errors[key] = message
    return (None, errors) if errors else (item, {})


def check_photos(photos: list[tuple[str, bytes]]) -> dict[str, str]:
    """Refuse non-images, bombs and oversized files before anything is saved."""
    if len(photos) > MAX_PHOTOS_PER_UPLOAD:
        return {"photos": f"{len(photos)} photos chosen; at most {MAX_PHOTOS_PER_UPLOAD} at a time"}
    problems = []
    for name, data in photos:
        try:
            decode_for_hashing(data, name)
        except PhotoError as exc:
            problems.append(str(exc))
    return {"photos": "; ".join(problems)} if problems else {}


@dataclass
class TheftForm:
    stolen_at: str = ""
    crime_ref: str = ""
    place: str = ""

    @classmethod
    def from_data(cls, data) -> TheftForm:
        return cls(*(_text(data.get(name)) for name in ("stolen_at", "crime_ref", "place")))


def validate_theft_form(form: TheftForm) -> tuple[dict | None, dict[str, str]]:
    """A theft report's fields, with errors keyed stolen_at / crime_ref / place."""
    errors = {name: _too_long(name.replace("_", " "), getattr(form, name), limit)
              for name, limit in THEFT_LIMITS.items() if len(getattr(form, name)) > limit}
    if errors:
        return None, errors
    theft, raw_errors = validate_theft({"stolen_at": form.stolen_at, "crime_ref": form.crime_ref,
                                        "place": form.place})
    errors = {key.removeprefix("theft."): message for key, message in raw_errors.items()}
    if not form.stolen_at:
        errors["stolen_at"] = "the date it was stolen is needed (or your best guess)"
    if not form.crime_ref:
        errors["crime_ref"] = "a police crime reference is needed: call 101 to report the theft first"
    return (None, errors) if errors else (theft, {})
