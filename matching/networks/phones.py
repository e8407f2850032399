"""Phone numbers in a seller's details and in advert text, normalised to E.164.

Sellers write one number many ways: `07700 900123`, `+44 7700 900123`, `0044 7700 900 123`,
`07700.900.123`, and, to slip past a site's filter on numbers in adverts, with digits spelled out
or disguised as letters: `07seven00 9OO 123`, `oh seven seven double-oh ...`. We undo the disguise
inside runs that look like a number (our table below), then let Google's libphonenumber (the
`phonenumbers` package) find and parse the numbers, with the United Kingdom as the default region.

A number is kept when the library calls it *possible* (right length for its region), even when it
cannot call it *valid*: Ofcom reserves 07700 900000-900999 and 01632 960000-960999 for drama, and
those are possible but not valid. A run must start with `0` or `+` (after undoing the disguise) and
hold at least nine national digits, so prices, years, ear tags and serial numbers are not numbers.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher

DEFAULT_REGION = "GB"
MIN_NATIONAL_DIGITS = 9  # UK national numbers are 10 digits (a few 9); shorter runs are local numbers or noise

# Spelled and disguised digits, only ever replaced inside a run that looks like a phone number.
DIGIT_WORDS = {
    "zero": "0", "nought": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9",
}
LOOKALIKE_DIGITS = {"o": "0", "i": "1", "l": "1", "|": "1"}
REPEATS = {"double": 2, "treble": 3, "triple": 3}

_WORD = "|".join(sorted(DIGIT_WORDS, key=len, reverse=True))
_REPEAT = "|".join(REPEATS)
_LOOKALIKE = r"(?<![a-z])[oil|]+(?![a-z])"  # O, I, l only where no other letter touches them ("call" keeps its l)
_TOKEN = rf"(?:\d|{_WORD}|(?:{_REPEAT})[\s-]*(?:\d|{_WORD}|o)|{_LOOKALIKE})"
_SEP = r"[\s.\-()/]{0,3}"
# A run: an optional +, then at least nine digit-like tokens with separators between them.
_START = r"(?:\+|0|zero|nought|oh|(?<![a-z])o(?![a-z]))"  # a UK number starts with 0 or +, however written
_RUN = re.compile(rf"{_START}(?:{_SEP}{_TOKEN}){{8,}}", re.IGNORECASE)
_TOKEN_RE = re.compile(rf"({_REPEAT})[\s-]*(\d|{_WORD}|o)|({_WORD})|({_LOOKALIKE})", re.IGNORECASE)
_CHEAP = re.compile(r"\d.*\d|zero|one|two|three|four|five|six|seven|eight|nine", re.IGNORECASE | re.DOTALL)


def _digit(token: str) -> str:
    token = token.lower()
    return DIGIT_WORDS.get(token) or LOOKALIKE_DIGITS.get(token) or token


def undisguise(run: str) -> str:
    """`07seven00 9OO 123` -> `0770090 0 123`-style text with every digit-like token a digit.

    Separators are kept so that libphonenumber still sees where one number ends."""
    def swap(m: re.Match) -> str:
        if m[1]:
            return _digit(m[2]) * REPEATS[m[1].lower()]
        if m[3]:
            return _digit(m[3])
        return "".join(_digit(c) for c in m[4])
    return _TOKEN_RE.sub(swap, run)


def e164(number: phonenumbers.PhoneNumber) -> str | None:
    """The E.164 form of a parsed number, or None when it is not a possible number of a region."""
    if not phonenumbers.is_possible_number(number):
        return None
    if len(str(number.national_number)) < MIN_NATIONAL_DIGITS - (0 if number.country_code == 44 else 2):
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def find_phones(text: str | None, region: str = DEFAULT_REGION) -> list[str]:
    """Every phone number in free text (an advert, a seller's phone field) as E.164, in order, once each.

    `region` is the ISO 3166 country assumed for numbers written without a country code."""
    if not text or not _CHEAP.search(text):
        return []
    found: list[str] = []
    for run in _RUN.finditer(text):
        plain = undisguise(run[0])
        if not re.match(r"\s*(\+|0)", plain):
            continue
        for hit in PhoneNumberMatcher(plain, region, leniency=Leniency.POSSIBLE):
            value = e164(hit.number)
            if value and value not in found:
                found.append(value)
    return found


@lru_cache(maxsize=200_000)
def field_phones(raw: str | None, region: str = DEFAULT_REGION) -> tuple[str, ...]:
    """Every number in a seller's phone field (`07700 900123 / 07700 900124`), as E.164. Cached: a
    dealer's number is parsed once, not once per advert."""
    return tuple(find_phones(raw, region))


def normalise_phone(raw: str | None, region: str = DEFAULT_REGION) -> str | None:
    """One phone field as E.164 (`07700 900123` -> `+447700900123`), or None when it holds no number."""
    phones = field_phones(raw, region)
    return phones[0] if phones else None
