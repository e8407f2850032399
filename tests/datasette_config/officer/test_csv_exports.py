"""Every CSV the workspace writes escapes formulas, also those written with full-width and small forms."""

from __future__ import annotations

import csv
import io

import pytest

from matching.networks.update import update_networks

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "＝HYPERLINK(\"http://evil.example\",\"x\")",
            "﹦1+1", "＋cmd|' /C calc'!A0", "﹢1", "－2+3", "﹣2+3", "＠SUM(A1:A9)", "﹫SUM(A1)", "\tplain", "\r=1"]

# The match export shows the listing version it is pinned to (not the edited row): its CSV goes through
# csv_text like these, and test_files checks it.
EXPORTS = ["/farmwatch/listings.csv?_col=title",
           "/network/{nid}.nodes.csv"]


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


@pytest.mark.parametrize("formula", FORMULAS)
async def test_every_csv_export_escapes_the_formula(ds, db, seeded, cookies_for, formula):
    db.execute("update listings set title = ?, seller_name = ? where id = ?", [formula, formula, seeded["hostile_listing"]])
    update_networks(db)
    nid = db.execute("select s.network_id from listings l join sellers s on s.id = l.seller_id where l.id = ?",
                     [seeded["hostile_listing"]]).fetchone()[0]
    cookies = cookies_for("adam")
    for path in EXPORTS:
        if "{nid}" in path and nid is None:
            continue
        response = await ds.client.get(path.format(nid=nid), cookies=cookies)
        assert response.status_code == 200, path
        found = [c for c in cells(response.text) if formula.lstrip("\t\r") in c]
        assert found, (path, response.text[:300])
        assert all(c.startswith("'") for c in found), (path, found)
