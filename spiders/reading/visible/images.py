"""Gallery candidates from the page's own <img> elements, as a person sees them once the page has loaded.

Lazy-loading attributes (`data-src`, `data-lazy`, `data-original`, `srcset`, a `<noscript>` copy)
give the real address; a thumbnail linking to the full photo gives the photo. Images of page
chrome (logos, icons, badges, anything in nav/header/footer/aside) and of other ads (a picture
linking to another page) are never the listing's.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from spiders.reading.photos import (
    CHROME_WORDS,
    IMAGE_PATH,
    LAZY_ATTRIBUTES,
    ORIGINAL,
    is_placeholder,
    photo_key,
    srcset_candidates,
)

_EXPLICIT = ("data-zoom-image", "data-large", "data-full")
_OTHERS = re.compile(r"(?:^|[\s_-])(?:comments?|reviews?|avatars?|related|similar|recommend\w*|sponsor\w*|more-from"
                     r"|other-(?:ads|items|listings)|also-viewed|testimonials?|user-?pic)(?:$|[\s_-])", re.I)


def _srcsets(img) -> list[str]:
    values = [img.get("data-srcset"), img.get("srcset")]
    for ancestor in list(img.iterancestors())[:3]:  # lxml may nest the img inside a <source> of its <picture>
        tag = ancestor.tag.lower() if isinstance(ancestor.tag, str) else ""
        if tag == "source":
            values.append(ancestor.get("srcset") or ancestor.get("data-srcset"))
        if tag == "picture":
            values += [s.get("srcset") or s.get("data-srcset") for s in ancestor.iter("source")]
            break
    return [v for v in values if v]


def _image_of(img) -> str | None:
    """The largest address one img element offers: an explicit zoom or full-size attribute, else the
    widest candidate of its srcsets (and its <picture>'s sources), lazy attributes and src, judged by
    srcset widths and sizes named in the addresses; with no size known, srcset, then lazy, then src."""
    for attribute in _EXPLICIT:
        value = img.get(attribute)
        if value and not is_placeholder(value):
            return value.strip()
    candidates: list[tuple[float, float, str]] = []
    for srcset in _srcsets(img):
        for url, width in srcset_candidates(srcset):
            named = photo_key(url)[1]
            if width >= 1000 and width % 1000 == 0 and named < ORIGINAL:  # a density: the address's size counts
                candidates.append((named, 2 + width / 1000, url))
            else:
                candidates.append((width if width else (0 if named >= ORIGINAL else named), 2, url))
    for attribute in [a for a in LAZY_ATTRIBUTES if a not in _EXPLICIT] + ["src"]:
        value = (img.get(attribute) or "").strip()
        if value:
            size = photo_key(value)[1]
            candidates.append((0 if size >= ORIGINAL else size, 1 if attribute != "src" else 0, value))
    candidates = [c for c in candidates if not is_placeholder(c[2])]
    if not candidates:
        return None
    return max(candidates, key=lambda c: (c[0], c[1]))[2]


def _is_chrome(img, page_url: str, base: str | None = None) -> bool:
    described = " ".join(filter(None, (img.get("src"), img.get("alt"), img.get("class"), img.get("id"))))
    if CHROME_WORDS.search(described):
        return True
    if any(name.startswith(("data-variant", "data-sku")) for name in img.attrib):
        return True  # the photo of another variant (another item) of a product
    for size in (img.get("width"), img.get("height")):
        if size and size.strip().isdigit() and int(size) < 40:
            return True
    for ancestor in img.iterancestors():
        tag = ancestor.tag.lower() if isinstance(ancestor.tag, str) else ""
        if tag in ("nav", "header", "footer", "aside"):
            return True
        if (ancestor.get("itemprop") or "").lower() in ("isrelatedto", "issimilarto"):
            return True
        if _OTHERS.search(" ".join(filter(None, (ancestor.get("class"), ancestor.get("id"))))):
            return True  # comments, reviews, avatars, related and sponsored ads
        if tag == "a" and ancestor.get("href"):
            href = urljoin(base or page_url, ancestor.get("href").strip())
            same = href.split("#")[0] == page_url.split("#")[0]
            if not same and not IMAGE_PATH.search(urlsplit(href).path) and href.startswith("http"):
                return True  # a thumbnail of another page (a related ad, a result card)
    return False


def page_images(doc, page_url: str, base: str | None = None) -> list[str]:
    """Gallery candidates from the page's img elements (noscript copies included), best address first."""
    found = []
    for img in doc.iter("img"):
        if _is_chrome(img, page_url, base):
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
