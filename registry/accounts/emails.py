"""E-mail addresses that come in (owners, farmer accounts, sale buyers, hot-sheet subscribers).

Checked with the kept library `email-validator` (syntax per RFC 5321/5322/6531), offline: no DNS
lookup at run time. Only domain names are accepted: address literals (`someone@[127.0.0.1]`), bare
IP addresses (`someone@127.0.0.1`), single labels (`someone@localhost`, `someone@corp`) and names
that only resolve inside a network are refused, so an alert can never be aimed at the server's own
mail port or a host on the private network.
"""

from __future__ import annotations

import email_validator

# email-validator's own special-use list (RFC 6761/6762/7686: arpa, invalid, local, localhost, onion,
# test) plus names that only exist inside private networks: "internal" (ICANN, 2024) and the
# private names RFC 6762 appendix G lists as seen in use (intranet, private, corp, home, lan),
# and "localdomain" (the name many systems give their own host).
REFUSED_DOMAINS = sorted({*email_validator.SPECIAL_USE_DOMAIN_NAMES, "internal", "intranet", "private",
                          "corp", "home", "lan", "localdomain"})
MAX_LENGTH = 254  # RFC 5321 section 4.5.3.1.3 (path of 256 less the angle brackets)


class EmailError(ValueError):
    """An address refused; the message names it and says why."""


def check_email(raw: str | None) -> str:
    """The address trimmed, with its domain lower-cased and IDNA-normalised (local part kept as typed,
    lower-cased too: farmwatch matches owners by e-mail case-insensitively).

    Raises EmailError naming the address and the reason (email-validator's wording) when it is
    empty, longer than 254 characters, not an address, has an IP address or a bracketed address
    literal after the @, or a domain in REFUSED_DOMAINS (the domain itself or any name under it).
    """
    text = (raw or "").strip()
    shown = text[:100]
    if not text:
        raise EmailError('e-mail "" is not an e-mail address: it is empty')
    if len(text) > MAX_LENGTH:
        raise EmailError(f'e-mail "{shown}..." is not an e-mail address: longer than {MAX_LENGTH} characters')
    try:
        checked = email_validator.validate_email(
            text, check_deliverability=False, allow_domain_literal=False, allow_quoted_local=False,
            allow_display_name=False, globally_deliverable=True, strict=True)
    except email_validator.EmailNotValidError as error:
        raise EmailError(f'e-mail "{shown}" is not an e-mail address we can send to: {error}') from None
    domain = checked.ascii_domain.lower()
    labels = domain.split(".")
    if any(".".join(labels[i:]) in REFUSED_DOMAINS for i in range(len(labels))):
        raise EmailError(f'e-mail "{shown}" is not an e-mail address we can send to: '
                         f'"{domain}" is a local or internal name, not a public domain')
    return checked.normalized.lower()
