"""E-mail addresses in a seller's details and in advert text, normalised by their provider's rules.

Addresses are compared in lower case. A `+tag` is cut off at every domain: sub-addressing
(`sam.yard+kit@example.net` is delivered to `sam.yard@example.net`) is the standard form, RFC 5233,
and `+` in a real mailbox name is vanishingly rare. Dots are removed only where the provider ignores
them (Gmail and googlemail.com, one provider); Yahoo ignores a `-tag` on its disposable addresses.
Those spellings are one address here (the provider table follows the providers' published rules, as
the `email-normalize` package does, but without its network look-ups of mail servers). An address written as
`name (at) example (dot) com` to dodge a site's filter is read too.
"""

from __future__ import annotations

import re

GMAIL = {"gmail.com", "googlemail.com"}
DASH_TAGS = {"yahoo.com", "yahoo.co.uk", "ymail.com", "rocketmail.com"}
DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}

_AT = r"(?:\s*@\s*|\s*[\[(]\s*at\s*[\])]\s*|\s+at\s+)"
_DOT = r"(?:\.|\s*[\[(]\s*dot\s*[\])]\s*|\s+dot\s+)"
_EMAIL = re.compile(rf"([a-z0-9][a-z0-9._%+\-]{{0,63}}){_AT}([a-z0-9\-]+(?:{_DOT}[a-z0-9\-]+)*{_DOT}[a-z]{{2,}})\b",
                    re.IGNORECASE)
_PLAIN_DOT = re.compile(_DOT, re.IGNORECASE)


def normalise_email(raw: str | None) -> str | None:
    """`John.Smith+ads@GoogleMail.com` -> `johnsmith@gmail.com`; None when it is not an address."""
    found = find_emails(raw)
    return found[0] if found else None


def canonical(local: str, domain: str) -> str:
    """One mailbox's canonical address from its local part and domain (both already lower case):
    `sam.yard+kit`, `btinternet.com` -> `sam.yard@btinternet.com`; `j.smith+ads`, `googlemail.com` ->
    `jsmith@gmail.com`."""
    domain = DOMAIN_ALIASES.get(domain, domain)
    local = local.split("+", 1)[0] or local  # RFC 5233 sub-address, at every domain
    if domain in DASH_TAGS:
        local = local.split("-", 1)[0]
    if domain in GMAIL:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def find_emails(text: str | None) -> list[str]:
    """Every e-mail address in free text, normalised, in order, once each."""
    if not text or not ("@" in text or " at " in text.lower() or "(at)" in text.lower() or "[at]" in text.lower()):
        return []
    out: list[str] = []
    for m in _EMAIL.finditer(text):
        local = m[1].lower().strip(".")
        domain = _PLAIN_DOT.sub(".", m[2].lower())
        if "@" not in m[0] and "." not in domain:
            continue
        value = canonical(local, domain)
        if local and value not in out:
            out.append(value)
    return out
