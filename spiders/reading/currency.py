"""The currency of a listing's price, from what the page says, or unknown.

Evidence, strongest first: ISO 4217 codes the page states (schema.org `priceCurrency`,
`product:price:currency`, a code in the price text such as "SEK 12 000"), the price's currency sign
("€", "R$", "£", "kr", "$"), then the site's stated locale (`og:locale`, `<html lang>`,
`Content-Language` with a region: "sv-SE", "de_DE") and its country domain (".se", ".co.uk").

- The codes and signs are intersected: "€" with `priceCurrency` "EUR" is EUR; "£" with "EUR" is a
  disagreement and the currency is left unknown (None).
- A sign several currencies share ("kr": SEK, NOK, DKK, ISK; "$": USD, CAD, AUD, ...) is settled by
  the locale and domain when they name exactly one of them; otherwise "kr" stays unknown, and "$",
  "£" and "¥" mean their usual currency (USD, GBP, JPY) unless the locale or domain names a currency
  they cannot be (a "£" price on a Swedish site is unknown).
- With no code and no sign, the locale and domain decide when they agree; else unknown.
- Nothing is ever assumed: no page evidence, no currency (never pounds by default for a foreign site).

Territory currencies come from Unicode CLDR through babel; signs from price-parser's table.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError
from babel.numbers import get_territory_currencies
from price_parser import Price

from registry.listings.prices import currency_codes

USUAL = {"$": "USD", "£": "GBP", "¥": "JPY", "US$": "USD"}
# country-code domains that sites use for their look, not their country
_VANITY = {"co", "io", "tv", "me", "ai", "ly", "fm", "am", "to", "cc", "ws", "gg"}
_DOMAIN_TERRITORY = {"uk": "GB", "eu": None}
_CODE = re.compile(r"\b[A-Z]{3}\b")


def territory_currency(territory: str | None) -> str | None:
    """The one tender currency of a territory ("SE" -> "SEK"), from CLDR; None when unknown."""
    if not territory:
        return None
    try:
        codes = get_territory_currencies(territory.upper(), tender=True)
    except Exception:  # babel raises for unknown territories
        return None
    return codes[0] if len(codes) == 1 else None


def locale_currency(locale: str | None) -> str | None:
    """The currency of a stated locale with a region ("de-DE", "sv_SE", "pt-BR"); None without one."""
    if not locale or not re.match(r"^[A-Za-z]{2,3}[-_][A-Za-z]{2}\b", locale.strip()):
        return None
    try:
        parsed = Locale.parse(locale.strip().replace("-", "_").split(".")[0].split(";")[0])
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    return territory_currency(parsed.territory)


def domain_currency(url: str) -> str | None:
    """The currency of a site's country domain (".se" -> "SEK", ".co.uk" -> "GBP"); None for generic
    domains (.com, .org), vanity ones (.io, .co, .tv) and addresses."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    label = host.rsplit(".", 1)[-1]
    if not re.fullmatch(r"[a-z]{2}", label) or label in _VANITY:
        return None
    territory = _DOMAIN_TERRITORY.get(label, label.upper())
    return territory_currency(territory)


def page_hints(doc, url: str) -> list[str]:
    """Currencies the site states through its locale (og:locale, html lang, Content-Language) and
    its country domain, in that order, each once."""
    locales = []
    for node in doc.iter("meta"):
        key = (node.get("property") or node.get("name") or node.get("http-equiv") or "").lower()
        if key in ("og:locale", "content-language", "language"):
            locales.append(node.get("content"))
    locales.append(doc.get("lang") or doc.get("xml:lang"))
    hints = [locale_currency(locale) for locale in locales] + [domain_currency(url)]
    return list(dict.fromkeys(h for h in hints if h))


def price_mark(text) -> str | None:
    """The currency mark written in a price text ("12 000 kr" -> "kr", "R$ 999" -> "R$"), or None."""
    if not isinstance(text, str) or not text.strip():
        return None
    mark = Price.fromstring(text).currency
    if mark is None:
        found = re.search(r"\b(kr|Kr|KR)\b\.?", text)
        mark = found[1].lower() if found else None
    if mark is None:
        found = _CODE.search(text)
        mark = found[0] if found and currency_codes(found[0]) else None
    return mark


def settle_currency(codes: list[str | None], marks: list[str | None], hints: list[str]) -> str | None:
    """The listing's currency from stated codes, price marks and site hints (rule in the module
    docstring); None when they disagree or say nothing."""
    candidates: set[str] | None = None
    usual: set[str] = set()
    for code in codes:
        if isinstance(code, str) and re.fullmatch(r"[A-Za-z]{3}", code.strip()):
            candidates = {code.strip().upper()} if candidates is None else candidates & {code.strip().upper()}
    for mark in marks:
        possible = currency_codes(mark)
        if not possible:
            continue  # an unknown mark says nothing
        if mark in USUAL:
            usual.add(USUAL[mark])
        candidates = possible if candidates is None else candidates & possible
    if candidates is None:
        return hints[0] if len(hints) == 1 else None
    if len(candidates) == 1:
        return next(iter(candidates))
    if not candidates:
        return None
    named = [h for h in hints if h in candidates]
    if len(set(named)) == 1:
        return named[0]
    if hints and not named:
        return None  # the site names a currency the sign cannot be
    usual &= candidates
    return next(iter(usual)) if len(usual) == 1 else None
