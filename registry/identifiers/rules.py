"""Identifier rules: the matching key, check digits and per-kind validation.

The matching key is deliberately lossy: it folds every way a seller (or a thief)
might type the same serial onto one string, so that an exact index join finds
them all. The raw value is always kept beside it for evidence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from registry.identifiers.spreadsheet_damage import lost_leading_zeros, spreadsheet_damage
from registry.identifiers.vocab import IDENTIFIER_KINDS, NO_IDENTIFIER_PHRASES, resolve_identifier_kind, strip_label

# Letters from other scripts that look like Latin ones (after upper-casing).
_CONFUSABLES = {
    # Cyrillic
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S", "Ԛ": "Q",
    "Ԝ": "W", "Ү": "Y", "Ӏ": "I", "З": "3", "Б": "6",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}
_CONFUSABLE_TABLE = str.maketrans(_CONFUSABLES)

# The look-alike substitutions of the matching key (after upper-casing).
_LOOKALIKES = str.maketrans({"|": "1", "I": "1", "L": "1", "O": "0", "S": "5", "Z": "2", "B": "8"})

# What people write when there is no identifier, compared on letters and digits only (kept for values
# the rules in `is_no_identifier` would not catch on their own).
_NO_IDENTIFIER = {
    "", "UNKNOWN", "UNKOWN", "UNK", "NA", "NONE", "NIL", "NULL", "TBC", "TBA", "NOTKNOWN",
    "NOSERIAL", "NOSERIALNUMBER", "NONUMBER", "NOTAPPLICABLE", "NOTAVAILABLE", "MISSING",
    "UNREADABLE", "ILLEGIBLE", "NOTAG", "NOCHIP", "NOTSURE", "DONTKNOW", "DONOTKNOW",
    "UNSURE", "NOVIN", "NOPIN", "REMOVED", "SEEPHOTO", "SEEPHOTOS", "XXX", "XXXX", "NONE GIVEN",
    "NONEGIVEN", "NOTRECORDED", "NOTGIVEN", "NOTHING", "NO",
}

_SEPARATORS = re.compile(r"[^0-9A-Z]")


def _is_invisible(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cf", "Cc", "Mn", "Me", "Zl", "Zp")


def fold_text(raw: str) -> str:
    """Compatibility-fold, drop invisible characters, fold look-alike scripts, upper-case."""
    text = unicodedata.normalize("NFKC", raw)
    text = unicodedata.normalize("NFKD", text)  # split accents off so they can be dropped
    text = "".join(ch for ch in text if not _is_invisible(ch))
    return text.upper().translate(_CONFUSABLE_TABLE)


MIN_IDENTIFIER_CHARS = 3  # "1" or "A7" is a fleet number or a placeholder, and would join unrelated items
_COUNTING = ("01234567890123456789", "98765432109876543210")


def is_no_identifier(raw: str | None) -> bool:
    """True when a value stands for "no identifier" rather than being one.

    The rule, beyond any word list: after a typed label ("Serial:", "S/N") is removed, a value is no
    identifier when it has no digit (every identifier kind carries digits: "unknown serial", "worn
    off", "N/K", "TBD", "IDK", "XXXXX", "-"), is one character repeated ("000000", "1111"), is a
    counting run of four or more ("123456"), or says in words that the number is unknown or gone
    ("unknown (2019 model)", "plate worn off 123"; NO_IDENTIFIER_PHRASES)."""
    if raw is None:
        return True
    text = fold_text(strip_label(str(raw)))
    value = _SEPARATORS.sub("", text)
    if value in _NO_IDENTIFIER or not any(ch.isdigit() for ch in value):
        return True
    if set(value) <= {"0"} or (len(value) >= 3 and len(set(value)) == 1):
        return True
    if len(value) >= 4 and any(value in run for run in _COUNTING):
        return True
    return bool(NO_IDENTIFIER_PHRASES.search(text))


def matching_key(raw: str | None) -> str | None:
    """The normalised key used to join identifiers; None when the value is no identifier.

    >>> matching_key(" pe-4045 r123456 ")
    'PE4045R123456'
    """
    if raw is None or is_no_identifier(raw):
        return None
    text = fold_text(strip_label(str(raw))).replace("|", "I")
    text = _SEPARATORS.sub("", text)
    key = text.translate(_LOOKALIKES).lstrip("0")
    return key or None


def compact(raw: str) -> str:
    """The value folded and stripped of separators, without look-alike substitution."""
    return _SEPARATORS.sub("", fold_text(raw))


# --- check digits -------------------------------------------------------------------------

_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8,
    "J": 1, "K": 2, "L": 3, "M": 4, "N": 5, "P": 7, "R": 9,
    "S": 2, "T": 3, "U": 4, "V": 5, "W": 6, "X": 7, "Y": 8, "Z": 9,
}


def vin_check_character(vin: str) -> str | None:
    """The ISO 3779 / North American check character a 17-character VIN should carry."""
    if len(vin) != 17 or any(ch not in _VIN_VALUES for ch in vin):
        return None
    total = sum(_VIN_VALUES[ch] * w for ch, w in zip(vin, _VIN_WEIGHTS, strict=True))
    rest = total % 11
    return "X" if rest == 10 else str(rest)


def vin_is_valid(vin: str) -> bool:
    expected = vin_check_character(vin)
    return expected is not None and vin[8] == expected


def cattle_check_digit(herd: int, animal: int) -> int:
    """UK cattle tag check digit: ((herd * 100000 + animal) mod 7) + 1."""
    return (herd * 100000 + animal) % 7 + 1


# --- per-kind parsing ---------------------------------------------------------------------


class IdentifierError(ValueError):
    """An identifier that cannot be registered; the message says why and what to do."""


@dataclass(frozen=True)
class Identifier:
    kind: str
    raw_value: str
    normalised_value: str
    check_valid: bool | None = None
    note: str | None = None


_CATTLE_TAG = re.compile(r"^(?:UK)?(\d{6})(\d)(\d{5})$")
_SHEEP_TAG = re.compile(r"^(?:UK)?0(\d{6})(\d{5})$")
_UK_TAG_ANY = re.compile(r"^UK\d{12}$")


def _parse_ear_tag(value: str, category: str | None) -> tuple[bool | None, str | None]:
    if category in ("sheep", "goat"):
        if _SHEEP_TAG.match(value) or not value.startswith("UK"):
            return None, None
        raise IdentifierError(
            f'sheep/goat tag "{value}" should read UK0 FFFFFF NNNNN (UK, 0, flock mark, animal number)'
        )
    looks_uk = value.startswith("UK") or (category == "cattle" and value.isdigit())
    if not looks_uk:
        return None, "non-UK tag: format not checked"
    if category != "cattle" and _SHEEP_TAG.match(value):
        return None, None
    match = _CATTLE_TAG.match(value)
    if not match:
        raise IdentifierError(
            f'UK cattle tag "{value}" should read UK HHHHHH C NNNNN '
            "(6-digit herd mark, check digit, 5-digit animal number)"
        )
    herd, check, animal = int(match[1]), int(match[2]), int(match[3])
    expected = cattle_check_digit(herd, animal)
    if check != expected:
        raise IdentifierError(
            f'UK cattle tag "{value}": check digit is {check} but herd {match[1]} '
            f"animal {match[3]} needs {expected} (UK {match[1]} {expected} {match[3]})"
        )
    return True, None


def parse_identifier(kind: str, raw: str, category: str | None = None) -> Identifier | None:
    """Validate and normalise one identifier; None when the value means "no identifier".

    A label typed into the value ("S/N ...", "VIN: ...") is removed (the typed text is kept in
    `note`). Raises IdentifierError when the value cannot be the kind it claims to be, including a
    value a spreadsheet has rewritten (registry.identifiers.spreadsheet_damage) or, for kinds of a
    fixed digit count, one whose leading zeros a spreadsheet dropped.
    """
    canonical_kind = resolve_identifier_kind(kind)
    if canonical_kind is None:
        raise IdentifierError(
            f'unknown identifier kind "{kind}"; accepted: {", ".join(IDENTIFIER_KINDS)}'
        )
    typed = str(raw).strip()
    raw = strip_label(typed)
    name = canonical_kind.replace("_", " ")
    if damage := spreadsheet_damage(raw, name):
        raise IdentifierError(damage)
    key = matching_key(raw)
    if key is None:
        return None
    if len(compact(raw)) < MIN_IDENTIFIER_CHARS:
        raise IdentifierError(f'{name} "{raw}" is too short to identify anything (at least {MIN_IDENTIFIER_CHARS} '
                              "letters or digits); leave it empty when there is none")
    if len(raw) > 64:
        raise IdentifierError(f"{canonical_kind} is {len(raw)} characters long; at most 64 are accepted")
    value = compact(raw)
    check_valid: bool | None = None
    note: str | None = None
    if canonical_kind == "vin":
        if len(value) == 17:
            check_valid = vin_is_valid(value)
            if not check_valid:
                expected = vin_check_character(value)
                note = (
                    f"check character {value[8]} is not the North American {expected}; "
                    "normal for many European VINs"
                    if expected
                    else "contains I, O or Q, which a VIN never uses"
                )
        else:
            note = f"{len(value)} characters (a modern VIN has 17)"
    elif canonical_kind == "pin":
        if len(value) != 17:
            raise IdentifierError(
                f'PIN "{raw}" has {len(value)} characters; an ISO 10261 PIN has 17 '
                '(use kind "serial" for a shorter number)'
            )
    elif canonical_kind == "ear_tag":
        if category in ("cattle", "sheep", "goat") and (lost := lost_leading_zeros(value, 12, f"{category} tag")):
            raise IdentifierError(lost)
        check_valid, note = _parse_ear_tag(value, category)
    elif canonical_kind == "microchip":
        if lost := lost_leading_zeros(value, 15, "microchip"):
            raise IdentifierError(lost)
        if not (len(value) == 15 and value.isdigit()):
            raise IdentifierError(
                f'microchip "{raw}" should be 15 digits (ISO 11784); it has {len(value)} characters'
            )
        prefix = int(value[:3])
        if prefix == 0:
            raise IdentifierError(f'microchip "{raw}" starts 000, which is neither a country nor a maker code')
        note = "UK chip" if prefix == 826 else ("maker code" if prefix >= 900 else f"country code {prefix:03d}")
    elif canonical_kind == "ueln":
        if len(value) != 15:
            raise IdentifierError(f'UELN "{raw}" should be 15 characters; it has {len(value)}')
    if raw != typed:
        note = "; ".join(filter(None, [note, f'typed as "{typed}"']))
    return Identifier(canonical_kind, raw, key, check_valid, note)
