"""Where a theft happened or a listing is offered: place text -> position and police force, offline.

`resolve_place` reads what people type ("Skipton, North Yorkshire", "BD23 1AB", "nr Hawes DL8",
"Andover") in this order, first hit wins:

1. a full postcode in the ONS directory -> its position and its district's force (precision `postcode`);
2. a postcode district (outward code, alone or after a full postcode the directory does not hold)
   -> the mean position of its postcodes and the force of most of them (`district`);
3. a town or village of 1,000+ people (GeoNames) named in the text, narrowed by any county or
   authority named after it, else the largest of that name (`town`);
4. a county or unitary authority alone -> its force, no position (`county`);
5. coordinates given with the record -> the force of the nearest place (`coordinates`).

Anything else is unresolved, with a note that says so; nothing is guessed from the owner's address.
The data sources are described in `registry.places.gazetteer`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from registry.places.forces import force_for_authority, normalise_name
from registry.places.gazetteer import lookup_district, lookup_postcode, nearest_town, town_index

_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b")
_OUTWARD = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")
_NEAR = re.compile(r"^(near|nr|outside|north of|south of|east of|west of|just outside)\s+")
_MAX_WORDS = 4


@dataclass(frozen=True)
class Place:
    """A resolved (or unresolved) place.

    latitude/longitude: WGS84 degrees or None; force_area: a name from `registry.places.forces.PLACE_FORCES`
    or None; precision: postcode, district, town, county, coordinates, or None when unresolved;
    label: what was recognised ("Skipton, North Yorkshire", "BD23"); note: why it is unresolved or
    approximate, in words.
    """

    text: str
    latitude: float | None = None
    longitude: float | None = None
    force_area: str | None = None
    precision: str | None = None
    label: str | None = None
    note: str | None = None

    @property
    def resolved(self) -> bool:
        return self.precision is not None


def _valid(lat, lon) -> bool:
    try:
        return -90 <= float(lat) <= 90 and -180 <= float(lon) <= 180
    except (TypeError, ValueError):
        return False


def _from_postcodes(text: str, upper: str) -> Place | None:
    """Full postcodes anywhere in the text; a bare district only as the last word of a part
    ('Andover SP10'), so road numbers such as 'M6 services' are not read as districts."""
    for outward, inward in _POSTCODE.findall(upper):
        area = lookup_postcode(outward, inward)
        if area and area.latitude is not None:
            return Place(text, area.latitude, area.longitude, area.force_area, "postcode", area.code)
        district = lookup_district(outward)
        if district and district.latitude is not None:
            return Place(text, district.latitude, district.longitude, district.force_area, "district",
                         district.code, f"postcode {outward} {inward} is not in the ONS directory; "
                                        f"placed at the centre of district {outward}")
    for part in re.split(r"[,;/\n]+", upper):
        words = part.split()
        if not words or not _OUTWARD.fullmatch(words[-1]):
            continue
        district = lookup_district(words[-1])
        if district and district.latitude is not None:
            return Place(text, district.latitude, district.longitude, district.force_area, "district", district.code)
    return None


def _phrases(part: str):
    """Word runs of a comma part, longest first, so 'Lower Farm, Great Ayton' tries 'great ayton' before 'ayton'."""
    words = _NEAR.sub("", normalise_name(part)).split()
    for size in range(min(len(words), _MAX_WORDS), 0, -1):
        for start in range(len(words) - size + 1):
            yield " ".join(words[start:start + size])


def _from_towns(text: str, parts: list[str]) -> Place | None:
    index = town_index()
    qualifiers = {force_for_authority(p) for p in parts[1:]} - {None}
    for part in parts:  # a later part that names a town and an authority ("Farm, York") is the town
        for phrase in _phrases(part):
            candidates = index.get(phrase)
            if not candidates:
                continue
            if qualifiers:
                candidates = [t for t in candidates if t.force_area in qualifiers] or None
                if not candidates:
                    continue
            town = candidates[0]
            note = None
            if len(candidates) > 1:
                note = (f"{len(candidates)} places are called {town.name}; took the largest"
                        + ("" if qualifiers else " (add the county to choose)"))
            label = f"{town.name}, {town.county}" if town.county else town.name
            return Place(text, town.latitude, town.longitude, town.force_area, "town", label, note)
    return None


def resolve_place(text: str | None, latitude=None, longitude=None) -> Place:
    """Resolve place text (and optional coordinates in WGS84 degrees) to a Place; never raises.

    Coordinates, when valid, give the position; the text still gives the force when it names one,
    else the nearest place does.
    """
    text = (text or "").strip()
    place = None
    if text:
        upper = text.upper()
        parts = [p.strip() for p in re.split(r"[,;/\n]+", text) if p.strip()]
        place = _from_postcodes(text, upper) or _from_towns(text, parts)
        if place is None:
            county = next((p for p in reversed(parts) if force_for_authority(p)), None)
            if county:
                place = Place(text, None, None, force_for_authority(county), "county", county,
                              f'"{parts[0]}" is not in the gazetteer; the force comes from "{county}" '
                              "and the place is not on the map")
    if _valid(latitude, longitude):
        lat, lon = round(float(latitude), 5), round(float(longitude), 5)
        force = place.force_area if place and place.force_area else None
        if force is None:
            town, distance = nearest_town(lat, lon)
            force = town.force_area if distance <= 50 else None
        return Place(text, lat, lon, force, "coordinates", place.label if place else None,
                     None if force else "the coordinates are not in the UK")
    if place:
        return place
    if not text:
        return Place(text, note="no place given")
    return Place(text, note=f'"{text}" was not found: give a postcode, a postcode district or a town '
                            "of 1,000+ people (with its county)")


def force_for_place(text: str | None) -> str | None:
    """The police force where a place is ('Skipton, North Yorkshire' -> 'North Yorkshire'), or None."""
    return resolve_place(text).force_area


def force_for_postcode(postcode: str | None) -> str | None:
    """The police force of a postcode or postcode district ('SP11 0AA' -> 'Hampshire'), or None when
    it is not a UK postcode in the ONS directory."""
    if not postcode:
        return None
    place = _from_postcodes(postcode, postcode.upper())
    return place.force_area if place else None
