"""CSV files as spreadsheets and people save them, read without losing or shifting a value.

Rules (written down for users in the README's import formats and docs/imports.md):

- The delimiter is the one the header line uses: `,`, `;` or tab, counted outside double quotes
  on that line (an Excel `sep=;` first line names it outright). The data rows are never sniffed,
  so apostrophes and feet marks in descriptions (`5' flail, 'good'`) are text, and only `"` quotes.
- Two columns with the same header are kept when the header names an identifier kind (a tractor's
  serial and its loader's): both values become identifiers. Any other repeated header refuses the
  file, naming the header and its columns, since keeping either value would lose the other.
- A row with more values than headers (an unquoted delimiter inside a value shifts every later
  field) is a row error with its line number; empty trailing cells are not values.
- A row with fewer values than headers is read with the missing trailing values empty (Excel leaves
  trailing empty cells off some rows), unless its values show they moved left because one was left
  out (`shifted_value`: a category that is none, a year that is none, words of text under an
  identifier header): then it is a row error naming the counts and the misplaced value.
- A row of empty cells is skipped. Line numbers are where the row starts in the file.
- Values a spreadsheet has rewritten (scientific notation, dates made of codes, "123.0", error
  values such as #N/A) are refused with the fix by registry/identifiers/spreadsheet_damage.py.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from registry.identifiers.vocab import resolve_category, resolve_identifier_kind

MAX_FIELD_CHARS = 1_000_000
csv.field_size_limit(MAX_FIELD_CHARS)
DELIMITERS = (",", ";", "\t")


class CsvHeaderError(ValueError):
    """The header row cannot be used (for example a repeated header); nothing was read."""


def looks_binary(data: bytes) -> bool:
    """True for bytes that are no text file: NUL bytes near the start, unless it is UTF-16 text."""
    return not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and b"\x00" in data[:4096]


def decode_text(data: bytes) -> str:
    """The text of a CSV file as spreadsheets save it: UTF-16 with its byte order mark (Excel's
    "Unicode text"), UTF-8 with or without BOM, else Windows-1252 (Excel's "CSV" on Windows).
    Raises UnicodeDecodeError when it is none of them."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def header_key(header: str | None) -> str:
    """A CSV header as a comparable key: 'Owner.Name ' -> 'owner_name'."""
    return re.sub(r"[^a-z0-9]+", "_", (header or "").strip().lower()).strip("_")


def is_identifier_column(header: str | None) -> bool:
    """True for a header naming an identifier kind ('Serial number', 'Ear tag', 'PIN')."""
    key = header_key(header)
    return bool(key) and resolve_identifier_kind(key.replace("_", " ")) is not None


def header_delimiter(line: str) -> str:
    """The delimiter a header line uses: the most frequent of , ; and tab outside double quotes
    (comma when none is used, as a one-column file has none)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass
class CsvRow:
    """One data row: its first line in the file, and (header, value) pairs, or why it was refused."""

    line: int
    cells: list[tuple[str, str]] | None
    error: str | None = None


@dataclass
class CsvTable:
    """A CSV file's header and rows, read by the rules in this module's docstring."""

    name: str
    headers: list[str]
    delimiter: str
    text: str
    first_line: int  # the header's line (2 after a `sep=` line)

    @property
    def keys(self) -> set[str]:
        return {header_key(h) for h in self.headers if header_key(h)}

    def rows(self) -> Iterator[CsvRow]:
        """Every non-empty data row in order; a row with too many values comes with its error.
        A csv.Error (a quote never closed) ends the file with one error row at that line."""
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter, quotechar='"',
                            doublequote=True, strict=False)
        width = len(self.headers)
        previous = 0
        try:
            next(reader)  # the header
            previous = reader.line_num
            for values in reader:
                start, previous = previous + 1, reader.line_num
                if not any(v.strip() for v in values):
                    continue
                extra = [v for v in values[width:] if v.strip()]
                if extra:
                    yield CsvRow(start + self.first_line - 1, None, self._too_many(len(values), width, extra))
                    continue
                if len(values) < width and (misplaced := shifted_value(self.headers, values)):
                    yield CsvRow(start + self.first_line - 1, None, self._too_few(len(values), width, misplaced))
                    continue
                yield CsvRow(start + self.first_line - 1, list(zip(self.headers, values, strict=False)))
        except csv.Error as exc:
            yield CsvRow(previous + self.first_line, None, f"unreadable CSV ({exc}); the rest of the file was not read")

    def _too_few(self, count: int, width: int, misplaced: tuple[str, str]) -> str:
        shown = {",": "comma", ";": "semicolon", "\t": "tab"}[self.delimiter]
        header, value = misplaced
        return (f'{count} values for {width} columns, and "{value[:40]}" under "{header}" does not belong there: '
                f"a value left out moves every later one into the wrong column; put an empty value (two {shown}s "
                "together) where one is missing; nothing in this row was loaded")

    def _too_many(self, count: int, width: int, extra: list[str]) -> str:
        shown = {",": "comma", ";": "semicolon", "\t": "tab"}[self.delimiter]
        return (f'{count} values for {width} columns ("{extra[0][:40]}" has no header): a value with a {shown} in it '
                f"must be in double quotes; nothing in this row was loaded")


def read_csv(text: str, name: str) -> CsvTable:
    """Read the header of CSV text; CsvHeaderError when it is missing or repeats a header that is
    not an identifier kind. The rows are read lazily by `CsvTable.rows()`."""
    lines = text.split("\n", 2)
    first_line = 1
    if re.fullmatch(r"\s*sep=(.)\s*", lines[0]) and len(lines[0].strip()) == 5:
        delimiter = lines[0].strip()[4]
        text = text.split("\n", 1)[1] if len(lines) > 1 else ""
        first_line = 2
    else:
        delimiter = header_delimiter(lines[0])
    if delimiter not in DELIMITERS:
        raise CsvHeaderError(f"{name}: the sep= line names {delimiter!r}; use a comma, semicolon or tab")
    try:
        headers = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"'), [])
    except csv.Error as exc:
        raise CsvHeaderError(f"{name}: unreadable CSV header ({exc})") from None
    headers = [h.strip() for h in headers]
    check_headers(headers, name)
    return CsvTable(name, headers, delimiter, text, first_line)


_WORDS = re.compile(r"(?:^|\s)[^\W\d_]{3,}(?=\s|$).*\s[^\W\d_]{3,}(?:\s|$)")


def shifted_value(headers: list[str], values: list[str]) -> tuple[str, str] | None:
    """For a row with fewer values than headers: the first (header, value) that shows the row's
    values moved left (a value left out), or None when it reads as a row whose trailing empty values
    were not written (Excel leaves them off some rows). Shown by: a category that is no category, a
    year that is no year, words of text (two words of 3+ letters and no digits) under an identifier
    header, or a missing column whose header is `category`."""
    for header, value in zip(headers, values, strict=False):
        key, text = header_key(header), value.strip()
        if not text:
            continue
        if key == "category" and resolve_category(text) is None:
            return header, text
        if key == "year" and not re.fullmatch(r"\d{4}", text):
            return header, text
        if is_identifier_column(header) and _WORDS.search(text):
            return header, text
    missing = [h for h in headers[len(values):] if header_key(h) == "category"]
    return (missing[0], "") if missing else None


def check_headers(headers: list[str], name: str) -> None:
    """CsvHeaderError when a header repeats that is not an identifier kind (or photos/identifiers),
    naming the header and its columns, since keeping either value would lose the other."""
    seen: dict[str, list[int]] = {}
    for column, header in enumerate(headers, start=1):
        if header_key(header):
            seen.setdefault(header_key(header), []).append(column)
    for key, columns in seen.items():
        if len(columns) > 1 and not (is_identifier_column(key) or re.fullmatch(r"photos?|identifiers?", key)):
            header = headers[columns[0] - 1]
            raise CsvHeaderError(
                f'{name}: the header "{header}" appears {len(columns)} times (columns '
                f'{", ".join(map(str, columns))}); rename or remove all but one, since only one value can be kept')


def cells_of(row: Mapping[str, str] | Iterable[tuple[str, str]]) -> list[tuple[str | None, str]]:
    """(header, value) pairs from a dict row (csv.DictReader) or a CsvRow's cells."""
    return list(row.items()) if isinstance(row, Mapping) else list(row)
