"""Codes a spreadsheet rewrote: serials, tags, chips and crime references it took for numbers or dates.

Each rule returns the message for the person who typed the value, naming the value and the fix.
"""

from __future__ import annotations

import re

TEXT_FIX = "format the column as Text in the spreadsheet, retype the values and save as CSV again"

_SCIENTIFIC = re.compile(r"^[+-]?\d+[.,]\d+\s?E[+-]?\d{1,3}$|^[+-]?\d+\s?E\+\d{1,3}$", re.I)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)"
_DATE_MADE = re.compile(rf"^\d{{1,2}}[-/ ]{_MONTH}(?:[-/ ]\d{{2,4}})?$|^{_MONTH}[-/ ]\d{{2,4}}$", re.I)
_DECIMAL_ZERO = re.compile(r"^\d+\.0+$")
_ERROR_VALUE = re.compile(r"^#(?:N/A|VALUE!|REF!|NAME\?|DIV/0!|NUM!|NULL!|SPILL!|CALC!|GETTING_DATA)$|^#{3,}$", re.I)


def spreadsheet_damage(value: str | None, what: str) -> str | None:
    """Why `value` (a code: serial, tag, chip, crime reference) looks rewritten by a spreadsheet,
    as a message naming `what` and the fix, or None when it does not.

    Kinds recognised: scientific notation ("1.82735E+11": digits after the sixth are gone), a
    month-name date made of a code ("12-Mar" from "3-12"), a number with a ".0" tail ("123456.0"),
    and spreadsheet error values ("#N/A", "#VALUE!", "#####")."""
    text = (value or "").strip()
    if not text:
        return None
    if _SCIENTIFIC.match(text):
        return (f'{what} "{text}" was turned into a number in scientific notation by a spreadsheet, which '
                f"loses digits: {TEXT_FIX}")
    if _DATE_MADE.match(text):
        return f'{what} "{text}" looks like a date a spreadsheet made of the code: {TEXT_FIX}'
    if _DECIMAL_ZERO.match(text):
        return f'{what} "{text}" has a ".0" a spreadsheet added when it took the code for a number: {TEXT_FIX}'
    if _ERROR_VALUE.match(text):
        return f'{what} "{text}" is a spreadsheet error value, not a code: fix the cell and save as CSV again'
    return None


def lost_leading_zeros(value: str, length: int, what: str) -> str | None:
    """A message when an all-digit `value` is shorter than the `length` digits its kind always has,
    as when a spreadsheet stores a code as a number and drops its leading zeros; else None."""
    digits = value.strip()
    if digits.isdigit() and len(digits) < length and length - len(digits) <= 3:
        return (f'{what} "{digits}" has {len(digits)} digits where {length} are needed: a spreadsheet may have '
                f"dropped leading zeros ({digits.zfill(length)}?); {TEXT_FIX}")
    return None
