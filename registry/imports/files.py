"""Bulk import of items (CSV or JSON lines) and listings (JSON lines).

A file that cannot be read at all changes nothing; otherwise every good row is loaded
and every bad row is reported by line number and reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from registry.imports.item_csv import CsvHeaderError, check_item_headers, item_table, iter_csv_records
from registry.imports.json_rows import JsonFileError, json_rows
from registry.imports.spreadsheets import decode_text, looks_binary
from registry.imports.workbooks import SAVE_AS, read_workbook, refuse_other_spreadsheet, workbook_kind
from registry.items.registration import register_item
from registry.items.validation import shortened_fields, validate_item
from registry.listings.store import ListingError, clean_listing, save_listing_photo, store_listing_photo, upsert_listing
from registry.progress import line_progress

MAX_FILE_BYTES = 512 * 1024 * 1024


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


def read_bytes(path: Path) -> bytes:
    """The file's bytes; ImportFileError for a folder, an unreadable or an oversized file."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot be read ({exc.strerror})") from None
    if path.is_dir():
        raise ImportFileError(f"{path}: is a folder, not a file")
    if size > MAX_FILE_BYTES:
        raise ImportFileError(f"{path}: {size // 2**20} MB is over the {MAX_FILE_BYTES // 2**20} MB limit; split it")
    return path.read_bytes()


def text_of(data: bytes, path: Path | str) -> str:
    """The text of a file's bytes: UTF-16 with BOM, UTF-8 (with or without BOM), else Windows-1252,
    as spreadsheets save it (registry.imports.spreadsheets.decode_text). A workbook or another
    binary file is refused by what it is."""
    kind = workbook_kind(data)
    if kind:
        raise ImportFileError(refuse_other_spreadsheet(kind, str(path)) or
                              f"{path}: an Excel workbook, where text was expected")
    if looks_binary(data):
        raise ImportFileError(f"{path}: looks like a binary file, not CSV, JSON lines or an .xlsx workbook")
    try:
        return decode_text(data)
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path}: not UTF-8 text (bad byte at position {exc.start})") from None


def read_text(path: Path) -> str:
    """The file's text (see `text_of`)."""
    return text_of(read_bytes(path), path)


def iter_item_records(path: Path, sheet: str | None = None
                      ) -> tuple[Iterator[tuple[int, dict | None, str | None]], int, list[str], str]:
    """Records from a .csv, .jsonl/.json file or an .xlsx workbook (known by its content, whatever
    its name); (iterator, row count, file-level warnings, how a row is named: "kit.csv line").
    ImportFileError when the file as a whole cannot be read (CSV: see registry.imports.spreadsheets,
    workbooks: registry.imports.workbooks, JSON: registry.imports.json_rows)."""
    data = read_bytes(path)
    suffix = path.suffix.lower()
    kind = workbook_kind(data)
    if kind == "xlsx":
        try:
            table = check_item_headers(read_workbook(data, path.name, sheet), str(path))
        except CsvHeaderError as exc:
            raise ImportFileError(str(exc)) from None
        warnings = list(table.notes)
        return iter_csv_records(table, warnings), table.row_count, warnings, f"{path.name} sheet {table.sheet!r} row"
    if kind or suffix in (".xls", ".xlsx", ".xlsm", ".ods"):
        raise ImportFileError(refuse_other_spreadsheet(kind, str(path)) or
                              f"{path}: not a workbook Excel can open; {SAVE_AS}")
    text = text_of(data, path)
    where = f"{path.name} line"
    if sheet:
        raise ImportFileError(f"{path}: --sheet {sheet!r} names a workbook sheet, but this is a text file, not .xlsx")
    if suffix in (".jsonl", ".ndjson", ".json"):
        try:
            rows = json_rows(text)
        except JsonFileError as exc:
            raise ImportFileError(f"{path}: {exc}") from None
        return iter(rows), len(rows), [], where
    if suffix in (".csv", ".tsv", ".txt"):
        try:
            table = item_table(text, str(path))
        except CsvHeaderError as exc:
            raise ImportFileError(str(exc)) from None
        warnings: list[str] = []
        count = max(0, len(text.splitlines()) - table.first_line)
        return iter_csv_records(table, warnings), count, warnings, where
    raise ImportFileError(f"{path}: use a .csv, .jsonl or .xlsx file (got '{path.suffix or 'no extension'}')")


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


def _good_rows(report: ImportReport, rows, total: int, progress: Callable[[int, int], None] | None,
               where_of: Callable[[int], str]) -> Iterator[tuple[str, dict]]:
    """Each readable (where, record) of `rows` ((number, record, error) triples), counting every row in
    `report` and reporting progress; a row that could not be read is counted rejected with its error."""
    for number, record, error in rows:
        report.rows += 1
        if progress:
            progress(report.rows, total)
        where = where_of(number)
        if error:
            report.rejected += 1
            report.errors.append(f"{where}: {error}")
            continue
        yield where, record


def import_items(db: Database, path: Path | str, progress: Callable[[int, int], None] | None = None,
                 sheet: str | None = None) -> ImportReport:
    """Load an item registration file (CSV, JSON lines or an .xlsx workbook's sheet, `sheet` or the
    first visible one); see docs/imports.md for the formats."""
    path = Path(path)
    records, total, file_warnings, unit = iter_item_records(path, sheet)
    report = ImportReport(str(path))
    base = path.resolve().parent
    for where, record in _good_rows(report, records, total, progress, lambda number: f"{unit} {number}"):
        report.warnings.extend(f"{where}: {note}" for note in shortened_fields(record))
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
    try:
        rows = json_rows(read_text(path))
    except JsonFileError as exc:
        raise ImportFileError(f"{path}: {exc}") from None
    total = len(rows)
    report = ImportReport(str(path))
    base = path.resolve().parent
    for where, record in _good_rows(report, rows, total, progress, lambda number: f"{path.name} line {number}"):
        try:
            row = clean_listing(record)
        except ListingError as exc:
            report.rejected += 1
            report.errors.append(f"{where}: {exc}")
            continue
        if row["price"] is None and record.get("price") is not None and not isinstance(record.get("price"), str):
            report.warnings.append(f'{where}: price {row["price_text"]} is not an asking price '
                                   "(a positive number or the text as published); kept as text only")
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
            outcome = store_listing_photo(db, result.listing_id, position, ref, data, error=problem)
            if outcome.outcome == "stored":
                report.photos += 1
            elif outcome.outcome == "duplicate":
                report.warnings.append(f"{where}: photo {position}: the same picture as photo {outcome.duplicate_of}, "
                                       "stored once")
            else:
                report.warnings.append(f"{where}: photo {position}: {outcome.reason} (listing kept)")
    return report


def terminal_progress(label: str) -> Callable[[int, int], None] | None:
    """A progress callback that redraws one line on a terminal every 25 rows and at the end, or None
    when not on one (cron); drawn by registry.progress.line_progress."""
    show = line_progress(lambda done, total: f"{label}: {done:,}/{total:,} rows")
    if show is None:
        return None
    return lambda done, total: show(done, total) if done == total or done % 25 == 0 else None
