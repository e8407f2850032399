"""A listing's photo gallery as a person sees it once the page has loaded.

Sites lazy-load photos (`data-src`, `data-lazy`, `data-original`, `srcset`, a `<noscript>`
copy), keep the gallery in a script array, or link a thumbnail to the full photo. The real
address is taken, the largest `srcset` candidate, the largest of several size variants of
one photo (`s-l64.jpg` / `s-l1600.jpg`, `_105.jpg` / `_355.jpg`). Placeholders (spacers,
1x1 pixels, `data:` URIs, "loading" and "no image" pictures, an empty `src` that resolves
to the page itself) and page chrome (logos, icons, badges, images of related ads linking
elsewhere) are never photos.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

LAZY_ATTRIBUTES = ("data-zoom-image", "data-large", "data-full", "data-original", "data-lazy-src", "data-lazy",
                   "data-src", "data-img", "data-image")
_PLACEHOLDER_STEM = re.compile(r"^(s|spacer|blank|pixel|clear|trans|transparent|1x1|loading|loader|placeholder|lazy"
                               r"|lazyload|grey|gray|empty|dummy|pix|default|px)$", re.I)
_PLACEHOLDER_WORD = re.compile(r"placeholder|spacer|no[-_]?image|no[-_]?photo|noimg|loading|blank\.|1x1|pixel\.gif"
                               r"|transparent\.", re.I)
CHROME_WORDS = re.compile(r"logo|icon|sprite|badge|avatar|flag|banner|button|btn|emoji|rating|social|share|payment"
                     r"|arrow|captcha|qr[-_]?code|tracking|beacon|advert", re.I)
IMAGE_PATH = re.compile(r"\.(jpe?g|png|webp|avif|gif|bmp|heic)$", re.I)
_SIZE_TOKEN = re.compile(r"^(?P<stem>.*?[_\-$](?:[a-z]{1,2})?)(?P<size>\d{2,4})(?P<ext>\.[a-z0-9]{3,4})$", re.I)
_SIZE_PARAMS = {"w", "h", "width", "height", "size", "quality", "q", "fit", "resize", "auto", "format", "dpr", "crop"}
MAX_PHOTOS = 64


def is_placeholder(url: str | None, page_url: str = "") -> bool:
    """True for addresses that are never a photo of the listing (see the module's docstring)."""
    if not url or url.strip().lower().startswith(("data:", "javascript:", "about:", "blob:")):
        return True
    parts = urlsplit(url)
    if page_url and urlunsplit(parts._replace(fragment="")) == urlunsplit(urlsplit(page_url)._replace(fragment="")):
        return True
    name = parts.path.rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0]
    return (name.lower().endswith(".svg") or bool(_PLACEHOLDER_STEM.match(stem)) or bool(_PLACEHOLDER_WORD.search(name))
            or not parts.path.strip("/"))


def photo_key(url: str) -> tuple[str, int]:
    """(what identifies the photo whatever its size, the size named in the address or 0)."""
    parts = urlsplit(url)
    head, _, name = parts.path.rpartition("/")
    size = 0
    match = _SIZE_TOKEN.match(name)
    if match:
        name, size = f"{match['stem']}#{match['ext'].lower()}", int(match["size"])
    query = [(k, v) for k, v in parse_qsl(parts.query) if k.lower() not in _SIZE_PARAMS]
    for k, v in parse_qsl(parts.query):
        if k.lower() in ("w", "width") and v.isdigit():
            size = max(size, int(v))
    return f"{parts.netloc.lower()}{head}/{name}?{urlencode(query)}", size


def photo_folder(url: str) -> str:
    """Where a photo is kept: its host and the first folder of its path (a gallery's photos share it)."""
    parts = urlsplit(url)
    return f"{parts.netloc.lower()}/{parts.path.strip('/').split('/')[0].lower() if '/' in parts.path.strip('/') else ''}"


def is_chrome_address(url: str) -> bool:
    """True for an image address naming page furniture (a logo, an icon, a share picture)."""
    return bool(CHROME_WORDS.search(urlsplit(url).path.rsplit("/", 1)[-1]))


def largest_srcset(srcset: str | None) -> str | None:
    """The widest (or densest) candidate of a srcset attribute."""
    best, best_size = None, -1.0
    for candidate in (srcset or "").split(","):
        bits = candidate.strip().split()
        if not bits:
            continue
        size = 0.0
        if len(bits) > 1:
            match = re.match(r"^([\d.]+)[wx]$", bits[1])
            size = float(match[1]) if match else 0.0
        if size > best_size:
            best, best_size = bits[0], size
    return best


class Gallery:
    """Photo addresses in order, once per photo, keeping the largest size variant."""

    def __init__(self, page_url: str):
        self.page_url = page_url
        self.urls: list[str] = []
        self._index: dict[str, tuple[int, int]] = {}

    def add(self, raw: str | None) -> bool:
        if not raw or not isinstance(raw, str):
            return False
        url = urljoin(self.page_url, raw.strip())
        if not url.startswith(("http://", "https://")) or is_placeholder(url, self.page_url):
            return False
        key, size = photo_key(url)
        if key in self._index:
            position, known = self._index[key]
            if size > known:
                self.urls[position] = url
                self._index[key] = (position, size)
            return False
        if len(self.urls) >= MAX_PHOTOS:
            return False
        self._index[key] = (len(self.urls), size)
        self.urls.append(url)
        return True
