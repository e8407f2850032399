"""Excel workbooks (.xlsx, .xlsm) read as the farmer sees them, through the kept library openpyxl.

Rules (written down for users in docs/imports.md):

- A workbook is known by its content (a zip holding `[Content_Types].xml` and `xl/workbook.xml`),
  whatever its name. Old `.xls` (an OLE2 file) and OpenDocument `.ods` are refused with "save it as
  .xlsx or CSV".
- The first visible sheet is read, or the one named (`--sheet NAME`); a hidden first sheet is
  skipped with a note, other sheets not read are named in a note. A sheet name that does not exist is
  refused, naming the sheets there are.
- The header row is the first of the first rows with a value that has a `category` header (a title
  and a date above it are skipped, with a note naming their rows), else the first row with a value.
  A header cell merged across columns heads each of
  them (a merged "Serial number" over two columns gives two serial columns; any other merged header
  is a repeated header, refused by name as for CSV). A value in a column right of the last header is
  a row error naming the column.
- Cells are read as the text the sheet shows: formulas as their saved value (a formula never
  calculated and saved is a row error naming the cell), numbers in "General" as Excel shows them
  (up to 11 characters, so 182735000000 reads "1.82735E+11" and is refused by
  registry/identifiers/spreadsheet_damage.py with its fix), zero-padded formats ("000000") with their
  zeros, a date in an identifier column refused as a date made of the code; dates elsewhere as
  YYYY-MM-DD. Row numbers are the sheet's own.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

import openpyxl
from openpyxl.utils import get_column_letter, range_boundaries

from registry.identifiers.spreadsheet_damage import TEXT_FIX, spreadsheet_damage
from registry.imports.spreadsheets import CsvHeaderError, CsvRow, check_headers, header_key, is_identifier_column

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SAVE_AS = "save it as .xlsx or CSV"
TITLE_ROWS = 10  # rows a sheet may have above its header (a title, a date, a blank line)


def workbook_kind(data: bytes) -> str | None:
    """What kind of spreadsheet file the bytes are: "xlsx", "ods", "xls", or None for none.
    Judged by content: zip magic with `[Content_Types].xml` and `xl/workbook.xml` (Office Open XML),
    the OpenDocument `mimetype` entry, or the OLE2 signature of the old binary formats."""
    if data.startswith(OLE2_MAGIC):
        return "xls"
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names and b"opendocument.spreadsheet" in archive.read("mimetype")[:100]:
                return "ods"
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None


def refuse_other_spreadsheet(kind: str | None, name: str) -> str | None:
    """The message for a spreadsheet format we do not read ("xls", "ods"), else None."""
    if kind == "xls":
        return f"{name}: an old Excel .xls workbook, which is not read; {SAVE_AS}"
    if kind == "ods":
        return f"{name}: an OpenDocument spreadsheet (.ods), which is not read; {SAVE_AS}"
    return None


def general_text(value: float | int) -> str:
    """A number as Excel's "General" format shows it in a standard column: at most 11 characters,
    else scientific with the mantissa's trailing zeros dropped (182735000000 -> "1.82735E+11")."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, int) and len(str(abs(value))) <= 11:
        return str(value)
    if isinstance(value, float) and 1e-4 <= abs(value) < 1e11:
        for digits in range(10, 0, -1):
            text = f"{value:.{digits}g}"
            if len(text) <= 11 and "e" not in text:
                return text
    mantissa, exponent = f"{value:.5E}".split("E")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}E{exponent[0]}{int(exponent[1:]):02d}"


_DATE_TOKENS = [("yyyy", "%Y"), ("yy", "%y"), ("mmmm", "%B"), ("mmm", "%b"), ("dddd", "%A"), ("ddd", "%a"),
                ("dd", "%d"), ("d", "%-d"), ("mm", "%m"), ("m", "%-m"), ("hh", "%H"), ("h", "%-H"), ("ss", "%S")]


def date_display(value: dt.date | dt.datetime | dt.time, number_format: str) -> str:
    """A date cell as its number format shows it ("d-mmm" -> "12-Mar"), for the common formats."""
    fmt = re.sub(r"\[[^\]]*\]|;.*$|\\|\"", "", number_format or "")
    out, i = "", 0
    while i < len(fmt):
        for token, code in _DATE_TOKENS:
            if fmt[i:i + len(token)].lower() == token:
                out += code
                i += len(token)
                break
        else:
            out += fmt[i]
            i += 1
    try:
        return value.strftime(out) if out.strip() else value.isoformat()
    except ValueError:
        return value.isoformat()


def cell_text(value, number_format: str | None) -> str:
    """The text a cell shows: see the module docstring. Dates are returned as YYYY-MM-DD (with the
    time when it is not midnight); `date_display` gives a date as its format shows it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (int, float)):
        fmt = (number_format or "General").split(";")[0]
        if re.fullmatch(r"0+", fmt) and float(value).is_integer():
            return str(int(value)).zfill(len(fmt))
        if m := re.fullmatch(r"0\.(0+)", fmt):
            return f"{value:.{len(m[1])}f}"
        return general_text(value)
    return str(value)


@dataclass
class SheetTable:
    """A worksheet's header and rows, with the same interface as a CSV table (`headers`, `keys`,
    `rows()`), plus `notes` about sheets not read; `delimiter` is None."""

    name: str
    sheet: str
    headers: list[str]
    first_line: int
    _rows: list = field(repr=False, default_factory=list)
    _formulas: list = field(repr=False, default_factory=list)
    notes: list[str] = field(default_factory=list)
    delimiter: None = None

    @property
    def keys(self) -> set[str]:
        return {header_key(h) for h in self.headers if header_key(h)}

    @property
    def row_count(self) -> int:
        return len(self._rows)

    def rows(self) -> Iterator[CsvRow]:
        """Every non-empty row below the header, as (header, text) cells or with its error."""
        width = len(self.headers)
        identifier = [is_identifier_column(h) for h in self.headers]
        for (number, cells), formulas in zip(self._rows, self._formulas, strict=True):
            if all(value is None or (isinstance(value, str) and not value.strip()) for value, _ in cells) \
                    and not any(isinstance(f, str) and f.startswith("=") for f in formulas):
                continue
            errors: list[str] = []
            beyond = [i for i, (value, _) in enumerate(cells[width:], start=width) if cell_text(value, None).strip()]
            if beyond:
                errors.append(f"values in {len(cells[:beyond[-1] + 1])} columns for {width} headers: "
                              f"column {get_column_letter(beyond[0] + 1)} is right of the last header "
                              f"({get_column_letter(width)}); give it a header or delete the value")
            values = []
            for column, (value, number_format) in enumerate(cells[:width]):
                header = self.headers[column] or f"column {get_column_letter(column + 1)}"
                ref = f"{get_column_letter(column + 1)}{number}"
                formula = formulas[column] if column < len(formulas) else None
                if value is None and isinstance(formula, str) and formula.startswith("="):
                    errors.append(f"{header} (cell {ref}) is a formula with no saved value ({formula[:40]}): "
                                  "open the workbook in Excel or LibreOffice and save it, or type the value")
                    values.append("")
                    continue
                if identifier[column] and isinstance(value, (dt.date, dt.datetime, dt.time)):
                    shown = date_display(value, number_format)
                    errors.append(spreadsheet_damage(shown, header) or
                                  f'{header} "{shown}" (cell {ref}) is a date in the workbook, made of the code: '
                                  + TEXT_FIX.replace("save as CSV again", "save again"))
                    continue
                values.append(cell_text(value, number_format))
            if errors:
                yield CsvRow(number, None, "; ".join(errors) + "; nothing in this row was loaded")
            else:
                yield CsvRow(number, list(zip(self.headers, values, strict=False)))


def _merged_headers(archive: zipfile.ZipFile, sheet_path: str, header_row: int) -> list[tuple[int, int]]:
    """(first column, last column), 1-based, of the header cells merged across columns."""
    try:
        xml = archive.read(sheet_path.lstrip("/"))
    except KeyError:
        return []
    spans = []
    for ref in re.findall(rb'<(?:\w+:)?mergeCell ref="([A-Z]+\d+:[A-Z]+\d+)"', xml):
        low_col, low_row, high_col, high_row = range_boundaries(ref.decode())
        if low_row <= header_row <= high_row and high_col > low_col:
            spans.append((low_col, high_col))
    return spans


def read_workbook(data: bytes, name: str, sheet: str | None = None, max_rows: int | None = None) -> SheetTable:
    """Read one sheet of an .xlsx workbook by the rules in this module's docstring.
    Raises CsvHeaderError (nothing read) for an unreadable workbook, an unknown or empty sheet, or
    a header repeated where only one value could be kept. `max_rows` stops reading after that many
    data rows (the caller notes it)."""
    try:
        values_book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formula_book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise CsvHeaderError(f"{name}: the workbook cannot be read ({exc.__class__.__name__}); "
                             f"open it in Excel or LibreOffice and {SAVE_AS} again") from None
    notes: list[str] = []
    sheets = values_book.worksheets
    titles = [ws.title for ws in sheets]
    if sheet is not None:
        chosen = next((ws for ws in sheets if ws.title == sheet), None) or \
            next((ws for ws in sheets if ws.title.strip().lower() == sheet.strip().lower()), None)
        if chosen is None:
            raise CsvHeaderError(f'{name}: no sheet named "{sheet}" (sheets: {", ".join(map(repr, titles))})')
        if chosen.sheet_state != "visible":
            notes.append(f'sheet "{chosen.title}" is hidden in the workbook; read because it was named')
    else:
        visible = [ws for ws in sheets if ws.sheet_state == "visible"]
        if not visible:
            raise CsvHeaderError(f"{name}: every sheet is hidden; unhide one or name it with --sheet")
        chosen = visible[0]
        skipped = [ws.title for ws in sheets[:sheets.index(chosen)]]
        if skipped:
            notes.append(f"hidden sheet(s) {', '.join(map(repr, skipped))} not read")
        others = [ws.title for ws in visible[1:]]
        if others:
            notes.append(f"read sheet {chosen.title!r}; sheet(s) {', '.join(map(repr, others))} not read "
                         "(name one with --sheet, or upload each sheet on its own)")
    formula_sheet = formula_book[chosen.title]
    read: list = []  # (row number, [(value, number format)], [formula or value])
    for number, (cells, formula_cells) in enumerate(zip(chosen.iter_rows(), formula_sheet.iter_rows(),
                                                        strict=False), start=1):
        if max_rows is not None and len(read) > max_rows + TITLE_ROWS + 1:
            notes.append(f"only the first {max_rows:,} rows were read; split the sheet")
            break
        read.append((number, [(c.value, getattr(c, "number_format", None)) for c in cells],
                     [c.value for c in formula_cells]))
    candidates = []
    for index, (_, cells, _) in enumerate(read):
        texts = [cell_text(value, number_format).strip() for value, number_format in cells]
        if any(texts):
            candidates.append((index, texts))
        if len(candidates) > TITLE_ROWS:
            break
    if not candidates:
        raise CsvHeaderError(f'{name}: sheet "{chosen.title}" is empty')
    header_index, header = next(((i, t) for i, t in candidates if any(header_key(x) == "category" for x in t)),
                                candidates[0])
    header_row = read[header_index][0]
    titles = [str(read[i][0]) for i, _ in candidates if i < header_index]
    if titles:
        notes.append(f"row(s) {', '.join(titles)} above the header row {header_row} were not read (a title?)")
    body = read[header_index + 1:]
    if max_rows is not None and len(body) > max_rows:
        body = body[:max_rows]
    rows = [(number, cells) for number, cells, _ in body]
    formulas = [formula_cells for _, _, formula_cells in body]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for low, high in _merged_headers(archive, getattr(chosen, "_worksheet_path", ""), header_row):
            header += [""] * (high - len(header))
            for column in range(low, high):
                if not header[column]:
                    header[column] = header[low - 1]
    while header and not header[-1]:
        header.pop()
    values_book.close()
    formula_book.close()
    check_headers(header, f"{name} sheet {chosen.title!r}")
    return SheetTable(name, chosen.title, header, header_row, rows, formulas, notes)
