"""Parsing the free text people and websites put in fields: dates, years (prices: registry.prices)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%Y/%m/%d")


def parse_datetime(value) -> str | None:
    """Any common date or timestamp as UTC ISO 8601 text ('2026-11-20T10:00:00Z'); None if unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip()[:64]
        moment = None
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            for fmt in _DATE_FORMATS:
                try:
                    moment = datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
        if moment is None:
            try:
                from email.utils import parsedate_to_datetime

                moment = parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC).replace(microsecond=0)
    return moment.isoformat().replace("+00:00", "Z")


def parse_date(value) -> str | None:
    """A day as ISO 'YYYY-MM-DD'; None if unreadable."""
    moment = parse_datetime(value)
    return moment[:10] if moment else None


def parse_year(value) -> int | None:
    """A plausible model year, or raises ValueError naming the value."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}(\.0)?", text):
        raise ValueError(f'year "{text}" is not a year')
    year = int(float(text))
    if not 1880 <= year <= datetime.now(UTC).year + 1:
        raise ValueError(f'year "{text}" is not a year')
    return year


def clip(value, limit: int = 10_000) -> str | None:
    """Text trimmed and cut to a sane length; None for empty."""
    if value is None:
        return None
    text = str(value).replace("\x00", "").strip()
    return text[:limit] or None
