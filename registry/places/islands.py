"""Postcodes of the Crown Dependencies and Ireland's Eircodes: the force, without a position.

The ONS directory lists Jersey (JE), Guernsey (GY: the Bailiwick, with Alderney and Sark) and Isle of
Man (IM) postcodes without grid references (pseudo local authority codes L99999999, M99999999), so
such a postcode gives the island's force and no place on the map. An Eircode (a routing key such as
`A91` or `D6W`, then four characters, after the Eircode specification of Ireland's Department of
Communications) gives An Garda Síochána; no installed package maps routing keys to places.
"""

from __future__ import annotations

import re

from registry.places.forces import GARDA, GUERNSEY, ISLE_OF_MAN, JERSEY

ISLAND_AREAS = {"JE": (JERSEY, "JE", "Jersey"), "GY": (GUERNSEY, "GG", "Guernsey"),
                "IM": (ISLE_OF_MAN, "IM", "the Isle of Man")}
_ISLAND_POSTCODE = re.compile(r"\b(JE|GY|IM)([0-9]{1,2})(?:\s*([0-9][A-Z]{2}))?\b")
_EIRCODE = re.compile(r"\b([AC-FHKNPRTV-Y][0-9]{2}|D6W)\s?([0-9AC-FHKNPRTV-Y]{4})\b")


def island_postcode(upper: str) -> tuple[str, str, str, str] | None:
    """(force, country code, postcode as written tidily, where) for a Crown Dependency postcode or
    postcode district in upper-case text ('JE2 4WE' -> States of Jersey Police), else None."""
    match = _ISLAND_POSTCODE.search(upper)
    if not match:
        return None
    area, district, inward = match.groups()
    force, country, where = ISLAND_AREAS[area]
    return force, country, f"{area}{district} {inward}" if inward else f"{area}{district}", where


def eircode(upper: str) -> str | None:
    """The Eircode in upper-case text ('A91 X2Y3'), or None; the unique part must hold a letter and a digit."""
    for key, unique in _EIRCODE.findall(upper):
        if re.search(r"[0-9]", unique) and re.search(r"[A-Z]", unique):
            return f"{key} {unique}"
    return None


__all__ = ["GARDA", "eircode", "island_postcode"]
