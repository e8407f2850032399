"""The workspace on what the real matcher writes (`farmwatch match`), not only on hand-made rows."""

from __future__ import annotations

from farmwatch.cli import main


async def test_pages_work_on_real_matcher_output(ds, db, db_path, cookies_for, capsys):
    db.execute("delete from matches")
    assert main(["--db", db_path, "match"]) == 0
    capsys.readouterr()
    matches = db.execute("select id, queue from matches order by score desc").fetchall()
    assert matches, "the matcher found nothing in the seeded data"
    cookies = cookies_for("olivia")
    for match_id, queue in matches:
        listing = (await ds.client.get(f"/queue?queue={queue}", cookies=cookies)).text
        assert f'data-match-id="{match_id}"' in listing
        page = await ds.client.get(f"/match/{match_id}", cookies=cookies)
        assert page.status_code == 200 and "/photo/listing/" in page.text
        for fmt in ("json", "csv"):
            assert (await ds.client.get(f"/match/{match_id}.{fmt}", cookies=cookies)).status_code == 200
    response = await ds.client.post(f"/match/{matches[0][0]}/decide", data={"decision": "confirm"}, cookies=cookies)
    assert response.status_code == 302
    assert db.execute("select status from matches where id = ?", [matches[0][0]]).fetchone()[0] == "confirmed"
