"""Farmers' own files through the web upload (/farmer/import.json and the page), the same cases as
the command line (tests/registry/imports/own_files.py)."""

from __future__ import annotations

import pytest

from tests.registry.imports.own_files import CASES, REFUSED_FILES


def identifiers_of(db, owner_id) -> set[str]:
    return {row[0] for row in db.execute(
        "select raw_value from identifiers join items on items.id = identifiers.item_id where owner_id = ?",
        [owner_id])}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_own_files_uploaded_load_good_rows_and_name_every_refused_one(ds, db, farms, login, case):
    before = identifiers_of(db, farms["bob"])
    response = await ds.client.post("/farmer/import.json", files={"file": (case.name, case.data, "x")},
                                    data={"sheet": case.sheet or ""}, cookies=login("bob"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert identifiers_of(db, farms["bob"]) - before == case.stored
    refused = {row["line"]: " ".join(row["messages"]) for row in body["rows"] if row["status"] == "error"}
    assert set(refused) == set(case.refused)
    for number, words in case.refused.items():
        assert words in refused[number], refused
    said = " ".join(body["notes"] + [m for row in body["rows"] for m in row["messages"]])
    for words in case.noted:
        assert words in said


@pytest.mark.parametrize("name, data, sheet, words", REFUSED_FILES, ids=[r[0] + str(r[2]) for r in REFUSED_FILES])
async def test_files_that_cannot_be_read_are_refused_on_the_page(ds, db, farms, login, name, data, sheet, words):
    before = db["items"].count
    response = await ds.client.post("/farmer/import", files={"file": (name, data, "x")},
                                    data={"sheet": sheet or ""}, cookies=login("bob"))
    assert response.status_code == 400
    assert words.replace('"', "&#34;").replace("'", "&#39;") in response.text or words in response.text
    assert db["items"].count == before


async def test_a_workbook_upload_names_rows_as_the_sheet_does(ds, login):
    case = CASES[0]
    page = await ds.client.post("/farmer/import", files={"file": (case.name, case.data, "x")}, cookies=login("bob"))
    assert page.status_code == 200 and "row 3" in page.text and "1.82735E+11" in page.text
    form = (await ds.client.get("/farmer/import", cookies=login("bob"))).text
    assert 'name="sheet"' in form and ".xlsx" in form
