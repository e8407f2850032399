"""A farmer marks an item sold, or transfers it to the buyer's record with its history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.datasette_config.farmer.conftest import add_account, owner_of

TODAY = datetime.now(UTC).date()


async def sell(ds, cookies, item_id, sold_at, email=""):
    return await ds.client.post(f"/farmer/items/{item_id}/sold", data={"sold_at": sold_at, "new_owner_email": email},
                                cookies=cookies)


async def test_marking_sold_keeps_the_item_and_closes_the_sales_owner_checks(ds, db, farms, login):
    bob = login("bob")
    response = await sell(ds, bob, farms["trailer"], str(TODAY))
    assert response.status_code == 302 and response.headers["location"] == f"/farmer/items/{farms['trailer']}"
    page = (await ds.client.get(f"/farmer/items/{farms['trailer']}", cookies=bob)).text
    assert 'id="fw-sold-status"' in page and f"marked sold on {TODAY}" in page
    home = (await ds.client.get("/farmer.json", cookies=bob)).json()["items"]
    assert [i["sold_at"] for i in home if i["id"] == farms["trailer"]] == [str(TODAY)]
    assert db.execute("select status from matches where item_id = ?", [farms["trailer"]]).fetchall() == [
        ("dismissed",), ("dismissed",)]
    checks = (await ds.client.get("/farmer/checks.json", cookies=bob)).json()
    assert checks["pending"] == []
    again = await sell(ds, bob, farms["trailer"], str(TODAY))
    assert again.status_code == 400 and "already marked sold" in again.text


async def test_a_transfer_moves_the_record_to_the_buyer_with_its_history(ds, db, farms, login):
    alice = login("alice")
    response = await sell(ds, alice, farms["tractor"], str(TODAY - timedelta(days=1)), "Carol@Example.org")
    assert response.status_code == 302 and response.headers["location"] == "/farmer"
    assert (await ds.client.get(f"/farmer/items/{farms['tractor']}", cookies=alice)).status_code == 404
    add_account(db, "carol", "farmer", "carol@example.org")
    carol = login("carol")
    assert owner_of(db, "carol") == db.execute("select owner_id from items where id = ?",
                                               [farms["tractor"]]).fetchone()[0]
    page = (await ds.client.get(f"/farmer/items/{farms['tractor']}", cookies=carol)).text
    assert "moved, with its history, to the new owner" in page and "Alice&#39;s secret description" in page
    assert "alice@example.org" not in page and "alice" not in page.split("History")[1].split("</section>")[0]


async def test_refused_sales_keep_what_was_typed(ds, db, farms, login):
    bob = login("bob")
    response = await sell(ds, bob, farms["trailer"], str(TODAY + timedelta(days=3)), "buyer@example.org")
    assert response.status_code == 400 and "is in the future" in response.text
    assert 'value="buyer@example.org"' in response.text
    stolen = await sell(ds, login("alice"), farms["quad"], str(TODAY))
    assert stolen.status_code == 400 and "mark it recovered before selling it" in stolen.text
    assert db["item_sales"].count == 0


async def test_nobody_else_can_sell_a_farmers_item(ds, db, farms, login):
    assert (await sell(ds, login("bob"), farms["tractor"], str(TODAY))).status_code == 404
    assert (await sell(ds, {}, farms["tractor"], str(TODAY))).status_code == 403
    assert (await sell(ds, login("pc-jones"), farms["tractor"], str(TODAY))).status_code == 403
    assert db["item_sales"].count == 0
