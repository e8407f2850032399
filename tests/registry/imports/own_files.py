"""Farmers' own files as they keep them, one case per kind, shared by the command-line and web tests.

Each case: a file name, its bytes, the sheet to name (or None), the identifiers that must be stored,
the rows that must be refused (row or line number -> words of the reason), and words the report's
warnings or notes must hold. Workbooks are built with openpyxl here, so no binary fixture is kept.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass, field

import openpyxl

HEADER = ["Category", "Make", "Serial number", "Description", "Owner name"]


@dataclass
class Case:
    id: str
    name: str
    data: bytes
    stored: set[str]
    refused: dict[int, str] = field(default_factory=dict)
    noted: list[str] = field(default_factory=list)
    sheet: str | None = None


def workbook(*sheets: tuple[str, list[list]], hidden: tuple[str, ...] = (), formats: dict | None = None,
             merged: tuple[str, ...] = ()) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
        ws.sheet_state = "hidden" if title in hidden else "visible"
        for ref, number_format in (formats or {}).get(title, {}).items():
            ws[ref].number_format = number_format
        for span in merged:
            ws.merge_cells(span)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _numbers_dates_formulas() -> bytes:
    return workbook(("Kit", [
        HEADER,
        ["tractor", "John Deere", "1L06120MCKK123456", "loader", "Bob Hill"],
        ["tractor", "Kubota", 182735000000, "held as a number", "Bob Hill"],
        ["quad", "Honda", dt.datetime(2026, 3, 12), "a code turned into a date", "Bob Hill"],
        ["quad", "Honda", '="QD"&"-44179"', "a formula never calculated", "Bob Hill"],
        ["trailer", "Ifor Williams", 41796352, "a short number, shown whole", "Bob Hill"],
        ["trailer", "Ifor Williams", 4417906, "zero-padded", "Bob Hill"],
        [None, None, None, None, None],
        ["tractor", "Massey Ferguson", 1.23456789012345e18, "a long number", "Bob Hill"],
    ]), formats={"Kit": {"C4": "d-mmm", "C7": "00000000"}})


def _sheets() -> bytes:
    return workbook(("Old list", [HEADER, ["tractor", "Fordson", "OLD-99123", "", "Bob Hill"]]),
                    ("Kit", [HEADER, ["tractor", "Valtra", "VT-100200", "", "Bob Hill"]]),
                    ("Sold", [HEADER, ["tractor", "Zetor", "ZT-55310", "", "Bob Hill"]]),
                    hidden=("Old list",))


def _merged_and_blank_headers() -> bytes:
    return workbook(("Kit", [
        ["Category", "Serial number", None, "Make", None, "Owner name"],
        ["tractor", "CASE-778123", "LDR-55201", "Case IH", None, "Bob Hill"],
        ["tractor", "CASE-778124", None, "Case IH", None, "Bob Hill", "stray value"],
    ]), merged=("B1:C1",))


def _long_rows_short_rows() -> bytes:
    return (b"category,make,serial number,owner name,description\r\n"
            b"tractor,Deutz,DZ-40112,Bob Hill,good\r\n"
            b"tractor,DZ-40113,Bob Hill,left out the make\r\n"
            b"tractor,Deutz,DZ-40114,Bob Hill,\r\n"
            b"tractor,Deutz,DZ-40115,Bob Hill,10' header, cracked\r\n"
            b"tractor,Deutz,DZ-40116,Bob Hill\r\n")


def _year_shifted() -> bytes:
    return (b"category,make,model,year,serial,owner name\n"
            b"tractor,John Deere,6120M,2019,JD-6120-0042,Bob Hill\n"
            b"tractor,John Deere,2019,JD-6120-0043,Bob Hill\n"
            b"tractor,John Deere,6120M,2019,JD-6120-0044,Bob Hill\n")


def _json_array() -> bytes:
    rows = [{"category": "tractor", "make": "Fendt", "owner": {"name": "Bob Hill"},
             "identifiers": [{"kind": "serial", "value": f"FT-7{n}0455"}]} for n in range(3)]
    return codecs.BOM_UTF8 + json.dumps(rows, indent=2).replace("\n", "\r\n").encode()


def _json_lines() -> bytes:
    row = {"category": "quad", "make": "Yamaha", "owner": {"name": "Bob Hill"}}
    lines = [json.dumps({**row, "identifiers": [{"kind": "serial", "value": "YM-88120"}]}), "",
             json.dumps({**row, "identifiers": [{"kind": "serial", "value": "YM-88121"}]}) + ",",
             "   ", json.dumps({**row, "identifiers": [{"kind": "serial", "value": "YM-88122"}]}), "[1]"]
    return codecs.BOM_UTF8 + "\r\n".join(lines).encode() + b"\r\n"


def _long_description() -> bytes:
    return ("category,make,serial number,description,owner name\n"
            f"tractor,Claas,CL-66120,{'worn tyres; ' * 550},Bob Hill\n").encode()


CASES = [
    Case("xlsx numbers, dates, formulas", "kit.xlsx", _numbers_dates_formulas(),
         {"1L06120MCKK123456", "41796352", "04417906"},
         {3: "1.82735E+11", 4: "12-Mar", 5: "formula with no saved value", 9: "1.23457E+18"}),
    Case("xlsx first visible sheet", "kit.xlsx", _sheets(), {"VT-100200"}, noted=["'Old list'", "'Sold'"]),
    Case("xlsx named sheet", "kit.xlsx", _sheets(), {"ZT-55310"}, sheet="sold"),
    Case("xlsx merged header, stray value", "kit.xlsx", _merged_and_blank_headers(),
         {"CASE-778123", "LDR-55201"}, {3: "column G is right of the last header"}),
    Case("xlsx title rows above the header", "kit.xlsx",
         workbook(("Kit", [["Machinery register"], [None], ["Updated 3 March 2026"], HEADER,
                           ["tractor", "Kverneland", "KV-88231", "", "Bob Hill"]])),
         {"KV-88231"}, noted=["row(s) 1, 3 above the header row 4 were not read"]),
    Case("workbook named .csv", "kit.csv", _sheets(), {"VT-100200"}),
    Case("csv short and long rows", "kit.csv", _long_rows_short_rows(), {"DZ-40112", "DZ-40114", "DZ-40116"},
         {3: '4 values for 5 columns, and "Bob Hill" under "serial number"', 5: "6 values for 5 columns"}),
    Case("csv value left out before the year", "kit.csv", _year_shifted(), {"JD-6120-0042", "JD-6120-0044"},
         {3: '5 values for 6 columns, and "JD-6120-0043" under "year"'}),
    Case("json array saved as .jsonl, BOM, CRLF", "kit.jsonl", _json_array(), {"FT-700455", "FT-710455", "FT-720455"}),
    Case("json lines, blank lines, trailing comma", "kit.jsonl", _json_lines(), {"YM-88120", "YM-88122"},
         {3: "not valid JSON", 6: "must be a JSON object"}),
    Case("long description", "kit.csv", _long_description(), {"CL-66120"},
         noted=["description is 6,599 characters; only the first 5,000 were kept"]),
]

def _ods() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


# (file name, bytes, sheet, words of the refusal): the file as a whole is refused, nothing stored
REFUSED_FILES = [
    ("kit.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, None, "save it as .xlsx or CSV"),
    ("kit.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, None, "old Excel .xls workbook"),
    ("kit.ods", _ods(), None, "save it as .xlsx or CSV"),
    ("kit.xlsx", _sheets(), "Tractors", "no sheet named \"Tractors\" (sheets: 'Old list', 'Kit', 'Sold')"),
]
