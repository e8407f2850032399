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
    if isinstance(exc, DNSLookupError):
        return "host name not found"
    if isinstance(exc, ConnectionRefusedError):
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
