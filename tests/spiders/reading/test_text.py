"""Text cleaning and identifier candidates in free text."""

import pytest

from spiders.reading.text import clean_text, find_identifiers


@pytest.mark.parametrize("raw, expected", [
    ("<p>Good <b>tractor</b></p><script>alert(1)</script>", "Good tractor"),
    ("Tom &amp; Jerry&#39;s", "Tom & Jerry's"),
    ("<img src=x onerror=alert(1)>Quad", "Quad"),
    ("  many   spaces\n here ", "many spaces here"),
    ("", None),
    (None, None),
    (["a", "b"], "a b"),
])
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


def test_clean_text_keeps_paragraphs_when_asked():
    assert clean_text("<p>one</p><p>two<br>three</p>", keep_lines=True) == "one\ntwo\nthree"


@pytest.mark.parametrize("text, expected", [
    ("Serial no: 1l0 6120 mckk 123456 comes with loader", [("serial", "1l0 6120 mckk 123456")]),
    ("S/N ABC123, with cab", [("serial", "ABC123")]),
    ("VIN: WAUZZZ8K9BA123456.", [("vin", "WAUZZZ8K9BA123456")]),
    ("Engine no. PE4045R123456", [("engine", "PE4045R123456")]),
    ("ear tag UK 123456 7 00012 on left", [("ear_tag", "UK 123456 7 00012")]),
    ("plate says JH2TE27N8K426846 underneath", [("other", "JH2TE27N8K426846")]),
    ("call 07700 900123, £4,500 ono, model 6120M", []),
    ("serial unknown", []),
])
def test_find_identifiers(text, expected):
    assert [(c["kind"], c["value"]) for c in find_identifiers(text)] == expected


def test_find_identifiers_dedupes_lookalike_variants_and_caps_the_count():
    found = find_identifiers("Serial AB1234567 and again serial A81234567", " ".join(f"X{n:07d}Y" for n in range(40)))
    assert found[0] == {"kind": "serial", "value": "AB1234567"}
    assert sum(1 for c in found if c["kind"] == "serial") == 1
    assert len(found) <= 12
