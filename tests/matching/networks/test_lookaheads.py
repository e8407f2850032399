"""The lookaheads that speed up the phone-run and identifier-label searches drop nothing.

Each search starts with a one-character class (`RUN_FIRST`, `LABEL_FIRST`) before its alternation.
That is the same search only if every character the alternation's first letters match, case-folded as
Python's `re.IGNORECASE` folds them (`ſ` U+017F is an `s`), is in the class: checked over every code
point. Then the searches are run with and without the lookahead over hostile and odd texts.
"""

from __future__ import annotations

import random
import re

import phonenumbers
import pytest

from matching.networks import signals
from matching.networks.contacts import phones
from matching.networks.contacts.phones import find_phones

START_BRANCH_FIRSTS = "+0zno"  # `+`, `0`, zero, nought, oh, a lone o: phones._START
LABEL_FIRSTS = {w[0] for w in ("serial s/n sn pin vin engine eng chassis frame ear tag chip microchip ueln "
                               "cesar").split()}


@pytest.mark.parametrize(("first_letters", "lookahead"), [
    (START_BRANCH_FIRSTS, phones.RUN_FIRST), ("".join(sorted(LABEL_FIRSTS)), signals.LABEL_FIRST)])
def test_lookahead_class_covers_every_case_folded_first_letter(first_letters, lookahead):
    klass = re.compile(lookahead, re.IGNORECASE)
    letters = [re.compile(re.escape(c), re.IGNORECASE) for c in first_letters]
    missed = [hex(cp) for cp in range(0x110000)
              if any(p.match(chr(cp)) for p in letters) and not klass.match(chr(cp))]
    assert missed == []


HOSTILE = [
    "+44 (0)7700 900123", "07700-900-123", "０７７００ ９００１２３", "07700.900.123", "0.7.7.0.0.9.0.0.1.2.3",
    "call 087 123 4567 after 6", "087-1234567", "01624 612345 Douglas", "+44 1624 612345", "01534 612345 St Helier",
    "01481 712345", "tel07700900123now", "ring07700 900123", "O7700 9OO 123",
    "oh seven seven double oh nine oh oh one two three", "٠٧٧٠٠ ٩٠٠١٢٣", "0044 7700 900 123", "048 9012 3456",
    "+353 87 123 4567", "£4,500 ono 2015 serial 0123456", "07700 900123 / 07700 900124", "Tel: (01632) 960 001",
    "07700\u00a0900123", "07700\u2009900\u2009123", "Zero seven seven zero zero 900123", "NOUGHT 7700 900123",
    "Serial No: PE4045 R123456", "ſerial 123456789", "EAR TAG UK123456 700123", "s/n:ABC12345 chassis#XY-99881",
]


def _random_texts(n: int = 400) -> list[str]:
    rng = random.Random(7)
    pieces = ["0", "7", "9", "１", "٣", " ", ".", "-", "(", ")", "/", "+", "o", "O", "oh", "zero", "nought", "double",
              "seven", "ſ", "serial", "pin", "l", "|", "call", "SN", ":", "£", "\n", "x"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(5, 40))) for _ in range(n)]


@pytest.mark.parametrize(("fast", "reference"), [
    (phones._RUN, re.compile(phones._RUN_FROM_ANY, re.IGNORECASE)),
    (signals._LABELLED, re.compile(signals._LABELLED.pattern.replace(f"(?={signals.LABEL_FIRST})", ""),
                                   re.IGNORECASE)),
])
def test_search_with_lookahead_finds_what_the_rule_finds(fast, reference):
    assert fast.pattern != reference.pattern
    for text in HOSTILE + _random_texts():
        assert [(m.span(), m.groups()) for m in fast.finditer(text)] == \
               [(m.span(), m.groups()) for m in reference.finditer(text)], text


@pytest.mark.parametrize(("text", "region", "expected"), [
    ("+44 (0)7700 900123", "GB", ["+447700900123"]),
    ("07700-900-123", "GB", ["+447700900123"]),
    ("07700.900.123", "GB", ["+447700900123"]),
    ("call 087 123 4567 after 6", "IE", ["+353871234567"]),
    ("087-1234567", "IE", ["+353871234567"]),
    ("01624 612345 Douglas", "GB", ["+441624612345"]),  # Isle of Man, in the UK plan
    ("01534 612345 St Helier", "GB", ["+441534612345"]),  # Jersey
    ("01481 712345", "GB", ["+441481712345"]),  # Guernsey
    ("tel07700900123now", "GB", ["+447700900123"]),  # glued to words
    ("O7700 9OO 123", "GB", ["+447700900123"]),
    ("oh seven seven double oh nine oh oh one two three", "GB", ["+447700900123"]),
    ("NOUGHT 7700 900123", "GB", ["+447700900123"]),
    ("0044 7700 900 123", "GB", ["+447700900123"]),
    ("07700 900123 / 07700 900124", "GB", ["+447700900123", "+447700900124"]),
])
def test_hostile_formats_still_found(text, region, expected):
    assert find_phones(text, region) == expected
    # and the library, reading the same number on its own, agrees where it can read it at all
    for value in expected:
        assert phonenumbers.is_possible_number(phonenumbers.parse(value))
