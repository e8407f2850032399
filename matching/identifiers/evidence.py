"""Identifier hits in words an officer understands, weighted by what they prove.

An exact match of a long key is the strongest evidence there is. One-edit and partial
hits are weaker, because serials and ear tags are issued in sequence: the next machine
off the line differs in one digit. A check digit helps tell a typo from a neighbour:
a listed VIN or cattle tag whose own check digit is valid is probably a different real
item, while one whose check digit fails is probably a mistyped copy.
"""

from __future__ import annotations

import re

from matching.evidence import Evidence
from matching.identifiers.candidates import Candidate
from registry.identifiers.rules import cattle_check_digit, compact, vin_is_valid

STRONG_KEY = 8  # exact keys at least this long can make a match strong
NEIGHBOUR_PLACES = 3  # a slip in the last three digits may be another item of the maker's sequence
SEQUENCE_PLACES = 2  # the next hundred items differ in the last two: no agreement makes a slip there likely
SLIP_AGREEMENT = frozenset({"make", "model", "year", "listed_after_theft"})
_CATTLE = re.compile(r"^(?:UK)?(\d{6})(\d)(\d{5})$")
KIND_WORDS = {
    "serial": "serial number", "vin": "VIN", "pin": "PIN", "engine": "engine number", "frame": "frame number",
    "cesar": "CESAR number", "ear_tag": "ear tag", "microchip": "microchip", "ueln": "passport number (UELN)",
    "freeze_mark": "freeze mark", "registration": "registration", "other": "identifier",
}
SOURCE_WORDS = {"title": "the title", "description": "the description", "structured": "the listing's details"}


def _ascii_alnum(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", text)


def explain_normalisation(listed: str, registered: str) -> str:
    """What had to be ignored for the listed text to match the registered value."""
    if listed.strip() == registered.strip():
        return "exactly as registered"
    steps = []
    if compact(listed) != _ascii_alnum(listed).upper():
        steps.append("letters from other scripts or hidden characters")
    if re.sub(r"[\W_]", "", listed) != listed.strip() or re.sub(r"[\W_]", "", registered) != registered.strip():
        steps.append("spaces and punctuation")
    if _ascii_alnum(listed) != _ascii_alnum(listed).upper() and _ascii_alnum(listed).upper() == _ascii_alnum(registered).upper():
        steps.append("upper and lower case")
    left, right = compact(listed), compact(registered)
    if right.startswith("UK") and not left.startswith("UK") and left.isdigit():
        steps.append("the missing UK country code")
        right = right[2:]
    if left.lstrip("0") != left or right.lstrip("0") != right:
        if len(left) - len(left.lstrip("0")) != len(right) - len(right.lstrip("0")):
            steps.append("leading zeros")
    left, right = left.lstrip("0"), right.lstrip("0")
    if left != right and len(left) == len(right):
        pairs = sorted({f"{a} read as {b}" for a, b in zip(left, right, strict=True) if a != b})
        steps.append("look-alike characters (" + ", ".join(pairs) + ")")
    return "after ignoring " + ", ".join(steps) if steps else "after normalising"


def _check_form(listed_compact: str, kind: str) -> tuple[str, bool] | None:
    """('VIN'|'cattle tag', valid) when the listed text has a checkable form, else None."""
    if kind == "vin" or (len(listed_compact) == 17 and kind in ("vin", "other", "serial", "frame")):
        if len(listed_compact) == 17 and not set("IOQ") & set(listed_compact):
            return "VIN", vin_is_valid(listed_compact)
    if kind in ("ear_tag", "other"):
        m = _CATTLE.match(listed_compact)
        if m:
            return "cattle tag", int(m[2]) == cattle_check_digit(int(m[1]), int(m[3]))
    return None


def _differs_in_sequence(listed: str, registered: str, form: str) -> bool:
    """True when two same-length values differ only in the sequence part: a VIN's last six
    characters, a cattle tag's animal number. Only there can a valid check digit mean the
    next item made or tagged; elsewhere (two letters of equal check value) it is chance."""
    tail = 6 if form == "VIN" else 5
    if len(listed) != len(registered):
        return False
    diffs = [i for i, (x, y) in enumerate(zip(listed, registered, strict=True)) if x != y]
    return bool(diffs) and all(i >= len(listed) - tail for i in diffs)


def _slip_position(a: str, b: str) -> int | None:
    """Places from the end (1 = the last character) of the one character two same-length keys differ in."""
    if len(a) != len(b):
        return None
    diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return len(a) - diffs[0] if len(diffs) == 1 else None


def _neighbour(a: str, b: str) -> bool:
    """True when two keys differ only in one of their last three characters, both digits."""
    place = _slip_position(a, b)
    return place is not None and place <= NEIGHBOUR_PLACES and a[-place].isdigit() and b[-place].isdigit()


def identifier_evidence(cand: Candidate, match: str, shared: int, ident: dict) -> list[Evidence]:
    """Evidence (and counter-evidence) for one identifier hit.

    `ident` is the identifiers row: id, kind, raw_value, normalised_value, check_valid, possible_clone.
    """
    kind = ident["kind"]
    words = KIND_WORDS.get(kind, kind)
    where = SOURCE_WORDS.get(cand.source, cand.source)
    extras = {"identifier_id": ident["id"], "identifier_kind": kind, "registered": ident["raw_value"],
              "listed": cand.listed, "match": match}
    key = ident["normalised_value"]
    out: list[Evidence] = []
    if match == "exact":
        how = explain_normalisation(cand.listed, ident["raw_value"])
        detail = f'{words} {ident["raw_value"]} matches "{cand.listed}" in {where} {how}'
        if shared > 3:
            out.append(Evidence("identifier", detail + f"; but {shared} registered items carry this number",
                                0.5, extras=extras))
        elif len(key) >= STRONG_KEY:
            if ident.get("possible_clone"):
                detail += "; the number is registered to more than one owner (possible clone)"
            out.append(Evidence("identifier", detail, 0.97, strong=True, decisive=True, extras=extras))
        elif len(key) >= 6:
            out.append(Evidence("identifier", detail + f" (a short number: {len(key)} characters)", 0.7,
                                extras=extras))
        else:
            out.append(Evidence("identifier", detail + f" (a very short number: {len(key)} characters)", 0.45,
                                extras=extras))
        return out
    listed_compact = compact(cand.listed)
    if match == "one_edit":
        weight = 0.55
        detail = (f'{words} {ident["raw_value"]} is one character away from "{cand.listed}" in {where} '
                  "(a typing slip, or a different item with a neighbouring number)")
        place = _slip_position(cand.key, key)
        if _neighbour(cand.key, key) and place <= SEQUENCE_PLACES:
            weight = 0.3
            detail = (f'{words} {ident["raw_value"]} differs from "{cand.listed}" in {where} only in its last '
                      "digits: this may be the next item in the maker's sequence, not this one")
        elif _neighbour(cand.key, key):
            weight = 0.3
            detail = (f'{words} {ident["raw_value"]} differs from "{cand.listed}" in {where} in its third digit '
                      "from the end: a typing slip, or an item some hundreds further along the maker's sequence")
        if shared > 1:
            weight = min(weight, 0.35)
            detail += f"; {shared} registered items are one character away"
        # a slip away from the sequence digits, with make, model and year agreeing, after the theft: likely
        likely_with = SLIP_AGREEMENT if shared == 1 and (place is None or place > SEQUENCE_PLACES) else frozenset()
        out.append(Evidence("identifier", detail, weight, casts_doubt=_neighbour(cand.key, key), extras=extras,
                            likely_with=likely_with))
        form = _check_form(listed_compact, kind)
        if form:
            name, valid = form
            if valid and _differs_in_sequence(listed_compact, compact(ident["raw_value"]), name):
                out.append(Evidence("check_digit", f"the listed {name} {cand.listed} has a valid check digit of "
                                    "its own, so it is probably a different real item, not a typo", -0.4,
                                    blocks_strong=True, extras={"identifier_id": ident["id"]}))
            elif not valid:
                out.append(Evidence("check_digit", f"the listed {name} {cand.listed} fails its check digit, "
                                    "as a mistyped copy would", 0.1, extras={"identifier_id": ident["id"]}))
        return out
    size = len(cand.tail)
    weight = 0.5 if size >= 10 else 0.42 if size >= 8 else 0.38
    detail = (f'{words} {ident["raw_value"]} ends with "{cand.listed}" given in {where} '
              f"({size} of its {len(key)} characters)")
    if shared > 1:
        weight *= 0.6
        detail += f"; {shared} registered items end this way"
    out.append(Evidence("identifier", detail, weight, needs_support=True, extras=extras))
    return out
