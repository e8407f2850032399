"""What a listing says about who is behind it: the values two sellers' listings may share.

Each signal is a (kind, value) pair kept in `listing_signals`, so that finding every seller with a
given phone number, e-mail address, profile address, handle or identifier is one indexed query.
"""

from __future__ import annotations

import json
import re

from matching.networks.sellers import SellerFacts, handle_key, is_personal_name
from registry.identifiers.rules import matching_key

MIN_HANDLE = 6  # shorter handles ("dave", "jd99") are shared by chance between sites
MIN_IDENTIFIER = 6
# Every label begins with one of LABEL_FIRST: the lookahead rejects other positions before the
# alternation is tried (the same matches in half the time; `test_label_lookahead` checks it).
LABEL_FIRST = "[spvecftmu]"
_LABELLED = re.compile(
    rf"\b(?={LABEL_FIRST})(?:serial|s/n|sn|pin|vin|engine|eng|chassis|frame|ear\s*tag|tag|chip|microchip|ueln|cesar)"
    r"(?:\s*(?:no|number|num))?\.?\s*[:#=]?\s*((?:[A-Z0-9][A-Z0-9/\-]*\s?){1,5})", re.IGNORECASE)
_HAS_DIGITS = re.compile(r"\d.*\d.*\d")


def identifier_values(structured: str | None, text: str | None, title: str | None = None,
                      model: str | None = None) -> list[str]:
    """Identifier keys a listing states: its structured identifiers (not those of kind `other`, which
    sites fill with model codes and the like) and serials labelled in its text (`Serial no: PE4045
    R123456`), in the registry's matching form, at least six characters with three digits, and not a
    part of the listing's title or model (`RTV-X1110` is a model, not an identifier)."""
    raw: list[str] = []
    try:
        if structured and structured != "[]":  # most listings state none: not parsed
            raw += [str(i.get("value")) for i in json.loads(structured)
                    if isinstance(i, dict) and i.get("kind") != "other"]
    except (TypeError, ValueError):
        pass
    for m in _LABELLED.finditer(text or ""):
        tokens = []
        for token in m[1].split():
            if not any(ch.isdigit() for ch in token) and (len(token) > 4 or not token.isupper()):
                break
            tokens.append(token)
        if tokens:
            raw.append("".join(tokens))
    if not raw:
        return []
    named = " ".join(matching_key(t) or "" for t in (title, model))
    out = []
    for value in raw:
        key = matching_key(value)
        if key and len(key) >= MIN_IDENTIFIER and _HAS_DIGITS.search(key) and key not in out and key not in named:
            out.append(key)
    return out


def listing_signals(listing: dict, facts: SellerFacts) -> list[tuple[str, str]]:
    """The (kind, value) signals of one listing row, given its seller facts."""
    out: list[tuple[str, str]] = []
    for phone in facts.phones + facts.text_phones:
        out.append(("phone", phone))
    for email in facts.emails + facts.text_emails:
        out.append(("email", email))
    if facts.profile:
        out.append(("profile", facts.profile))
    key = handle_key(facts.name)
    if key and len(key) >= MIN_HANDLE and not is_personal_name(facts.name):
        out.append(("handle", key))
    text = " \n ".join(t for t in (listing.get("title"), listing.get("description")) if t)
    for value in identifier_values(listing.get("structured_identifiers"), text, listing.get("title"),
                                   listing.get("model")):
        out.append(("identifier", value))
    return list(dict.fromkeys(out))
