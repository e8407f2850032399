"""Identifier candidates in a listing: what a seller might have typed as a serial.

Sellers split serials over several tokens (`1M0 6120M CKK 123456`), so every run of up
to six adjacent identifier-like tokens is a candidate as well as each token. Prices,
phone numbers, postcodes, dates, web and e-mail addresses are blanked first: they are
the commonest numbers in an advert and would otherwise produce chance partial hits.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass

from registry.identifiers import compact, matching_key

# The registry's look-alike substitutions (O->0, I/L->1, ...), read from `matching_key` itself
# so the two can never disagree; applied directly to text that is already compact.
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_KEY_TABLE = str.maketrans({ch: matching_key("1" + ch)[1:] for ch in _ALPHABET})
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")

MAX_RUN_TOKENS = 6
MIN_TEXT_KEY = 6  # shorter keys in free text are too common to mean anything
MIN_STRUCTURED_KEY = 4
MAX_KEY = 30

_ADDRESSES = re.compile(r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.-]+", re.I)
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[ABD-HJLNP-UW-Z]{2}\b", re.I)
_NUMBERS = re.compile("(?=[0-9£$€+])(?:" + "|".join([
    # UK phone numbers: +44 or 0, then 10 digits in the usual groupings
    r"(?:\+\s?44\s?(?:\(0\)\s?)?|(?<![\w])0)(?:\d[\s-]?){9}\d(?!\w)",
    # prices and amounts with currency or thousands separators
    r"[£$€]\s?\d[\d,]*(?:\.\d+)?\s?[kK]?\b",
    r"\b\d[\d,]*(?:\.\d\d)?\s?(?:GBP|pounds?|ono|ovno|\+\s?vat)\b",
    r"\b\d{1,3}(?:,\d{3})+(?:\.\d+)?\b",
    # dates
    r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b",
    # quantities with units: hours, miles, horsepower, weights
    r"\b\d+(?:\.\d+)?\s?(?:hrs?|hours?|miles?|mi|km|kms|hp|bhp|kg|kgs|tonnes?|t|cc|mm|cm|ft|inch|in|l|ltrs?"
    r"|litres?|kw|v|volts?)\b",
]) + ")", re.I)
_INVISIBLE = re.compile("[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e"
                        "\u2060-\u2064\ufeff]")
_SPLIT = re.compile(r"[\s,;:()\[\]{}\"'<>!?*#=+&~^`|\\]+")
_BREAK = "\u2029"
# Words that end a run: labels before a serial and the everyday words of an advert.
_LABEL_WORDS = {
    "SERIAL", "SERIALNO", "SERIALNUMBER", "SN", "NO", "NUMBER", "NUM", "PIN", "VIN", "ENGINE", "ENG", "FRAME",
    "CHASSIS", "TAG", "TAGS", "EARTAG", "CHIP", "MICROCHIP", "PASSPORT", "UELN", "CESAR", "ID", "REF", "MODEL",
    "MAKE", "YEAR", "REG", "PLATE",
}
_STOP_WORDS = {
    "A", "AN", "THE", "AND", "OR", "FOR", "WITH", "FROM", "SALE", "VERY", "GOOD", "NEW", "USED", "FULL", "WORK",
    "ONLY", "ONO", "OVNO", "VAT", "PLUS", "INC", "EXC", "ALL", "HAS", "WAS", "ARE", "ONE", "TWO", "HRS", "HOUR",
    "CASH", "CALL", "TEXT", "CAN", "BE", "IS", "IT", "IN", "ON", "OF", "TO", "AT", "BY", "UP", "MY", "AS", "SO",
    "BUT", "NOT", "ANY", "BOX", "VGC", "GC", "NICE", "SELL", "WILL", "ALSO", "OFF", "LOW", "HIGH", "JUST",
    "BEEN", "HAVE", "THIS", "THAT", "ITS", "OUR", "YOUR", "YOU", "WE", "I", "ME", "PX", "SWAP", "LOT",
    "ENDS", "END", "EACH", "PAIR", "SET", "APPROX", "PICK", "OFFERS", "NEAR", "MORE", "SOLD",
}


@dataclass(frozen=True)
class Candidate:
    key: str  # the registry's matching key of the candidate
    tail: str  # the same before leading zeros are dropped, to compare with the end of a key
    listed: str  # the text as the seller wrote it
    source: str  # title, description or structured
    kind: str | None = None  # the kind the listing gave, for structured identifiers
    tokens: int = 1


_GLUED_LABEL = re.compile(r"\b(no|nr|num|s/?n|ser|serial|pin|vin|eng|engine|frame|chassis|tag|chip|ref|id)[.#:]+(?=\w)",
                          re.I)
# "SN1234...", "PIN1L0...": a label with nothing between it and the number, or a serial that starts so
_GLUED_PREFIX = re.compile(r"^(?:s/?n|esn|vin|pin)(?=\d)", re.I)


def blank_noise(text: str) -> str:
    """Replace prices, phones, postcodes, dates, amounts and addresses by a run break."""
    gap = f" {_BREAK} "
    text = _GLUED_LABEL.sub(r"\1 ", text)
    if "@" in text or "http" in text or "www" in text:
        text = _ADDRESSES.sub(gap, text)
    return _POSTCODE.sub(gap, _NUMBERS.sub(gap, text))


def _clean(text: str) -> str:
    if text.isascii():
        return text
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def _identifier_like(token: str) -> str | None:
    """The token's compact form when it can be part of a serial, else None (a word or a break)."""
    if token.isascii():
        value = token.upper()
        if value.isalpha():
            return value if len(value) <= 4 and value not in _STOP_WORDS and value not in _LABEL_WORDS else None
        if not value.isalnum():
            value = _NOT_ALNUM.sub("", value)
    elif token == _BREAK:
        return None
    else:
        value = compact(token)
    if not value or len(value) > MAX_KEY:
        return None
    if not value.isalpha():
        return value
    if len(value) <= 4 and value not in _STOP_WORDS and value not in _LABEL_WORDS:
        return value
    return None


def text_candidates(text: str | None, source: str) -> list[Candidate]:
    """Candidates from free text: single tokens and runs of adjacent identifier-like tokens."""
    if not text:
        return []
    tokens = [t for t in _SPLIT.split(blank_noise(_clean(text))) if t]
    found: list[Candidate] = []
    run: list[tuple[str, str]] = []
    for token in [*tokens, _BREAK]:
        if token.strip("-/.\u2010\u2011\u2012\u2013\u2014_") == "":
            continue  # a lone dash or slash between parts of a serial: "PE3903T - 100 - 091"
        value = _identifier_like(token)
        if value is not None:
            run.append((token, value))
            glued = _GLUED_PREFIX.match(token)
            if glued and (rest := _identifier_like(token[glued.end():])):  # both readings are candidates
                found.extend(_run_candidates([(token[glued.end():], rest)], source))
            continue
        if run:
            found.extend(_run_candidates(run, source))
            run = []
    return found


def _run_candidates(run: list[tuple[str, str]], source: str) -> list[Candidate]:
    if not run:
        return []
    out = []
    for start in range(len(run)):
        joined = ""
        for end in range(start, min(len(run), start + MAX_RUN_TOKENS)):
            joined += run[end][1]
            if len(joined) > MAX_KEY:
                break
            if len(joined) < MIN_TEXT_KEY or joined.isalpha():
                continue
            tail = joined.translate(_KEY_TABLE)
            key = tail.lstrip("0")
            if key and len(key) >= MIN_TEXT_KEY - 1:
                listed = " ".join(token for token, _ in run[start:end + 1]).strip(".-/")
                out.append(Candidate(key, tail, listed, source, None, end - start + 1))
    return out


def structured_candidates(structured: str | list | None) -> list[Candidate]:
    """Candidates from the listing's structured identifiers (JSON list of {kind, value})."""
    if isinstance(structured, str):
        try:
            structured = json.loads(structured or "[]")
        except ValueError:
            return []
    out = []
    for entry in structured or []:
        if not isinstance(entry, dict) or not entry.get("value"):
            continue
        listed = str(entry["value"])[:100]
        key = matching_key(listed)
        if key and MIN_STRUCTURED_KEY <= len(key) <= MAX_KEY:
            tail = compact(listed).translate(_KEY_TABLE)
            out.append(Candidate(key, tail, listed, "structured", str(entry.get("kind") or "other")))
    return out


def listing_candidates(title: str | None, description: str | None, structured) -> list[Candidate]:
    """Every candidate of a listing, one per key (structured first, then title, then description)."""
    seen: dict[str, Candidate] = {}
    for cand in [*structured_candidates(structured), *text_candidates(title, "title"),
                 *text_candidates(description, "description")]:
        seen.setdefault(cand.key, cand)
        if len(cand.tail) == 12 and cand.tail.isdigit():
            # a UK ear tag written without its country code: herd mark, check digit, animal number
            seen.setdefault("UK" + cand.tail, Candidate("UK" + cand.tail, "UK" + cand.tail, cand.listed,
                                                        cand.source, cand.kind, cand.tokens))
    return list(seen.values())
