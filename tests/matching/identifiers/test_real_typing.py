"""Identifiers as sellers really type them: written in groups that look like prices, phones or
units, labels glued on in any case, and one-character slips, matched end to end."""

import json

import pytest

from matching.identifiers.candidates import listing_candidates, text_candidates
from matching.pipeline import match_listings
from registry.identifiers.rules import matching_key
from registry.imports.files import import_items, import_listings

PIN = "KBTM5111F5Y509480"


@pytest.mark.parametrize("text, value", [
    ("serial 1M07 563V WFN1 3657 5 ono", "1M07563VWFN136575"),  # "563V" looks like volts, "5 ono" like a price
    ("serial GTAA 0167 440", "GTAA0167440"),
    ("tag UK772-87060-0460 07700 900123", "UK772870600460"),  # the tag's last group and a phone look like a phone
    ("pin 1R080-79VAD-L0184-20, 2019", "1R08079VADL018420"),
    ("PIN 1R 08 07 9V AD L0 18 42 0 ono", "1R08079VADL018420"),  # in pairs: nine tokens
    ("chip 826 0980 0012 3456 collection 12/10/2026", "826098000123456"),
    ("serial 4520 1200 3V", "452012003V"),  # "1200" might be hours, "3V" volts
    ("engine AMTK 901 KGYBM 00100", "AMTK901KGYBM00100"),  # a group of letters that reads like a word
    ("engine EK5 T91 3TF WE 003 54", "EK5T913TFWE00354"),  # and one that is a word
    ("no. twago i1323 5", "TWAG0113235"),  # zeros and ones typed as O and I, first after the label
])
def test_a_run_that_forms_a_key_is_a_candidate_whatever_its_parts_look_like(text, value):
    assert matching_key(value) in {c.key for c in text_candidates(text, "description")}


@pytest.mark.parametrize("text", [
    "call 07700 900123 after 6", "ring +44 7700 900123", "£12,500 ono 1200 hrs", "posted 12/10/2026 4500 hours",
])
def test_runs_of_advert_numbers_alone_are_no_candidates(text):
    assert not text_candidates(text, "description")


def test_runs_that_take_in_advert_numbers_are_looked_up_exactly_only():
    found = {c.key: c for c in text_candidates("serial 1M07 563V WFN1 3657 5 ono, PIN 1L06120MCKK123456", "d")}
    assert found["1M07563VWFN136575"].exact_only
    assert not found["1106120MCKK123456"].exact_only  # a clean serial is still searched for typos


@pytest.mark.parametrize("label", [
    "serial", "SERIAL", "Serial", "sn", "SN", "snr", "s/n", "S/N:", "S.N.", "vin:", "VIN-", "PIN#", "pin:",
    "Serial\u2116", "Serial No.", "serial#", "ser.no.", "chassisno", "CHASSISNO", "frameNo", "Engine no:", "ID:",
])
@pytest.mark.parametrize("case", [str.upper, str.lower])
def test_labels_glued_on_in_any_case_are_cut_off(label, case):
    for text in (f"{label}{case(PIN)}", f"Good tractor {label}{case(PIN)} 3500 hrs", f"{label}{case(PIN[:4])} "
                 f"{PIN[4:8]} {PIN[8:12]} {PIN[12:]}"):
        assert matching_key(PIN) in {c.key for c in listing_candidates("", text, None)}, text


def test_a_serial_that_starts_like_a_label_is_kept_whole_too():
    assert {"5N1234567", "1234567"} <= {c.key for c in text_candidates("SN1234567", "d")}


OWNER = {"name": "A Farmer", "email": "a@example.org"}
STOLEN = {"owner": OWNER, "category": "gps", "make": "Trimble", "model": "GFX-750", "year": 2019, "colour": "black",
          "identifiers": [{"kind": "serial", "value": "TPAG4436627"}],
          "theft": {"stolen_at": "2026-10-01", "crime_ref": "CR1", "place": "Faccombe"}}
STOLEN_PIN = {"owner": OWNER, "category": "tractor", "make": "Kubota", "model": "M5-111", "year": 2020,
              "identifiers": [{"kind": "pin", "value": PIN}, {"kind": "engine", "value": "1M07563VWFN136575"}],
              "theft": {"stolen_at": "2026-10-01", "crime_ref": "CR2", "place": "Faccombe"}}
TWIN = {"owner": {"name": "B Farmer", "email": "b@example.org"}, "category": "gps", "make": "Trimble",
        "model": "GFX-750", "year": 2019, "identifiers": [{"kind": "serial", "value": "TPAG4436628"}]}


@pytest.fixture
def matched(db, tmp_path):
    def run(listings):
        (tmp_path / "items.jsonl").write_text("\n".join(json.dumps(r) for r in (STOLEN, STOLEN_PIN, TWIN)))
        assert not import_items(db, tmp_path / "items.jsonl").errors
        rows = [{"source": "m", "url": f"https://example.org/{n}", "title": title, "description": text,
                 "posted_at": posted} for n, (title, text, posted) in enumerate(listings)]
        (tmp_path / "listings.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
        assert not import_listings(db, tmp_path / "listings.jsonl").errors
        match_listings(db, rematch_all=True)
        return {url: (serial, band) for url, serial, band in db.execute(
            "select l.url, i.raw_value, m.band from matches m join listings l on l.id = m.listing_id "
            "join identifiers i on i.item_id = m.item_id and i.id = (select min(id) from identifiers "
            "where item_id = m.item_id) where m.queue = 'stolen' order by l.url").fetchall()}
    return run


@pytest.mark.parametrize("title, text, posted, band", [
    # an exact key written in groups that look like volts and a price: strong
    ("Kubota tractor", "engine 1M07 563V WFN1 3657 5 ono", "2026-11-20", "strong"),
    ("Kubota tractor", f"serial{PIN}", "2026-11-20", "strong"),
    ("Kubota tractor", f"Serial\u2116{PIN.lower()} call 07700 900123", "2026-11-20", "strong"),
    # one slip away from the sequence digits, make, model and year agreeing, after the theft: likely
    ("Trimble GFX-750 2019 gps", "serial TPAG4436327", "2026-11-20", "likely"),  # third from the end
    ("Trimble GFX-750 2019 gps", "serial TPAG4486627", "2026-11-20", "likely"),
    ("Trimble GFX-750 2019 gps", "serial TPAG4436627x", "2026-11-20", "likely"),  # an extra character
    ("Trimble GFX-750 gps", "serial TPAG4486627", "2026-11-20", "likely"),  # make and model are enough this far up
    # a slip in the third digit from the end without the year, or listed before the theft, or in the last two: possible
    ("Trimble GFX-750 gps", "serial TPAG4436327", "2026-11-20", "possible"),
    ("Trimble GFX-750 2019 gps", "serial TPAG4486627", "2026-09-20", "possible"),
    ("Trimble GFX-750 2019 gps", "serial TPAG4436624", "2026-11-20", "possible"),  # next in sequence
    ("Trimble GFX-750 2019 gps", "serial TPAG4436637", "2026-11-20", "possible"),
])
def test_bands_for_real_typing(matched, title, text, posted, band):
    found = matched([(title, text, posted + "T10:00:00Z")])
    assert [b for _, b in found.values()] == [band], found


def test_next_in_sequence_is_never_strong_or_likely(matched):
    found = matched([("Trimble GFX-750 2019 gps", f"serial TPAG443662{d}", "2026-11-20T10:00:00Z") for d in "0123459"])
    assert found and {band for _, band in found.values()} == {"possible"}, found
