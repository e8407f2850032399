"""Identifier candidates as extracted before the per-token cache (frozen copy, for A/B timing and the
equivalence test in tests/matching/identifiers/test_candidates_same.py). Do not change it."""
from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

from registry.identifiers.rules import compact, matching_key

# The registry's look-alike substitutions (O->0, I/L->1, ...), read from `matching_key` itself
# so the two can never disagree; applied directly to text that is already compact.
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_KEY_TABLE = str.maketrans({ch: matching_key("1" + ch)[1:] for ch in _ALPHABET})
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")

MAX_RUN_TOKENS = 6  # runs searched for one-edit and partial hits too
MAX_EXACT_RUN_TOKENS = 9  # runs looked up exactly only: a 17-character PIN in pairs
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
    exact_only: bool = False  # part of it looks like a price, phone, date or amount: looked up exactly only


_GLUED_LABEL = re.compile(r"\b(no|nr|num|s/?n|ser|serial|pin|vin|eng|engine|frame|chassis|tag|chip|ref|id)[.#:]+(?=\w)",
                          re.I)
# Labels glued on in any case ("serialKBT...", "snKBT...", "chassisno...", "Serial№..." once NFKC has made № "No"):
# every reading is a candidate, the label cut off and the token whole (some serials start "SN" or "PIN").
_LABEL_PREFIX = re.compile(
    r"^(?:(?:serial|ser|snr|s[./]?n|esn|pin|vin|engine|eng|frame|chassis|tag|chip|ref|id|no|nr|number|num)[.#:/_-]*)+",
    re.I)
_LABEL_ONLY = re.compile(_LABEL_PREFIX.pattern + "$", re.I)
MIN_LABELLED_REST = 5
_TOKEN = re.compile(r"[^\s,;:()\[\]{}\"'<>!?*#=+&~^`|\\]+")
_SEPARATOR_ONLY = "-/.\u2010\u2011\u2012\u2013\u2014_"
_PUNCTUATION = _SEPARATOR_ONLY + "\u00a3$\u20ac%"
MIN_EXACT_ONLY_KEY = 8  # shorter runs that take in a price or phone would be weak evidence, and common

def noise_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of prices, phones, postcodes, dates, amounts and addresses, merged and sorted."""
    spans = [m.span() for m in _NUMBERS.finditer(text)] + [m.span() for m in _POSTCODE.finditer(text)]
    if "@" in text or "http" in text or "www" in text:
        spans += [m.span() for m in _ADDRESSES.finditer(text)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def blank_noise(text: str) -> str:
    """Replace prices, phones, postcodes, dates, amounts and addresses by a run break (for display and tests)."""
    text = _GLUED_LABEL.sub(r"\1 ", text)
    out, last = [], 0
    for start, end in noise_spans(text):
        out += [text[last:start], f" {_BREAK} "]
        last = end
    return "".join(out) + text[last:]


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
    else:
        value = compact(token)
    if not value or len(value) > MAX_KEY:
        return None
    if not value.isalpha():
        return value
    if len(value) <= 4 and value not in _STOP_WORDS and value not in _LABEL_WORDS:
        return value
    return None


def _labelled(token: str, cut: int, rest: str) -> bool:
    """True when what follows a label at the start of a token reads as (the start of) a serial: it holds a
    digit, or the case changes at the cut ("serialKBTM"), or an upper-case label of 3 letters or more is
    followed by 2 characters or more ("SERIALKBTM 5111 ..."). (A token that is a word as a whole,
    "SNKBTM", is cut whenever 2 characters or more are left.)"""
    if len(rest) >= MIN_LABELLED_REST and not rest.isalpha():
        return True
    if len(rest) < 2:
        return False
    return (token[cut - 1].islower() and token[cut].isupper()) or (token[:cut].isupper() and cut >= 3)


def _covered(spans: list[tuple[int, int]], token: str, start: int) -> bool:
    """True when the token (at `start`; its punctuation at either end aside) lies inside one noise span:
    it is a price, a phone number, a date, ..."""
    if not spans:
        return False
    core = token.strip(_PUNCTUATION)
    start += token.find(core[:1]) if core else 0
    end = start + len(core)
    i = bisect_right(spans, (start, 1 << 62)) - 1
    return i >= 0 and spans[i][0] <= start and end <= spans[i][1]


def text_candidates(text: str | None, source: str) -> list[Candidate]:
    """Candidates from free text: single tokens and runs of adjacent identifier-like tokens.

    A run that takes in a token looking like a price, phone number, date, amount or
    postcode is still a candidate, marked `exact_only` (a serial written in groups can hold
    "563V" or "0167 440"): it counts only when it is exactly a registered key. A run needs
    a token with a digit that looks like none of these ("ring +44 7700 900123" is a phone).
    """
    if not text:
        return []
    text = _GLUED_LABEL.sub(r"\1 ", _clean(text))
    spans = noise_spans(text)
    found: list[Candidate] = []
    run: list[tuple[str, str, bool]] = []  # (as written, compact value, looks like noise or a word)
    pending = None  # a word-like group after a group with a digit: part of the serial if one follows
    after_label = False  # the token before was a label word ("serial", "no."): a serial may start with a word-like group
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token.strip(_SEPARATOR_ONLY) == "":
            continue  # a lone dash or slash between parts of a serial: "PE3903T - 100 - 091"
        value = _identifier_like(token)
        label = _LABEL_PREFIX.match(token)
        if label and label.end() < len(token):
            rest = token[label.end():]
            rest_value = _identifier_like(rest)
            if rest_value and (_labelled(token, label.end(), rest_value) or (value is None and len(rest_value) >= 2)):
                found.extend(_run_candidates(run, source))  # a label starts a new serial
                if value is not None:  # the token whole as well: some serials start with "SN" or "PIN"
                    found.extend(_run_candidates([(token, value, False)], source))
                for cut in range(2, label.end()):  # and after a shorter label: "snR6K2..." may be "sn" + "R6K2..."
                    if _LABEL_ONLY.match(token[:cut]) and (shorter := _identifier_like(token[cut:])):
                        found.extend(_run_candidates([(token[cut:], shorter, False)], source))
                run, pending = [(rest, rest_value, _covered(spans, rest, match.start() + label.end()))], None
                after_label = False
                continue
        if value is not None:
            if pending is not None:
                if value.isalpha():  # no digit after the word: the run ended before it
                    found.extend(_run_candidates(run, source))
                    run = []
                else:
                    run.append(pending)
                pending = None
            run.append((token, value, _covered(spans, token, match.start())))
            after_label = False
            continue
        if pending is None and _word_group(token) and (
                (not run and after_label) or any(not noisy and not v.isalpha() for _, v, noisy in run)):
            pending = (token, _NOT_ALNUM.sub("", token.upper()), True)
            after_label = False
            continue
        found.extend(_run_candidates(run, source))
        run, pending = [], None
        after_label = token.strip(_PUNCTUATION).upper() in _LABEL_WORDS
    found.extend(_run_candidates(run, source))
    return found


def _word_group(token: str) -> bool:
    """Letters that read like a word ("CCDDY", "ooooo" for zeros, "WE", "BY"): part of a serial only
    between groups with digits, or first after a label ("no. twago i1323"), and then looked up exactly
    only. A label ("PIN", "NO") starts another."""
    value = token.strip(_PUNCTUATION)
    return value.isascii() and value.isalpha() and len(value) <= 6 and value.upper() not in _LABEL_WORDS


def _run_candidates(run: list[tuple[str, str, bool]], source: str) -> list[Candidate]:
    if not run:
        return []
    out = []
    for start in range(len(run)):
        joined = ""
        noisy = 0
        plain_digits = False  # a token that is no noise and holds a digit: a run without one is a phone or a price
        for end in range(start, min(len(run), start + MAX_EXACT_RUN_TOKENS)):
            joined += run[end][1]
            noisy += run[end][2]
            plain_digits = plain_digits or (not run[end][2] and not run[end][1].isalpha())
            if len(joined) > MAX_KEY:
                break
            if len(joined) < MIN_TEXT_KEY or joined.isalpha() or not plain_digits:
                continue
            exact_only = bool(noisy) or end - start >= MAX_RUN_TOKENS
            if exact_only and len(joined) < MIN_EXACT_ONLY_KEY:
                continue
            tail = joined.translate(_KEY_TABLE)
            key = tail.lstrip("0")
            if key and len(key) >= MIN_TEXT_KEY - 1:
                listed = " ".join(token for token, _, _ in run[start:end + 1]).strip(".-/")
                out.append(Candidate(key, tail, listed, source, None, end - start + 1, exact_only))
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
        if seen.setdefault(cand.key, cand).exact_only and not cand.exact_only:
            seen[cand.key] = cand  # the reading that may also be searched fuzzily
        if len(cand.tail) == 12 and cand.tail.isdigit():
            # a UK ear tag written without its country code: herd mark, check digit, animal number
            seen.setdefault("UK" + cand.tail, Candidate("UK" + cand.tail, "UK" + cand.tail, cand.listed,
                                                        cand.source, cand.kind, cand.tokens, cand.exact_only))
    return list(seen.values())
