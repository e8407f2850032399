"""Saved real marketplace pages (../shared/real-pages, kept outside the project) read as a careful
reader reads them: each page's listing, title, price, place, seller, identifiers and photos against
its truth.json. Skipped when the pages are absent. `python -m bench real_pages` crawls the same
pages over HTTP with `farmwatch crawl --start-url` and prints the table."""

import json

import pytest

from bench.real_pages import judge, pages_folder
from spiders.reading.listing import extract_listing

FOLDER = pages_folder()
TRUTH = json.loads((FOLDER / "truth.json").read_text(encoding="utf-8")) if FOLDER else {"pages": []}
pytestmark = pytest.mark.skipif(FOLDER is None, reason="saved real pages (../shared/real-pages) not present")


@pytest.mark.parametrize("page", TRUTH["pages"], ids=[p["file"] for p in TRUTH["pages"]])
def test_real_page_reads_as_a_careful_reader_sees_it(page):
    html = (FOLDER / page["file"]).read_text(encoding="utf-8", errors="replace")
    listing, _ = extract_listing(html, "http://127.0.0.1:8000" + page["path"])
    assert (listing is not None) is page["listing"]
    if listing is None:
        return
    from registry.listings.prices import parse_price

    price = parse_price(listing.get("price"), default_currency=listing.get("currency"))
    result = {**listing, "seller": (listing.get("seller") or {}).get("name"), "photos": len(listing.get("photos", [])),
              "price": price.amount_float if price else None, "currency": listing.get("currency") or (price and price.currency)}
    verdict = judge(result, page)
    assert verdict.pop("spurious") == []
    assert {k: v for k, v in verdict.items() if not v} == {}, result
