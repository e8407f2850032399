"""JSON-LD blocks read as leniently as browsers and search engines read them.

Real pages declare the block with parameters or in other case (`application/ld+json;
charset=utf-8`, `application/LD+JSON`), wrap it in HTML comments or CDATA, start it with a byte
order mark, put non-breaking spaces or HTML entities in it, and leave trailing commas. Each
block is read on its own, so one broken block hides nothing else; a block that still cannot be
read becomes a note naming it. Strict JSON first, then the same text with entities decoded, then
chompjs (a kept parser of JavaScript object literals) for trailing commas and similar slips.
"""

from __future__ import annotations

import html
import json
import re

import chompjs

_LD_TYPE = re.compile(r"^\s*application/ld\+json\s*(;.*)?$", re.I)
_WRAP_START = re.compile(r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)\s*")
_WRAP_END = re.compile(r"\s*(?://\s*)?(?:-->|\]\]>)\s*$")
MAX_BLOCK = 2_000_000


def is_jsonld_script(type_attribute: str | None) -> bool:
    """True for a script type that means JSON-LD, whatever its case or parameters."""
    return bool(type_attribute and _LD_TYPE.match(type_attribute))


def parse_block(text: str):
    """The JSON value of one block's text; raises ValueError when no reading works."""
    text = (text or "").lstrip("\ufeff").strip()
    text = _WRAP_END.sub("", _WRAP_START.sub("", text)).replace("\u00a0", " ").strip()
    if not text:
        raise ValueError("empty block")
    if len(text) > MAX_BLOCK:
        raise ValueError(f"block of {len(text)} characters is over the limit")
    attempts = [text]
    if "&" in text:
        attempts.append(html.unescape(text))
    for attempt in attempts:
        try:
            return json.loads(attempt, strict=False)
        except (ValueError, RecursionError):
            continue
    for attempt in attempts:
        try:
            return chompjs.parse_js_object(attempt)
        except Exception:  # chompjs raises ValueError and its own errors
            continue
    raise ValueError("not JSON even when read leniently")


def read_blocks(doc) -> tuple[list, list[str]]:
    """The parsed JSON of every JSON-LD script in an lxml document, and a note per unreadable block."""
    found: list = []
    notes: list[str] = []
    n = 0
    for node in doc.iter("script"):
        if not is_jsonld_script(node.get("type")):
            continue
        n += 1
        try:
            found.append(parse_block(node.text or "".join(node.itertext())))
        except ValueError as exc:
            notes.append(f"JSON-LD block {n} ({node.get('type')}) is not valid JSON: {exc}; ignored")
    return found, notes
