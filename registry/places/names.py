"""Welsh- and Irish-language names of places, read as their English forms (`place_names.csv`).

The table keeps, for each name: the English form GeoNames and the ONS use, the county or
authority that tells same-named places apart ('Casnewydd' is the Newport in Newport, not the one on
the Isle of Wight), the kind (`town`, `county` or `country`) and the language (`cy`, `ga`).

Sources: the Welsh names are the standardised forms of the Welsh Language Commissioner's list of
standardised Welsh place-names (Comisiynydd y Gymraeg, "Enwau Lleoedd Safonol Cymru"); the Irish
names are the official Irish forms of the Placenames Database of Ireland (logainm.ie, Fiontar &
Scoil na Gaeilge, DCU, with the Placenames Branch), as given by the Placenames Orders. No installed
package carries either list, so the names are kept here with the place data; add a row to add a name.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).with_name("place_names.csv")


def fold(text: str) -> str:
    """A name folded for comparison as `registry.places.forces.normalise_name` folds it
    ('Pont-y-pŵl' -> 'pont y pwl')."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ").replace("saint ", "st ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@dataclass(frozen=True)
class OtherName:
    """One row of the table: `name` in `language` is `english`, in `county` (blank for a county)."""

    name: str
    english: str
    county: str
    kind: str
    language: str


@lru_cache(maxsize=1)
def _table() -> dict[tuple[str, str], OtherName]:
    rows = {}
    with TABLE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = OtherName(**{k: (v or "").strip() for k, v in row.items()})
            rows[(name.kind, fold(name.name))] = name
    return rows


def english_town(folded: str) -> OtherName | None:
    """The English form of a town's Welsh or Irish name, folded ('y trallwng' -> Welshpool), or None."""
    return _table().get(("town", folded))


def english_county(folded: str) -> str | None:
    """The English name of a county or principal area given in Welsh or Irish ('sir gaerfyrddin' ->
    'Carmarthenshire', 'lu' -> 'County Louth'), or None."""
    row = _table().get(("county", folded)) or _table().get(("country", folded))
    return row.english if row else None


@lru_cache(maxsize=1)
def _by_english() -> dict[str, tuple[OtherName, ...]]:
    rows: dict[str, list[OtherName]] = {}
    for (kind, _), row in _table().items():
        if kind == "town":
            rows.setdefault(fold(row.english), []).append(row)
    return {k: tuple(v) for k, v in rows.items()}


def other_forms(folded: str) -> tuple[OtherName, ...]:
    """The Welsh or Irish forms of a town's English name ('clonmel' -> Cluain Meala), for the places
    GeoNames lists under their Irish name only."""
    return _by_english().get(folded, ())
