"""Stored identifiers brought up to the current identifier rules (a data migration).

The rules in registry.identifiers change as real input teaches them: a label typed into the value
("S/N 00O38675971596") is no longer part of it, and a placeholder ("Unknown serial", "N/K",
"000000") is no identifier at all. Rows stored under older rules keep keys that can never match a
listing, and placeholders shared by many owners are flagged as clones of each other. This module
recomputes each stored identifier with `parse_identifier`:

- same key: left alone;
- a new key (a typed label removed): the row takes the new raw value, key and note; the typed text
  stays in the note, so nothing the owner wrote is lost;
- no identifier (a placeholder): the row is removed and the item's history records what was typed
  (event `identifier_removed`), so the owner's words stay on the record;
- a value the current rules refuse (a spreadsheet-damaged code, too short): left as stored, since
  refusing it now would drop data that was accepted; the import rules stop new ones.

Clone flags are then refreshed for every key that was touched (old and new).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from registry.identifiers.clones import refresh_clone_flags
from registry.identifiers.rules import IdentifierError, parse_identifier
from registry.items.history import record_event

REKEY_ACTOR = "migration"


@dataclass
class RekeyReport:
    """What `rekey_identifiers` changed: counts of rows re-keyed, removed and kept as refused, and
    the matching keys whose clone flags were refreshed."""

    rekeyed: int = 0
    removed: int = 0
    refused_kept: int = 0
    keys: set[str] = field(default_factory=set)


def rekey_identifiers(db) -> RekeyReport:
    """Recompute every stored identifier's key under the current rules (see the module docstring).

    `db` is a sqlite-utils Database inside the caller's transaction (a migration). Returns a
    RekeyReport. Raises nothing for a bad stored value: such rows are counted in `refused_kept`.
    """
    report = RekeyReport()
    rows = db.execute(
        "select d.id, d.item_id, d.kind, d.raw_value, d.normalised_value, d.note, i.category "
        "from identifiers d join items i on i.id = d.item_id order by d.id").fetchall()
    for ident_id, item_id, kind, raw, key, note, category in rows:
        try:
            parsed = parse_identifier(kind, raw, category)
        except IdentifierError:
            report.refused_kept += 1
            continue
        if parsed is None:
            db.execute("delete from identifiers where id = ?", [ident_id])
            record_event(db, item_id, "identifier_removed", REKEY_ACTOR,
                         {"kind": kind, "typed": raw, "reason": "a placeholder, not an identifier"})
            report.removed += 1
            report.keys.add(key)
            continue
        if parsed.normalised_value == key and parsed.raw_value == raw:
            continue
        db.execute("update identifiers set raw_value = ?, normalised_value = ?, check_valid = ?, note = ? "
                   "where id = ?",
                   [parsed.raw_value, parsed.normalised_value,
                    None if parsed.check_valid is None else int(parsed.check_valid),
                    parsed.note or note, ident_id])
        report.rekeyed += 1
        report.keys.update({key, parsed.normalised_value})
    if report.keys:
        refresh_clone_flags(db, report.keys)
    return report
