"""Which address a request came from: the socket peer, unless that peer is a proxy we were told to trust.

Rule (OWASP "HTTP Headers" and MDN "X-Forwarded-For", security and privacy concerns): forwarded
headers are believed only when the connection comes from a proxy named by the operator
(`farmwatch serve --trusted-proxy ADDR`, repeatable, or `FARMWATCH_TRUSTED_PROXIES=ADDR,ADDR`;
an address or a network such as `10.0.0.0/24`). Nothing is trusted by default, loopback included:
a client on the same host could otherwise rotate `X-Forwarded-For` to dodge every per-address limit.
From a trusted proxy, the client is the right-most `X-Forwarded-For` entry that is not itself a
trusted proxy (entries to its left were written by the client and prove nothing); an entry that is
not an IP address counts as the proxy itself. `X-Forwarded-Proto: https` from a trusted proxy
marks the request as HTTPS (Secure cookies).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable

ENV = "FARMWATCH_TRUSTED_PROXIES"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class ProxySettingError(ValueError):
    """A trusted proxy that is not an address or a network; the message names it."""


def parse_trusted(values: Iterable[str] | str | None) -> tuple[Network, ...]:
    """Addresses or networks (comma-separated text or a list) as networks; raises ProxySettingError."""
    if values is None:
        return ()
    if isinstance(values, str):
        values = values.split(",")
    networks = []
    for value in values:
        text = value.strip()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise ProxySettingError(f'trusted proxy "{text[:60]}" is not an IP address or network '
                                    "(for example 10.0.0.5 or 10.0.0.0/24)") from None
    return tuple(networks)


def _ip(text: str | None):
    try:
        return ipaddress.ip_address((text or "").strip().strip("[]"))
    except ValueError:
        return None


def _trusted(ip, trusted: tuple[Network, ...]) -> bool:
    if ip is None:
        return False
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip.version == net.version and ip in net for net in trusted)


def forwarded_client(peer: str | None, forwarded_for: str | None, trusted: tuple[Network, ...]) -> str | None:
    """The client's address for a request from socket peer `peer` carrying `X-Forwarded-For`."""
    if not trusted or not _trusted(_ip(peer), trusted):
        return peer
    for entry in reversed((forwarded_for or "").split(",")):
        ip = _ip(entry)
        if ip is None:
            return peer
        if not _trusted(ip, trusted):
            return str(ip)
    return peer


def trusted_networks(datasette) -> tuple[Network, ...]:
    """The instance's trusted proxies: set by `serve --trusted-proxy`, else read from FARMWATCH_TRUSTED_PROXIES
    (`farmwatch serve` refuses to start on a bad value; here a bad value trusts nothing)."""
    configured = getattr(datasette, "farmwatch_trusted_proxies", None)
    if configured is not None:
        return configured
    try:
        return parse_trusted(os.environ.get(ENV, ""))
    except ProxySettingError:
        return ()


def rewrite_scope(scope: dict, trusted: tuple[Network, ...]) -> dict:
    """The ASGI scope with `client` (and `scheme`) taken from a trusted proxy's headers; unchanged otherwise."""
    client = scope.get("client")
    peer = client[0] if client else None
    if not trusted or not _trusted(_ip(peer), trusted):
        return scope
    headers = {}
    for name, value in scope.get("headers") or []:
        key = name.decode("latin-1").lower()
        if key in ("x-forwarded-for", "x-forwarded-proto"):
            text = value.decode("latin-1")
            headers[key] = f"{headers[key]},{text}" if key in headers else text
    address = forwarded_client(peer, headers.get("x-forwarded-for"), trusted)
    scope = {**scope, "client": (address, 0)}
    proto = (headers.get("x-forwarded-proto") or "").split(",")[-1].strip().lower()
    if proto in ("http", "https"):
        scope["scheme"] = proto
    return scope
