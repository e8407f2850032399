"""Pure helpers of the workspace, table-driven."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from datasette_config.csv_safety import neutralise_csv, spreadsheet_safe
from datasette_config.officer.export import case_rows
from datasette_config.officer.highlight import char_key, highlight_pair
from datasette_config.officer.queries.queue import QueueFilters, age_text, parse_reasons
from datasette_config.plugin import strip_cookies
from datasette_config.toolkit import safe_next


@pytest.mark.parametrize("registered, listed, reg_kinds, listed_kinds", [
    ("ABC123", "ABC123", ["same"], ["same"]),
    ("ABC123", "abc-123", ["same"], ["same", "sep", "same"]),
    ("SO1", "501", ["same"], ["same"]),                       # S/5 and O/0 look alike
    ("ABC123", "ABC128", ["same", "diff"], ["same", "diff"]),
    ("ABC123", "XYW", ["diff"], ["diff"]),
    ("", "ABC", [], ["diff"]),
])
def test_highlight_pair(registered, listed, reg_kinds, listed_kinds):
    reg, lst = highlight_pair(registered, listed)
    assert [k for _, k in reg] == reg_kinds and [k for _, k in lst] == listed_kinds
    assert "".join(t for t, _ in reg) == registered and "".join(t for t, _ in lst) == listed


@pytest.mark.parametrize("ch, key", [("O", "0"), ("o", "0"), ("I", "1"), ("-", None), (" ", None), ("\u200b", None),
                                     ("А", "A")])
def test_char_key(ch, key):
    assert char_key(ch) == key


@pytest.mark.parametrize("value, safe", [
    ("=1+1", "'=1+1"), ("+44 7700", "'+44 7700"), ("-3", "-3"), ("-1.43", "-1.43"), ("+44", "+44"), ("1e5", "1e5"),
    ("-x", "'-x"), ("\t=1", "'\t=1"), ("\rplain", "'\rplain"), ("\nplain", "'\nplain"), ("\tplain", "'\tplain"),
    ("@SUM(A1)", "'@SUM(A1)"), ("plain", "plain"), (None, ""), (12.5, "12.5"), ("a=b", "a=b"), ("", ""),
    # full-width forms (U+FF1D, FF0B, FF0D, FF20)
    ("＝HYPERLINK(\"http://x\")", "'＝HYPERLINK(\"http://x\")"), ("＋1+1", "'＋1+1"), ("－1+1", "'－1+1"),
    ("＠SUM(A1)", "'＠SUM(A1)"),
    # small forms (U+FE66, FE62, FE63, FE6B)
    ("﹦1+1", "'﹦1+1"), ("﹢1", "'﹢1"), ("﹣1", "'﹣1"), ("﹫SUM(A1)", "'﹫SUM(A1)"),
    # minus sign U+2212 (NFKC keeps it), leading spaces, ideographic space, zero-width space, BOM
    ("\u22121+1", "'\u22121+1"), ("  =1+1", "'  =1+1"), ("\u3000＝1", "'\u3000＝1"), ("\u200b=1", "'\u200b=1"),
    ("\ufeff@x", "'\ufeff@x"), ("\u00a0+x", "'\u00a0+x"),
    # full-width digits are text, not ASCII numbers: a full-width minus before them is still prefixed
    ("－３", "'－３"), ("ｐｌａｉｎ", "ｐｌａｉｎ"),
])
def test_spreadsheet_safe(value, safe):
    assert spreadsheet_safe(value) == safe


def test_neutralise_csv_keeps_the_table_and_quotes():
    text = 'id,title,lon\r\n1,"=HYPERLINK(""http://x"",""y"")",-1.4\r\n2,"a, ""b""\nc",3\r\n'
    assert neutralise_csv(text) == ('id,title,lon\r\n1,"\'=HYPERLINK(""http://x"",""y"")",-1.4\r\n'
                                    '2,"a, ""b""\nc",3\r\n')


def test_case_rows_flatten_nested_values():
    rows = case_rows({"exported_by": "olivia", "match": {"id": "m1"}, "reasons": [{"kind": "photo"}]})
    assert rows == [["export", "exported_by", "olivia"], ["match", "id", "m1"], ["reasons", "[1].kind", "photo"]]


@pytest.mark.parametrize("created, text", [("2026-11-20T10:00:00Z", "2 d"), ("2026-11-22T07:30:00Z", "2 h"),
                                           ("2026-11-22T09:55:00Z", "5 min"), ("2026-11-22T10:00:00Z", "now"),
                                           ("garbage", ""), (None, "")])
def test_age_text(created, text):
    assert age_text(created, datetime(2026, 11, 22, 10, 0, tzinfo=UTC)) == text


@pytest.mark.parametrize("raw, reasons", [("[]", []), ("not json", []), ('{"kind": 1}', []), (None, []),
                                          ('[{"kind": "photo"}, 3, "x"]', [{"kind": "photo"}])])
def test_parse_reasons_never_raises(raw, reasons):
    assert parse_reasons(raw) == reasons


def test_queue_filters_drop_unknown_values():
    filters = QueueFilters.from_args({"queue": "everything", "status": "deleted", "band": "<b>",
                                      "since": "2026-13-45", "until": "2026-11-30", "category": "tractor"})
    assert (filters.queue, filters.status, filters.band, filters.since, filters.until, filters.category) == (
        "stolen", "new", "", "", "2026-11-30", "tractor")


@pytest.mark.parametrize("value", [
    "/queue", "/search?q=John%20Deere", "/match/ab12cd", "/farmer/item/5", "/check?identifier=UK%20284205%207",
    "/queue?band=strong&since=2026-11-01", "/match/ab12?back=https://m.example/ad", "/-/login", "/map#top",
])
def test_safe_next_keeps_our_own_paths(value):
    assert safe_next(value) == value


@pytest.mark.parametrize("value", [
    None, "", "queue", 42,
    # another host, directly
    "//evil.example", "///evil.example", "https://evil.example", "http:evil.example", "javascript:alert(1)",
    "data:text/html,x", " /queue", "/queue ", "\\evil.example",
    # a backslash is a slash to browsers
    "/\\evil.example", "/\\/evil.example",
    # control characters, which browsers drop: "/\t/evil" is "//evil"
    "/\t/other.example/", "/\n/other.example/", "/\r/other.example/", "/\x00/other.example", "/\x0b/other.example",
    "/\x7f/other.example",
    # encoded forms of all of these, once and twice
    "/%09/other.example/", "/%0A/other.example/", "/%0d%0aSet-Cookie:%20x=1", "/%2F%2Fevil.example", "/%2f/evil.example",
    "/%5Cevil.example", "/%5c%5cevil.example", "/%252F%252Fevil.example", "/%25252F%25252Fevil.example",
    "/%2509/other.example", "/%00", "/%E2%80%8B/evil",  # zero-width space
    # white space, Unicode look-alikes and format characters
    "/ /evil.example", "/\u3000evil", "/\u2028evil", "/\uff0f\uff0fevil.example", "/%EF%BC%8F%EF%BC%8Fevil.example",
    "/%E2%80%AEevil", "/\u202eevil", "/\u00a0/evil",
    # absurd length, or encoded beyond what any of our paths are
    "/" + "a" * 2001, "/%2525252525252F",
])
def test_safe_next_refuses_every_other_form(value):
    assert safe_next(value) == "/"


@pytest.mark.parametrize("cookie, kept", [
    (b"ds_actor=abc", None),
    (b"ds_actor=abc; farmwatch_session=t", b"farmwatch_session=t"),
    (b"a=1; ds_actor=x; b=2", b"a=1; b=2"),
    (b"not_ds_actor=1", b"not_ds_actor=1"),
])
def test_strip_cookies_removes_datasettes_actor_cookie(cookie, kept):
    headers = strip_cookies([(b"host", b"x"), (b"cookie", cookie)])
    assert headers[0] == (b"host", b"x")
    assert (headers[1][1] if len(headers) > 1 else None) == kept
