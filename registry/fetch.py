"""A small, bounded HTTP fetch for photos named by URL in imported listings."""

from __future__ import annotations

import urllib.request

MAX_BYTES = 20 * 1024 * 1024
USER_AGENT = "farmwatch/0.1 (stolen property registry; listings import)"


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are followed only to addresses fetch_url would accept itself."""

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        reason = None if self.allow_private else refuse_address(newurl)
        if reason:
            raise ValueError(f"{req.full_url}: redirected to {newurl}: {reason}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_url(url: str, *, timeout: float = 15, max_bytes: int = MAX_BYTES, allow_private: bool = False) -> bytes:
    """GET a URL, refusing bodies over max_bytes; raises OSError/ValueError with a clear message.

    Addresses inside the network (loopback, private, link-local, metadata) are refused unless
    `allow_private` (see refuse_address); redirects are not followed there either.
    """
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError(f"{url}: only http(s) addresses are fetched")
    if not allow_private:
        reason = refuse_address(url)
        if reason:
            raise ValueError(f"{url}: {reason}")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    opener = urllib.request.build_opener(_CheckedRedirects(allow_private))
    with opener.open(request, timeout=timeout) as response:
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise ValueError(f"{url}: {int(declared) // 2**20} MB is over the limit")
        data = response.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"{url}: larger than {max_bytes // 2**20} MB")
    return data


# Address classes a crawled page or an imported file must not make farmwatch fetch from, unless the
# source itself is there (the demonstration marketplace on 127.0.0.1). The cloud metadata addresses
# are refused always. Source: RFC 6890 special-purpose ranges, as Python's ipaddress module knows them.
METADATA_HOSTS = {"169.254.169.254", "fd00:ec2::254", "100.100.100.200", "metadata.google.internal", "metadata"}
RESERVED_SUFFIXES = (".invalid",)  # RFC 6761: never resolves
INTERNAL_SUFFIXES = (".local", ".internal", ".lan", ".home.arpa", ".intranet", ".corp")


def address_class(host: str, *, resolve: bool = True) -> str | None:
    """'metadata', 'loopback', 'link-local', 'private' or 'reserved' for a host that is not on the
    public internet; None for a public one (or a name that does not resolve: the fetch fails anyway).

    A name is resolved (when `resolve`) and judged by every address it has, so a public-looking name
    pointing inside the network is caught too.
    """
    import ipaddress
    import re
    import socket

    host = (host or "").strip("[]").lower().rstrip(".")
    if not host:
        return "reserved"
    if host in METADATA_HOSTS:
        return "metadata"
    if host == "localhost" or host.endswith(".localhost"):
        return "loopback"
    if host.endswith(RESERVED_SUFFIXES):
        return "reserved"
    if host.endswith(INTERNAL_SUFFIXES):
        return "private"
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        addresses = []
    if not addresses and re.fullmatch(r"(?:0x[0-9a-f]+|\d+)(?:\.(?:0x[0-9a-f]+|\d+)){0,3}", host):
        try:  # shorthand IPv4 forms the resolver accepts: 2130706433, 0x7f000001, 10.1
            addresses = [ipaddress.IPv4Address(socket.inet_aton(host))]
        except OSError:
            addresses = []
    if not addresses:
        if not resolve:
            return None
        try:
            infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            return None
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    for address in addresses:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if str(address) in METADATA_HOSTS:
            return "metadata"
        if address.is_loopback:
            return "loopback"
        if address.is_link_local:
            return "link-local"
        if address.is_private or address.is_reserved or address.is_unspecified or address.is_multicast:
            return "private"
    return None


def refuse_address(url: str, source_urls: list[str] | tuple[str, ...] = (), *, resolve: bool = True) -> str | None:
    """Why a photo address must not be fetched, or None when it may be.

    Loopback, private, link-local and reserved addresses are allowed only when one of the source's
    own addresses is of the same class (a marketplace on this machine may serve its photos here);
    metadata addresses never.
    """
    from urllib.parse import urlsplit

    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return f"{url[:80]}: not a valid address"
    kind = address_class(host, resolve=resolve)
    if kind is None:
        return None
    if kind not in ("metadata", "reserved"):
        own = {address_class(urlsplit(u).hostname or "", resolve=resolve) for u in source_urls}
        if kind in own:
            return None
    return f"{host} is a {kind} address: not fetched from a crawled page"
