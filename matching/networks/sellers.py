"""Seller identities: one seller per handle or profile address on a source.

A listing's seller is its profile address on that source when it publishes one, else its handle.
A personal name is not a handle: many different people on one site are called "John" or "Dave
Smith", so a name with a space, or a single word of letters only up to seven long (the length of
almost every common first name: John, David, Michael), keys a seller only together with the first
phone or e-mail the listing publishes, unless many sellers show that contact (a site's own number).
A listing that publishes none of these is a seller of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from matching.networks.contacts.emails import find_emails, normalise_email
from matching.networks.contacts.phones import field_phones, find_phones
from matching.networks.contacts.regions import listing_region

PERSONAL_NAME_MAX_LETTERS = 7
_SPACES = re.compile(r"\s+")
_HANDLE_CHARS = re.compile(r"[^0-9a-z]")


def normalise_profile(url: str | None) -> str | None:
    """A profile address compared without scheme, `www.`, case of the host, query, fragment or trailing slash."""
    if not url or not url.strip():
        return None
    parts = urlsplit(url.strip() if "://" in url else "https://" + url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    if not host:
        return None
    return f"{host}{parts.path.rstrip('/')}"


@lru_cache(maxsize=200_000)
def normalise_handle(name: str | None) -> str | None:
    """A seller's name as compared: case-folded, spaces collapsed; None when empty. Cached: a run reads each
    listing's name four times (its key, whether it is a personal name, its handle signal) and a seller's name
    recurs in each of its adverts."""
    if not name:
        return None
    text = _SPACES.sub(" ", name).strip().casefold()
    return text or None


def handle_key(name: str | None) -> str | None:
    """The letters and digits of a handle (`JD_Parts-UK` -> `jdpartsuk`), for the same handle on two sites."""
    text = normalise_handle(name)
    return _HANDLE_CHARS.sub("", text) if text else None


def is_personal_name(name: str | None) -> bool:
    """True for what looks like a person's name rather than a handle: `Dave Smith`, `john`, `Graham`."""
    text = normalise_handle(name)
    if not text:
        return False
    return " " in text or (text.isalpha() and len(text) <= PERSONAL_NAME_MAX_LETTERS)


@dataclass
class SellerFacts:
    """What one listing says about its seller: the key of its seller on the source, and its contacts."""

    source: str
    key: str
    name: str | None
    profile: str | None
    phones: list[str] = field(default_factory=list)  # E.164, from the seller's details
    emails: list[str] = field(default_factory=list)
    text_phones: list[str] = field(default_factory=list)  # found in the title or description
    text_emails: list[str] = field(default_factory=list)
    listing_id: str = ""

    def contact(self) -> str | None:
        """The contact a personal name is keyed with: the first phone, else the first e-mail, of the seller's details."""
        return (self.phones or self.emails or [None])[0]

    def without_shared_contact(self, shared: set[str]) -> SellerFacts:
        """A personal name keyed with a contact that many sellers show (a site's own number, shown by
        sellers who hide theirs) says nothing of who the seller is: the listing is a seller of its own."""
        if self.key.startswith("name:") and self.contact() in shared:
            self.key = f"listing:{self.listing_id}"
        return self


def seller_facts(listing: dict) -> SellerFacts:
    """The seller facts of one listing row (`source`, `id`, `seller_*`, `title`, `description`, and
    `url` and `location`, which say where its numbers were written: `matching.networks.contacts.regions`)."""
    profile = normalise_profile(listing.get("seller_profile_url"))
    name = listing.get("seller_name")
    handle = normalise_handle(name)
    text = " \n ".join(t for t in (listing.get("title"), listing.get("description")) if t)
    region = listing_region(listing.get("url"), listing.get("source"), listing.get("location"),
                            f"{listing.get('seller_phone') or ''} {text}")
    phones = list(field_phones(listing.get("seller_phone"), region))
    phone = phones[0] if phones else None
    email = normalise_email(listing.get("seller_email"))
    text_phones = [p for p in find_phones(text, region) if p not in phones]
    text_emails = [e for e in find_emails(text) if e != email]
    if profile:
        key = f"profile:{profile}"
    elif handle and not is_personal_name(handle):
        key = f"handle:{handle}"
    elif handle and (phone or email):
        key = f"name:{handle}|{phone or email}"
    else:
        key = f"listing:{listing['id']}"
    return SellerFacts(listing["source"], key, name, profile, phones, [email] if email else [],
                       text_phones, text_emails, listing["id"])
