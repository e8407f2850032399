"""Bulk registration from an uploaded CSV, .xlsx workbook or JSON file, with a result for every row.

A workbook is known by its content and read by `registry.imports.workbooks` (first visible sheet,
or the one named; cells as the sheet shows them); old .xls and .ods are refused with the fix.

Rows are read with the registry's CSV import rules (`registry.imports.spreadsheets`: delimiter from
the header line, repeated headers, rows with too many values as row errors; `csv_row_to_record`:
flattened headers, a column per identifier kind, several identifiers separated by ';') and always
belong to the logged-in farmer, whatever owner columns the file carries. Photo paths
in an uploaded file refer to someone else's disk, so they are reported, never opened.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlite_utils import Database

from registry.imports.item_csv import OWNER_HEADERS, CsvHeaderError, check_item_headers, csv_row_to_record, item_table
from registry.imports.json_rows import JsonFileError, json_rows
from registry.imports.spreadsheets import decode_text, looks_binary
from registry.imports.workbooks import read_workbook, refuse_other_spreadsheet, workbook_kind
from registry.items.registration import register_item
from registry.items.validation import ValidItem, shortened_fields, validate_item

MAX_CSV_BYTES = 5 * 1024 * 1024
MAX_CSV_ROWS = 5000


class CsvFileError(ValueError):
    """The upload as a whole cannot be read; nothing was changed."""


@dataclass
class RowResult:
    line: int
    status: str  # created, updated, error
    item_id: int | None = None
    messages: list[str] = field(default_factory=list)


@dataclass
class CsvResult:
    filename: str
    rows: list[RowResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unit: str = "line"  # how a row is named: "line" of a CSV, "row" of a workbook's sheet

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    def as_dict(self) -> dict:
        return {"filename": self.filename, "unit": self.unit, "created": self.count("created"), "updated": self.count("updated"),
                "errors": self.count("error"), "notes": self.notes,
                "rows": [vars(row) for row in self.rows]}


def decode_csv(data: bytes, filename: str) -> str:
    if not data.strip():
        raise CsvFileError(f"{filename}: the file is empty")
    if len(data) > MAX_CSV_BYTES:
        raise CsvFileError(f"{filename}: {len(data) // 1024:,} KB is over the {MAX_CSV_BYTES // 2**20} MB limit; "
                           "split it into smaller files")
    if problem := refuse_other_spreadsheet(workbook_kind(data), filename):
        raise CsvFileError(problem)
    if looks_binary(data):
        raise CsvFileError(f"{filename}: looks like a binary file, not CSV or an .xlsx workbook; save it as CSV first")
    try:
        return decode_text(data)
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


@dataclass
class PreparedRow:
    """One CSV row, validated without the database: an item to register, or the reasons it cannot be."""

    line: int
    item: ValidItem | None
    messages: list[str]


def prepare_csv(data: bytes, filename: str = "upload.csv", sheet: str | None = None
                ) -> tuple[CsvResult, list[PreparedRow]]:
    """Read and validate the whole upload, CSV or an .xlsx workbook's sheet (`sheet`, else the first
    visible one), with no database needed; CsvFileError when it cannot be read."""
    name = (filename or "upload.csv").replace("\x00", "")[:100]
    notes: list[str] = []
    if workbook_kind(data) is None and (name.lower().endswith((".json", ".jsonl", ".ndjson"))
                                        or data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{")):
        return _prepare_json(decode_csv(data, name), name)
    try:
        if data.strip() and len(data) <= MAX_CSV_BYTES and workbook_kind(data) == "xlsx":
            table = check_item_headers(read_workbook(data, name, sheet, max_rows=MAX_CSV_ROWS + 1), name,
                                       need_owner=False)
            notes = [n for n in table.notes if not n.startswith("only the first")]
        else:
            table = item_table(decode_csv(data, name), name, need_owner=False)
    except CsvHeaderError as exc:
        raise CsvFileError(str(exc)) from None
    result = CsvResult(name, notes=notes, unit="line" if table.delimiter else "row")
    if table.keys & OWNER_HEADERS:
        result.notes.append("owner columns were ignored: every row is registered to your account")
    unknown: set[str] = set()
    prepared: list[PreparedRow] = []
    for row in table.rows():
        if len(prepared) >= MAX_CSV_ROWS:
            result.notes.append(f"only the first {MAX_CSV_ROWS:,} rows were read; split the file")
            break
        prepared.append(PreparedRow(row.line, None, [row.error]) if row.error
                        else _prepare_row(row.line, row.cells, unknown))
    if unknown:
        result.notes.append("columns ignored: " + ", ".join(sorted(h[:40] for h in unknown)[:20]))
    return result, prepared


def _prepare_json(text: str, name: str) -> tuple[CsvResult, list[PreparedRow]]:
    """JSON lines or a JSON array (registry.imports.json_rows), each object an item record."""
    try:
        rows = json_rows(text)
    except JsonFileError as exc:
        raise CsvFileError(f"{name}: {exc}") from None
    result = CsvResult(name)
    if len(rows) > MAX_CSV_ROWS:
        result.notes.append(f"only the first {MAX_CSV_ROWS:,} rows were read; split the file")
    if any(isinstance(r, dict) and r.get("owner") for _, r, _ in rows):
        result.notes.append("owner details were ignored: every row is registered to your account")
    return result, [PreparedRow(line, None, [error]) if error else _prepare_record(line, dict(record))
                    for line, record, error in rows[:MAX_CSV_ROWS]]


def _prepare_row(line: int, row: list[tuple[str, str]], unknown: set[str]) -> PreparedRow:
    return _prepare_record(line, csv_row_to_record(row, unknown))


def _prepare_record(line: int, record: dict) -> PreparedRow:
    record["owner"] = {"name": "farmer account"}
    messages = shortened_fields(record)
    if record.pop("photos", None):
        messages.append("photos named in a CSV are not loaded from an upload: add them on the item's page")
    item, errors = validate_item(record)
    if errors:
        return PreparedRow(line, None, [f"{key}: {msg}" if key.startswith("identifiers") else msg
                                        for key, msg in errors.items()])
    return PreparedRow(line, item, messages)


def register_prepared(db: Database, owner_id: int, rows: list[PreparedRow]) -> list[RowResult]:
    """Register the valid rows for this owner (each in its own savepoint); a result per row."""
    results = []
    for row in rows:
        if row.item is None:
            results.append(RowResult(row.line, "error", messages=row.messages))
            continue
        try:
            with db.atomic():
                registered = register_item(db, row.item, [], owner_id=int(owner_id))
        except Exception as exc:  # a database constraint: report the row, keep going
            results.append(RowResult(row.line, "error", messages=[f"could not be stored ({exc})"]))
            continue
        results.append(RowResult(row.line, "created" if registered.created else "updated", registered.item_id,
                                 row.messages + registered.warnings))
    return results


def import_own_csv(db: Database, owner_id: int, data: bytes, filename: str = "upload.csv") -> CsvResult:
    """Register every good row for this owner; report every bad one by line and field."""
    result, prepared = prepare_csv(data, filename)
    result.rows = register_prepared(db, owner_id, prepared)
    return result
