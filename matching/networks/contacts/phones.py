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
_RUN_FROM_ANY = rf"{_START}(?:{_SEP}{_TOKEN}){{8,}}"  # the rule; `_RUN` is the same pattern, searched faster
# Every branch of _START begins with `+`, `0`, `z`, `n` or `o`: a one-character lookahead rejects all other
# positions before the alternation is tried (same matches, a third less time on advert text; the test
# `test_phone_run_lookahead` checks the equivalence, case-folded code points such as U+017F included).
RUN_FIRST = "[+0zno]"
_RUN = re.compile(rf"(?={RUN_FIRST}){_RUN_FROM_ANY}", re.IGNORECASE)
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


# Ofcom's numbers reserved for drama (possible, never valid, never allocated), as E.164 prefixes:
# https://www.ofcom.org.uk/phones-and-broadband/phone-numbers/numbers-for-drama
DRAMA_PREFIXES = ("+447700900", "+441632960", "+44113496", "+44114496", "+44115496", "+44116496", "+44117496",
                  "+44118496", "+44121496", "+44131496", "+44141496", "+44151496", "+44161496", "+44191498",
                  "+442079460", "+442896496", "+442920180", "+4480815700", "+449098790", "+443069990")
NI_FROM_REPUBLIC = re.compile(r"^\s*\(?0\s*4\s*8\)?")  # 048 + 8 digits: Northern Ireland's 028, dialled from Ireland


def e164(number: phonenumbers.PhoneNumber) -> str | None:
    """The E.164 form of a parsed number when the library calls it valid, or it is possible and in
    one of Ofcom's drama ranges; None otherwise."""
    if not phonenumbers.is_possible_number(number):
        return None
    if len(str(number.national_number)) < MIN_NATIONAL_DIGITS - (0 if number.country_code == 44 else 2):
        return None
    value = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if phonenumbers.is_valid_number(number) or value.startswith(DRAMA_PREFIXES):
        return value
    return None


def from_republic(plain: str) -> str:
    """`048 9012 3456` (a Northern Ireland number as dialled from the Republic) -> `+44 28 9012 3456`;
    any other text unchanged. Source: ComReg/Ofcom, 048 is the Republic's access code to NI's 028 range."""
    m = NI_FROM_REPUBLIC.match(plain)
    if m and len(re.sub(r"\D", "", plain)) == 11:
        return "+44 28 " + plain[m.end():]
    return plain


def as_written(plain: str) -> str | None:
    """A run the library could not place in any region, kept as written: its digits (and a leading +),
    never an invented country code. Only what is shaped like a number: a national number (`0`, 10 or
    11 digits) or an international one (`+` or `00`, 11 to 15 digits after it); None otherwise."""
    digits = re.sub(r"\D", "", plain)
    international = plain.lstrip().startswith("+") or digits.startswith("00")
    if international:
        digits = digits.removeprefix("00")
        return "+" + digits if 11 <= len(digits) <= 15 else None
    return digits if 10 <= len(digits) <= 11 else None


@lru_cache(maxsize=200_000)
def _read_run(plain: str, regions: tuple[str, ...], keep: bool = True) -> tuple[str, ...]:
    """The numbers in one run: read in each region in turn, the first region where they are valid wins;
    when none, the run as written (`keep`: it does not start inside a longer word or number). Cached:
    a seller's number recurs in every advert."""
    for region in regions:
        found = [v for hit in PhoneNumberMatcher(plain, region, leniency=Leniency.POSSIBLE) if (v := e164(hit.number))]
        if found:
            return tuple(found)
    kept = as_written(plain) if keep else None
    return (kept,) if kept else ()


def find_phones(text: str | None, region: str = DEFAULT_REGION) -> list[str]:
    """Every phone number in free text (an advert, a seller's phone field), in order, once each.

    `region` is the ISO 3166 country where the text was published (`IE` for an Irish site or place);
    a number written without a country code is read in that region first, then in the United
    Kingdom. A number is E.164 when the library calls it valid there (or possible, in Ofcom's drama
    ranges); `048 …` is Northern Ireland's `+44 28 …`; a number valid nowhere is kept as written
    (`as_written`), never given a country code it does not have."""
    if not text or not _CHEAP.search(text):
        return []
    regions = tuple(dict.fromkeys((region, DEFAULT_REGION)))
    found: list[str] = []
    for run in _RUN.finditer(text):
        plain = undisguise(run[0])
        if not re.match(r"\s*(\+|0)", plain):
            continue
        inside_word = run.start() > 0 and text[run.start() - 1].isalnum()
        for value in _read_run(from_republic(plain), regions, not inside_word):
            if value not in found:
                found.append(value)
    return found


@lru_cache(maxsize=200_000)
def field_phones(raw: str | None, region: str = DEFAULT_REGION) -> tuple[str, ...]:
    """Every number in a seller's phone field (`07700 900123 / 07700 900124`), as `find_phones` reads
    them. Cached: a dealer's number is parsed once, not once per advert."""
    return tuple(find_phones(raw, region))


def normalise_phone(raw: str | None, region: str = DEFAULT_REGION) -> str | None:
    """One phone field as E.164 (`07700 900123` -> `+447700900123`), or None when it holds no number."""
    phones = field_phones(raw, region)
    return phones[0] if phones else None
