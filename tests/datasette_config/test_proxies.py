"""Client addresses: the socket peer, unless it is a proxy the operator named as trusted."""

from __future__ import annotations

import pytest

from datasette_config.proxies import ProxySettingError, forwarded_client, parse_trusted, rewrite_scope

PROXY = parse_trusted("10.0.0.5")
CHAIN = parse_trusted(["10.0.0.0/24", "2001:db8::/64"])


@pytest.mark.parametrize("peer, header, trusted, client", [
    # nothing trusted (the default): the header is ignored, loopback included
    ("127.0.0.1", "203.0.113.9", (), "127.0.0.1"),
    ("198.51.100.2", "203.0.113.9", (), "198.51.100.2"),
    # a peer that is not the named proxy: ignored
    ("127.0.0.1", "203.0.113.9", PROXY, "127.0.0.1"),
    ("10.0.0.6", "203.0.113.9", PROXY, "10.0.0.6"),
    # the named proxy: the right-most entry it added, never what the client wrote to its left
    ("10.0.0.5", "203.0.113.9", PROXY, "203.0.113.9"),
    ("10.0.0.5", "1.2.3.4, 203.0.113.9", PROXY, "203.0.113.9"),
    ("10.0.0.5", "spoofed, 203.0.113.9", PROXY, "203.0.113.9"),
    # a chain of trusted proxies is skipped from the right
    ("10.0.0.7", "198.51.100.1, 203.0.113.9, 10.0.0.3", CHAIN, "203.0.113.9"),
    ("10.0.0.7", "[2001:db8::3]", CHAIN, "10.0.0.7"),
    ("2001:db8::1", "203.0.113.9, 2001:db8::2", CHAIN, "203.0.113.9"),
    ("::ffff:10.0.0.5", "203.0.113.9", PROXY, "203.0.113.9"),
    # no header, or garbage where the proxy's entry should be: the proxy itself
    ("10.0.0.5", None, PROXY, "10.0.0.5"),
    ("10.0.0.5", "", PROXY, "10.0.0.5"),
    ("10.0.0.5", "203.0.113.9, not-an-address", PROXY, "10.0.0.5"),
    ("10.0.0.5", "10.0.0.5", PROXY, "10.0.0.5"),
    # IPv6 written in other forms comes out in one form (one key per client)
    ("10.0.0.5", "2001:DB8:0:0:1::9", PROXY, "2001:db8::1:0:0:9"),
])
def test_forwarded_client(peer, header, trusted, client):
    assert forwarded_client(peer, header, trusted) == client


@pytest.mark.parametrize("bad", ["proxy.example", "10.0.0.300", "10.0.0.0/33", "*"])
def test_a_bad_trusted_proxy_is_refused_by_name(bad):
    with pytest.raises(ProxySettingError, match=bad.replace("*", r"\*")):
        parse_trusted(f"10.0.0.5, {bad}")


def test_scope_rewritten_only_from_a_trusted_proxy():
    scope = {"type": "http", "client": ("10.0.0.5", 5555), "scheme": "http",
             "headers": [(b"x-forwarded-for", b"203.0.113.9"), (b"x-forwarded-proto", b"https")]}
    assert rewrite_scope(scope, ()) is scope
    rewritten = rewrite_scope(scope, PROXY)
    assert rewritten["client"][0] == "203.0.113.9" and rewritten["scheme"] == "https"
    assert rewrite_scope({**scope, "client": ("10.0.0.6", 1)}, PROXY)["scheme"] == "http"
