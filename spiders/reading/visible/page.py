"""What a careful reader takes from a page beyond its structured data: the headline, the asking
price, the place, the seller, the spec table, the body text, and whether the page shows one
listing at all (not a search page, a home page with cards, a login wall or an expired notice).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree

from spiders.reading.labels import IDENTIFIER_KINDS, field_for_label
from spiders.reading.price import shown_price
from spiders.reading.values import identifier_value, is_phone, phone_numbers
from spiders.reading.visible.decision import ad_signal, inside_cards, not_listing, price_words, result_cards
from spiders.reading.visible.lines import BLOCK, SKIP, is_hidden, render_lines, spec_pairs

_SUFFIX_SPLIT = re.compile(r"\s+(?:\||-|–|—|::|»)\s+")
_HEAD_PLACE = re.compile(r"(?:[£$€]\s?[\d,.]+|\d[\d,.]*\s?€)\s*\(([^()]{2,60})\)\s*$")
_PROFILE = re.compile(r"/(?:usr|user|users|profile|profiles|seller|sellers|member|members|dealer|dealers|haendler|"
                      r"verkaeufer|vendeur|vendor|u)/", re.I)
_GENERIC_LINK = re.compile(r"^(view|see|visit|contact|more|all|other|profile|save|follow|shop|store|seller|"
                           r"feedback|items|ads|listings)\b", re.I)
_NOT_NAMES = {"us", "me", "now", "today", "seller", "dealer", "owner", "support", "help", "info", "details", "form",
              "number", "the seller", "the dealer", "us today", "us now"}  # "Contact Us" names nobody
_NAME = re.compile(r"^[A-Z][\w'’.&-]{1,20}(?: [A-Z][\w'’.&-]{1,20}){0,4}$")
_SIGN_OFF = re.compile(r"^\s*[,.;:-]?\s*(?:(?:ask for|call|contact|text|thanks,?)\s+)?"
                       r"([A-Z][a-z'’-]{1,20}(?: [A-Z][a-z'’-]{1,20})?)\s*[.!]?\s*$")
_INLINE = ("span", "b", "strong", "em", "font", "small")
_PRICE_CLASS = re.compile(r"price|preis|prix|prijs|cena|precio|prezzo|pris", re.I)



def metas(doc, name: str) -> list[str]:
    """The contents of every <meta property|name=NAME> (any case), in page order."""
    found = []
    for node in doc.iter("meta"):
        key = (node.get("property") or node.get("Property") or node.get("name") or "").strip().lower()
        content = node.get("content") or node.get("Content")
        if key == name and content and content.strip():
            found.append(content.strip())
    return found


def meta(doc, *names: str) -> str | None:
    """The content of the first <meta property|name=...> among the names (any case)."""
    return next((found[0] for found in (metas(doc, name) for name in names) if found), None)


def _text(node) -> str:
    return " ".join(render_lines(node)).strip() if node is not None else ""


def _visible(node) -> str:
    return " ".join(render_lines(node, skip_hidden=True)).strip() if node is not None else ""


def _site_words(doc, url: str) -> set[str]:
    words = {w.lower() for w in re.split(r"[^\w]+", meta(doc, "og:site_name") or "") if len(w) > 2}
    host = (urlsplit(url).hostname or "").lower()
    words |= {part for part in host.split(".") if len(part) > 2 and part not in ("www", "com", "org", "net")}
    return words


def _strip_site(title: str, site: set[str]) -> str:
    parts = _SUFFIX_SPLIT.split(title)
    while len(parts) > 1 and (any(w in parts[-1].lower() for w in site) or parts[-1].lower().startswith("in ")):
        parts.pop()
    return " - ".join(p.strip() for p in parts).strip()


def headline(doc, url: str) -> str | None:
    """The listing's title as a reader sees it: the h1 when the page title repeats it, else og:title,
    the h1, then <title>, each without the site's name after a separator."""
    site = _site_words(doc, url)
    h1 = next((t for t in (_visible(h) for h in doc.iter("h1") if not is_hidden(h)) if t), "")
    og = _strip_site(meta(doc, "og:title", "twitter:title") or "", site)
    titles = [t.text_content() for t in doc.iter("title")]
    page_title = _strip_site(titles[0].strip(), site) if titles and titles[0] else ""
    if h1 and (h1 in og or h1 in page_title):
        return h1
    return og or h1 or page_title or next((t for t in (_visible(h) for h in doc.iter("h2")) if t), None) or None


def body_text(doc) -> str | None:
    """The largest block of running text on the page (the ad's body), as lines."""
    totals: dict[int, int] = {}
    own: dict[int, int] = {}
    nodes: dict[int, object] = {}
    for _, el in etree.iterwalk(doc, events=("end",)):
        if not isinstance(el.tag, str) or el.tag.lower() in SKIP:
            continue
        length = len((el.text or "").strip())
        children = 0
        for child in el:
            length += len((child.tail or "").strip())
            total = totals.get(id(child), 0)
            if isinstance(child.tag, str) and child.tag.lower() in BLOCK:
                children += total
            else:
                length += total
        totals[id(el)] = length + children
        if el.tag.lower() in ("div", "td", "section", "article", "main", "p", "body", "blockquote", "pre"):
            own[id(el)] = length
            nodes[id(el)] = el
    if not own:
        return None
    best = max(own, key=own.get)
    if own[best] < 40:
        return None
    return "\n".join(render_lines(nodes[best])) or None


def seller_from_text(doc, url: str, description: str | None, pairs: list[tuple[str, str]]) -> dict:
    """A seller shown outside structured data: a labelled name, a profile link, "Contact NAME",
    or the name signing off next to a phone number in the ad's text."""
    for label, value in pairs:
        first = value.split("\n")[0].strip()
        if field_for_label(label) == "seller" and re.search(r"[^\W\d]", first) and not is_phone(first) \
                and "@" not in first and len(first) <= 60:
            return {"name": first}
    for link in doc.iter("a"):
        href = link.get("href") or ""
        if any(isinstance(a.tag, str) and a.tag.lower() in ("nav", "header", "footer") for a in link.iterancestors()):
            continue
        text = _text(link)
        if _PROFILE.search(urlsplit(urljoin(url, href)).path) and text and len(text) <= 40 \
                and not _GENERIC_LINK.match(text):
            return {"name": text, "profile_url": urljoin(url, href)}
    for line in render_lines(doc, skip_chrome=True):
        match = re.match(r"^(?:contact|call|dealer|seller)\s+(.{2,60})$", line, re.I)
        if match and _NAME.match(match[1]) and match[1].casefold() not in _NOT_NAMES:
            return {"name": match[1]}
    for line in (description or "").split("\n"):
        for phone in phone_numbers(line):
            after = line[line.rfind(phone) + len(phone):]
            match = _SIGN_OFF.match(after)
            if match:
                return {"name": match[1], "phone": phone}
    return {}


def read_page(doc, url: str) -> dict:
    """Everything this module reads, as a partial listing record plus `_listing` (the decision)
    and `_price_seen` (a price was shown)."""
    pairs = spec_pairs(doc)
    record: dict = {"title": headline(doc, url)}
    fields: dict[str, str] = {}
    identifiers: list[dict] = []
    for label, value in pairs:
        field = field_for_label(label)
        if field in IDENTIFIER_KINDS:
            found = identifier_value(value.split("\n")[0])
            if found and all(i["value"] != found for i in identifiers):
                identifiers.append({"kind": field, "value": found})
        elif field and field not in fields:
            fields[field] = " ".join(value.split("\n")[:1]).strip()
    price, currency = shown_price(fields.get("price"))
    if price is not None or re.search(r"[1-9]", fields.get("price") or ""):
        price = fields["price"]  # the labelled value as written keeps its words ("ono", "+ VAT"); unmarked too
    heads = [record["title"]] + [_text(h) for h in doc.iter("h1", "h2")][:3] + [t.text_content() for t in doc.iter("title")]
    if price is None:
        for head in heads:
            price, currency = shown_price(head)
            if price is not None:
                break
    cards = result_cards(doc, url)
    inside = inside_cards(cards)
    if price is None:
        for el in doc.iter():
            if el in inside:
                continue  # the price of another ad's card
            if isinstance(el.tag, str) and _PRICE_CLASS.search(el.get("class") or el.get("id") or ""):
                price, currency = shown_price(_text(el))
                if price is not None:
                    break
    og_amount = meta(doc, "product:price:amount", "og:price:amount")
    if price is None and og_amount:
        price, currency = og_amount, meta(doc, "product:price:currency", "og:price:currency")
    location = fields.get("location")
    if not location:
        for head in heads:
            match = _HEAD_PLACE.search(head or "")
            if match:
                location = match[1].strip()
                break
    description = body_text(doc) or meta(doc, "og:description", "description")
    record.update({"price": price, "currency": currency, "location": location, "description": description,
                   "make": fields.get("make"), "model": fields.get("model"), "colour": fields.get("colour"),
                   "year": fields.get("year"), "identifiers": identifiers,
                   "seller": seller_from_text(doc, url, description, pairs)})
    record["_price_seen"] = price is not None
    words = price_words(doc, inside)
    record["_listing"] = bool(record["title"]) and (price is not None or words or ad_signal(fields, identifiers)) \
        and not_listing(doc, url, record["title"], cards=cards, own_price=price is not None or words) is None
    return {k: v for k, v in record.items() if v not in (None, "", [], {})}
