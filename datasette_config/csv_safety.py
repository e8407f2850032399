"""CSV that a spreadsheet will not execute: seller text such as `=HYPERLINK(...)` becomes plain text.

Datasette's own CSV export writes cells as they are; the plugin passes every CSV response
through `neutralise_csv` so listing titles and descriptions cannot become formulas on an
officer's machine. Numbers (including negative longitudes) are left alone.
"""

from __future__ import annotations

import csv
import io
import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def spreadsheet_safe(value) -> str:
    """The value as text, prefixed with ' when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _NUMBER.match(text):
        return "'" + text
    return text


def neutralise_csv(text: str) -> str:
    """The same CSV with every formula-like cell made inert."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue()
