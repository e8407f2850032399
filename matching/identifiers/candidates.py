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
from matching.identifiers.tokens import (
    LABEL,
    LABEL_WORD,
    MAX_KEY,
    SKIP,
    TOKEN,
    TOKEN_CACHE,
    VALUE,
    WORD,
    token_info,
)
from registry.identifiers.rules import compact, matching_key

# The registry's look-alike substitutions (O->0, I/L->1, ...), read from `matching_key` itself
# so the two can never disagree; applied directly to text that is already compact.
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_KEY_TABLE = str.maketrans({ch: matching_key("1" + ch)[1:] for ch in _ALPHABET})

MAX_RUN_TOKENS = 6  # runs searched for one-edit and partial hits too
MAX_EXACT_RUN_TOKENS = 9  # runs looked up exactly only: a 17-character PIN in pairs
MIN_TEXT_KEY = 6  # shorter keys in free text are too common to mean anything
MIN_STRUCTURED_KEY = 4

_INVISIBLE = re.compile("[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e"
                        "\u2060-\u2064\ufeff]")
_BREAK = "\u2029"


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


def text_candidates(text: str | None, source: str) -> list[Candidate]:
    """Candidates from free text: single tokens and runs of adjacent identifier-like tokens.

    A run that takes in a token looking like a price, phone number, date, amount or
    postcode is still a candidate, marked `exact_only` (a serial written in groups can hold
    "563V" or "0167 440"): it counts only when it is exactly a registered key. A run needs
    a token with a digit that looks like none of these ("ring +44 7700 900123" is a phone).
    What a token is depends on the token alone and is worked out once per distinct token
    (`matching.identifiers.tokens.token_info`); only whether it lies in a price, phone or date
    depends on where it stands. The tokens come in the order of how common they are in an advert:
    parts of serials and numbers, word-like groups, words.
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
    get = TOKEN_CACHE.get
    for match in TOKEN.finditer(text):
        token = match.group()
        info = get(token) or token_info(token)
        kind = info[0]
        if kind == VALUE:
            if pending is not None:
                if info[2]:  # no digit after the word: the run ended before it
                    if run_digits:
                        found.extend(_run_candidates(run, source))
                    run, run_digits = [], False
                else:
                    run.append(pending)
                pending = None
            if spans_count:  # the token lies inside the last noise span that starts at or before it
                at = match.start() + info[3]
                while passed < spans_count and spans[passed][0] <= at:
                    passed += 1
                noisy = passed > 0 and at + info[4] <= spans[passed - 1][1]
                run.append((token, info[1], noisy))
                if not (run_digits or noisy or info[2]):
                    run_digits = True
            else:
                run.append((token, info[1], False))
                if not (run_digits or info[2]):
                    run_digits = True
            after_label = False
        elif kind == WORD:
            if pending is None and (run_digits or (after_label and not run)):
                pending = (token, info[1], True)
            else:
                if run:
                    if run_digits:
                        found.extend(_run_candidates(run, source))
                    run = []
                run_digits, pending = False, None
            after_label = False
        elif kind == LABEL:  # a label starts a new serial
            _, cut, rest, rest_value, rest_alpha, rest_at, rest_length, singles = info
            if run_digits:
                found.extend(_run_candidates(run, source))
            for single in singles:
                found.extend(_run_candidates([single], source))
            noisy = False
            if spans_count:
                at = match.start() + cut + rest_at
                while passed < spans_count and spans[passed][0] <= at:
                    passed += 1
                noisy = passed > 0 and at + rest_length <= spans[passed - 1][1]
            run, run_digits, pending = [(rest, rest_value, noisy)], not noisy and not rest_alpha, None
            after_label = False
        elif kind != SKIP:  # a word that ends the run
            if run:
                if run_digits:
                    found.extend(_run_candidates(run, source))
                run = []
            run_digits, pending = False, None
            after_label = kind == LABEL_WORD
    if run_digits:
        found.extend(_run_candidates(run, source))
    return found


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
    TOKEN_CACHE.clear()
    _RUN_CACHE.clear()
