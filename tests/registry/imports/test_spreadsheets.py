"""CSV files as spreadsheets save them: delimiter from the header, repeated headers, shifted rows,
values a spreadsheet rewrote. Each form goes through the CLI import and the farmer upload alike."""

import re
import subprocess
import sys

import pytest

from datasette_config.farmer.upload import CsvFileError, import_own_csv
from registry.identifiers.spreadsheet_damage import lost_leading_zeros, spreadsheet_damage
from registry.imports.files import ImportFileError, import_items
from registry.imports.spreadsheets import header_delimiter


@pytest.mark.parametrize("line, delimiter", [
    ("owner.name,category,description", ","),
    ("owner.name;category;description", ";"),
    ("owner.name\tcategory\tdescription", "\t"),
    ('"Owner, name";category;description', ";"),  # a comma inside a quoted header does not count
    ("category", ","),  # one column
    ("owner.name;category,make;model", ";"),
])
def test_the_delimiter_is_the_one_the_header_line_uses(line, delimiter):
    assert header_delimiter(line) == delimiter


@pytest.fixture
def farms(db):
    """A farmer's owner record, as the upload registers rows to the logged-in farmer's owner id."""
    return {"bob": db["owners"].insert({"name": "Bob", "email": "bob@example.org", "created_at": "2026-11-01"}).last_pk}


def load(db, tmp_path, text, name="items.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return import_items(db, path)


# (file, {description of the loaded items}) — every row of each must load with its text unchanged
GOOD_FILES = [
    pytest.param("owner.name;category;description\nA Farmer;trailer;sold as 'spares', 'repairs'\n"
                 "A Farmer;implement;5' flail, 'good'\n",
                 ["sold as 'spares', 'repairs'", "5' flail, 'good'"], id="semicolon-with-quotes-and-commas"),
    pytest.param('owner.name,category,description\nA Farmer,implement,"5\' flail, \'good\'"\n'
                 "A Farmer,implement,12\" wheels\n",
                 ["5' flail, 'good'", '12" wheels'], id="comma-with-feet-and-inch-marks"),
    pytest.param("owner.name\tcategory\tdescription\nA Farmer\ttrailer\tramp; lights, spare\n",
                 ["ramp; lights, spare"], id="tab"),
    pytest.param("sep=;\r\nowner.name;category;description\r\nA Farmer;trailer;a, b\r\n",
                 ["a, b"], id="excel-sep-line"),
    pytest.param("owner.name,category,description,,\nA Farmer,trailer,tidy,,\n,,,,\n\nA Farmer,quad,red,,\n",
                 ["tidy", "red"], id="trailing-empty-cells-and-rows"),
]


@pytest.mark.parametrize("text, descriptions", GOOD_FILES)
def test_good_files_load_every_row_unchanged(db, tmp_path, text, descriptions):
    report = load(db, tmp_path, text)
    assert (report.loaded, report.rejected, report.errors) == (len(descriptions), 0, [])
    assert [r["description"] for r in db.query("select description from items order by id")] == descriptions


@pytest.mark.parametrize("text, descriptions", GOOD_FILES)
def test_good_files_load_every_row_unchanged_from_the_farmer_upload(db, farms, text, descriptions):
    result = import_own_csv(db, farms["bob"], text.encode(), "kit.csv")
    assert [r.status for r in result.rows] == ["created"] * len(descriptions)
    got = [r["description"] for r in db.query(
        "select description from items where owner_id = ? order by id desc limit ?", [farms["bob"], len(descriptions)])]
    assert got[::-1] == descriptions


def test_a_repeated_identifier_header_keeps_both_values(db, tmp_path):
    report = load(db, tmp_path, "owner.name,category,Serial number,Serial number,Make\n"
                                "A Farmer,tractor,NH-T6-1234,LDR-5566,New Holland\n")
    assert report.loaded == 1
    assert sorted(r["raw_value"] for r in db["identifiers"].rows) == ["LDR-5566", "NH-T6-1234"]


@pytest.mark.parametrize("headers, repeated", [
    ("owner.name,category,Model,make,model", '"Model" appears 2 times (columns 3, 5)'),
    ("owner.name,category,colour,Colour,COLOUR", '"colour" appears 3 times (columns 3, 4, 5)'),
    ("owner.name,category,identifiers.0.value,identifiers.0.value", '"identifiers.0.value" appears 2 times'),
])
def test_a_repeated_header_of_one_value_refuses_the_file(db, tmp_path, farms, headers, repeated):
    text = headers + "\nA Farmer,tractor,a,b,c\n"
    with pytest.raises(ImportFileError, match=re.escape(repeated)):
        load(db, tmp_path, text)
    with pytest.raises(CsvFileError, match=re.escape(repeated)):
        import_own_csv(db, farms["bob"], text.encode(), "kit.csv")
    assert db["items"].count == 0


SHIFTED = ("owner.name,category,make,model,year\n"
           "A Farmer,tractor,New Holland,T6.180, Auto Command,2019\n"
           'A Farmer,tractor,New Holland,"T6.180, Auto Command",2019\n'
           'A Farmer,trailer,Ifor Williams,"TA510\nwith ramp",2015\n'
           "A Farmer,quad,Honda,TRX,420,2018\n")


def test_a_row_with_more_values_than_headers_is_a_row_error_by_line(db, tmp_path):
    report = load(db, tmp_path, SHIFTED)
    assert (report.rows, report.loaded, report.rejected) == (4, 2, 2)
    assert report.errors[0].startswith('items.csv line 2: 6 values for 5 columns ("2019" has no header)')
    assert "must be in double quotes" in report.errors[0]
    assert report.errors[1].startswith("items.csv line 6: 6 values for 5 columns")  # after a two-line value
    assert [r["model"] for r in db.query("select model from items order by id")] == [
        "T6.180, Auto Command", "TA510\nwith ramp"]


def test_a_shifted_row_is_an_error_in_the_farmer_upload_too(db, farms):
    result = import_own_csv(db, farms["bob"], SHIFTED.encode(), "kit.csv")
    assert [(r.line, r.status) for r in result.rows] == [(2, "error"), (3, "created"), (4, "created"), (6, "error")]
    assert "6 values for 5 columns" in result.rows[0].messages[0]


def test_strict_import_exits_1_on_a_shifted_row(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text(SHIFTED, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "farmwatch.cli", "--db", str(tmp_path / "fw.db"), "items", "import",
                             "--strict", str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "line 2: 6 values for 5 columns" in result.stdout + result.stderr


@pytest.mark.parametrize("value", [
    "1.82735E+11", "5.34E+09", "8.26098E+14", "1,82735E+11", "2.84205E+11", "1E+12", "1.2e+10",  # scientific
    "12-Mar", "Mar-12", "3-Dec-2019", "Sep-2019",  # dates made of codes
    "123456.0", "826098100123456.0",  # number with a decimal tail
    "#N/A", "#VALUE!", "#REF!", "#NAME?", "########",  # error values
])
def test_spreadsheet_damage_is_named_with_the_fix(value):
    message = spreadsheet_damage(value, "serial")
    assert message and f'serial "{value}"' in message


@pytest.mark.parametrize("value", ["PE4045R123456", "1L06120MCKK123456", "UK 284205 7 00016", "12E45", "MAR123",
                                   "3-12", "123456", "12.5", "JD-6120", "", None])
def test_real_codes_are_not_spreadsheet_damage(value):
    assert spreadsheet_damage(value, "serial") is None


@pytest.mark.parametrize("value, length, damaged", [
    ("82609810012345", 15, True), ("2609810012345", 15, True), ("826098100123456", 15, False),
    ("28420570001", 12, True), ("284205700016", 12, False), ("123", 12, False), ("UK28420570001", 12, False),
])
def test_lost_leading_zeros(value, length, damaged):
    assert bool(lost_leading_zeros(value, length, "tag")) is damaged


DAMAGED = ("owner.name,category,Serial number,Ear tag,Microchip,theft.stolen_at,theft.crime_ref\n"
           "A Farmer,tractor,1.82735E+11,,,,\n"
           "A Farmer,cattle,,2.84205E+11,,,\n"
           "A Farmer,horse,,,8.26098E+14,,\n"
           "A Farmer,horse,,,82609810012345,,\n"
           "A Farmer,sheep,,12345600042,,,\n"
           "A Farmer,quad,JH2-0001,,,2026-11-01,4.42601E+10\n"
           "A Farmer,trailer,IW-12-Mar,,,,\n"
           "A Farmer,trailer,12-Mar,,,,\n"
           "A Farmer,tractor,MF5713-0001,,,,\n")


def test_damaged_values_refuse_their_row_by_name_and_the_rest_load(db, tmp_path):
    report = load(db, tmp_path, DAMAGED)
    assert (report.loaded, report.rejected) == (2, 7)
    by_line = {int(e.split("line ")[1].split(":")[0]): e for e in report.errors}
    assert 'serial "1.82735E+11" was turned into a number in scientific notation' in by_line[2]
    assert 'ear tag "2.84205E+11"' in by_line[3] and "format the column as Text" in by_line[3]
    assert 'microchip "8.26098E+14"' in by_line[4]
    assert 'microchip "82609810012345" has 14 digits' in by_line[5] and "leading zeros" in by_line[5]
    assert 'sheep tag "12345600042" has 11 digits' in by_line[6]
    assert 'crime reference "4.42601E+10"' in by_line[7]
    assert 'serial "12-Mar" looks like a date' in by_line[9]
    assert sorted(r["raw_value"] for r in db["identifiers"].rows) == ["IW-12-Mar", "MF5713-0001"]


@pytest.mark.parametrize("phone, problem", [
    ("7700900123", 'phone number "7700900123" has lost its leading 0 (07700900123?)'),
    ("1264000000", "has lost its leading 0"),
    ("7.7009E+09", "scientific notation"),
    ("07700 900123", None), ("+44 7700 900123", None), ("01264 000000", None), ("447700900123", None),
])
def test_a_phone_number_a_spreadsheet_damaged_is_refused(db, tmp_path, phone, problem):
    report = load(db, tmp_path, f"owner.name,owner.phone,category\nA Farmer,{phone},quad\n")
    if problem:
        assert report.rejected == 1 and problem in report.errors[0] and "format the column as Text" in report.errors[0]
    else:
        assert report.loaded == 1 and db["owners"].get(1)["phone"] == phone


def test_damaged_values_are_row_errors_in_the_farmer_upload(db, farms):
    result = import_own_csv(db, farms["bob"], DAMAGED.encode(), "kit.csv")
    assert [r.status for r in result.rows].count("created") == 2
    assert "scientific notation" in " ".join(result.rows[0].messages)


def test_excel_unicode_text_is_read(db, tmp_path):
    text = "owner.name\tcategory\tdescription\nJosé Farmer\ttrailer\tramp, lights\n"
    for n, data in enumerate([text.encode("utf-16"), b"\xfe\xff" + text.encode("utf-16-be")]):
        path = tmp_path / f"items{n}.txt"
        path.write_bytes(data)
        assert import_items(db, path).loaded == 1
    assert {r["description"] for r in db["items"].rows} == {"ramp, lights"}


def test_excel_unicode_text_is_read_by_the_farmer_upload(db, farms):
    data = "category\tdescription\ntrailer\tramp, lights\n".encode("utf-16")
    assert [r.status for r in import_own_csv(db, farms["bob"], data, "kit.txt").rows] == ["created"]


@pytest.mark.parametrize("stolen_at, message", [
    ("46327", "is a spreadsheet's day number, not a date"), ("46327.0", "day number"),
    ("11/25/2026", "is not a date (use YYYY-MM-DD)"),
])
def test_a_theft_date_a_spreadsheet_made_a_number_is_refused_by_name(db, tmp_path, stolen_at, message):
    report = load(db, tmp_path, f"owner.name,category,theft.stolen_at,theft.crime_ref\nA,quad,{stolen_at},44260123456\n")
    assert report.rejected == 1 and message in report.errors[0]
