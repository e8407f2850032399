"""A listing record's source and url: each missing or bad one is named in the error."""

import pytest

from registry.listings.store import ListingError, clean_listing


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"source": "x", "title": "no url"}, "url is missing"),
        ({"source": "x", "url": "", "title": "empty url"}, "url is missing"),
        ({"source": "x", "url": "ftp://x.example/1"}, 'url "ftp://x.example/1" is not an http(s) address'),
        ({"url": "https://x.example/1"}, "source is missing"),
    ],
)
def test_missing_or_bad_source_and_url_are_named(raw, message):
    with pytest.raises(ListingError) as error:
        clean_listing(raw)
    assert str(error.value) == message


def test_a_good_record_keeps_its_url():
    row = clean_listing({"source": "x", "url": "https://x.example/1", "title": "Tractor"})
    assert row["url"] == "https://x.example/1"
