"""A small, bounded HTTP fetch for photos named by URL in imported listings."""

from __future__ import annotations

import urllib.request

MAX_BYTES = 20 * 1024 * 1024
USER_AGENT = "farmwatch/0.1 (stolen property registry; listings import)"


def fetch_url(url: str, *, timeout: float = 15, max_bytes: int = MAX_BYTES) -> bytes:
    """GET a URL, refusing bodies over max_bytes; raises OSError/ValueError with a clear message."""
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError(f"{url}: only http(s) addresses are fetched")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise ValueError(f"{url}: {int(declared) // 2**20} MB is over the limit")
        data = response.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"{url}: larger than {max_bytes // 2**20} MB")
    return data
