"""Farmers' own files through the command line: `farmwatch items import FILE [--sheet NAME] --json`."""

from __future__ import annotations

import json

import pytest

from farmwatch.cli import main
from registry.db import connect
from tests.registry.imports.own_files import CASES, REFUSED_FILES


def run_import(tmp_path, capsys, name, data, sheet=None):
    path = tmp_path / name
    path.write_bytes(data)
    database = tmp_path / "fresh.db"
    status = main(["--db", str(database), "items", "import", str(path), "--json",
                   *(["--sheet", sheet] if sheet else [])])
    out, err = capsys.readouterr()
    return status, (json.loads(out) if out.strip() else None), err, connect(database)


def stored_identifiers(db) -> set[str]:
    return {row[0] for row in db.execute("select raw_value from identifiers")}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_own_files_load_good_rows_and_name_every_refused_one(tmp_path, capsys, case):
    status, report, err, db = run_import(tmp_path, capsys, case.name, case.data, case.sheet)
    assert status == 0, err
    assert stored_identifiers(db) == case.stored
    assert report["rejected"] == len(case.refused) and report["loaded"] == db["items"].count
    for number, words in case.refused.items():
        found = [e for e in report["errors"] if f" {number}: " in e]
        assert found and words in found[0], (number, report["errors"])
    for words in case.noted:
        assert any(words in w for w in report["warnings"]), report["warnings"]


@pytest.mark.parametrize("name, data, sheet, words", REFUSED_FILES, ids=[r[0] + str(r[2]) for r in REFUSED_FILES])
def test_files_that_cannot_be_read_are_refused_with_the_fix(tmp_path, capsys, name, data, sheet, words):
    status, report, err, db = run_import(tmp_path, capsys, name, data, sheet)
    assert status == 1 and words in err
    assert not db["items"].exists() or db["items"].count == 0
