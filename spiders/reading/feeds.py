"""Reading RSS and Atom feeds (saved searches) and XML sitemaps into plain records.

Pure functions over bytes, tested on saved files. lxml's recovering parser is used
with entities and network access off, so a hostile feed cannot expand or fetch anything.
"""

from __future__ import annotations

from urllib.parse import urljoin

from lxml import etree

from spiders.reading.text import clean_text

MAX_ENTRIES = 5000
_PARSER = dict(recover=True, resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def _parse(data: bytes):
    try:
        root = etree.fromstring(data, etree.XMLParser(**_PARSER))
    except (etree.XMLSyntaxError, ValueError):
        return None
    return root


def _local(tag) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _children(node, name: str) -> list:
    return [child for child in node if _local(child.tag) == name]


def _text(node, *names: str) -> str | None:
    for name in names:
        for child in _children(node, name):
            text = "".join(child.itertext()).strip()
            if text:
                return text
    return None


def is_feed(data: bytes) -> bool:
    root = _parse(data[:200_000] if len(data) > 200_000 else data)
    return root is not None and _local(root.tag) in ("rss", "feed", "rdf")


def parse_feed(data: bytes, base_url: str) -> list[dict]:
    """Entries of an RSS 2.0, RSS 1.0 or Atom feed as partial listings: url, title, description,
    posted_at, price (when the feed carries one) and photo addresses."""
    root = _parse(data)
    if root is None:
        return []
    entries = [n for n in root.iter() if _local(n.tag) in ("item", "entry")][:MAX_ENTRIES]
    records = []
    for entry in entries:
        link = _text(entry, "link")
        if not link:
            for node in _children(entry, "link"):
                if node.get("rel", "alternate") == "alternate" and node.get("href"):
                    link = node.get("href")
                    break
        if not link:
            continue
        photos = []
        for node in entry.iter():
            name = _local(node.tag)
            if name in ("enclosure", "content", "thumbnail") and node.get("url"):
                if name != "enclosure" or (node.get("type") or "image/").startswith("image/"):
                    photos.append(urljoin(base_url, node.get("url")))
        record = {
            "url": urljoin(base_url, link.strip()),
            "title": clean_text(_text(entry, "title")),
            "description": clean_text(_text(entry, "description", "summary", "content"), keep_lines=True),
            "posted_at": _text(entry, "pubdate", "published", "updated", "date"),
            "price": _text(entry, "price"),
            "currency": _text(entry, "currency"),
            "location": clean_text(_text(entry, "location")),
            "photos": list(dict.fromkeys(photos)),
        }
        records.append({k: v for k, v in record.items() if v not in (None, "", [])})
    return records


def is_sitemap(data: bytes) -> bool:
    root = _parse(data[:200_000] if len(data) > 200_000 else data)
    return root is not None and _local(root.tag) in ("urlset", "sitemapindex")


def parse_sitemap(data: bytes, base_url: str) -> tuple[list[str], list[str]]:
    """(page addresses, nested sitemap addresses) of a sitemap or sitemap index."""
    root = _parse(data)
    if root is None:
        return [], []
    pages, nested = [], []
    for node in root:
        loc = _text(node, "loc")
        if not loc:
            continue
        (nested if _local(node.tag) == "sitemap" else pages).append(urljoin(base_url, loc))
    return pages[:50_000], nested[:1000]
