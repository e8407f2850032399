"""One short, plain description of why a download failed, for the crawl's error log."""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError
from twisted.internet.error import TimeoutError as TwistedTimeout
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived


def describe_error(error, maxsize: int | None = None) -> str:
    exc = error.value if isinstance(error, Failure) else error
    name = exc.__class__.__name__
    if isinstance(exc, HttpError):
        return f"HTTP {exc.response.status}"
    if isinstance(exc, IgnoreRequest):
        if "DOWNLOAD_MAXSIZE" in str(exc):
            return "response larger than the size limit once decompressed (a compression bomb?)"
        return str(exc) or "request ignored"
    if isinstance(exc, (TwistedTimeout, TimeoutError)) or "Timeout" in name:
        return "timed out"
    if isinstance(exc, DNSLookupError) or name == "CannotResolveHostError":
        return "host name not found"
    if isinstance(exc, ConnectionRefusedError) or "ConnectionRefused" in name:
        return "connection refused"
    if "Cancel" in name:
        limit = f" of {maxsize / 1e6:g} MB" if maxsize else ""
        return f"response larger than the size limit{limit} (download cancelled)"
    if isinstance(exc, (ResponseFailed, ResponseNeverReceived)):
        return f"connection failed ({name})"
    return f"{name}: {str(exc)[:200]}"


def is_robots_refusal(error) -> bool:
    exc = error.value if isinstance(error, Failure) else error
    return isinstance(exc, IgnoreRequest) and "robots.txt" in str(exc)


OFF_SITE = "redirected off the site"  # the start of the message SiteScopeMiddleware refuses with


def failure_kind(error) -> str:
    """The kind of a failed fetch, for counting failures by kind: `http` (an error status), `robots`,
    `redirect_off_site`, `address_refused` (inside the network), `timeout`, `dns`, `connection`,
    `too_large`, `redirect_loop` or `other`."""
    exc = error.value if isinstance(error, Failure) else error
    name = exc.__class__.__name__
    if isinstance(exc, HttpError):
        return "http"
    if isinstance(exc, IgnoreRequest):
        text = str(exc)
        if "robots.txt" in text:
            return "robots"
        if text.startswith(OFF_SITE):
            return "redirect_off_site"
        if "not fetched from a crawled page" in text:
            return "address_refused"
        if "Max redirections" in text or "redirect" in text.lower():
            return "redirect_loop"
        if "DOWNLOAD_MAXSIZE" in text:
            return "too_large"
        return "other"
    if isinstance(exc, (TwistedTimeout, TimeoutError)) or "Timeout" in name:
        return "timeout"
    if isinstance(exc, DNSLookupError) or name == "CannotResolveHostError":
        return "dns"
    if "Cancel" in name:
        return "too_large"
    if isinstance(exc, (ConnectionRefusedError, ResponseFailed, ResponseNeverReceived)) or name in (
            "DownloadConnectionRefusedError", "DownloadFailedError", "ResponseDataLossError"):
        return "connection"
    return "other"
