"""Turning what a page says into plain text, and finding identifier candidates in it.

Everything a site publishes is stored as text: tags are stripped and script or style
content is dropped, so injected markup can never run where listings are shown later.
"""

from __future__ import annotations

import html
import re

from w3lib.html import remove_tags, remove_tags_with_content

from registry.identifiers.rules import matching_key
from registry.identifiers.vocab import resolve_identifier_kind
from spiders.reading.values import not_identifier, strip_contacts

_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_BLOCK_TAGS = re.compile(r"<\s*(br|/p|/div|/li|/h[1-6]|/tr)\b[^>]*>", re.I)

_LABEL = (r"serial(?:\s*(?:no\.?|number|num|#))?|s/n|sn|vin|pin|chassis(?:\s*(?:no\.?|number))?"
          r"|frame(?:\s*(?:no\.?|number))?|engine\s*(?:no\.?|number|serial)|ear\s*tag|tag(?:\s*(?:no\.?|number))?"
          r"|micro\s*chip|chip(?:\s*number)?|cesar(?:\s*(?:id|number))?|ueln|freeze\s*mark|passport(?:\s*number)?"
          r"|stock\s*(?:no\.?|number|num|#|ref(?:erence)?)?|dealer\s*ref(?:erence)?|our\s*ref(?:erence)?")
_LABELLED = re.compile(rf"\b({_LABEL})\s*[:#.=\-]?\s*((?:[A-Za-z0-9][A-Za-z0-9\-/.]*)(?:[ ][A-Za-z0-9][A-Za-z0-9\-/.]*){{0,5}})",
                       re.I)
_TOKEN = re.compile(r"\b(?=[A-Za-z0-9\-]*\d)(?=[A-Za-z0-9\-]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9\-]{6,24}[A-Za-z0-9]\b")
# a dealer's stock or reference number is kept as kind "stock": shown to officers, never matched as the
# item's identifier
_LABEL_KINDS = {"sn": "serial", "s/n": "serial", "chip": "microchip", "tag": "ear_tag", "passport": "ueln",
                "stock": "stock", "dealer": "stock", "our": "stock"}
_WORD_NUMBER = re.compile(r"^(?:[A-Za-z]{4,}[-]?\d{1,3}|\d{1,3}[-]?[A-Za-z]{4,})$")
MAX_CANDIDATES = 12


def clean_text(value, *, keep_lines: bool = False) -> str | None:
    """Plain text from a value that may hold HTML: scripts and styles dropped, tags stripped, entities decoded."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        value = "\n".join(str(v) for v in value if v is not None)
    text = html.unescape(str(value)).replace("\x00", "")  # entities first: "&lt;script&gt;" is markup too
    if "<" in text:
        text = _BLOCK_TAGS.sub("\n", text)
        text = remove_tags_with_content(text, which_ones=("script", "style", "noscript", "iframe", "template"))
        text = remove_tags(text)
    if keep_lines:
        lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
        text = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    else:
        text = _SPACES.sub(" ", text.replace("\n", " ")).strip()
    return text or None


def _trim_value(raw: str) -> str:
    """Keep the tokens of a labelled value: letter-only words count only between tokens with digits."""
    tokens = raw.split(" ")
    kept: list[str] = []
    for n, token in enumerate(tokens):
        token = token.rstrip(".,;")
        if any(ch.isdigit() for ch in token):
            kept.append(token)
        elif kept or n == 0:
            rest = tokens[n + 1] if n + 1 < len(tokens) else ""
            if len(token) <= 5 and any(ch.isdigit() for ch in rest):
                kept.append(token)
            else:
                break
        else:
            break
    return " ".join(kept).strip(" -/.")


def _unlabelled_excluded(token: str) -> bool:
    """Codes in running text that are words with a number ("AutoScout24", "Windows10") or written
    in mixed case ("iPhone12X"): a serial is printed in one case."""
    letters = re.sub(r"[^A-Za-z]", "", token)
    return bool(_WORD_NUMBER.match(token)) or (letters != letters.upper() and letters != letters.lower())


def find_identifiers(*texts: str | None, site_words: set[str] = frozenset(), make: str | None = None,
                     model: str | None = None) -> list[dict]:
    """Identifier candidates in free text: labelled ones ("Serial no: ABC 123") keep their kind,
    unlabelled letter-and-digit codes of 8-26 characters become kind "other". Values the rule in
    spiders.reading.values excludes (phone numbers, e-mail and web addresses, site and brand names, engine
    sizes and units, the item's own model code) are never candidates."""
    found: list[dict] = []
    seen: set[str] = set()

    def add(kind: str, value: str) -> None:
        key = matching_key(value)
        if not key or len(key) < 4 or key in seen or len(found) >= MAX_CANDIDATES:
            return
        if not_identifier(value, site_words=site_words, make=make, model=model):
            return
        seen.add(key)
        found.append({"kind": kind, "value": value})

    for text in texts:
        if not text:
            continue
        text = strip_contacts(text)
        position = 0
        while match := _LABELLED.search(text, position):
            label = re.sub(r"\s+", " ", match[1].lower())
            value = _trim_value(match[2])
            position = max(match.start(2) + len(value), match.end(1))  # the next label may follow the value
            if value and any(ch.isdigit() for ch in value):
                first = re.sub(r"[^a-z/]", "", label.split(" ")[0])
                add(_LABEL_KINDS.get(first) or resolve_identifier_kind(label) or resolve_identifier_kind(first)
                    or "serial", value)
        for match in _TOKEN.finditer(text):
            if not _unlabelled_excluded(match[0]):
                add("other", match[0])
    return found
