"""What "the site" is for a crawl: the origins (scheme, host, port) it may visit.

A crawl starts with the origins of its start addresses and never leaves them, with one
exception: a redirect to another origin of the same registrable domain (`example.co.uk` to
`www.example.co.uk`, `http` to `https`) is the same site, so that origin joins it. The
registrable domain ("eTLD+1") is decided by the Public Suffix List bundled in the
`publicsuffixlist` package (nothing downloaded at run time): `alice.github.io` and
`bob.github.io`, or `a.co.uk` and `b.co.uk`, are different sites. An address that is an IP
address, or a single-label host such as `localhost`, has no registrable domain: only its own
origin is the site. Another port on the same host is another site (the origin rule of RFC 6454).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


@lru_cache(maxsize=1)
def _suffix_list():
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


def origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an http(s) address, the port made explicit; None for anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").lower()
    if scheme not in DEFAULT_PORTS or not host:
        return None
    return scheme, host, port or DEFAULT_PORTS[scheme]


def registrable_domain(host: str) -> str | None:
    """The host's registrable domain by the Public Suffix List (`www.example.co.uk` ->
    `example.co.uk`), or None for an IP address or a host that is itself a public suffix."""
    host = (host or "").strip("[]").rstrip(".").lower()
    if not host:
        return None
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    if "." not in host:
        return None
    return _suffix_list().privatesuffix(host)


class Site:
    """The origins a crawl may visit; grows only by same-site redirects (see `adopt`)."""

    def __init__(self, start_urls: list[str]):
        self.origins: set[tuple[str, str, int]] = {o for o in map(origin, start_urls) if o}
        self.domains: set[str] = {d for d in (registrable_domain(o[1]) for o in self.origins) if d}

    def allows(self, url: str) -> bool:
        """True when the address is on one of the site's origins. `http` on port 80 and `https` on port
        443 of one host count as one origin (a link not yet upgraded to https); another port does not."""
        target = origin(url)
        if target is None:
            return False
        if target in self.origins:
            return True
        scheme, host, port = target
        if port == DEFAULT_PORTS[scheme]:
            other = "https" if scheme == "http" else "http"
            return (other, host, DEFAULT_PORTS[other]) in self.origins
        return False

    def same_site(self, url: str) -> bool:
        """True when the address is on the site or on another origin of its registrable domain."""
        target = origin(url)
        if target is None:
            return False
        return self.allows(url) or registrable_domain(target[1]) in self.domains

    def adopt(self, url: str) -> bool:
        """A redirect led here: add its origin when it is of the same registrable domain; says whether
        the address is on the site now."""
        if self.allows(url):
            return True
        if not self.same_site(url):
            return False
        self.origins.add(origin(url))
        return True

    def hosts(self) -> list[str]:
        return sorted({o[1] for o in self.origins})
