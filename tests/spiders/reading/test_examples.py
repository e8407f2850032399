"""The commented example selectors source reads the classic classifieds fixture pages it documents."""

from pathlib import Path

from parsel import Selector

from spiders.config import load_sources
from spiders.reading.listing import extract_listing
from spiders.reading.selectors import extract_fields, select_links

EXAMPLE = Path(__file__).resolve().parents[3] / "spiders" / "examples" / "classifieds-selectors.yaml"
PAGES = Path(__file__).parent / "pages"
BASE = "https://classifieds.example.org"


def example_source():
    (source,) = load_sources(EXAMPLE)
    return source


def test_the_example_is_a_valid_disabled_selectors_source():
    source = example_source()
    assert source.kind == "selectors" and not source.enabled
    assert source.settings == {"DOWNLOAD_DELAY": 2}


def test_index_page_gives_each_ad_and_the_next_page():
    selectors = example_source().selectors
    sel = Selector(text=(PAGES / "classic_index.html").read_text())
    ads = select_links(sel, selectors["listing_links"], BASE + "/farm-machinery/")
    assert ads == [BASE + "/farm-machinery/ad/101-kubota-m5-111",
                   BASE + "/farm-machinery/ad/102-ifor-williams-lm146?utm_source=list",
                   BASE + "/farm-machinery/ad/103-honda-trx420"]
    assert select_links(sel, selectors["next_page"], BASE + "/farm-machinery/") == [BASE + "/farm-machinery/?page=2"]


def test_ad_page_fields_details_table_photo_strip_and_seller():
    url = BASE + "/farm-machinery/ad/101-kubota-m5-111"
    record = extract_fields((PAGES / "classic_ad.html").read_text(), url, example_source().selectors)
    assert record["title"] == "Kubota M5-111 tractor"
    assert record["price"] == "£38,500 ono"
    assert record["location"] == "Hexham, Northumberland"
    assert record["posted_at"] == "2026-11-18T09:30:00Z"
    assert (record["make"], record["model"], record["year"], record["colour"]) == ("Kubota", "M5-111", "2019", "Orange")
    assert record["photos"] == [f"{BASE}/photos/101/{n}-full.jpg" for n in (1, 2, 3)]
    assert record["seller"] == {"name": "Tynedale Tractors", "profile_url": BASE + "/u/tynedale-tractors",
                                "phone": "01434 600700"}
    assert record["identifiers"] == [{"kind": "serial", "value": "KBCM5111C0J512345"},
                                     {"kind": "engine", "value": "V3800-7ZK1234"}, {"kind": "stock", "value": "HX-2291"}]
    assert "Serial number" in record["description"] and "2,150 hours" in record["description"]


def test_the_same_ad_read_without_selectors_gives_the_same_listing():
    listing, notes = extract_listing((PAGES / "classic_ad.html").read_text(), BASE + "/farm-machinery/ad/101-kubota-m5-111")
    assert notes == []
    assert listing["title"] == "Kubota M5-111 tractor" and listing["price"] == "£38,500" and listing["currency"] == "GBP"
    assert {"kind": "serial", "value": "KBCM5111C0J512345"} in listing["identifiers"]
    assert {"kind": "engine", "value": "V3800-7ZK1234"} in listing["identifiers"]
    assert {"kind": "stock", "value": "HX-2291"} in listing["identifiers"]
    assert not any(i["value"].startswith(("V4", "01434")) for i in listing["identifiers"])
    assert listing["photos"] == [f"{BASE}/photos/101/{n}-full.jpg" for n in (1, 2, 3)]
    assert listing["seller"]["name"] == "Tynedale Tractors"


def test_the_index_page_is_not_a_listing():
    assert extract_listing((PAGES / "classic_index.html").read_text(), BASE + "/farm-machinery/")[0] is None
