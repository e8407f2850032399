"""Photo fetches for imported listings never reach inside the network (refused before any connection)."""

import urllib.request

import pytest

from registry.fetch import _CheckedRedirects, address_class, fetch_url, refuse_address


@pytest.mark.parametrize("host, kind", [
    ("127.0.0.1", "loopback"), ("localhost", "loopback"), ("app.localhost", "loopback"), ("::1", "loopback"),
    ("10.20.30.40", "private"), ("172.31.0.1", "private"), ("192.168.1.1", "private"), ("fd12::1", "private"),
    ("printer.local", "private"), ("db.internal", "private"), ("169.254.1.1", "link-local"),
    ("169.254.169.254", "metadata"), ("metadata.google.internal", "metadata"), ("100.100.100.200", "metadata"),
    ("0.0.0.0", "private"), ("photos.invalid", "reserved"), ("2130706433", "loopback"), ("0x7f000001", "loopback"),
    ("167772161", "private"), ("10.1", "private"), ("8.8.8.8", None), ("2a00:1450::1", None),
])
def test_address_classes(host, kind):
    assert address_class(host, resolve=False) == kind


@pytest.mark.parametrize("url", ["http://10.0.0.7/a.jpg", "http://169.254.169.254/latest/meta-data/",
                                 "http://localhost:8001/-/login", "http://[::ffff:192.168.0.1]/x.jpg"])
def test_imported_photo_addresses_inside_the_network_are_refused(url):
    with pytest.raises(ValueError, match="address: not fetched"):
        fetch_url(url)


def test_a_source_on_loopback_may_fetch_loopback_photos_but_never_metadata():
    assert refuse_address("http://127.0.0.1:9/p.jpg", ["http://127.0.0.1:8002/"], resolve=False) is None
    assert "metadata" in refuse_address("http://169.254.169.254/", ["http://169.254.10.1/"], resolve=False)
    assert "private" in refuse_address("http://10.0.0.1/p.jpg", ["http://127.0.0.1:8002/"], resolve=False)


def test_redirects_into_the_network_are_refused():
    request = urllib.request.Request("https://photos.example.org/1.jpg")
    with pytest.raises(ValueError, match="redirected to http://10.1.1.1/1.jpg"):
        _CheckedRedirects(False).redirect_request(request, None, 302, "Found", {}, "http://10.1.1.1/1.jpg")
