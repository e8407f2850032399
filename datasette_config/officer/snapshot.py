"""The rendered evidence snapshot with the photos saved beside it.

A saved seller page points at photos on the seller's site, which the sandboxed copy may not
fetch (its CSP allows `data:` images only). Here each `<img>` whose address is one of the
listing's saved photos gets that saved file, inline, and a strip of every saved photo (with its
SHA-256) is added at the end, so the copy shows what was captured. Nothing else is changed.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin

import lxml.html
from lxml import etree
from markupsafe import escape


def _data_uri(path: Path) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def render_with_photos(html: bytes, page_url: str, photos: list[dict], file_for: Callable[[dict], Path | None]) -> bytes:
    """The snapshot `html` with saved photos inlined. `photos` are listing_photos rows (`position`,
    `url`, `sha256`); `file_for(row)` gives the stored file to show (or None). Returns UTF-8 HTML;
    a page lxml cannot parse is returned unchanged with the strip appended."""
    files = {row["url"]: file_for(row) for row in photos if row.get("url")}
    strip = _strip(photos, file_for)
    try:
        document = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return html + strip.encode("utf-8")
    for img in document.iter("img"):
        source = img.get("src") or ""
        path = files.get(urljoin(page_url or "", source)) or files.get(source)
        if path is not None:
            img.set("src", _data_uri(path))
            img.set("data-farmwatch-saved", "1")
    body = document.find("body")
    target = body if body is not None else document
    target.append(lxml.html.fragment_fromstring(strip))
    return lxml.html.tostring(document, encoding="utf-8", doctype="<!DOCTYPE html>")


def _strip(photos: list[dict], file_for: Callable[[dict], Path | None]) -> str:
    cells = []
    for row in photos:
        path = file_for(row)
        caption = f"listing photo {row.get('position')}"
        if path is None:
            cells.append(f"<figure><figcaption>{escape(caption)}: not saved</figcaption></figure>")
            continue
        cells.append(f'<figure style="display:inline-block;margin:4px"><img src="{_data_uri(path)}" '
                     f'alt="{escape(caption)}" style="max-width:240px"><figcaption>{escape(caption)}<br>'
                     f'<code>SHA-256 {escape(row.get("sha256") or "")}</code></figcaption></figure>')
    if not cells:
        return '<div id="farmwatch-saved-photos"><p>No photos were saved with this listing.</p></div>'
    return ('<div id="farmwatch-saved-photos" style="border-top:3px solid #275d38;margin-top:1em;'
            'padding:0.5em;font-family:sans-serif"><h2>Photos saved by farmwatch with this snapshot</h2>'
            + "".join(cells) + "</div>")
