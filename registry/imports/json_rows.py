"""JSON rows as people and other tools save them: JSON lines, one JSON array, pretty-printed objects.

Rules (written down for users in docs/imports.md):

- A byte order mark, blank lines and Windows line ends (CRLF) cost nothing. Lines are split on
  line feeds only, so a U+2028 inside a JSON string stays inside its record.
- A file whose text is one JSON array is read as its elements, whatever its extension (`.jsonl`
  too), each named by the line it starts on; a syntax error inside the array is reported at its
  line and the rest of the array is not read (it cannot be told apart), the elements before it
  are kept. `{"items": [...]}` (one object holding one list of objects) is read as that list.
- Otherwise each non-blank line is one object. When lines fail but the whole text is a sequence of
  (pretty-printed) objects, those objects are the rows, named by the line each starts on.
- Every refused line is named with the reason: not valid JSON (message and column), not an
  object, or over MAX_LINE_CHARS.
"""

from __future__ import annotations

import json

MAX_LINE_CHARS = 1_000_000
Row = tuple[int, dict | None, str | None]
_decoder = json.JSONDecoder()
_SPACE = " \t\r\n"
_AFTER = "text after the end of the JSON array was not read"


class JsonFileError(ValueError):
    """The file as a whole cannot be read as JSON rows; nothing was read."""


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _SPACE:
        index += 1
    return index


def _object_row(line: int, value, what: str = "line") -> Row:
    return (line, value, None) if isinstance(value, dict) else (line, None, f"each {what} must be a JSON object")


def _array_rows(text: str, start: int) -> list[Row]:
    """The elements of the array opening at text[start] ('['), each with the line it starts on."""
    rows: list[Row] = []
    index = _skip(text, start + 1)
    if index < len(text) and text[index] == "]":
        return rows
    while True:
        try:
            value, end = _decoder.raw_decode(text, index)
        except json.JSONDecodeError as exc:
            rows.append((_line_at(text, exc.pos), None, f"not valid JSON ({exc.msg} at column {exc.colno}); "
                         "the rest of the array was not read"))
            return rows
        except RecursionError:
            rows.append((_line_at(text, index), None, "JSON nested too deeply; the rest of the array was not read"))
            return rows
        rows.append(_object_row(_line_at(text, index), value, "array entry"))
        index = _skip(text, end)
        if index < len(text) and text[index] == ",":
            index = _skip(text, index + 1)
            continue
        if index < len(text) and text[index] == "]":
            after = _skip(text, index + 1)
            if after < len(text):
                rows.append((_line_at(text, after), None, _AFTER))
            return rows
        rows.append((_line_at(text, index), None, "expected , or ] between array entries; "
                     "the rest of the array was not read"))
        return rows


def _object_stream(text: str) -> list[Row] | None:
    """Rows when the whole text is a sequence of JSON objects (pretty-printed), else None."""
    rows: list[Row] = []
    index = _skip(text, 0)
    while index < len(text):
        try:
            value, end = _decoder.raw_decode(text, index)
        except (json.JSONDecodeError, RecursionError):
            return None
        if not isinstance(value, dict):
            return None
        rows.append((_line_at(text, index), value, None))
        index = _skip(text, end)
    return rows


def _line_rows(text: str) -> list[Row]:
    rows: list[Row] = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        if len(line) > MAX_LINE_CHARS:
            rows.append((number, None, f"line is {len(line):,} characters long (limit {MAX_LINE_CHARS:,})"))
            continue
        try:
            rows.append(_object_row(number, json.loads(line)))
        except json.JSONDecodeError as exc:
            rows.append((number, None, f"not valid JSON ({exc.msg} at column {exc.colno})"))
        except RecursionError:
            rows.append((number, None, "JSON nested too deeply"))
    return rows


def json_rows(text: str) -> list[Row]:
    """Every row of a JSON file as (line number, object, error) by the rules in the module docstring.
    JsonFileError when the file holds no JSON at all."""
    text = text.lstrip("\ufeff")
    start = _skip(text, 0)
    if start == len(text):
        raise JsonFileError("the file is empty")
    if text[start] == "[":
        return _array_rows(text, start)
    rows = _line_rows(text)
    if any(error for _, _, error in rows):
        stream = _object_stream(text)
        if stream is not None:
            rows = stream
    if len(rows) == 1 and rows[0][1] is not None and "category" not in rows[0][1]:
        lists = [v for v in rows[0][1].values() if isinstance(v, list)]
        if len(rows[0][1]) == 1 and len(lists) == 1 and lists[0] and all(isinstance(v, dict) for v in lists[0]):
            key_start = text.index(":", start) + 1
            listed = _array_rows(text, _skip(text, key_start))
            if listed and listed[-1][2] == _AFTER and text.rstrip().endswith("}"):
                listed.pop()
            return listed
    return rows
