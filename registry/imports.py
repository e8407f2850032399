"""Bulk import of items (CSV or JSON lines) and listings (JSON lines).

A file that cannot be read at all changes nothing; otherwise every good row is loaded
and every bad row is reported by line number and reason.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from registry.items import register_item, validate_item
from registry.listings import ListingError, clean_listing, save_listing_photo, upsert_listing
from registry.vocab import resolve_identifier_kind

MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_LINE_CHARS = 1_000_000
csv.field_size_limit(MAX_LINE_CHARS)


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; nothing was changed."""


@dataclass
class ImportReport:
    path: str
    rows: int = 0
    loaded: int = 0
    created: int = 0
    updated: int = 0
    photos: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        keys = ("path", "rows", "loaded", "created", "updated", "photos", "rejected", "errors", "warnings")
        return {k: getattr(self, k) for k in keys}


def read_text(path: Path) -> str:
    """The file's text: UTF-8 (with or without BOM), else Windows-1252 as spreadsheets save it."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot be read ({exc.strerror})") from None
    if path.is_dir():
        raise ImportFileError(f"{path}: is a folder, not a file")
    if size > MAX_FILE_BYTES:
        raise ImportFileError(f"{path}: {size // 2**20} MB is over the {MAX_FILE_BYTES // 2**20} MB limit; split it")
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise ImportFileError(f"{path}: looks like a binary file, not CSV or JSON lines")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ImportFileError(f"{path}: not UTF-8 text (bad byte at position {exc.start})") from None


def iter_jsonl(text: str, name: str) -> Iterator[tuple[int, dict | None, str | None]]:
    """(line number, record, error) for each non-blank line."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE_CHARS:
            yield number, None, f"line is {len(line):,} characters long (limit {MAX_LINE_CHARS:,})"
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, None, f"not valid JSON ({exc.msg} at column {exc.colno})"
            continue
        except RecursionError:
            yield number, None, "JSON nested too deeply"
            continue
        if not isinstance(record, dict):
            yield number, None, "each line must be a JSON object"
            continue
        yield number, record, None


# --- CSV with flattened fields ------------------------------------------------------------

def header_key(header: str | None) -> str:
    """A CSV header as a comparable key: 'Owner.Name ' -> 'owner_name'."""
    return re.sub(r"[^a-z0-9]+", "_", (header or "").strip().lower()).strip("_")


def csv_reader(text: str, name: str) -> tuple[csv.DictReader, set[str]]:
    """A reader for CSV text in any of the usual dialects, and its header keys; ImportFileError when
    the header row cannot be read."""
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    try:
        headers = reader.fieldnames or []
    except csv.Error as exc:
        raise ImportFileError(f"{name}: unreadable CSV header ({exc})") from None
    return reader, {header_key(h) for h in headers}


_ITEM_FIELDS = {"category", "make", "model", "year", "colour", "color", "description"}
_OWNER_FIELDS = {"name", "email", "phone", "postcode"}
_THEFT_FIELDS = {"stolen_at", "crime_ref", "place", "latitude", "longitude"}
_THEFT_ALIASES = {"date_stolen": "stolen_at", "stolen_on": "stolen_at", "stolen": "stolen_at",
                  "crime_reference": "crime_ref", "crime_number": "crime_ref", "theft_place": "place"}


def csv_row_to_record(row: dict[str, str], unknown: set[str]) -> dict:
    """Turn one CSV row with flattened headers (owner.name or owner_name, identifiers.0.kind,
    a column per identifier kind such as 'PIN' or 'Ear tag', photos separated by ';') into a record."""
    record: dict = {"owner": {}, "identifiers": [], "photos": []}
    theft: dict = {}
    numbered: dict[str, dict] = {}
    for header, value in row.items():
        if header is None:
            unknown.add("(values beyond the last header)")
            continue
        value = (value or "").strip() if isinstance(value, str) else value
        key = header_key(header)
        if not value:
            continue
        if m := re.fullmatch(r"owner_(name|email|phone|postcode)", key):
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
            for part in re.split(r"[;\n]", value):
                if ":" in part:
                    kind, _, ident = part.partition(":")
                    record["identifiers"].append({"kind": kind.strip(), "value": ident.strip()})
                elif part.strip():
                    record["identifiers"].append({"kind": "other", "value": part.strip()})
        elif re.fullmatch(r"photos?(_\d+)?", key):
            record["photos"].extend(p.strip() for p in re.split(r"[;|\n]", value) if p.strip())
        elif resolve_identifier_kind(key.replace("_", " ")):
            for part in re.split(r"[;\n]", value):
                if part.strip():
                    record["identifiers"].append({"kind": key.replace("_", " "), "value": part.strip()})
        else:
            unknown.add(header)
    for _, entry in sorted(numbered.items()):
        if entry.get("value"):
            record["identifiers"].append({"kind": entry.get("kind") or "other", "value": entry["value"]})
    if theft:
        record["theft"] = theft
    return record


def iter_item_records(path: Path) -> tuple[Iterator[tuple[int, dict | None, str | None]], int, list[str]]:
    """Records from a .csv or .jsonl/.json file; (iterator, row count, file-level warnings)."""
    text = read_text(path)
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        stripped = text.lstrip()
        if suffix == ".json" and stripped.startswith("["):
            try:
                records = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ImportFileError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
            rows = [(n, r, None if isinstance(r, dict) else "each entry must be a JSON object")
                    for n, r in enumerate(records, start=1)]
            return iter([(n, r if e is None else None, e) for n, r, e in rows]), len(rows), []
        count = sum(1 for line in text.splitlines() if line.strip())
        return iter_jsonl(text, str(path)), count, []
    if suffix in (".csv", ".tsv", ".txt"):
        reader, keys = csv_reader(text, str(path))
        headers = reader.fieldnames or []
        if not ({"category"} & keys) or not ({"owner_name", "name"} & keys):
            raise ImportFileError(
                f"{path}: the header row needs at least 'category' and 'owner.name' columns "
                f"(found: {', '.join(headers[:12]) or 'none'})"
            )
        unknown: set[str] = set()
        warnings: list[str] = []

        def rows() -> Iterator[tuple[int, dict | None, str | None]]:
            try:
                for row in reader:
                    yield reader.line_num, csv_row_to_record(row, unknown), None
            except csv.Error as exc:
                yield reader.line_num, None, f"unreadable CSV ({exc}); the rest of the file was not read"
            if unknown:
                warnings.append("columns ignored: " + ", ".join(sorted(unknown)))

        count = max(0, len(text.splitlines()) - 1)
        return rows(), count, warnings
    raise ImportFileError(f"{path}: use a .csv or .jsonl file (got '{path.suffix or 'no extension'}')")


def _load_photo(base: Path, ref) -> tuple[str, bytes | None, str | None]:
    name = str(ref)
    if re.match(r"^[a-z]+://", name, re.I):
        return name, None, f"photo {name}: only files are imported with items, not web addresses"
    path = (base / name) if not Path(name).is_absolute() else Path(name)
    try:
        if path.stat().st_size > 25 * 2**20:
            return name, None, f"photo {name}: larger than 25 MB"
        return name, path.read_bytes(), None
    except OSError as exc:
        return name, None, f"photo {name}: cannot be read ({exc.strerror or exc})"


def import_items(db: Database, path: Path | str, progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Load an item registration file; see the README for the format."""
    path = Path(path)
    records, total, file_warnings = iter_item_records(path)
    report = ImportReport(str(path))
    base = path.resolve().parent
    for number, record, error in records:
        report.rows += 1
        if progress:
            progress(report.rows, total)
        where = f"{path.name} line {number}"
        if error:
            report.rejected += 1
            report.errors.append(f"{where}: {error}")
            continue
        item, errors = validate_item(record)
        if errors:
            report.rejected += 1
            report.errors.extend(f"{where}: {message}" for message in errors.values())
            continue
        photos = []
        refs = record.get("photos") or []
        for ref in ([refs] if isinstance(refs, str) else refs if isinstance(refs, list) else [])[:30]:
            name, data, problem = _load_photo(base, ref)
            if problem:
                report.warnings.append(f"{where}: {problem} (item kept without it)")
            else:
                photos.append((name, data))
        try:
            result = register_item(db, item, photos)
        except Exception as exc:  # a database constraint: report the row, keep going
            report.rejected += 1
            report.errors.append(f"{where}: could not be stored ({exc})")
            continue
        report.loaded += 1
        report.created += result.created
        report.updated += not result.created
        report.photos += result.photos_stored
        report.warnings.extend(f"{where}: {w}" for w in result.warnings)
    report.warnings.extend(file_warnings)
    return report


def import_listings(db: Database, path: Path | str, progress: Callable[[int, int], None] | None = None,
                    fetch: Callable[[str], bytes] | None = None) -> ImportReport:
    """Load listings from a JSON lines file; photos are local files (relative to it) or fetched URLs."""
    path = Path(path)
    if path.suffix.lower() not in (".jsonl", ".ndjson", ".json"):
        raise ImportFileError(f"{path}: listings are imported from a .jsonl file (got '{path.suffix or 'none'}')")
    text = read_text(path)
    total = sum(1 for line in text.splitlines() if line.strip())
    report = ImportReport(str(path))
    base = path.resolve().parent
    for number, record, error in iter_jsonl(text, str(path)):
        report.rows += 1
        if progress:
            progress(report.rows, total)
        where = f"{path.name} line {number}"
        if error:
            report.rejected += 1
            report.errors.append(f"{where}: {error}")
            continue
        try:
            row = clean_listing(record)
        except ListingError as exc:
            report.rejected += 1
            report.errors.append(f"{where}: {exc}")
            continue
        photo_refs = row["photo_urls"]
        result = upsert_listing(db, row)
        report.loaded += 1
        report.created += result.state == "new"
        report.updated += result.state == "changed"
        for position, ref in enumerate(photo_refs, start=1):
            if re.match(r"^https?://", ref, re.I):
                if fetch is None:
                    save_listing_photo(db, result.listing_id, position, ref, error="not fetched (no fetcher)")
                    continue
                try:
                    data, problem = fetch(ref), None
                except Exception as exc:
                    data, problem = None, f"download failed: {exc}"
            else:
                _, data, problem = _load_photo(base, ref)
            stored = save_listing_photo(db, result.listing_id, position, ref, data, error=problem)
            if stored:
                report.photos += 1
            else:
                msg = db.execute("select error from listing_photos where listing_id = ? and position = ?",
                                 [result.listing_id, position]).fetchone()[0]
                report.warnings.append(f"{where}: photo {position}: {msg} (listing kept)")
    return report


def terminal_progress(label: str) -> Callable[[int, int], None] | None:
    """A progress callback that redraws one line on a terminal, or None when not on one (cron)."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        if done == total or done % 25 == 0:
            end = "\n" if done == total else ""
            sys.stderr.write(f"\r{label}: {done:,}/{total:,} rows{end}")
            sys.stderr.flush()

    return show
