"""Conditional requests (RFC 9110 section 13) and sitemap lastmod: the rules that let a re-crawl ask
only for what changed without ever taking a changed or missing page for an unchanged one.

- Which validators are kept: an ETag that is a well-formed entity tag (`"x"` or weak `W/"x"`, at most
  200 characters); a Last-Modified that is a valid HTTP date no later than the response's own Date
  (or our clock) plus a minute. A date in the future or unparseable is dropped, since a server
  comparing later changes with it would answer 304 to them.
- What is sent: a listing page's If-None-Match (weak ETags too: If-None-Match uses the weak
  comparison, RFC 9110 section 13.1.2) and If-Modified-Since; a photo's If-None-Match only with a
  strong ETag (a weak one, or a date to the second, does not promise the same bytes, and a photo is
  evidence).
- When a 304 is believed: only to a request that carried validators, and only when the 304 does not
  contradict them (an ETag of its own that differs from the one sent, or a Last-Modified later than
  the one sent). Otherwise the page is fetched again whole. A 304 nobody asked for is a failed page.
- What a sitemap's lastmod spares: a listing page whose lastmod (W3C date or date-time) is at
  least `LASTMOD_MARGIN` earlier than our last confirmation of the page, that confirmation no older
  than `LASTMOD_TRUST`, and the lastmod not in the future. A date without a time counts as the end of
  that day anywhere on Earth; a time without a zone as the latest zone.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

CLOCK_SKEW = timedelta(minutes=1)  # a Last-Modified up to this far after the server's Date is accepted
LASTMOD_MARGIN = timedelta(hours=1)  # a site's clock behind ours must not hide an edit made after our visit
LASTMOD_TRUST = timedelta(days=7)  # every listing page is asked for at least weekly, whatever its sitemap says
_ETAG = re.compile(r'^(W/)?"[\x21\x23-\x7e\x80-\xff]*"$')


def header(response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1").strip() if value else None


def http_date(value: str | None) -> datetime | None:
    """An HTTP date (RFC 9110 section 5.6.7) as an aware UTC datetime, or None when unreadable."""
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def usable_etag(value: str | None) -> str | None:
    """The ETag when it is a well-formed entity tag, else None."""
    return value if value and len(value) <= 200 and _ETAG.match(value) else None


def is_weak(etag: str | None) -> bool:
    return bool(etag) and etag.startswith("W/")


def response_validators(response, now: datetime | None = None) -> tuple[str | None, str | None]:
    """(etag, last_modified) of a 200 response worth keeping for the next crawl (see the module)."""
    now = now or datetime.now(UTC)
    etag = usable_etag(header(response, "ETag"))
    modified = http_date(header(response, "Last-Modified"))
    served = http_date(header(response, "Date")) or now
    if modified is not None and modified > min(served, now) + CLOCK_SKEW:
        modified = None  # in the future: a server comparing with it would call later edits unchanged
    return etag, format_datetime(modified, usegmt=True) if modified else None


def request_headers(etag: str | None, last_modified: str | None, *, photo: bool = False) -> dict[str, str]:
    """The conditional headers for a page (or, with photo, a photo) kept with these validators."""
    if photo:
        return {"If-None-Match": etag} if etag and not is_weak(etag) else {}
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified and http_date(last_modified):
        headers["If-Modified-Since"] = last_modified
    return headers


def _opaque(etag: str) -> str:
    return etag[2:] if etag.startswith("W/") else etag


def believe_304(sent: dict[str, str], response) -> str | None:
    """None when a 304 confirms what we asked about; else why it is not believed."""
    if not sent:
        return "HTTP 304 Not Modified to a request that asked for no validation"
    etag = usable_etag(header(response, "ETag"))
    if etag and sent.get("If-None-Match") and _opaque(etag) != _opaque(sent["If-None-Match"]):
        return f"HTTP 304 naming another ETag ({etag[:60]}) than the one asked about"
    modified = http_date(header(response, "Last-Modified"))
    asked = http_date(sent.get("If-Modified-Since"))
    if modified and asked and modified > asked:
        return "HTTP 304 with a Last-Modified later than the one asked about"
    return None


def lastmod_moment(value: str | None) -> datetime | None:
    """The latest moment a sitemap lastmod (W3C datetime) can mean, in UTC; None when unreadable."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = datetime.fromisoformat(text).replace(tzinfo=UTC)
            return day + timedelta(days=1, hours=12)  # the day's end in the westernmost zone (UTC-12)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC) + timedelta(hours=12)
    return moment.astimezone(UTC)


def lastmod_spares(lastmod: str | None, verified_at: str | None, now: datetime | None = None) -> bool:
    """True when a sitemap's lastmod says the page has not changed since we last confirmed it."""
    now = now or datetime.now(UTC)
    moment = lastmod_moment(lastmod)
    try:
        verified = datetime.fromisoformat((verified_at or "").replace("Z", "+00:00"))
    except ValueError:
        return False
    if moment is None or verified.tzinfo is None:
        return False
    return moment <= now and moment <= verified - LASTMOD_MARGIN and verified >= now - LASTMOD_TRUST
