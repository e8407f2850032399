"""Prices as sellers publish them: one row per published form, with the amount a buyer would read."""

import json
from decimal import Decimal

import pytest

from registry.imports.files import import_listings
from registry.listings.prices import MAX_AMOUNT, currency_code, parse_price


@pytest.mark.parametrize("text, amount, currency, note", [
    # European separators: dot thousands, comma decimals, ",-" for no pence
    ("12.500,00 €", "12500", "EUR", None),
    ("€ 4.950,-", "4950", "EUR", None),
    ("0,99 €", "0.99", "EUR", None),
    ("3.500 Euro", "3500", "EUR", None),
    ("£ 12 500,00", "12500", "GBP", None),
    ("CHF 1'200.00", "1200", "CHF", None),
    # British forms
    ("£1.000", "1000", "GBP", None),
    ("£1,000.50", "1000.50", "GBP", None),
    ("£12.5k", "12500", "GBP", None),
    ("12k", "12000", None, None),
    ("12500", "12500", None, None),
    ("GBP 3000", "3000", "GBP", None),
    ("3000 GBP", "3000", "GBP", None),
    ("450 pounds", "450", "GBP", None),
    ("$5", "5", "USD", None),
    # the words around the number are kept as a note
    ("£12,500 + VAT", "12500", "GBP", "+ VAT"),
    ("Guide price £31,000 plus VAT", "31000", "GBP", "+ VAT; guide price"),
    ("£2,750 inc VAT", "2750", "GBP", "inc VAT"),
    ("£8,000 no VAT", "8000", "GBP", "no VAT"),
    ("£12,500 ono", "12500", "GBP", "ono"),
    ("Price: £4,950 ONO", "4950", "GBP", "ono"),
    ("12,500 o.v.n.o", "12500", None, "ono"),
    ("offers over £3,000", "3000", "GBP", "offers over"),
    ("OIRO £6,500", "6500", "GBP", "offers over"),
    ("£1,200 per head", "1200", "GBP", "each"),
    ("From £500", "500", "GBP", "from"),
    # was ... now ...: the current price, the old one in the note
    ("Was £9,000 now £8,250", "8250", "GBP", "was £9,000"),
    ("was £500, now only £450 ovno", "450", "GBP", "ono; was £500"),
    ("RRP £1,200 reduced to £999", "999", "GBP", "was £1,200"),
    ("Reduced! Now £8,000 (was £9,500)", "8000", "GBP", "was £9,500"),
    ("Was £9,000, £8,250", "8250", "GBP", "was £9,000"),
    ("£8,250 (RRP £9,999)", "8250", "GBP", "was £9,999"),
    ("£5,000 was £6,000 ono", "5000", "GBP", "ono; was £6,000"),
    ("Buy it now £450, bids from £200", "450", "GBP", None),
    # a currency-marked amount beats other numbers in the text
    ("Ref 1234, £500", "500", "GBP", None),
    ("£500 2019 model", "500", "GBP", None),
])
def test_a_published_price_gives_its_amount_currency_and_note(text, amount, currency, note):
    price = parse_price(text)
    assert price is not None, text
    assert (price.amount, price.currency, price.note) == (Decimal(amount), currency, note)
    assert price.text == text


@pytest.mark.parametrize("text", [
    "POA", "P.O.A.", "Price on application", "Offers", "Swap for quad", "", "   ",
    "2 for £100", "3 x £40", "£100 for both", "£250 for the pair",  # bundles: no price for one item
    "£50 per day", "£400 pcm", "£90/week hire",  # rentals
    "£-5", "-250",  # negative
    "£0", "0.00",  # "contact the seller"
    "Ref 1234 model 500",  # two unmarked numbers: which one?
    "£999,999,999",  # absurd
])
def test_text_without_a_single_asking_price_is_no_price(text):
    assert parse_price(text) is None


@pytest.mark.parametrize("value, default, expected", [
    (12500, None, ("12500", None)), (0.99, "gbp", ("0.99", "GBP")), (Decimal("4950.00"), "EUR", ("4950.00", "EUR")),
    ("1.500", "EUR", ("1500", "EUR")), ("kr 12 500", "SEK", ("12500", "SEK")), ("kr 100", None, ("100", None)),
    ("£100", "EUR", ("100", "GBP")),  # the published sign beats the default
])
def test_numbers_and_default_currency(value, default, expected):
    price = parse_price(value, default_currency=default)
    assert (price.amount, price.currency) == (Decimal(expected[0]), expected[1])


@pytest.mark.parametrize("value", [None, True, False, -1, 0, 0.0, float("inf"), float("nan"), MAX_AMOUNT, [], {}])
def test_values_that_are_not_prices(value):
    assert parse_price(value) is None


@pytest.mark.parametrize("mark, default, code", [
    ("£", None, "GBP"), ("€", None, "EUR"), ("$", "CAD", "CAD"), ("$", None, "USD"), ("kr", "NOK", "NOK"),
    ("kr", None, None), ("eur", None, "EUR"), ("gbp", None, "GBP"), ("zł", None, "PLN"), (None, "GBP", "GBP"),
    ("?", None, None),
])
def test_currency_marks_become_iso_codes(mark, default, code):
    assert currency_code(mark, default) == code


def test_listing_import_keeps_the_published_price_beside_the_number(db, tmp_path):
    rows = [
        {"source": "m", "url": "https://m.example/1", "title": "Tractor", "price": "£12,500 + VAT"},
        {"source": "m", "url": "https://m.example/2", "title": "Mower", "price": "12.500,00 €"},
        {"source": "m", "url": "https://m.example/3", "title": "Quad", "price": "POA"},
        {"source": "m", "url": "https://m.example/4", "title": "Saw", "price": 950, "currency": "eur"},
        {"source": "m", "url": "https://m.example/5", "title": "Trailer", "price": "Was £9,000 now £8,250"},
    ]
    path = tmp_path / "listings.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    assert import_listings(db, path).loaded == 5
    got = [(r["price"], r["currency"], r["price_text"], r["price_note"])
           for r in db.query("select * from listings order by url")]
    assert got == [
        (12500, "GBP", "£12,500 + VAT", "+ VAT"),
        (12500, "EUR", "12.500,00 €", None),
        (None, None, "POA", None),
        (950, "EUR", None, None),
        (8250, "GBP", "Was £9,000 now £8,250", "was £9,000"),
    ]
