"""CSV that a spreadsheet will not execute: seller text such as `=HYPERLINK(...)` becomes plain text.

Datasette's own CSV export writes cells as they are; the plugin passes every CSV response (by
path or by content type) through `neutralise_csv`, and our own exports write their rows with
`csv_text`, so listing titles and descriptions cannot become formulas on an officer's machine.
Numbers (including negative longitudes) are left alone.

The rule (OWASP "CSV Injection"): a cell is prefixed with `'` when it starts with a tab, carriage
return or line feed, or when, after Unicode compatibility folding (NFKC) and with leading white
space and invisible format characters removed, it starts with `=`, `+`, `-` or `@` (or the
mathematical minus sign U+2212, which NFKC keeps). Folding matters because spreadsheets read the
full-width `＝＋－＠` (U+FF1D, FF0B, FF0D, FF20) and small forms `﹦﹢﹣﹫` (U+FE66, FE62, FE63, FE6B)
as their ASCII forms in some locales and input methods; the cell itself is written unchanged
after the `'`. A plain ASCII number (`-3`, `+44`, `1e5`) is not prefixed.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable

CONTROL_STARTS = ("\t", "\r", "\n")
FORMULA_STARTS = ("=", "+", "-", "@", "\u2212")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _folded_start(text: str) -> str:
    """The text NFKC-folded with leading white space and format characters (zero-width spaces,
    direction marks, BOM) removed."""
    folded = unicodedata.normalize("NFKC", text)
    start = 0
    while start < len(folded) and (folded[start].isspace() or unicodedata.category(folded[start]) == "Cf"):
        start += 1
    return folded[start:]


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could read this cell as a formula (the rule in the module docstring)."""
    if _NUMBER.match(text):
        return False
    return text.startswith(CONTROL_STARTS) or _folded_start(text).startswith(FORMULA_STARTS)


def spreadsheet_safe(value) -> str:
    """The value as text, prefixed with ' when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if is_formula_like(text) else text


def csv_text(rows: Iterable[Iterable]) -> str:
    """Rows written as CSV (CRLF line ends, as RFC 4180) with every cell made spreadsheet-safe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue()


def neutralise_csv(text: str) -> str:
    """The same CSV with every formula-like cell made inert."""
    return csv_text(csv.reader(io.StringIO(text, newline="")))
