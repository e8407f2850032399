"""Where a listing's text holds prices, phone numbers, postcodes, dates, amounts and addresses.

These are the commonest numbers in an advert and would give chance one-edit and partial hits, so
`matching.identifiers.candidates` looks a run that takes one in up exactly only. `noise_spans` gives
their character spans, merged and sorted.

The patterns are written for Python's backtracking `re`, which tries every alternative at every
digit: the quantities' units are one tree of letters instead of 31 words tried in turn, the shared
`\\b\\d` is matched once, and the quantifiers whose giving back could never lead to a match are
possessive (`*+`, `++`, `?+`, Python 3.11). Each change leaves what matches unchanged:
- after the digits of an amount or a quantity comes a unit word, a decimal point or a thousands
  comma, none of them a digit, so a digit given back can never be followed by what the pattern needs;
- a unit must be followed by a word boundary, so of all the unit words at most one (the whole run of
  word characters that follows) can match, whatever their order: any arrangement of the same words
  finds the same spans.
tests/matching/identifiers/test_candidates_same.py checks the spans against the previous patterns
(bench/previous/candidates.py) on generated and random texts.
"""

from __future__ import annotations

import re

_ADDRESSES = re.compile(r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.-]+", re.I)
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[ABD-HJLNP-UW-Z]{2}\b", re.I)
# hrs? hours? miles? mi km kms hp bhp kg kgs tonnes? t cc mm cm ft inch in l ltrs? litres? kw v volts?
UNITS = ("bhp", "hr", "hrs", "hour", "hours", "mile", "miles", "mi", "km", "kms", "hp", "kg", "kgs", "tonne",
         "tonnes", "t", "cc", "mm", "cm", "ft", "inch", "in", "l", "ltr", "ltrs", "litre", "litres", "kw", "v",
         "volt", "volts")
_UNIT = (r"(?:bhp|c[cm]|ft|h(?:p|rs?|ours?)|in(?:ch)?|k(?:gs?|ms?|w)|l(?:trs?|itres?)?|m(?:i(?:les?)?|m)"
         r"|t(?:onnes?)?|v(?:olts?)?)")
_NUMBERS = re.compile("(?=[0-9£$€+])(?:" + "|".join([
    # UK phone numbers: +44 or 0, then 10 digits in the usual groupings
    r"(?:\+\s?44\s?(?:\(0\)\s?)?|(?<![\w])0)(?:\d[\s-]?){9}\d(?!\w)",
    # prices with a currency sign
    r"[£$€]\s?\d[\d,]*(?:\.\d+)?\s?[kK]?\b",
    r"\b\d(?:"
    # amounts in words, or with thousands separators
    r"[\d,]*+(?:\.\d\d)?+\s?+(?:GBP|pounds?|ono|ovno|\+\s?vat)\b"
    r"|\d{0,2}+(?:,\d{3})+(?:\.\d+)?\b"
    # dates
    r"|\d{0,3}+[/.-]\d{1,2}+[/.-]\d{1,4}+\b"
    # quantities with units: hours, miles, horsepower, weights
    r"|\d*+(?:\.\d++)?+\s?+" + _UNIT + r"\b)",
]) + ")", re.I)


def noise_spans(text: str) -> list[tuple[int, int]]:
    """Character spans [start, end) of prices, phones, postcodes, dates, amounts and addresses in `text`,
    merged (spans that overlap or touch become one) and sorted."""
    spans = [m.span() for m in _NUMBERS.finditer(text)]
    postcodes = [m.span() for m in _POSTCODE.finditer(text)]
    if "@" in text or "http" in text or "www" in text:
        postcodes += [m.span() for m in _ADDRESSES.finditer(text)]
    if postcodes:
        spans = sorted(spans + postcodes)
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
