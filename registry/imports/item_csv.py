"""Item registration rows from CSV: flattened headers to the JSON record of the import format.

Headers are compared by `header_key` ('Owner.Name ' -> 'owner_name'): `owner.name` or `owner_name`,
`category`, `make` ..., `identifiers.0.kind` + `identifiers.0.value`, a column per identifier kind
('PIN', 'Serial number', 'Ear tag'; the same kind may head several columns), `identifiers` as
`kind:value; kind:value`, `photos` separated by `;`, `theft.stolen_at` ... The file is read by
`registry.imports.spreadsheets` (delimiter from the header line, row errors for extra values).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

from registry.imports.spreadsheets import CsvHeaderError, CsvTable, cells_of, header_key, is_identifier_column, read_csv

_ITEM_FIELDS = {"category", "make", "model", "year", "colour", "color", "description"}
_OWNER_FIELDS = {"name", "email", "phone", "postcode"}
_THEFT_FIELDS = {"stolen_at", "crime_ref", "place", "latitude", "longitude"}
_THEFT_ALIASES = {"date_stolen": "stolen_at", "stolen_on": "stolen_at", "stolen": "stolen_at",
                  "crime_reference": "crime_ref", "crime_number": "crime_ref", "theft_place": "place"}
OWNER_HEADERS = {"name", "email", "phone", "postcode", "owner_name", "owner_email", "owner_phone", "owner_postcode"}


def _split_identifiers(value: str) -> list[dict]:
    found = []
    for part in re.split(r"[;\n]", value):
        kind, sep, ident = part.partition(":")
        if sep and kind.strip() and ident.strip() and re.fullmatch(r"[\w .#/-]{1,40}", kind.strip()):
            found.append({"kind": kind.strip(), "value": ident.strip()})
        elif part.strip():
            found.append({"kind": "other", "value": part.strip()})
    return found


def csv_row_to_record(row: Mapping[str, str] | Iterable[tuple[str, str]], unknown: set[str]) -> dict:
    """Turn one CSV row ((header, value) pairs, or a dict) with flattened headers into an import
    record; headers that mean nothing are added to `unknown` (reported once per file)."""
    record: dict = {"owner": {}, "identifiers": [], "photos": []}
    theft: dict = {}
    numbered: dict[str, dict] = {}
    for column, (header, value) in enumerate(cells_of(row), start=1):
        value = (value or "").strip() if isinstance(value, str) else value
        key = header_key(header)
        if not value:
            continue
        if not key:
            unknown.add(f"(column {column} has no header)")
        elif m := re.fullmatch(r"owner_(name|email|phone|postcode)", key):
            record["owner"][m[1]] = value
        elif key in _OWNER_FIELDS:
            record["owner"][key] = value
        elif key in _ITEM_FIELDS:
            record["colour" if key == "color" else key] = value
        elif m := re.fullmatch(r"theft_(\w+)", key):
            theft[_THEFT_ALIASES.get(m[1], m[1])] = value
        elif key in _THEFT_FIELDS or key in _THEFT_ALIASES:
            theft[_THEFT_ALIASES.get(key, key)] = value
        elif m := (re.fullmatch(r"identifiers?_(\d+)_(kind|value)", key)
                   or re.fullmatch(r"identifiers?_(kind|value)_?(\d+)", key)):
            index, part = (m[1], m[2]) if m[1].isdigit() else (m[2], m[1])
            numbered.setdefault(index, {})[part] = value
        elif key in ("identifier_kind", "identifier_value"):
            numbered.setdefault("x", {})[key.split("_")[1]] = value
        elif key in ("identifiers", "identifier"):
            record["identifiers"].extend(_split_identifiers(value))
        elif re.fullmatch(r"photos?(_\d+)?", key):
            record["photos"].extend(p.strip() for p in re.split(r"[;|\n]", value) if p.strip())
        elif is_identifier_column(key):
            for part in re.split(r"[;\n]", value):
                if part.strip():
                    record["identifiers"].append({"kind": key.replace("_", " "), "value": part.strip()})
        else:
            unknown.add(header)
    for _, entry in sorted(numbered.items(), key=lambda kv: (not kv[0].isdigit(), int(kv[0]) if kv[0].isdigit() else 0)):
        if entry.get("value"):
            record["identifiers"].append({"kind": entry.get("kind") or "other", "value": entry["value"]})
    if theft:
        record["theft"] = theft
    return record


def item_table(text: str, name: str, *, need_owner: bool = True) -> CsvTable:
    """The CSV table of an item file; CsvHeaderError naming what the header row lacks or repeats."""
    return check_item_headers(read_csv(text, name), name, need_owner=need_owner)


def check_item_headers(table, name: str, *, need_owner: bool = True):
    """The table (CSV or a workbook's SheetTable) when its headers name the columns an item file
    needs; CsvHeaderError naming what is missing and what was found otherwise."""
    missing = [label for label, keys in (("category", {"category"}), ("owner.name", {"owner_name", "name"}))
               if not (keys & table.keys) and (need_owner or label == "category")]
    if missing:
        found = ", ".join(h[:40] for h in table.headers[:12] if h) or "none"
        needs = " and ".join(f"'{m}'" for m in missing)
        needs = f"at least {needs} columns" if len(missing) > 1 else f"a {needs} column"
        how = (f"read as {_DELIMITER_NAMES[table.delimiter]}-separated" if table.delimiter
               else f"row {table.first_line} of sheet {getattr(table, 'sheet', '')!r}")
        raise CsvHeaderError(f"{name}: the header row needs {needs} (found: {found}; {how})")
    return table


_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


def iter_csv_records(table, warnings: list[str]) -> Iterator[tuple[int, dict | None, str | None]]:
    """(line, record, error) for each data row; ignored columns are added to `warnings` at the end."""
    unknown: set[str] = set()
    for row in table.rows():
        if row.error:
            yield row.line, None, row.error
        else:
            yield row.line, csv_row_to_record(row.cells, unknown), None
    if unknown:
        warnings.append("columns ignored: " + ", ".join(sorted(unknown)))


__all__ = ["OWNER_HEADERS", "CsvHeaderError", "check_item_headers", "csv_row_to_record", "item_table", "iter_csv_records"]
