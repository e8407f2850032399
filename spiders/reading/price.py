"""The asking price as the page shows it: where it is written and which currency mark it carries.

The reader only finds the price text ("£1,850 ono", "12.500 €"); the amount is read once, by
`registry.listings.prices.parse_price`, when the listing is cleaned for storage (registry.listings.store.clean_listing),
so the page reader, the item pipeline and `farmwatch listings import` can never disagree on it.
"""

from __future__ import annotations

import html
import re

from registry.listings.prices import currency_code

MONEY = re.compile(r"(?:R\$|[£$€¥]|\b(?:GBP|EUR|USD|PLN|SEK|NOK|DKK|RON|CHF|BRL|zł|kr)\b)\s?\d[\d.,\s]{0,14}\d?"
                   r"|\d[\d.,' \u00a0\u202f]{0,14}\s?(?:€|\b(?:EUR|GBP|USD|PLN|zł|SEK|NOK|DKK|kr|RON|lei|CHF|BRL)\b)", re.I)
_MARK = re.compile(r"[£$€¥]|\b(?:GBP|EUR|USD|PLN|SEK|NOK|DKK|RON|CHF|zł|kr|lei)\b", re.I)


def shown_price(text: str | None) -> tuple[str | None, str | None]:
    """(the first amount marked by a currency in the text, as written; the ISO 4217 code its mark
    stands for, or None when the mark is shared by several currencies). (None, None) when the text
    shows no marked amount with a digit other than zero."""
    match = MONEY.search(text or "")
    if not match or not re.search(r"[1-9]", match[0]):
        return None, None
    mark = _MARK.search(match[0])
    return match[0].strip(), currency_code(mark[0]) if mark else None


_SPACES = re.compile(r"[\u00a0\u202f\u2007\u2009\u200a\u200b]")


def tidy_price(value):
    """A published price with HTML entities decoded (twice at most: "&amp;pound;" in JSON is "£") and
    non-breaking and thin spaces made plain, before anything reads it; numbers are kept as they are."""
    if not isinstance(value, str):
        return value
    for _ in range(2):
        if "&" not in value:
            break
        value = html.unescape(value)
    return _SPACES.sub(" ", value).strip()
