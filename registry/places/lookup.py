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

Before the towns come: a place whose last part names a country other than the UK, a Crown
Dependency or Ireland (kept as written, its country recorded, no force: `abroad`), and grid
references (`grid`, `registry.places.gridrefs`). Welsh and Irish names of towns and counties are read
as their English forms (`registry.places.names`); Jersey, Guernsey and Isle of Man postcodes and
Irish Eircodes give their island's or Ireland's force.

Anything else is unresolved, with a note that says so; nothing is guessed from the owner's address.
The data sources are described in `registry.places.gazetteer`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from registry.places.abroad import foreign_country, foreign_town
from registry.places.forces import FORCE_COUNTRY, GARDA, REGIONS, force_for_authority, normalise_name
from registry.places.gazetteer import lookup_district, lookup_postcode, nearest_town, town_index
from registry.places.gridrefs import british_reference, irish_reference
from registry.places.islands import eircode, island_postcode
from registry.places.names import english_town, other_forms

_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b")
_OUTWARD = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")
_NEAR = re.compile(r"^(near to|near|nr|outside|north of|south of|east of|west of|just outside|close to)\s+")
_NEAREST_KM = 30
_MAX_WORDS = 5


@dataclass(frozen=True)
class Place:
    """A resolved (or unresolved) place.

    latitude/longitude: WGS84 degrees or None; force_area: a name from `registry.places.forces.PLACE_FORCES`
    or None; precision: postcode, district, town, county, coordinates, or None when unresolved;
    label: what was recognised ("Skipton, North Yorkshire", "BD23"); note: why it is unresolved or
    approximate, in words; country: ISO 3166 code when known ('GB', 'JE', 'GG', 'IM', 'IE', or the
    country of a place abroad, which has no force).
    """

    text: str
    latitude: float | None = None
    longitude: float | None = None
    force_area: str | None = None
    precision: str | None = None
    label: str | None = None
    note: str | None = None
    country: str | None = None

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
            return Place(text, area.latitude, area.longitude, area.force_area, "postcode", area.code, None, "GB")
        district = lookup_district(outward)
        if district and district.latitude is not None:
            return Place(text, district.latitude, district.longitude, district.force_area, "district",
                         district.code, f"postcode {outward} {inward} is not in the ONS directory; "
                                        f"placed at the centre of district {outward}", "GB")
    for part in re.split(r"[,;/\n]+", upper):
        words = part.split()
        if not words or not _OUTWARD.fullmatch(words[-1]):
            continue
        district = lookup_district(words[-1])
        if district and district.latitude is not None:
            return Place(text, district.latitude, district.longitude, district.force_area, "district", district.code,
                         None, "GB")
    return None


def _phrases(part: str):
    """Word runs of a comma part, longest first, so 'Lower Farm, Great Ayton' tries 'great ayton' before 'ayton'."""
    words = _NEAR.sub("", normalise_name(part)).split()
    for size in range(min(len(words), _MAX_WORDS), 0, -1):
        for start in range(len(words) - size + 1):
            yield " ".join(words[start:start + size])


def _county_key(name: str) -> str:
    return re.sub(r"^(county|co|contae) |( county|shire)$", "", normalise_name(name))


def _in_named_county(candidates, qualifiers: list[str]):
    """Of same-named places in the named force, those in the county the text names ('Newport, Mayo'
    is the one in County Mayo, not the one in Tipperary), else all of them."""
    named = {_county_key(q) for q in qualifiers}
    return [t for t in candidates if t.county and _county_key(t.county) in named] or candidates


def _candidates(index, phrase: str, qualifiers: set[str]):
    """The places a phrase may name: by its own name, its English form when it is a Welsh or Irish name
    (in that name's county unless the text names another), or the Irish form GeoNames keeps."""
    candidates = list(index.get(phrase, ()))
    other = english_town(phrase)
    if other:
        translated = list(index.get(normalise_name(other.english), ()))
        county_force = force_for_authority(other.county)
        if not qualifiers and county_force:
            translated = [t for t in translated if t.force_area == county_force] or translated
        candidates += translated
    for form in other_forms(phrase):
        candidates += index.get(normalise_name(form.name), ())
    return candidates


def _from_towns(text: str, parts: list[str], region: set[str] | None) -> Place | None:
    index = town_index()
    qualifiers = ({force_for_authority(p) for p in parts[1:]} - {None}) or region or set()
    for part in parts:  # a later part that names a town and an authority ("Farm, York") is the town
        for phrase in _phrases(part):
            candidates = _candidates(index, phrase, qualifiers)
            if qualifiers:
                candidates = _in_named_county([t for t in candidates if t.force_area in qualifiers], parts[1:])
            if not candidates:
                continue
            town = candidates[0]
            note = None
            if len(candidates) > 1:
                note = (f"{len(candidates)} places are called {town.name}; took the largest"
                        + ("" if qualifiers else " (add the county to choose)"))
            label = f"{town.name}, {town.county}" if town.county else town.name
            return Place(text, town.latitude, town.longitude, town.force_area, "town", label, note, town.country)
    return None


def _region(parts: list[str]) -> tuple[str, set[str], str | None] | None:
    """(name, forces, country) when the last part names a region of several forces ('Ireland', 'England')."""
    if len(parts) < 2:
        return None
    found = REGIONS.get(normalise_name(parts[-1]))
    return (parts[-1], *found) if found else None


def _abroad(text: str, parts: list[str]) -> Place | None:
    """A place whose last part names another country ('Calais, France'): kept as written, no force."""
    found = foreign_country(parts[-1]) if len(parts) > 1 else None
    if found is None:
        return None
    code, country = found
    position = foreign_town(_NEAR.sub("", parts[0].lower()), code) or (None, None)
    return Place(text, *position, None, "abroad", f"{parts[0]}, {country}",
                 f"abroad ({country}): outside the UK, the Crown Dependencies and Ireland, so no police "
                 "force here holds it", code)


def _from_grid(text: str, upper: str, min_figures: int) -> Place | None:
    """A National Grid reference of at least `min_figures` figures, else (at 4 and more) an Irish Grid one;
    the force is that of the nearest town within 30 km."""
    ref = british_reference(upper, min_figures=min_figures) or (irish_reference(upper) if min_figures > 2 else None)
    if ref is None:
        return None
    lat, lon = ref.wgs84()
    town, distance = nearest_town(lat, lon)
    if distance > _NEAREST_KM:
        return Place(text, lat, lon, None, "grid", ref.text,
                     f"grid reference {ref.text} is {distance:.0f} km from the nearest town: no force", None)
    note = f"{ref.grid} grid reference to {ref.size_m} m; force of the nearest town, {town.name} ({distance:.0f} km)"
    return Place(text, lat, lon, town.force_area, "grid", ref.text, note, town.country)


def _from_codes(text: str, upper: str) -> Place | None:
    """A Jersey, Guernsey or Isle of Man postcode, or an Eircode: the force, not on the map."""
    island = island_postcode(upper)
    if island:
        force, country, code, where = island
        return Place(text, None, None, force, "county", code,
                     f"a postcode of {where}: its force, but the directory gives no position", country)
    code = eircode(upper)
    if code:
        return Place(text, None, None, GARDA, "county", code,
                     "an Eircode: An Garda Síochána, but no installed data gives its position", "IE")
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
        region = _region(parts)
        place = (_abroad(text, parts) or _from_grid(text, upper, 4) or _from_codes(text, upper)
                 or _from_postcodes(text, upper) or _from_grid(text, upper, 2)
                 or _from_towns(text, parts, region[1] if region else None))
        if place is None:
            county = next((p for p in reversed(parts) if force_for_authority(p)), None)
            if county:
                force = force_for_authority(county)
                place = Place(text, None, None, force, "county", county,
                              f'"{parts[0]}" is not in the gazetteer; the force comes from "{county}" '
                              "and the place is not on the map", FORCE_COUNTRY.get(force, "GB"))
            elif region and region[2] != "GB":  # Ireland, the Channel Islands: never the owner's force
                place = Place(text, None, None, None, "region", region[0],
                              f'"{parts[0]}" is not in the gazetteer and {region[0]} has more than one police '
                              "service: give the county or island as well", region[2])
            elif region:
                place = Place(text, note=f'"{parts[0]}" is not in the gazetteer: give a postcode, or a town of '
                                         "1,000+ people with its county", country="GB")
    if _valid(latitude, longitude):
        lat, lon = round(float(latitude), 5), round(float(longitude), 5)
        force = place.force_area if place and place.force_area else None
        country = place.country if place else None
        if force is None and not (place and place.precision == "abroad"):
            town, distance = nearest_town(lat, lon)
            force, country = (town.force_area, town.country) if distance <= 50 else (None, None)
        return Place(text, lat, lon, force, "coordinates", place.label if place else None,
                     None if force else "the coordinates are not in the UK, the Crown Dependencies or Ireland",
                     country)
    if place and (place.resolved or place.note):
        return place
    if not text:
        return Place(text, note="no place given")
    return Place(text, note=f'"{text}" was not found: give a postcode, a postcode district, a grid reference '
                            "or a town of 1,000+ people (with its county or country)")


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
