"""The map's force grid: filling, lines between forces and groups, extents, and the committed grid."""

from __future__ import annotations

import numpy as np

from datasette_config.officer.basemap import GRID_FILE
from registry.places.force_grid import (
    _fill,
    _runs,
    boundary_lines,
    force_extents,
    grid_array,
    load_grid,
)
from registry.places.forces import UK_FORCES


def _data(rows: list[list[int]], forces=("A", "B", "C")) -> dict:
    return {"forces": list(forces), "rows": len(rows), "cols": len(rows[0]), "west": 0.0, "south": 50.0,
            "cell_lon": 1.0, "cell_lat": 1.0, "runs": [_runs(r) for r in rows]}


def test_filling_takes_neighbours_and_never_wraps_round_the_edges():
    grid = np.array([[0, -1, -1, -1], [-1, -1, -1, -1], [-1, -1, -1, 1]])
    filled = _fill(grid, 1)
    assert filled[0, 1] == 0 and filled[1, 0] == 0 and filled[2, 2] == 1 and filled[1, 3] == 1
    assert filled[2, 0] == -1 and filled[0, 3] == -1  # a corner does not reach the opposite corner
    assert (_fill(grid, 10) >= 0).all()


def test_lines_run_between_different_forces_and_groups_only():
    data = _data([[0, 0, 1], [0, 0, 1], [2, 2, -1]])
    assert grid_array(data).tolist() == [[0, 0, 1], [0, 0, 1], [2, 2, -1]]
    lines = boundary_lines(data)
    assert [[2.0, 50.0], [2.0, 52.0]] in lines  # A|B, two cells tall, one segment
    assert [[0.0, 52.0], [2.0, 52.0]] in lines  # A above C
    assert not any(p == [3.0, 52.0] for line in lines for p in line[1:])  # nothing towards the empty cell
    assert boundary_lines(data, {"A": "west", "B": "west", "C": "south"}) == [[[0.0, 52.0], [2.0, 52.0]]]


def test_extents_give_each_force_its_box_and_a_label_inside_it():
    extents = force_extents(_data([[0, 0, 1], [0, 0, 1], [2, 2, -1]]))
    assert extents["A"]["bounds"] == [[50.0, 0.0], [52.0, 2.0]]
    (south, west), (north, east) = extents["B"]["bounds"]
    assert south <= extents["B"]["label"][0] <= north and west <= extents["B"]["label"][1] <= east


def test_the_committed_grid_has_every_force_where_it_is():
    data = load_grid(str(GRID_FILE))
    assert set(UK_FORCES) <= set(data["forces"])  # the postcode directory covers the United Kingdom only
    extents = force_extents(data)
    for force, (lat, lon) in {"Devon and Cornwall": (50.7, -4.0), "Hampshire": (51.06, -1.31),
                              "North Yorkshire": (54.0, -1.5), "Police Scotland": (56.5, -4.0)}.items():
        (south, west), (north, east) = extents[force]["bounds"]
        assert south < lat < north and west < lon < east
        assert north - south < 7  # no cell of it far away
