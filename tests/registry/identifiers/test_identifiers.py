import pytest

from registry.identifiers.rules import (
    IdentifierError,
    cattle_check_digit,
    is_no_identifier,
    matching_key,
    parse_identifier,
    vin_check_character,
    vin_is_valid,
)


@pytest.mark.parametrize(
    "raw, key",
    [
        ("PE4045R123456", "PE4045R123456"),
        (" pe-4045 r123456 ", "PE4045R123456"),
        ("PE.4045/R_123456", "PE4045R123456"),
        ("ＰＥ４０４５Ｒ１２３４５６", "PE4045R123456"),  # full-width
        ("PE4045\u200bR123\u00ad456", "PE4045R123456"),  # zero-width space, soft hyphen
        ("\ufeffPE4045R123456\u2060", "PE4045R123456"),  # BOM, word joiner
        ("РЕ4045R123456", "PE4045R123456"),  # Cyrillic Р and Е
        ("ΡΕ4045R123456", "PE4045R123456"),  # Greek Ρ and Ε
        ("1L06120MCKK123456", "1106120MCKK123456"),  # L -> 1
        ("1I06120MCKK123456", "1106120MCKK123456"),  # I -> 1
        ("1|06120MCKK123456", "1106120MCKK123456"),  # | -> 1
        ("OOO123", "123"),  # O -> 0, then leading zeros out
        ("000123", "123"),
        ("S2B", "528"),  # S -> 5, Z -> 2 and B -> 8 are all folded
        ("s2b", "528"),
        ("ZB-55", "2855"),
        ("JH2 TE 123 456", "JH2TE123456"),
        ("Cafè9", "CAFE9"),
    ],
)
def test_matching_key_folds_variants(raw, key):
    assert matching_key(raw) == key


@pytest.mark.parametrize(
    "raw",
    ["unknown", "Unknown", "UNKNOWN ", "n/a", "N/A", "na", "none", "None", "tbc", "TBC", "not known",
     "Not Known", "no serial", "No serial number", "-", "?", "", "   ", "0000", "N.A.", "nil"],
)
def test_no_identifier_values(raw):
    assert is_no_identifier(raw)
    assert matching_key(raw) is None


def test_real_identifiers_are_not_no_identifier():
    assert not is_no_identifier("NA12345")
    assert matching_key("NONE1") == "N0NE1"


@pytest.mark.parametrize(
    "vin, valid",
    [
        ("1M8GDM9AXKP042788", True),
        ("1M8GDM9A1KP042788", False),
        ("11111111111111111", True),
        ("1HGCM82633A004352", True),
        ("WVWZZZ1JZXW000001", False),  # European VINs often carry no check digit
    ],
)
def test_vin_check_digit(vin, valid):
    assert vin_is_valid(vin) is valid


def test_vin_check_character_x():
    assert vin_check_character("1M8GDM9AXKP042788") == "X"


def test_invalid_vin_is_recorded_not_refused():
    ident = parse_identifier("vin", "WVWZZZ1JZXW000001")
    assert ident.check_valid is False
    assert "European" in ident.note


@pytest.mark.parametrize("herd, animal, digit", [(284205, 16, 7), (123456, 1, cattle_check_digit(123456, 1))])
def test_cattle_check_digit(herd, animal, digit):
    assert cattle_check_digit(herd, animal) == digit


def test_valid_cattle_tag():
    ident = parse_identifier("ear tag", "UK 284205 700016", "cattle")
    assert ident.kind == "ear_tag"
    assert ident.check_valid is True
    assert ident.raw_value == "UK 284205 700016"


def test_wrong_cattle_check_digit_names_the_expected_digit():
    with pytest.raises(IdentifierError, match="needs 7"):
        parse_identifier("tag", "UK 284205 300016", "cattle")


@pytest.mark.parametrize("tag", ["UK0 123456 00001", "UK0123456 00042"])
def test_sheep_tags_accepted(tag):
    ident = parse_identifier("ear_tag", tag, "sheep")
    assert ident.kind == "ear_tag"


def test_malformed_sheep_tag_refused():
    with pytest.raises(IdentifierError, match="UK0 FFFFFF NNNNN"):
        parse_identifier("ear_tag", "UK 12345", "sheep")


@pytest.mark.parametrize("chip", ["826098100001234", "826 0981 0000 1234", "985141000123456"])
def test_microchips(chip):
    assert parse_identifier("chip", chip).kind == "microchip"


@pytest.mark.parametrize("chip", ["82609810000123", "8260981000012345", "000098100001234", "82609810000123A"])
def test_bad_microchips(chip):
    with pytest.raises(IdentifierError, match="microchip"):
        parse_identifier("microchip", chip)


def test_pin_shape():
    assert parse_identifier("PIN", "1L0 6120M CKK 123456").normalised_value == "1106120MCKK123456"
    with pytest.raises(IdentifierError, match="17"):
        parse_identifier("pin", "1L06120M")


def test_ueln():
    assert parse_identifier("passport", "826002012345678").kind == "ueln"
    with pytest.raises(IdentifierError, match="15"):
        parse_identifier("ueln", "82600201234")


def test_unknown_kind_lists_accepted():
    with pytest.raises(IdentifierError, match="accepted: serial, vin"):
        parse_identifier("barcode", "123")


def test_no_identifier_gives_none():
    assert parse_identifier("serial", "unknown") is None


@pytest.mark.parametrize("typed, value, key", [
    ("S/N 00O38675971596", "00O38675971596", "38675971596"),
    ("s/n: 00O38675971596", "00O38675971596", "38675971596"),
    ("Serial: PE4045R123456", "PE4045R123456", "PE4045R123456"),
    ("Serial number - PE4045R123456", "PE4045R123456", "PE4045R123456"),
    ("Serial no. PE4045R123456", "PE4045R123456", "PE4045R123456"),
    ("VIN: WVWZZZ1JZXW000001", "WVWZZZ1JZXW000001", "WVW2221J2XW000001"),
    ("PIN# 1L06120MCKK123456", "1L06120MCKK123456", "1106120MCKK123456"),
    ("PIN#1L06120MCKK123456", "1L06120MCKK123456", "1106120MCKK123456"),
    ("No. 5422A0001", "5422A0001", "5422A0001"),
    ("Chassis no 483920", "483920", "483920"),
    ("Engine no: PE4045R123456", "PE4045R123456", "PE4045R123456"),
    ("Tag: UK 284205 7 00016", "UK 284205 7 00016", "UK284205700016"),
    ("Serial no: S/N 55A123", "55A123", "55A123"),
    ("S/No 483920", "483920", "483920"),
    ("Serial nbr 483920", "483920", "483920"),
    ("Ser# 483920", "483920", "483920"),
    ("SN: 483920", "483920", "483920"),
])
def test_a_label_typed_into_the_value_is_not_part_of_it(typed, value, key):
    assert matching_key(typed) == matching_key(value) == key
    kind = "vin" if typed.startswith("VIN") else "pin" if typed.startswith("PIN") else "serial"
    ident = parse_identifier(kind, typed)
    assert (ident.raw_value, ident.normalised_value) == (value, matching_key(value))
    assert f'typed as "{typed}"' in ident.note


@pytest.mark.parametrize("value, key", [
    ("SN12345", "5N12345"), ("NO12 ABC", "N012A8C"), ("PE 4045 R123456", "PE4045R123456"),
    ("UK0 123456 00042", "UK012345600042"), ("REG123", "REG123"), ("VIN1234X", "V1N1234X"),
])
def test_a_code_that_starts_like_a_label_keeps_its_letters(value, key):
    assert matching_key(value) == key


@pytest.mark.parametrize("raw", [
    "N/K", "n/k", "TBD", "TBC", "TBA", "unknown serial", "Unknown serial", "worn off", "Worn away", "ground off",
    "scratched off", "filed off", "not visible", "Not legible", "no idea", "IDK", "don't know", "dont know",
    "to follow", "XXXXX", "xxxx-xxxx", "000000", "-", "--", "?", "...", "see photo", "none fitted", "no plate",
    "1111111", "123456", "1234", "unknown (2019 model)", "plate worn off 2019", "Serial: unknown", "S/N: N/A",
])
def test_what_owners_type_for_no_identifier_is_no_identifier(raw):
    assert is_no_identifier(raw)
    assert matching_key(raw) is None
    assert parse_identifier("serial", raw) is None


@pytest.mark.parametrize("raw", ["NA12345", "AB1", "NK-4021", "TBC1990X", "1L06120MCKK123456", "UK 284205 7 00016",
                                 "102938", "12", "X7", "IDK4455", "5422A0001"])
def test_real_identifiers_hold(raw):
    assert not is_no_identifier(raw)
    assert matching_key(raw)


def test_no_identifier_values_are_not_registered_or_flagged_as_clones(db):
    from registry.items.registration import register_item
    from registry.items.validation import validate_item

    for n, value in enumerate(["Unknown serial", "N/K", "worn off"]):
        item, errors = validate_item({"owner": {"name": f"Owner {n}", "email": f"o{n}@example.org"},
                                      "category": "quad", "identifiers": [{"kind": "serial", "value": value}]})
        assert errors == {}
        register_item(db, item, [])
    assert db["identifiers"].count == 0


@pytest.mark.parametrize("value", ["1", "7", "A7", "0 1"])
def test_a_value_too_short_to_identify_anything_is_refused_by_name(value):
    with pytest.raises(IdentifierError, match=f'serial "{value}" is too short'):
        parse_identifier("serial", value)
