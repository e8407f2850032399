"""A farmer account made after an import owns the imported items, and logging in lands on them."""

from __future__ import annotations

import json

from registry.accounts.users import add_user
from registry.imports.files import import_items
from tests.datasette_config.farmer.conftest import PASSWORD


async def test_farmer_account_owns_items_imported_for_its_email(ds, db, farms, tmp_path):
    record = {"owner": {"name": "Fern Farm", "email": "Fern@Example.org", "phone": "01264 111111"},
              "category": "sheep", "identifiers": [{"kind": "ear tag", "value": "UK0 123456 00042"}]}
    path = tmp_path / "flock.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert import_items(db, path).loaded == 1
    add_user(db, "fern", PASSWORD, "farmer", email="fern@example.org")

    login = await ds.client.post("/-/login", data={"username": "fern", "password": PASSWORD})
    assert login.status_code == 302 and login.headers["location"] == "/farmer"
    cookies = dict(login.cookies)
    items = (await ds.client.get("/farmer.json", cookies=cookies)).json()["items"]
    assert [(i["category"], i["identifiers"][0]["raw_value"]) for i in items] == [("sheep", "UK0 123456 00042")]
    page = await ds.client.get("/farmer", cookies=cookies)
    assert "UK0 123456 00042" in page.text and "1L06120MCKK123456" not in page.text

    logout = await ds.client.post("/-/logout", cookies=cookies)
    assert logout.status_code == 302
    after = await ds.client.get("/farmer.json", cookies=cookies)
    assert after.status_code == 403
