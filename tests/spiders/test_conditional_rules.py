"""The rules of conditional re-crawls (spiders.conditional), table by table: which validators are kept
and sent, when a 304 is believed, and what a sitemap's lastmod spares."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from scrapy.http import Response

from spiders.conditional import believe_304, lastmod_spares, request_headers, response_validators

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
DATE = "Sun, 06 Dec 2026 12:00:00 GMT"


def answer(status=200, **headers):
    return Response("http://127.0.0.1/ad/1", status=status, headers={k.replace("_", "-"): v for k, v in headers.items()})


@pytest.mark.parametrize(("headers", "kept"), [
    ({"ETag": '"abc"', "Last-Modified": "Fri, 04 Dec 2026 10:00:00 GMT"}, ('"abc"', "Fri, 04 Dec 2026 10:00:00 GMT")),
    ({"ETag": 'W/"abc"'}, ('W/"abc"', None)),                                     # weak: kept for pages
    ({"ETag": "abc"}, (None, None)),                                              # not an entity tag
    ({"ETag": '"' + "x" * 300 + '"'}, (None, None)),                              # absurdly long
    ({"Last-Modified": "Tue, 01 Jan 2100 00:00:00 GMT", "Date": DATE}, (None, None)),  # in the future
    ({"Last-Modified": "Sun, 06 Dec 2026 12:00:30 GMT", "Date": DATE}, (None, "Sun, 06 Dec 2026 12:00:30 GMT")),  # skew
    ({"Last-Modified": "yesterday at noon"}, (None, None)),                       # unreadable
    ({"Last-Modified": "Friday, 04-Dec-26 10:00:00 GMT"}, (None, "Fri, 04 Dec 2026 10:00:00 GMT")),  # RFC 850 form
])
def test_which_validators_are_kept(headers, kept):
    assert response_validators(answer(**headers), NOW) == kept


@pytest.mark.parametrize(("etag", "modified", "photo", "sent"), [
    ('"abc"', "Fri, 04 Dec 2026 10:00:00 GMT", False,
     {"If-None-Match": '"abc"', "If-Modified-Since": "Fri, 04 Dec 2026 10:00:00 GMT"}),
    ('W/"abc"', None, False, {"If-None-Match": 'W/"abc"'}),
    ('W/"abc"', None, True, {}),                      # a photo is evidence: only a strong tag revalidates it
    (None, "Fri, 04 Dec 2026 10:00:00 GMT", True, {}),
    ('"abc"', None, True, {"If-None-Match": '"abc"'}),
    (None, None, False, {}),
])
def test_what_is_sent(etag, modified, photo, sent):
    assert request_headers(etag, modified, photo=photo) == sent


@pytest.mark.parametrize(("sent", "headers", "believed"), [
    ({"If-None-Match": '"abc"'}, {}, True),
    ({"If-None-Match": '"abc"'}, {"ETag": '"abc"'}, True),
    ({"If-None-Match": 'W/"abc"'}, {"ETag": '"abc"'}, True),          # weak comparison
    ({"If-None-Match": '"abc"'}, {"ETag": '"xyz"'}, False),           # contradicts the question
    ({}, {}, False),                                                   # nobody asked
    ({"If-Modified-Since": "Fri, 04 Dec 2026 10:00:00 GMT"}, {"Last-Modified": "Sat, 05 Dec 2026 10:00:00 GMT"}, False),
    ({"If-Modified-Since": "Fri, 04 Dec 2026 10:00:00 GMT"}, {"Last-Modified": "Fri, 04 Dec 2026 10:00:00 GMT"}, True),
])
def test_when_a_304_is_believed(sent, headers, believed):
    assert (believe_304(sent, answer(304, **headers)) is None) is believed


CHECKED = "2026-12-05T02:00:00Z"


@pytest.mark.parametrize(("lastmod", "verified", "spared"), [
    ("2026-11-20", CHECKED, True),
    ("2026-12-04", CHECKED, False),                     # a date alone is its day's end anywhere: 5 Dec 12:00 UTC
    ("2026-12-05T00:30:00Z", CHECKED, True),
    ("2026-12-05T01:30:00Z", CHECKED, False),           # within the margin for a site's clock behind ours
    ("2026-12-05T03:00:00+02:00", CHECKED, True),       # 01:00 UTC, an hour before our check
    ("2026-12-05T00:30:00", CHECKED, False),            # no zone: taken as the latest zone
    ("2026-12-05T10:00:00Z", CHECKED, False),           # changed after our check
    ("2999-01-01", CHECKED, False),                     # in the future
    ("last week", CHECKED, False),
    (None, CHECKED, False),
    ("2026-11-20", "2026-11-21T02:00:00Z", False),      # our check is over a week old: ask again
    ("2026-11-20", "garbage", False),
])
def test_what_a_sitemap_lastmod_spares(lastmod, verified, spared):
    assert lastmod_spares(lastmod, verified, NOW) is spared
    assert timedelta(days=7) < NOW - datetime(2026, 11, 21, 2, tzinfo=UTC)
