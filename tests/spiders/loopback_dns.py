"""A Scrapy DNS resolver for tests: `localhost` and every `*.localhost` name resolve to 127.0.0.1,
as RFC 6761 (section 6.3) says they should; anything else resolves as usual. Glibc on this machine
resolves only `localhost` itself, so fixture sites that need two host names of one registrable
domain (`farm.localhost` and `www.farm.localhost`, the public suffix list's default rule making
`farm.localhost` the registrable domain) set `TWISTED_DNS_RESOLVER` to this class in their
source's `settings`. No traffic leaves the machine."""

from __future__ import annotations

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer


class LocalhostResolver(CachingThreadedResolver):
    def getHostByName(self, name: str, timeout=()):  # noqa: N802 (Twisted's name)
        if name == "localhost" or name.endswith(".localhost"):
            return defer.succeed("127.0.0.1")
        return super().getHostByName(name, timeout)
