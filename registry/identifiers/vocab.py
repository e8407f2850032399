"""Categories and identifier kinds, with the names people actually use for them."""

from __future__ import annotations

import re

CATEGORIES: dict[str, tuple[str, ...]] = {
    "tractor": ("tractor", "tractors", "compact tractor"),
    "quad": ("quad", "quad bike", "quadbike", "atv", "quad/atv", "all terrain vehicle", "four wheeler"),
    "utv": ("utv", "side by side", "side-by-side", "sxs", "gator", "mule", "rtv", "buggy", "farm buggy"),
    "trailer": ("trailer", "livestock trailer", "horsebox", "horse trailer", "plant trailer", "flatbed trailer",
                "tipping trailer", "ifor williams"),
    "implement": ("implement", "attachment", "plough", "plow", "mower", "baler", "topper", "harrow",
                  "drill", "sprayer", "loader", "front loader", "bucket", "hedge cutter", "flail"),
    "gps": ("gps", "gnss", "gnss receiver", "gps receiver", "gps/telematics", "telematics", "guidance",
            "satnav", "display", "starfire", "rtk"),
    "power_tool": ("power tool", "power_tool", "tool", "tools", "chainsaw", "generator", "pressure washer",
                   "welder", "compressor", "strimmer", "brushcutter"),
    "plant": ("plant", "digger", "excavator", "mini digger", "telehandler", "dumper", "loader shovel",
              "skid steer", "forklift", "roller"),
    "vehicle": ("vehicle", "pickup", "pick-up", "4x4", "land rover", "van", "truck"),
    "cattle": ("cattle", "cow", "cows", "bull", "heifer", "steer", "calf", "calves", "bovine", "bullock"),
    "sheep": ("sheep", "ewe", "ewes", "ram", "lamb", "lambs", "tup", "hogg", "ovine"),
    "goat": ("goat", "goats", "billy", "nanny", "kid"),
    "horse": ("horse", "horses", "pony", "ponies", "equine", "mare", "stallion", "gelding", "foal", "cob"),
    "other": ("other", "misc", "miscellaneous"),
}

LIVESTOCK = frozenset({"cattle", "sheep", "goat", "horse"})

IDENTIFIER_KINDS: dict[str, tuple[str, ...]] = {
    "serial": ("serial", "serial number", "serial no", "s/n", "sn", "serial_number", "product serial"),
    "vin": ("vin", "vehicle identification number", "chassis", "chassis number", "chassis no"),
    "pin": ("pin", "product identification number", "iso pin", "machine pin"),
    "engine": ("engine", "engine number", "engine no", "engine serial", "engine_number"),
    "frame": ("frame", "frame number", "frame no", "frame_number"),
    "cesar": ("cesar", "cesar id", "cesar number", "datatag", "cesar tag"),
    "ear_tag": ("ear_tag", "ear tag", "eartag", "tag", "cattle tag", "sheep tag", "goat tag", "tag number"),
    "microchip": ("microchip", "chip", "micro chip", "transponder", "rfid", "chip number"),
    "ueln": ("ueln", "passport", "passport number", "equine passport", "life number"),
    "freeze_mark": ("freeze_mark", "freeze mark", "freezemark", "freeze brand", "brand"),
    "registration": ("registration", "reg", "reg number", "number plate", "registration mark", "vrm"),
    "other": ("other", "id", "identifier", "number"),
}


def _simplify(name: str) -> str:
    return re.sub(r"[\s_\-/]+", " ", str(name).strip().lower())


def _alias_table(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {_simplify(alias): canonical for canonical, aliases in table.items() for alias in (canonical, *aliases)}


_CATEGORY_ALIASES = _alias_table(CATEGORIES)
_KIND_ALIASES = _alias_table(IDENTIFIER_KINDS)


def resolve_category(name: str | None) -> str | None:
    """The canonical category for a name people use ("Quad bike" -> "quad"), or None."""
    if name is None:
        return None
    return _CATEGORY_ALIASES.get(_simplify(name))


def resolve_identifier_kind(name: str | None) -> str | None:
    """The canonical identifier kind for a name people use ("Ear tag" -> "ear_tag"), or None."""
    if name is None:
        return None
    return _KIND_ALIASES.get(_simplify(name))


# Words typed before an identifier that name it rather than belong to it ("S/N", "Serial no:", "PIN#",
# "Chassis no", "No."): every kind name and alias above, optionally followed by no/nr/number/#.
_LABEL_EXTRAS = ("s/n", "s.n", "s/no", "sr no", "srl no", "ser", "ser no", "no", "nr", "num", "ref", "id no", "serial #")
_LABEL_NAMES = sorted({*_KIND_ALIASES, *(_simplify(a) for a in _LABEL_EXTRAS)}, key=len, reverse=True)
_LABEL = re.compile(
    r"^\s*(?:" + "|".join(re.escape(n).replace(r"\ ", r"[\s_./-]*") for n in _LABEL_NAMES) + r")\.?"
    r"(?:\s*(?:no|nr|nbr|num|number|#)\.?)?(?:\s*[:#=]\s*|\s*\.\s*|\s*[-\u2013]\s+|\s+)(?=.*\d)",
    re.I,
)


def strip_label(value: str) -> str:
    """The value without a label typed in front of it: "S/N 00O38675971596" -> "00O38675971596",
    "Serial: AB123", "VIN: ...", "PIN# ...", "No. ...", "Chassis no ..." likewise. A label is a kind
    name or alias (IDENTIFIER_KINDS) or no/nr/ref, followed by a separator and then a value with a
    digit; "SN12345" (no separator) is kept whole, as it may be the serial itself."""
    text = str(value)
    for _ in range(2):  # "Serial no: S/N 123"
        stripped = _LABEL.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return text.strip()


# What owners type when there is no identifier. Any value without a digit is no identifier (every
# kind above carries digits), so these matter where digits come along: "unknown (2019 model)".
NO_IDENTIFIER_PHRASES = re.compile(
    r"\b(?:unknown|unkown|not\s+known|n/k|n/a|tb[acd]|to\s+follow|worn(?:\s+off|\s+away)?|ground\s+off|"
    r"scratched(?:\s+off)?|filed\s+off|removed|illegible|unreadable|not\s+(?:visible|legible|readable|sure)|"
    r"no\s+idea|idk|don'?t\s+know|do\s+not\s+know|can'?t\s+(?:find|read|see)|see\s+photos?|missing)\b",
    re.I,
)


def category_help() -> str:
    return "; ".join(f"{c} ({', '.join(a[:3])})" for c, a in CATEGORIES.items())
