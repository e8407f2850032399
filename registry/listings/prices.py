"""Prices as sellers publish them: the amount, its ISO 4217 currency, the text as published and
the words around it that change its meaning ("+ VAT", "ono", "offers over").

Number reading (thousands and decimal separators in every European style, `4.950,-`, currency
signs and codes) is done by the `price-parser` library; this module decides which number in the
text is the asking price:

- a "was ... now ..." text is priced by the part after "now", and an old price anywhere ("was £9,000",
  "RRP £1,200", "reduced from ...") is never the price: it goes in the note;
- a bundle ("2 for £100", "£100 for both") and a rental ("£50 per day") are no price for one item;
- an amount marked by a currency (sign or code, before or after) beats an unmarked number, so
  "Ref 1234, £500" is 500; with no marked amount a lone number is the price and two or more
  unmarked numbers are no price (we cannot tell which is meant);
- "£12.5k" is 12500; text without digits ("POA", "offers") and an amount of 0 are no price.

The whole rule is written down in docs/prices.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from price_parser import Price as _ParsedPrice
from price_parser._currencies import CURRENCIES

MAX_AMOUNT = Decimal(100_000_000)  # above this a "price" is a typo or a phone number, not an asking price
MAX_TEXT = 200

__all__ = ["MAX_AMOUNT", "Price", "currency_code", "currency_codes", "parse_price"]


@dataclass(frozen=True)
class Price:
    """A parsed asking price.

    amount: the number, as a Decimal in units of the currency (12500 for "£12,500"), never negative.
    currency: ISO 4217 code ("GBP"), or None when the text and the default give none.
    text: the price text as published (whitespace tidied, at most 200 characters).
    note: the words that qualify it, normalised and joined by "; " ("+ VAT", "ono; was £9,000"), or None.
    """

    amount: Decimal
    currency: str | None
    text: str
    note: str | None = None

    @property
    def amount_float(self) -> float:
        """The amount as a float, for the REAL `listings.price` column."""
        return float(self.amount)


# Preferred code for a sign many currencies share (the library's table lists ten for "£").
_PREFERRED = {"£": "GBP", "$": "USD", "€": "EUR", "¥": "JPY", "kr": None, "Fr": "CHF", "R": "ZAR"}
_WORDS = {"pound": "GBP", "pounds": "GBP", "quid": "GBP", "stg": "GBP", "sterling": "GBP", "euro": "EUR",
          "euros": "EUR", "eur": "EUR", "gbp": "GBP", "usd": "USD", "us$": "USD", "dollars": "USD"}


def _codes_by_sign() -> dict[str, set[str]]:
    table: dict[str, set[str]] = {}
    for code, info in CURRENCIES.items():
        for key in ("s", "sn"):
            if info.get(key):
                table.setdefault(info[key], set()).add(code)
    return table


_CODES_BY_SIGN = _codes_by_sign()


def currency_code(mark: str | None, default: str | None = None) -> str | None:
    """The ISO 4217 code a currency mark stands for ("£" -> "GBP", "eur" -> "EUR", "GBP" -> "GBP").

    A sign shared by several currencies ("kr", "$") gives `default` when it is one of them, else the
    sign's usual currency, else None. None or an unknown mark gives `default`. Source of the sign
    table: price-parser's currency list (from Unicode CLDR)."""
    if not mark:
        return default
    mark = mark.strip()
    if mark.upper() in CURRENCIES:
        return mark.upper()
    if mark.lower() in _WORDS:
        return _WORDS[mark.lower()]
    codes = _CODES_BY_SIGN.get(mark, set())
    if default and default in codes:
        return default
    if mark in _PREFERRED:
        return _PREFERRED[mark] or default
    if len(codes) == 1:
        return next(iter(codes))
    return default


def currency_codes(mark: str | None) -> set[str]:
    """Every ISO 4217 code a currency mark can stand for: {"GBP"} for "GBP" or "pounds", {"EUR"} for
    "€", {"SEK", "NOK", "DKK", "ISK", ...} for "kr", {"USD", "CAD", "AUD", ...} for "$"; empty for an
    unknown mark. Source: price-parser's currency list (from Unicode CLDR)."""
    if not mark or not mark.strip():
        return set()
    mark = mark.strip()
    if mark.upper() in CURRENCIES:
        return {mark.upper()}
    if mark.lower() in _WORDS:
        return {_WORDS[mark.lower()]}
    return set(_CODES_BY_SIGN.get(mark) or _CODES_BY_SIGN.get(mark.lower()) or ())


_SIGN = r"[£€$¥₹]|US\$|A\$|C\$|NZ\$|kr\.?|zł|Kč|Ft|CHF|Fr\.?"
_CODE = r"\b(?:GBP|EUR|USD|AUD|CAD|NZD|CHF|SEK|NOK|DKK|PLN|CZK|HUF|JPY|ZAR|IEP)\b"
_WORD = r"\b(?:pounds?|quid|stg|sterling|euros?|dollars)\b"
_MARK = rf"(?:{_SIGN}|{_CODE}|{_WORD})"
_NUMBER = r"\d+(?:[.,'’ \u00a0\u202f]\d{3}(?!\d))*(?:[.,]\d+)?(?:[.,]-{1,2})?(?:\s?[kK]\b)?"
_MARKED = re.compile(rf"(?P<before>{_MARK})\s?(?P<n1>{_NUMBER})|(?P<n2>{_NUMBER})\s?(?P<after>{_MARK})", re.I)
_UNMARKED = re.compile(_NUMBER)
_NOW = re.compile(r"\b(?:now(?: only| just)?|reduced to|sale price|new price|price drop(?:ped)? to)\b:?", re.I)
_WAS_CLAUSE = re.compile(
    rf"\b(?:was|rrp|previously|reduced\s+from|originally)\b:?\s*(?P<old>(?:{_MARK})?\s?{_NUMBER}(?:\s?{_MARK})?)", re.I)
_BUNDLE = re.compile(
    rf"\b\d+\s*(?:for|x|×)\s*(?:{_MARK})?\s*\d|(?:{_MARK})?\s*\d[\d.,]*\s*(?:{_MARK})?\s*for\s+(?:\d+|two|three|four|"
    rf"five|six|both|all|the lot|the pair)\b", re.I)
_RENTAL = re.compile(r"(?:per|a|/)\s*(?:day|week|month|year|hour|night|annum)\b|\bp\.?c\.?m\b|\bp/?w\b|\bhire\b", re.I)
_NOTES = (
    (re.compile(r"\+\s*VAT|\bplus\s+VAT\b|\bVAT\s+(?:to\s+be\s+)?added\b", re.I), "+ VAT"),
    (re.compile(r"\binc(?:l|luding|\.)?\s*VAT\b|\bVAT\s+inc", re.I), "inc VAT"),
    (re.compile(r"\bex(?:c|cl|cluding|\.)?\s*VAT\b|\bno\s+VAT\b|\bVAT\s+(?:free|exempt)\b", re.I), "no VAT"),
    (re.compile(r"\bo\.?n\.?o\b|\bo\.?v\.?n\.?o\b|\bor\s+near(?:est)?\s+offer|\bor\s+best\s+offer|\bobo\b", re.I), "ono"),
    (re.compile(r"\boffers?\s+(?:over|above|around|in\s+excess\s+of|in\s+the\s+region\s+of)\b|\bo\.?i\.?r\.?o\b"
                r"|\bo\.?i\.?e\.?o\b|\bo\.?i\.?o\b", re.I), "offers over"),
    (re.compile(r"\bguide(?:\s+price)?\b|\bestimate\b", re.I), "guide price"),
    (re.compile(r"^\s*from\b|\bstarting\s+(?:at|from)\b", re.I), "from"),
    (re.compile(r"\beach\b|\bper\s+(?:head|unit|item|animal)\b|\bea\.?$", re.I), "each"),
    (re.compile(r"\bno\s+offers\b|\bfirm\b|\bfixed\s+price\b", re.I), "firm"),
)


def _read(number: str, mark: str | None, default: str | None) -> tuple[Decimal, str | None] | None:
    thousands = bool(re.search(r"\s?[kK]$", number))
    digits = re.sub(r"\s?[kK]$", "", number)
    parsed = _ParsedPrice.fromstring(digits)
    if parsed.amount is None:
        return None
    try:
        amount = parsed.amount * 1000 if thousands else parsed.amount
    except InvalidOperation:
        return None
    return amount, currency_code(mark, default)


def _amount(segment: str, default: str | None) -> tuple[Decimal, str | None] | None:
    marked = _MARKED.search(segment)
    if marked:
        return _read(marked["n1"] or marked["n2"], marked["before"] or marked["after"], default)
    numbers = _UNMARKED.findall(segment)
    if len(numbers) == 1:
        return _read(numbers[0].strip(), None, default)
    return None


def parse_price(value, default_currency: str | None = None) -> Price | None:
    """Read an asking price from what a site or an import file published.

    value: text ("£12,500 + VAT", "12.500,00 €", "POA"), or a number (int, float, Decimal: taken as
      the amount); None, booleans, lists and objects, zero ("£0" stands for "contact the seller"), negative, non-finite
      and absurd (>= MAX_AMOUNT) values give None.
    default_currency: ISO 4217 code used when the text has no currency mark (or an ambiguous one
      such as "kr" that this currency uses), e.g. the listing's declared `priceCurrency`.
    Returns a Price, or None when the text holds no single asking price (see the module docstring).
    Never raises for bad input."""
    default = default_currency.upper() if isinstance(default_currency, str) and default_currency.strip() else None
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            return None
        if not amount.is_finite() or amount <= 0 or amount >= MAX_AMOUNT:
            return None
        return Price(amount, default, str(value))
    if not isinstance(value, str):
        return None  # a list or an object is no published price; its digits are not read
    text = re.sub(r"\s+", " ", value.replace("\x00", "")).strip()[:MAX_TEXT]
    if not text or not re.search(r"\d", text):
        return None
    if _BUNDLE.search(text) or _RENTAL.search(text):
        return None
    segment = text
    now = list(_NOW.finditer(text))
    if now and re.search(r"\d", text[now[-1].end():]):
        segment = text[now[-1].end():]
    was = [m["old"].strip() for m in _WAS_CLAUSE.finditer(text)]
    without_was = _WAS_CLAUSE.sub(" ", segment)
    if re.search(r"\d", without_was):
        segment = without_was
    if re.search(r"(?:^|[\s(:£€$])[-−–]\s?\d", segment):
        return None  # a negative amount is a refund or a typo, not an asking price
    read = _amount(segment, default)
    if read is None:
        return None
    amount, currency = read
    if amount <= 0 or amount >= MAX_AMOUNT:
        return None
    notes = [label for pattern, label in _NOTES if pattern.search(segment)] + [f"was {old}" for old in was]
    return Price(amount, currency, text, "; ".join(dict.fromkeys(notes)) or None)
