"""Gallery candidates from the page's own <img> elements, as a person sees them once the page has loaded.

Lazy-loading attributes (`data-src`, `data-lazy`, `data-original`, `srcset`, a `<noscript>` copy)
give the real address; a thumbnail linking to the full photo gives the photo. Images of page
chrome (logos, icons, badges, anything in nav/header/footer/aside) and of other ads (a picture
linking to another page) are never the listing's.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from spiders.reading.photos import CHROME_WORDS, IMAGE_PATH, LAZY_ATTRIBUTES, is_placeholder, largest_srcset


def _image_of(img) -> str | None:
    for attribute in LAZY_ATTRIBUTES:
        value = img.get(attribute)
        if value and not is_placeholder(value):
            return value.strip()
    for attribute in ("data-srcset", "srcset"):
        best = largest_srcset(img.get(attribute))
        if best and not is_placeholder(best):
            return best
    return img.get("src")


def _is_chrome(img, page_url: str) -> bool:
    described = " ".join(filter(None, (img.get("src"), img.get("alt"), img.get("class"), img.get("id"))))
    if CHROME_WORDS.search(described):
        return True
    for size in (img.get("width"), img.get("height")):
        if size and size.strip().isdigit() and int(size) < 40:
            return True
    for ancestor in img.iterancestors():
        tag = ancestor.tag.lower() if isinstance(ancestor.tag, str) else ""
        if tag in ("nav", "header", "footer", "aside"):
            return True
        if (ancestor.get("itemprop") or "").lower() in ("isrelatedto", "issimilarto"):
            return True
        if tag == "a" and ancestor.get("href"):
            href = urljoin(page_url, ancestor.get("href").strip())
            same = href.split("#")[0] == page_url.split("#")[0]
            if not same and not IMAGE_PATH.search(urlsplit(href).path) and href.startswith("http"):
                return True  # a thumbnail of another page (a related ad, a result card)
    return False


def page_images(doc, page_url: str) -> list[str]:
    """Gallery candidates from the page's img elements (noscript copies included), best address first."""
    found = []
    for img in doc.iter("img"):
        if _is_chrome(img, page_url):
            continue
        parent = img.getparent()
        if parent is not None and parent.tag == "a" and IMAGE_PATH.search(urlsplit(parent.get("href") or "").path):
            found.append(parent.get("href"))  # a thumbnail linking to the full photo: the photo, not the thumbnail
            continue
        url = _image_of(img)
        if url and (IMAGE_PATH.search(urlsplit(url).path) or img.get("itemprop") == "image"
                    or any(img.get(a) for a in LAZY_ATTRIBUTES + ("srcset", "data-srcset"))):
            found.append(url)
    for noscript in doc.iter("noscript"):  # lxml keeps noscript content as text
        for match in re.finditer(r"<img\b[^>]*\bsrc=[\"']([^\"']+)", noscript.text or "", re.I):
            if IMAGE_PATH.search(urlsplit(match[1]).path) and not CHROME_WORDS.search(match[0]):
                found.append(match[1])
    return found
