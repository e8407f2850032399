"""Which printed values can be identifiers of one machine or animal, and which never are.

The rule (docs/spiders.md, "No spurious identifiers"): an identifier is one code of at least
five letters and digits with at least one digit. Never one: a phone or fax number, an e-mail
address or web address (or part of one), a site or brand name with digits ("AutoScout24"), an
engine size or other number with a unit ("V8 5.7L", "150 hp", "1,200 kg"), a year, a price, or a
model code of the item's own make ("6120M" after "John Deere"), nor words with digits mixed in
running text (mixed case such as "iPhone12").
"""

from __future__ import annotations

import re

import phonenumbers

PHONE_REGIONS = ("GB", "US")  # numbers written without a country code are read as national numbers of these
_UNIT = re.compile(r"^\d+(?:[.,]\d+)?\s*(?:l|ltr|litre|liter|cc|ccm|cm3|hp|bhp|ps|kw|kg|t|km|mi|miles|mph|kmh|km/h|rpm|"
                   r"mm|cm|m|in|ft|v|ah|w|nm|h|hrs|bar|psi|gal)$", re.I)
_ENGINE = re.compile(r"^(?:v|w|i|l|h)\d{1,2}$|^\d[.,]\d\s*[lL]?$|^\d{3,4}\s*cc$", re.I)
_EMAIL_OR_URL = re.compile(r"\S+@\S+|(?:https?://|www\.)\S+|\b\S+\.(?:com|co\.uk|org|net|de|fr|nl|pl|ie|eu)\b\S*", re.I)
_YEAR = re.compile(r"^(?:19|20)\d\d$")


def phone_numbers(text: str | None) -> list[str]:
    """Phone and fax numbers in text as written ("(754) 224-3257", "07700 900123", "+49 30 1234567"),
    found by Google's libphonenumber (the `phonenumbers` package) as possible numbers of their region."""
    found: list[str] = []
    if not text or not re.search(r"\d.*\d", text):
        return found
    for region in PHONE_REGIONS:
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
            if len(re.sub(r"\D", "", match.raw_string)) >= 9 and match.raw_string not in found:
                found.append(match.raw_string)
    return found


def is_phone(value: str | None) -> bool:
    """True for a value that is only a phone or fax number."""
    value = (value or "").strip()
    return bool(value) and any(number.strip() == value for number in phone_numbers(value))


def strip_contacts(text: str | None) -> str:
    """Text without e-mail and web addresses, whose parts are never identifiers."""
    return _EMAIL_OR_URL.sub(" ", text or "")


def not_identifier(value: str, *, site_words: set[str] = frozenset(), make: str | None = None,
                   model: str | None = None) -> bool:
    """True when a candidate is one of the values the rule above excludes."""
    compact = re.sub(r"[\s\-./]", "", value)
    letters = re.sub(r"[^A-Za-z]", "", compact).lower()
    if len(re.sub(r"\W", "", compact)) < 5 or not re.search(r"\d", compact):
        return True
    if is_phone(value) or "@" in value or _YEAR.match(compact):
        return True
    if any(_UNIT.match(part) or _ENGINE.match(part) for part in value.split()):
        return True
    token = re.sub(r"\W", "", compact).lower()
    if letters and any(letters == w or token == w or (len(w) >= 4 and (w in letters or w in token)) for w in site_words):
        return True
    if model and re.sub(r"\W", "", model).lower() == re.sub(r"\W", "", value).lower():
        return True
    return bool(make and letters and letters in re.sub(r"\W", "", make.lower()) and len(compact) <= 8)


def identifier_value(raw: str | None) -> str | None:
    """The identifier in a labelled spec value ("1G1YY12S625129021 FREE report" -> the code), or None
    when the value is not an identifier (an engine description, a phone number, words)."""
    text = strip_contacts(raw).strip()
    if not text or is_phone(text):
        return None
    tokens = text.split()
    kept: list[str] = []
    for token in tokens[:6]:
        token = token.strip(",;()[]")
        if re.search(r"\d", token) or (kept and len(token) <= 5 and token.isupper()):
            kept.append(token)
        elif kept or len(tokens) > 1 and not re.search(r"\d", token) and token.isupper() and len(token) <= 5:
            if kept:
                break
            kept.append(token)
        else:
            break
    value = " ".join(kept).strip(" -/.")
    while kept and not re.search(r"\d", kept[-1]):
        kept.pop()
        value = " ".join(kept).strip(" -/.")
    if not value or not_identifier(value):
        return None
    return value
