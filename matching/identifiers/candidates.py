"""Identifier candidates in a listing: what a seller might have typed as a serial.

Sellers split serials over several tokens (`1M0 6120M CKK 123456`), so every run of
adjacent identifier-like tokens is a candidate as well as each token. Prices, phone
numbers, postcodes, dates, quantities with units, web and e-mail addresses are the
commonest numbers in an advert and would produce chance one-edit and partial hits, so a
run that takes one in is looked up exactly only (`exact_only`): a serial written in groups
(`1M07 563V WFN1 3657 5`, `GTAA 0167 440`) is found whatever its groups look like.
Labels glued on in any case (`serialKBT...`, `snKBT...`, `chassisno...`, `S/N:...`) are
cut off, the token whole kept as a reading too.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import NamedTuple

from matching.identifiers.noise import noise_spans
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


class Candidate(NamedTuple):
    """One reading of a listing that may be a registered identifier (a named tuple: made by the million in a
    night, it is three times faster to make than a frozen dataclass and, holding only strings, numbers and
    flags, left alone by the garbage collector once it has looked at it)."""

    key: str  # the registry's matching key of the candidate
    tail: str  # the same before leading zeros are dropped, to compare with the end of a key
    listed: str  # the text as the seller wrote it
    source: str  # title, description or structured
    kind: str | None = None  # the kind the listing gave, for structured identifiers
    tokens: int = 1
    exact_only: bool = False  # part of it looks like a price, phone, date or amount: looked up exactly only


_GLUED_LABEL = re.compile(r"\b(no|nr|num|s/?n|ser|serial|pin|vin|eng|engine|frame|chassis|tag|chip|ref|id)[.#:]+(?=\w)",
                          re.I)
# The same matches, found faster: a text without "." "#" or ":" before a letter or digit has none, and a
# match can only start at a label's first letter (checked first, before the word boundary).
_GLUED_HINT = re.compile(r"[.#:]\w")
_GLUED_LABEL_FAST = re.compile(r"(?=[nsperfvcti])" + _GLUED_LABEL.pattern, re.I)
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


def text_candidates(text: str | None, source: str) -> list[Candidate]:
    """Candidates from free text: single tokens and runs of adjacent identifier-like tokens.

    A run that takes in a token looking like a price, phone number, date, amount or
    postcode is still a candidate, marked `exact_only` (a serial written in groups can hold
    "563V" or "0167 440"): it counts only when it is exactly a registered key. A run needs
    a token with a digit that looks like none of these ("ring +44 7700 900123" is a phone).
    What a token is (a word, part of a serial, a label glued on) depends on the token alone and
    is worked out once per distinct token (`_token_info`); only whether it lies in a price,
    phone or date depends on where it stands.
    """
    if not text:
        return []
    text = _clean(text)
    if _GLUED_HINT.search(text):
        text = _GLUED_LABEL_FAST.sub(r"\1 ", text)
    spans = noise_spans(text)
    spans_count, passed = len(spans), 0  # spans starting at or before the token (tokens come in order)
    found: list[Candidate] = []
    run: list[tuple[str, str, bool]] = []  # (as written, compact value, looks like noise or a word)
    run_digits = False  # the run holds a token with a digit that is no noise
    pending = None  # a word-like group after a group with a digit: part of the serial if one follows
    after_label = False  # the token before was a label word ("serial", "no."): a serial may start with a word-like group
    cache = _TOKEN_CACHE
    for match in _TOKEN.finditer(text):
        token = match.group()
        info = cache.get(token) or _token_info(token)
        if info is _SKIP:
            continue  # a lone dash or slash between parts of a serial: "PE3903T - 100 - 091"
        value, value_alpha, core_at, core_length, label, word, label_word = info
        if label is not None:  # a label starts a new serial
            if run_digits:
                found.extend(_run_candidates(run, source))
            found.extend(Candidate(key, tail, listed, source) for key, tail, listed in label[6])
            cut, rest, rest_value, rest_alpha, rest_at, rest_length, _ = label
            noisy = False
            if spans_count:  # the rest lies inside the last noise span that starts at or before it
                at = match.start() + cut + rest_at
                while passed < spans_count and spans[passed][0] <= at:
                    passed += 1
                noisy = passed > 0 and at + rest_length <= spans[passed - 1][1]
            run, run_digits, pending = [(rest, rest_value, noisy)], not noisy and not rest_alpha, None
            after_label = False
            continue
        if value is not None:
            if pending is not None:
                if value_alpha:  # no digit after the word: the run ended before it
                    if run_digits:
                        found.extend(_run_candidates(run, source))
                    run, run_digits = [], False
                else:
                    run.append(pending)
                pending = None
            noisy = False
            if spans_count:
                at = match.start() + core_at
                while passed < spans_count and spans[passed][0] <= at:
                    passed += 1
                noisy = passed > 0 and at + core_length <= spans[passed - 1][1]
            run.append((token, value, noisy))
            run_digits = run_digits or (not noisy and not value_alpha)
            after_label = False
            continue
        if pending is None and word is not None and ((not run and after_label) or run_digits):
            pending = (token, word, True)
            after_label = False
            continue
        if run:
            if run_digits:
                found.extend(_run_candidates(run, source))
            run = []
        run_digits, pending = False, None
        after_label = label_word
    if run_digits:
        found.extend(_run_candidates(run, source))
    return found


_SKIP = ("a lone separator",)
_TOKEN_CACHE: dict[str, tuple] = {}
MAX_CACHED_TOKENS = 50_000  # distinct tokens remembered (a few MB); the cache is emptied when full


def _token_info(token: str) -> tuple:
    """What `text_candidates` needs to know of a token wherever it stands, remembered in _TOKEN_CACHE:
    _SKIP for a lone separator, else (compact value or None, value is all letters, start and length
    of the token without its punctuation, label, word-like group's value or None, is a label word).
    `label` is None unless the token starts with a label glued on that starts a serial; then
    (cut, rest, rest's value, rest is all letters, rest's core start and length, the single-token
    candidates of the token whole and after each shorter label as (key, tail, listed)).
    A number (ASCII digits only, most often new: prices, phones, references) is read directly and
    not remembered."""
    if token.isdigit() and token.isascii():
        return token if len(token) <= MAX_KEY else None, False, 0, len(token), None, None, False
    if token.strip(_SEPARATOR_ONLY) == "":
        info: tuple = _SKIP
    else:
        value = _identifier_like(token)
        label_info = None
        label = _LABEL_PREFIX.match(token)
        if label and label.end() < len(token):
            cut = label.end()
            rest = token[cut:]
            rest_value = _identifier_like(rest)
            if rest_value and (_labelled(token, cut, rest_value) or (value is None and len(rest_value) >= 2)):
                singles: list[Candidate] = []
                if value is not None:  # the token whole as well: some serials start with "SN" or "PIN"
                    singles += _run_candidates([(token, value, False)], "")
                for shorter_cut in range(2, cut):  # and after a shorter label: "snR6K2..." may be "sn" + "R6K2..."
                    if _LABEL_ONLY.match(token[:shorter_cut]) and (shorter := _identifier_like(token[shorter_cut:])):
                        singles += _run_candidates([(token[shorter_cut:], shorter, False)], "")
                label_info = (cut, rest, rest_value, rest_value.isalpha(), *_core(rest),
                              tuple((c.key, c.tail, c.listed) for c in singles))
        word = _NOT_ALNUM.sub("", token.upper()) if _word_group(token) else None
        info = (value, value is not None and value.isalpha(), *_core(token), label_info, word,
                token.strip(_PUNCTUATION).upper() in _LABEL_WORDS)
    if len(_TOKEN_CACHE) >= MAX_CACHED_TOKENS:
        _TOKEN_CACHE.clear()
    _TOKEN_CACHE[token] = info
    return info


def _core(token: str) -> tuple[int, int]:
    """Where the token's core (its punctuation at either end aside) starts in it, and its length."""
    core = token.strip(_PUNCTUATION)
    return (token.find(core[:1]) if core else 0), len(core)


def _word_group(token: str) -> bool:
    """Letters that read like a word ("CCDDY", "ooooo" for zeros, "WE", "BY"): part of a serial only
    between groups with digits, or first after a label ("no. twago i1323"), and then looked up exactly
    only. A label ("PIN", "NO") starts another."""
    value = token.strip(_PUNCTUATION)
    return value.isascii() and value.isalpha() and len(value) <= 6 and value.upper() not in _LABEL_WORDS


def _run_candidates(run: list[tuple[str, str, bool]], source: str) -> tuple[Candidate, ...]:
    """Every stretch of up to MAX_EXACT_RUN_TOKENS adjacent tokens of a run that can be a key.

    Adverts repeat their runs ("PTO 540/1000", a dealer's phone and footer), so the candidates of a
    run (immutable) are remembered in _RUN_CACHE by the run and the source."""
    remembered = (tuple(run), source)
    found = _RUN_CACHE.get(remembered)
    if found is None:
        found = tuple(_stretches(run, source))
        if len(_RUN_CACHE) >= MAX_CACHED_RUNS:
            _RUN_CACHE.clear()
        _RUN_CACHE[remembered] = found
    return found


_RUN_CACHE: dict[tuple, tuple[Candidate, ...]] = {}
MAX_CACHED_RUNS = 20_000


def _stretches(run: list[tuple[str, str, bool]], source: str) -> list[Candidate]:
    out = []
    count = len(run)
    tokens = [token for token, _, _ in run]
    for start in range(count):
        joined = ""
        noisy = False
        plain_digits = False  # a token that is no noise and holds a digit: a run without one is a phone or a price
        for end in range(start, min(count, start + MAX_EXACT_RUN_TOKENS)):
            value, noise = run[end][1], run[end][2]
            joined += value
            if noise:
                noisy = True
            elif not plain_digits and not value.isalpha():
                plain_digits = True
            if len(joined) > MAX_KEY:
                break
            if len(joined) < MIN_TEXT_KEY or not plain_digits or joined.isalpha():
                continue
            exact_only = noisy or end - start >= MAX_RUN_TOKENS
            if exact_only and len(joined) < MIN_EXACT_ONLY_KEY:
                continue
            tail = joined.translate(_KEY_TABLE)
            key = tail.lstrip("0")
            if key and len(key) >= MIN_TEXT_KEY - 1:
                listed = " ".join(tokens[start:end + 1]).strip(".-/")
                out.append(Candidate(key, tail, listed, source, None, end - start + 1, exact_only))
    return out


def structured_candidates(structured: str | list | None) -> list[Candidate]:
    """Candidates from the listing's structured identifiers (JSON list of {kind, value})."""
    if not structured or structured == "[]":
        return []
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


def forget_tokens() -> None:
    """Empty the remembered tokens and runs (a benchmark's cold start; results never depend on them)."""
    _TOKEN_CACHE.clear()
    _RUN_CACHE.clear()
